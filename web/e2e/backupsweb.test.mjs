// 备份管理 in Debian's chromium: the system administrator opens the page under
// 系统管理, sets a directory on the server (a fresh temporary one: the demo
// server runs on this machine), saves, presses 立即备份 and sees the run
// succeed with its archive; the archive is on disk. Run by e2e/run.sh.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, watchConsole } from './browser.mjs'
import { loginWithTotp } from './session.mjs'

let browser
const consoleErrors = []

before(async () => {
  browser = await launch({ width: 1440, height: 900 })
})

after(async () => {
  await browser?.close()
})

test('the system administrator sets the scheduled backup and backs up now', async () => {
  const page = await browser.context.newPage()
  // The login page asks GET /auth/me before logging in: a 401 the browser logs.
  watchConsole(page, consoleErrors, /status of 401/)
  await loginWithTotp(page, 'sysadmin')
  await page.waitForURL(base + '/admin/orgs')
  await page.locator('.el-aside .el-menu-item', { hasText: '备份管理' }).click()
  await page.waitForURL(base + '/admin/backups')
  await page.locator('[data-test=backup-runs]').waitFor()

  const dir = mkdtempSync(join(tmpdir(), 'zeren-e2e-backups-'))
  await page.locator('[data-test=backup-enabled]').click()
  await page.locator('[data-test=backup-dir]').fill(dir)
  await page.locator('[data-test=backup-save]').click()
  await page.locator('.el-message--success', { hasText: '设置已保存' }).waitFor()

  await page.locator('[data-test=backup-now]').click()
  const row = page.locator('[data-test=backup-runs] .el-table__row').first()
  await row.filter({ hasText: '成功' }).waitFor()
  assert.match(await row.textContent(), /zeren-backup-\d{8}-\d{6}\.\d{3}\.tar\.gz/)
  const files = readdirSync(dir).filter((f) => f.startsWith('zeren-backup-') && f.endsWith('.tar.gz'))
  assert.equal(files.length, 1)

  await page.locator('.el-message').first().waitFor({ state: 'hidden' })
  await page.waitForTimeout(400) // let transitions end before the screenshot
  await page.screenshot({ path: join(shots, 'admin-backups.png'), fullPage: true })
  assert.deepEqual(consoleErrors, [])
})
