// The dashboard, in Debian's chromium: a district admin sees the six pillars,
// clicks a figure and finds exactly that many records in the drawer; the
// heatmap cells do the same. Run by e2e/run.sh, which sets ZEREN_URL.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, watchConsole } from './browser.mjs'

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

const pillars = ['leadership', 'theory', 'civility', 'online', 'issues', 'team']

async function waitForFigures(page) {
  await page.waitForFunction(
    (codes) =>
      codes.every((c) => /^\d+$/.test(document.querySelector(`[data-test=pillar-${c}] [data-test=pillar-count]`)?.textContent?.trim() ?? '')) &&
      !document.querySelector('[data-test=dashboard] .el-loading-mask'),
    pillars,
  )
}

async function drawerTotal(page) {
  const drawer = page.locator('[data-test=records-drawer]')
  await drawer.locator('[data-test=records-table] .el-table__row').first().waitFor()
  await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-test=records-total]')?.textContent?.trim() ?? ''))
  return Number((await drawer.locator('[data-test=records-total]').textContent()).trim())
}

async function closeDrawer(page) {
  await page.keyboard.press('Escape')
  await page.locator('[data-test=records-drawer]').waitFor({ state: 'hidden' })
}

test('a district admin opens the dashboard and every figure lists its records', async () => {
  const page = await context.newPage()
  watchConsole(page, consoleErrors)

  await page.goto(base + '/login')
  await page.locator('input[data-test=username]').fill('xuequ')
  await page.locator('input[data-test=password]').fill('Zeren-Demo-2026')
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => u.pathname === '/dashboard')
  await waitForFigures(page)

  // Six pillar cards, each with a count and an attendance.
  for (const c of pillars) {
    const card = page.locator(`[data-test=pillar-${c}]`)
    assert.match((await card.locator('[data-test=pillar-count]').textContent()).trim(), /^\d+$/, `${c} count`)
    assert.match((await card.locator('[data-test=pillar-attendance]').textContent()).trim(), /^\d+$/, `${c} attendance`)
  }

  // The demo county has approved theory activities this year: the drawer lists exactly that many.
  const count = page.locator('[data-test=pillar-theory] [data-test=pillar-count]')
  const figure = Number((await count.textContent()).trim())
  assert.ok(figure > 0, 'the demo data has theory activities this year')
  await count.click()
  assert.equal(await drawerTotal(page), figure, 'the drawer total equals the clicked figure')
  await closeDrawer(page)

  // A heatmap cell: the first non-zero cell of the theory column.
  const cells = page.locator('[data-test=heatmap] a[data-test$=-theory]')
  const n = await cells.count()
  assert.ok(n > 0, 'the heatmap lists the child units')
  let checked = false
  for (let i = 0; i < n && !checked; i++) {
    const v = Number((await cells.nth(i).textContent()).trim())
    if (v > 0) {
      await cells.nth(i).click()
      assert.equal(await drawerTotal(page), v, 'the drawer total equals the heatmap cell')
      await closeDrawer(page)
      checked = true
    }
  }
  assert.ok(checked, 'a non-zero heatmap cell')

  await page.locator('[data-test=trend-chart] canvas').waitFor()
  // The layout scrolls inside el-main, so a full-page shot needs a tall viewport.
  await page.setViewportSize({ width: 1440, height: 1700 })
  await page.waitForTimeout(800) // let the chart animation end
  await page.screenshot({ path: join(shots, 'dashboard-zh.png'), fullPage: true })

  // English.
  await page.locator('.el-header [data-test=lang]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: 'English' }).click()
  await page.getByText('Monthly trend', { exact: false }).waitFor()
  await page.locator('.el-select-dropdown:visible').waitFor({ state: 'hidden' })
  await waitForFigures(page)
  await page.waitForTimeout(800)
  await page.screenshot({ path: join(shots, 'dashboard-en.png'), fullPage: true })

  await page.locator('.el-header [data-test=lang]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '简体中文' }).click()
  await page.close()
})

test('no console errors on the dashboard', () => {
  // The login page asks GET /auth/me before logging in: a 401 the browser logs.
  const unexpected = consoleErrors.filter((e) => !/\/login: Failed to load resource: the server responded with a status of 401/.test(e))
  assert.deepEqual(unexpected, [])
})
