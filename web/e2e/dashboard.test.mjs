// The dashboard, in Debian's chromium: a district admin sees the six pillars,
// clicks a figure and finds exactly that many records in the drawer; the
// heatmap cells (and its total row) do the same, by mouse and by keyboard;
// the heatmap exports as CSV; switching units quickly never shows the first
// unit's figures under the second's name. Run by e2e/run.sh, which sets ZEREN_URL.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
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
      codes.every((c) => /^[\d,]+$/.test(document.querySelector(`[data-test=pillar-${c}] [data-test=pillar-count]`)?.textContent?.trim() ?? '')) &&
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

// A figure as shown (with thousands separators) as a number.
const num = async (loc) => Number((await loc.textContent()).trim().replace(/,/g, ''))

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
    assert.match((await card.locator('[data-test=pillar-count]').textContent()).trim(), /^\d{1,3}(,\d{3})*$/, `${c} count`)
    assert.match((await card.locator('[data-test=pillar-attendance]').textContent()).trim(), /^\d{1,3}(,\d{3})*$/, `${c} attendance`)
  }

  // The demo county has approved theory activities this year: the drawer lists exactly that many.
  const count = page.locator('[data-test=pillar-theory] [data-test=pillar-count]')
  const figure = await num(count)
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
    const v = await num(cells.nth(i))
    if (v > 0) {
      await cells.nth(i).click()
      assert.equal(await drawerTotal(page), v, 'the drawer total equals the heatmap cell')
      await closeDrawer(page)
      checked = true
    }
  }
  assert.ok(checked, 'a non-zero heatmap cell')

  // The total row: each pillar summed over the rows, its records as many; by keyboard.
  const theoryCells = await page.locator('[data-test=heatmap] a[data-test^=cell-][data-test$=-theory]:not([data-test=cell-total-theory])').all()
  let sum = 0
  for (const c of theoryCells) sum += await num(c)
  const totalCell = page.locator('[data-test=cell-total-theory]')
  assert.equal(await num(totalCell), sum, 'the total row sums the theory column')
  assert.equal(sum, figure, 'the heatmap rows add up to the card')
  await totalCell.focus()
  await page.keyboard.press('Enter')
  assert.equal(await drawerTotal(page), sum, 'Enter on the total cell lists its records')
  await closeDrawer(page)

  // The export: CSV with a byte order mark, a line per row and the total.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=heatmap-export]').click()])
  assert.match(download.suggestedFilename(), /\.csv$/)
  const csv = await readFile(await download.path(), 'utf8')
  assert.equal(csv.charCodeAt(0), 0xfeff, 'the CSV starts with a BOM')
  const lines = csv.slice(1).trim().split('\r\n')
  assert.equal(lines.length, theoryCells.length + 2, 'a header, a line per row, the total')
  assert.match(lines.at(-1), /^合计,/)

  // Breadcrumbs: the unit's path from the admin's own unit.
  assert.ok((await page.locator('[data-test=dashboard-unit]').textContent()).length > 0)
  await page.locator('[data-test=trend-chart] svg').waitFor()
  // The layout scrolls inside el-main, so a full-page shot needs a tall viewport.
  await page.setViewportSize({ width: 1440, height: 1700 })
  await page.screenshot({ path: join(shots, 'dashboard-zh.png'), fullPage: true })

  // English.
  await page.locator('.el-header [data-test=lang]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: 'English' }).click()
  await page.getByText('Monthly trend', { exact: false }).waitFor()
  await page.locator('.el-select-dropdown:visible').waitFor({ state: 'hidden' })
  await waitForFigures(page)
  await page.screenshot({ path: join(shots, 'dashboard-en.png'), fullPage: true })

  await page.locator('.el-header [data-test=lang]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '简体中文' }).click()
  await page.close()
})

test('switching units quickly never shows the first unit\'s figures under the second\'s name', async () => {
  const page = await context.newPage()
  watchConsole(page, consoleErrors)
  await page.goto(base + '/dashboard')
  await waitForFigures(page)
  const own = page.url()
  // Two child units of the heatmap, each with its own figure from the API.
  const ids = (await page.locator('[data-test=heatmap] a[data-test$=-sum]').evaluateAll((as) => as.map((a) => a.dataset.test.split('-')[1]))).slice(0, 2)
  assert.equal(ids.length, 2, 'the district has two children')
  const period = new URL(own).searchParams.get('period')
  const figures = []
  for (const id of ids) {
    const r = await page.evaluate(async (u) => (await fetch(u)).json(), `/api/v1/dashboard?org_id=${id}&period=${period}`)
    figures.push({ id, name: r.path.at(-1).name, theory: r.pillars.find((p) => p.pillar === 'theory').count })
  }
  // The first unit's answer is held back until the second's has shown.
  let release
  const held = new Promise((r) => (release = r))
  await page.route(`**/api/v1/dashboard?org_id=${ids[0]}&*`, async (route) => {
    await held
    // The page may have aborted the older request meanwhile (it does:
    // latest answer only); then there is nothing left to continue.
    await route.continue().catch(() => {})
  })
  // Back/forward to a URL: the app's router follows it, as the back button does.
  const go = (id) =>
    page.evaluate((id) => {
      const q = new URLSearchParams(location.search)
      q.set('org_id', id)
      window.history.pushState(window.history.state, '', `?${q}`)
      window.dispatchEvent(new PopStateEvent('popstate', { state: window.history.state }))
    }, id)
  // The older request ends one way or the other: answered late, or aborted by
  // the page when the newer one started.
  const isHeld = (r) => r.url().includes(`/api/v1/dashboard?org_id=${ids[0]}&`)
  const heldAnswer = new Promise((resolve) => {
    page.on('response', (r) => isHeld(r) && resolve())
    page.on('requestfailed', (r) => isHeld(r) && resolve())
  })
  await go(ids[0])
  await go(ids[1])
  await page.waitForFunction((name) => document.querySelector('[data-test=dashboard-unit]')?.textContent?.includes(name), figures[1].name)
  release()
  await heldAnswer
  // Two frames after the older answer arrived: had it been shown, it would be now.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
  assert.match(await page.locator('[data-test=dashboard-unit]').textContent(), new RegExp(figures[1].name))
  assert.equal(await num(page.locator('[data-test=pillar-theory] [data-test=pillar-count]')), figures[1].theory)
  await page.close()
})

test('no console errors on the dashboard', () => {
  // The login page asks GET /auth/me before logging in: a 401 the browser logs.
  const unexpected = consoleErrors.filter((e) => !/\/login: Failed to load resource: the server responded with a status of 401/.test(e))
  assert.deepEqual(unexpected, [])
})
