// Public-concern pages in Debian's chromium, on the demo county: the office
// admin (bangongshi) writes a watch rule after testing it, records what was
// seen by hand (with a screenshot), and sees the source health; the monitor
// (jianduyuan) finds the story in the stream, opens it and the summary.
// Each run uses its own words (a suffix), so a retry never meets old data.
// Run by e2e/run.sh, which sets ZEREN_URL.
import assert from 'node:assert/strict'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, watchConsole } from './browser.mjs'
import { login, loginWithTotp } from './session.mjs'

let browser
const errors = []
const suffix = String(Date.now()).slice(-6)
const word = `演练${suffix}`

before(async () => {
  browser = await launch({ width: 1440, height: 900 })
})

after(async () => {
  await browser?.close()
  assert.deepEqual(errors, [])
})

// A 1×1 PNG.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

test('the office records a concern by hand and writes a rule after testing it', async () => {
  const page = await browser.context.newPage()
  watchConsole(page, errors, /status of 401/)
  await loginWithTotp(page, 'bangongshi')

  await page.goto(base + '/concern/sources')
  await page.locator('[data-test=manual-card]').waitFor()
  await page.locator('[data-test=manual-title]').fill(`家长群截图：食堂${word}`)
  await page.locator('[data-test=manual-text]').fill(`家长群里有人说食堂饭菜质量差，${word}`)
  const dir = mkdtempSync(join(tmpdir(), 'zeren-concern-'))
  writeFileSync(join(dir, '截图.png'), png)
  await page.locator('[data-test=manual-shot]').setInputFiles(join(dir, '截图.png'))
  await page.locator('[data-test=manual-submit]').click()
  await page.waitForURL((u) => /^\/concern\/stories\/\d+$/.test(u.pathname))
  await page.locator('[data-test=story-heading]', { hasText: word }).waitFor()
  await page.locator('[data-test=story-items] a', { hasText: '截图' }).waitFor()

  await page.goto(base + '/concern/rules')
  await page.locator('[data-test=add-rule]').click()
  await page.locator('[data-test=rule-name]').fill(`食堂${word}`)
  await page.locator('[data-test=rule-expr]').fill(`食堂 AND (质量 OR 卫生) AND ${word}`)
  await page.locator('[data-test=rule-topic]').fill('食品安全')
  await page.locator('[data-test=rule-test]').click()
  await page.locator('[data-test=rule-tested]', { hasText: '命中 1 条' }).waitFor()
  await page.screenshot({ path: join(shots, 'concern-rule-office.png') })
  await page.locator('[data-test=rule-save]').click()
  await page.locator('[data-test=rules] .el-table__row', { hasText: `食堂${word}` }).waitFor()

  await page.goto(base + '/concern/sources')
  await page.locator('[data-test=sources] .el-table__row', { hasText: '人工报送' }).waitFor()
  await page.screenshot({ path: join(shots, 'concern-sources-office.png') })
  await page.close()
})

test('the monitor finds the story in the stream, opens it and the summary', async () => {
  const context = browser.context
  await context.clearCookies()
  const page = await context.newPage()
  watchConsole(page, errors, /status of 401/)
  await page.goto(base + '/login')
  await login(page, 'jianduyuan')
  await page.waitForURL((u) => u.pathname !== '/login')
  await page.goto(base + '/concern/stream')
  await page.locator('[data-test=filter-severity]').click()
  await page.locator('.el-select-dropdown__item', { hasText: '全部级别' }).click()
  const row = page.locator('[data-test=stories] .el-table__row', { hasText: word })
  await row.waitFor()
  await page.screenshot({ path: join(shots, 'concern-stream-monitor.png') })
  await row.locator('[data-test=story-title]').click()
  await page.waitForURL((u) => /^\/concern\/stories\/\d+$/.test(u.pathname))
  await page.locator('[data-test=story-heading]', { hasText: word }).waitFor()
  assert.equal((await page.locator('[data-test=story-count]').textContent()).trim(), '1')
  await page.locator('[data-test=open-case]').waitFor()
  await page.screenshot({ path: join(shots, 'concern-story-monitor.png') })

  await page.goto(base + '/concern/summary')
  await page.locator('[data-test=summary-total]').waitFor()
  await page.locator('[data-test=summary-topics] .el-table__row').first().waitFor()
  await page.screenshot({ path: join(shots, 'concern-summary-monitor.png') })
  await page.close()
})
