// The duty page (责任清单), in Debian's chromium: a school admin sees its
// school's duties of the demo plan and follows a window to the ledger records
// it counted; the office admin sees the year's plan and the units worst
// first. Run by e2e/run.sh, which sets ZEREN_URL.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, watchConsole } from './browser.mjs'
import { login, loginWithTotp } from './session.mjs'

let browser
let context
const consoleErrors = []

before(async () => {
  browser = await launch({ width: 1440, height: 900 })
  context = browser.context
})

after(async () => {
  await browser?.close()
})

async function settled(page, sel) {
  await page.waitForFunction((s) => !document.querySelector(`[data-test=${s}] .el-loading-mask:not([style*="display: none"])`), sel)
}

test('a school admin sees its duties and follows a window to its records', async () => {
  const page = await context.newPage()
  watchConsole(page, consoleErrors, /status of 401/)
  await page.goto(base + '/login')
  await login(page, 'xiaoxuexiao')
  await page.waitForURL((u) => u.pathname !== '/login')

  await page.locator('.el-menu-item', { hasText: '责任清单' }).click()
  await page.waitForURL((u) => u.pathname === '/duty')
  await page.locator('[data-test=duty-unit-page]').waitFor()
  await settled(page, 'duty-unit-page')
  const items = page.locator('[data-test=duty-item]')
  await items.first().waitFor()
  assert.ok((await items.count()) >= 3, 'the school has the plan duties that apply to schools')
  await page.screenshot({ path: join(shots, 'duty-unit.png'), fullPage: true })

  // A window of a measured duty links to the ledger filtered to its records.
  const link = page.locator('[data-test=duty-item] a.window').first()
  const text = (await link.textContent()).trim()
  const [got] = text.split(' ').pop().split('/').map(Number)
  await link.click()
  await page.waitForURL((u) => u.pathname === '/ledger')
  const q = new URL(page.url()).searchParams
  assert.ok(q.get('org_id') && q.get('from') && q.get('to') && q.getAll('status').includes('approved'), `ledger filter ${page.url()}`)
  if (got > 0) {
    await page.locator('.el-table__body-wrapper .el-table__row').first().waitFor()
  }
  assert.deepEqual(consoleErrors, [], 'no console errors')
  await page.close()
})

test('the office admin sees the plan and the units worst first', async () => {
  const page = await context.newPage()
  const errors = []
  watchConsole(page, errors, /status of 401/)
  await loginWithTotp(page, 'bangongshi')
  await page.goto(base + '/duty?tab=plan')
  await page.locator('[data-test=duty-plan]').waitFor()
  await settled(page, 'duty-plan')
  const rows = page.locator('[data-test=duty-plan] .el-table__body-wrapper .el-table__row')
  await rows.first().waitFor()
  assert.equal(await rows.count(), 15, 'the demo plan has 15 duties')
  assert.ok(await page.locator('[data-test=duty-copy]').isVisible(), 'the office may copy last year\'s plan')
  await page.screenshot({ path: join(shots, 'duty-plan.png'), fullPage: true })

  await page.locator('.el-tabs__item', { hasText: '分片包抓' }).click()
  await page.locator('[data-test=duty-leader-page]').waitFor()
  await settled(page, 'duty-leader-page')
  await page.locator('[data-test=duty-leader-page] .el-table__row').first().waitFor()
  assert.deepEqual(errors, [], 'no console errors')
  await page.close()
})
