// Rectification and assessment in Debian's chromium, on the demo county: the
// school admin (xiaoxuexiao) writes progress on its open item, uploads a
// photo and submits it; the district admin (xuequ) finds it in 待我审核 and
// signs it off; the office admin (bangongshi) opens the year's scores, opens
// an item's records and adjusts a score with a reason; on the phone the
// school sees its items. Run by e2e/run.sh, which sets ZEREN_URL.
import assert from 'node:assert/strict'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, phone, watchConsole } from './browser.mjs'
import { login, loginWithTotp } from './session.mjs'

let browser
let phoneBrowser
const errors = []

before(async () => {
  browser = await launch({ width: 1440, height: 900 })
  phoneBrowser = await launch(phone)
})

after(async () => {
  await browser?.close()
  await phoneBrowser?.close()
})

async function settle(page) {
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask:not([style*="display: none"])'), null, { timeout: 30000 })
}

// A 1×1 PNG.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

test('the school works on its item and the district signs it off', async () => {
  const context = browser.context
  await context.clearCookies()
  const page = await context.newPage()
  watchConsole(page, errors, /status of 401/)
  await page.goto(base + '/login')
  await login(page, 'xiaoxuexiao')
  await page.waitForURL((u) => u.pathname === '/dashboard')
  await page.locator('.el-menu-item', { hasText: '整改台账' }).click()
  await page.waitForURL((u) => u.pathname === '/rectifications')
  await settle(page)
  const row = page.locator('[data-test=rect-table] .el-table__row', { hasText: '整改中' }).first()
  await row.waitFor()
  const finding = (await row.locator('td').first().textContent()).trim()
  await row.click()
  const drawer = page.locator('[data-test=rect-drawer]')
  await drawer.locator('[data-test=rect-timeline]').waitFor()
  await drawer.locator('[data-test=rect-note]').fill('已组织专题学习并补齐记录')
  await drawer.locator('[data-test=rect-add-note]').click()
  await drawer.locator('[data-test=rect-timeline]', { hasText: '已组织专题学习并补齐记录' }).waitFor()
  const dir = mkdtempSync(join(tmpdir(), 'zeren-rect-'))
  writeFileSync(join(dir, '整改照片.png'), png)
  await drawer.locator('[data-test=rect-upload]').setInputFiles(join(dir, '整改照片.png'))
  await drawer.locator('a', { hasText: '整改照片.png' }).waitFor()
  await drawer.locator('[data-test=rect-submit]').click()
  await page.locator('[data-test=rect-table] .el-table__row', { hasText: finding }).filter({ hasText: '待销号' }).waitFor()
  await page.screenshot({ path: join(shots, 'rectify-school.png') })

  await context.clearCookies()
  await page.goto(base + '/login')
  await login(page, 'xuequ')
  await page.waitForURL((u) => u.pathname === '/dashboard')
  await page.goto(base + '/rectifications?to_review=true')
  await settle(page)
  const waiting = page.locator('[data-test=rect-table] .el-table__row', { hasText: finding })
  await waiting.waitFor()
  await waiting.click()
  await page.locator('[data-test=rect-close]').click()
  await page.locator('[data-test=rect-drawer] [data-test=rect-timeline]', { hasText: '同意销号' }).waitFor()
  await page.screenshot({ path: join(shots, 'rectify-district.png') })
  await page.close()
})

test('the office reads the scores, opens the records behind one, adjusts one', async () => {
  const page = await browser.context.newPage()
  watchConsole(page, errors, /status of 401/)
  await loginWithTotp(page, 'bangongshi')
  await page.goto(base + '/assessment')
  await settle(page)
  const rows = page.locator('[data-test=assess-table] > .el-table__inner-wrapper > .el-table__body-wrapper .el-table__row')
  await rows.first().waitFor()
  assert.ok((await rows.count()) > 5, 'the demo rubric scores the schools')
  const body = await page.locator('body').innerText()
  assert.ok(!/records_timely|approved_share/.test(body), 'no indicator codes on the zh-CN page')
  // Open the first unit's items, then the records of its first item.
  await rows.first().locator('.el-table__expand-icon').click()
  const link = page.locator('[data-test=assess-table] a', { hasText: '查看记录' }).first()
  await link.waitFor()
  await page.screenshot({ path: join(shots, 'assessment-office.png') })
  // Adjust the first unit with a reason.
  await rows.first().locator('[data-test=assess-adjust]').click()
  await page.locator('.el-dialog .el-input-number input').fill('2')
  await page.locator('[data-test=assess-reason]').fill('获市级先进集体表彰')
  await page.locator('[data-test=assess-adjust-save]').click()
  await page.locator('[data-test=assess-table]', { hasText: '获市级先进集体表彰' }).waitFor({ state: 'attached' })
  await link.click()
  await page.waitForURL((u) => u.pathname === '/ledger' || u.pathname === '/rectifications')
  await page.close()
})

test('the phone lists the school rectifications', async () => {
  const page = await phoneBrowser.context.newPage()
  watchConsole(page, errors, /status of 401/)
  await page.goto(base + '/m/')
  await page.waitForURL((u) => u.pathname === '/m/login')
  await page.locator('[data-test=username] input').fill('xiaoxuexiao')
  await page.locator('[data-test=password] input').fill('Zeren-Demo-2026')
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => u.pathname === '/m/log')
  await page.goto(base + '/m/me')
  await page.locator('[data-test=me-rect]').click()
  await page.waitForURL((u) => u.pathname === '/m/rectify')
  await page.locator('[data-test=m-rectify]').waitFor()
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path: join(shots, 'phone-rectify.png') })
  assert.deepEqual(errors, [], 'no console errors')
})
