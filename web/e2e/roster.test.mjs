// The rosters page, in Debian's chromium: a school admin (xiaoxuexiao) sees
// the demo county's teams of its school, opens one, adds a member and finds
// the phone masked in the list; a figure's link (?kind=) filters the table.
// Run by e2e/run.sh, which sets ZEREN_URL.
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

async function rows(page, table) {
  await page.waitForFunction((t) => !document.querySelector(`[data-test=${t}] .el-loading-mask:not([style*="display: none"])`), table)
  return page.locator(`[data-test=${table}] .el-table__body-wrapper .el-table__row`)
}

test('a school admin sees the demo teams and adds a member', async () => {
  const page = await context.newPage()
  watchConsole(page, consoleErrors)

  await page.goto(base + '/login')
  await page.locator('input[data-test=username]').fill('xiaoxuexiao')
  await page.locator('input[data-test=password]').fill('Zeren-Demo-2026')
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => u.pathname === '/dashboard')

  // The menu leads to the rosters page.
  await page.locator('.el-menu-item', { hasText: '队伍名册' }).click()
  await page.waitForURL((u) => u.pathname === '/rosters')
  const teams = await rows(page, 'rosters-table')
  await teams.first().waitFor()
  assert.ok((await teams.count()) > 0, 'the school has demo teams')
  const outreach = teams.filter({ hasText: '宣讲队伍' }).first()
  await outreach.waitFor()
  const before = Number((await outreach.locator('td').nth(3).textContent()).trim())
  assert.ok(before > 0, 'the demo outreach team has members')

  // Open the team and add a member.
  await outreach.locator('.el-link').click()
  const drawer = page.locator('[data-test=team-drawer]')
  await drawer.waitFor()
  const members = await rows(page, 'members-table')
  await members.first().waitFor()
  assert.equal(await members.count(), before, 'the drawer lists as many members as the table counts')
  await drawer.locator('[data-test=members-add]').click()
  const name = `测试队员${Date.now() % 100000}`
  await page.locator('input[data-test=member-form-name]').fill(name)
  await page.locator('input[data-test=member-form-phone]').fill('139-0000-1234')
  await page.locator('[data-test=member-form-save]').click()
  const added = drawer.locator('.el-table__row', { hasText: name })
  await added.waitFor()
  assert.ok((await added.textContent()).includes('139****1234'), 'the list masks the phone')
  assert.ok(!(await added.textContent()).includes('13900001234'), 'the full phone is not in the list')
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(shots, 'rosters-team.png') })

  // Import the template as downloaded: its example row becomes a member; the
  // same file again is refused whole, the dialog naming row 2.
  const tpl = await page.request.get(base + '/api/v1/teams/import-template')
  assert.equal(tpl.status(), 200, 'the template downloads')
  const file = { name: '成员名单.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await tpl.body() }
  await drawer.locator('[data-test=members-import]').click()
  const dialog = page.locator('[data-test=import-dialog]')
  await dialog.waitFor()
  await dialog.locator('input[data-test=import-file]').setInputFiles(file)
  await dialog.locator('[data-test=import-run]').click()
  await dialog.locator('[data-test=import-ok]').waitFor()
  assert.match(await dialog.locator('[data-test=import-ok]').textContent(), /已导入 1 人/)
  await drawer.locator('.el-table__row', { hasText: '王晓明' }).waitFor()
  await dialog.locator('input[data-test=import-file]').setInputFiles(file)
  await dialog.locator('[data-test=import-run]').click()
  const problems = dialog.locator('[data-test=import-problems]')
  await problems.waitFor()
  const row = problems.locator('.el-table__row').first()
  assert.equal((await row.locator('td').nth(0).textContent()).trim(), '2', 'the problem is on row 2')
  assert.match(await row.textContent(), /已是本队成员/)
  await page.screenshot({ path: join(shots, 'rosters-import.png') })
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  await page.keyboard.press('Escape')
  await drawer.waitFor({ state: 'hidden' })
  await page.waitForFunction(
    ([n]) => [...document.querySelectorAll('[data-test=rosters-table] .el-table__row')].some((r) => r.textContent.includes('宣讲队伍') && r.querySelectorAll('td')[3]?.textContent.trim() === String(n)),
    [before + 2],
  )

  // A report figure's link: only the monitor teams (none at a school) — the empty state says so.
  await page.goto(base + '/rosters?kind=outreach')
  const filtered = await rows(page, 'rosters-table')
  await filtered.first().waitFor()
  for (const text of await filtered.allTextContents()) assert.ok(text.includes('宣讲队伍'), `only outreach teams: ${text}`)
  assert.ok(await page.locator('[data-test=rosters-template]').isVisible(), 'the import template is offered')
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.screenshot({ path: join(shots, 'rosters.png'), fullPage: true })

  // A figure of a past day: no team stood then, and the page says it counts that day.
  await page.goto(base + '/rosters?kind=outreach&at=2024-01-01')
  await page.locator('[data-test=rosters-figure]').waitFor()
  await page.locator('[data-test=rosters-table] .el-empty').waitFor()
  await page.locator('[data-test=rosters-figure] .el-link').click()
  await page.waitForURL((u) => !u.search.includes('at='))
  await (await rows(page, 'rosters-table')).first().waitFor()

  const missing = await page.evaluate(() => window.__zerenMissingKeys ?? [])
  assert.deepEqual(missing, [], 'every message has its key')
  await page.close()
})

test('no console errors on the rosters page', () => {
  // The login page's GET /auth/me before logging in (401), and the import
  // refused on purpose (400), are the browser's own log lines.
  const expected = [/\/login: Failed to load resource: the server responded with a status of 401/, /\/rosters: Failed to load resource: the server responded with a status of 400/]
  const unexpected = consoleErrors.filter((e) => !expected.some((re) => re.test(e)))
  assert.ok(consoleErrors.filter((e) => expected[1].test(e)).length <= 1, 'one refused import, no other 400')
  assert.deepEqual(unexpected, [])
})
