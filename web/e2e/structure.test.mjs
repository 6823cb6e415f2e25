// The web app's footing: each page names itself in the browser tab (zh-CN and
// en), the side menu works from the keyboard, and a dialog takes the focus
// and gives it back. Run by e2e/run.sh (ZEREN_URL).
import assert from 'node:assert/strict'
import { test, after, before } from 'node:test'
import { base, launch, watchConsole } from './browser.mjs'
import { login } from './session.mjs'

let browser
const consoleErrors = []

before(async () => {
  browser = await launch({ width: 1366, height: 800 })
})

after(async () => {
  await browser?.close()
})

const focusedInside = (page, selector) => page.evaluate((s) => !!document.activeElement?.closest(s), selector)

test('titles, keyboard menu and dialog focus', async () => {
  const page = watchConsole(await browser.context.newPage(), consoleErrors, /status of 401/)
  await page.goto(base + '/login')
  await page.waitForFunction(() => document.title === '登录 - 意识形态工作责任制')
  await login(page, 'xuequ')
  await page.waitForURL((u) => u.pathname === '/dashboard')
  await page.waitForFunction(() => document.title === '工作看板 - 意识形态工作责任制')

  // The menu from the keyboard: every entry is in the tab order, Enter opens it.
  const ledger = page.locator('.el-aside .el-menu-item', { hasText: '工作台账' })
  assert.equal(await ledger.getAttribute('tabindex'), '0', 'the menu entry is reachable by Tab')
  await ledger.focus()
  await page.keyboard.press('Enter')
  await page.waitForURL((u) => u.pathname === '/ledger')
  await page.waitForFunction(() => document.title === '工作台账 - 意识形态工作责任制')

  // A dialog takes the focus, keeps Tab inside, and gives it back on Escape.
  const open = page.locator('[data-test=ledger-new]')
  await open.focus()
  await page.keyboard.press('Enter')
  const dialog = page.locator('.el-dialog:visible')
  await dialog.waitFor()
  await page.waitForFunction(() => !!document.activeElement?.closest('.el-dialog'))
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab')
    assert.ok(await focusedInside(page, '.el-overlay-dialog'), `Tab ${i + 1} stays in the dialog`)
  }
  // Escape from a plain field (in a select or date picker it closes that first).
  await dialog.locator('input[data-test=form-title]').focus()
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-test') === 'ledger-new')

  // The title follows the language.
  await page.locator('.el-header [data-test=lang]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: 'English' }).click()
  await page.waitForFunction(() => document.title === 'Ledger - Ideological Work Responsibility')
  await page.locator('.el-header [data-test=lang]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '简体中文' }).click()
  await page.waitForFunction(() => document.title === '工作台账 - 意识形态工作责任制')
  await page.close()
})

test('no console errors', () => {
  assert.deepEqual(consoleErrors, [])
})
