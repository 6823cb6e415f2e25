// Scope in the browser: a school's branch secretary cannot reach another
// school's records, neither through the menus nor by editing the URL. Run by
// e2e/run.sh, which sets ZEREN_URL.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, watchConsole } from './browser.mjs'
import { login } from './session.mjs'

let district // xuequ, the district admin of D01: finds the other school's ids
let school // xiaoxuexiao, the branch secretary of D01-S01
const consoleErrors = []

before(async () => {
  district = await launch({ width: 1440, height: 900 })
  school = await launch({ width: 1440, height: 900 })
})

after(async () => {
  await district?.close()
  await school?.close()
})

// apiGet fetches an API path inside the page, with the page's session, and
// answers the status and the parsed body.
async function apiGet(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { headers: { Accept: 'application/json' } })
    let body = null
    try {
      body = await r.json()
    } catch {
      body = null
    }
    return { status: r.status, body }
  }, path)
}

async function loggedIn(browser, username) {
  const page = await browser.context.newPage()
  // The API's 401 before login and 404 for foreign ids are the answers this test expects.
  watchConsole(page, consoleErrors, /status of (401|404)/)
  await page.goto(base + '/login')
  await login(page, username)
  await page.waitForURL((u) => u.pathname === '/dashboard')
  return page
}

test('a branch secretary cannot reach another school by menu or URL', async () => {
  // The other school, D01-S02, and one of its records, as its district admin sees them.
  const admin = await loggedIn(district, 'xuequ')
  const orgs = await apiGet(admin, '/api/v1/orgs?q=D01-S02&kind=school')
  assert.equal(orgs.status, 200)
  const other = orgs.body.items.find((o) => o.code === 'D01-S02')
  assert.ok(other, 'the district admin sees D01-S02')
  const list = await apiGet(admin, `/api/v1/activities?org_id=${other.id}&limit=1`)
  assert.equal(list.status, 200)
  const record = list.body.items[0]
  assert.ok(record, 'D01-S02 has records in the demo')

  const page = await loggedIn(school, 'xiaoxuexiao')
  // The unit picker offers the secretary's own school only (and its branches), never D01-S02.
  // (after the dashboard has loaded its units and figures)
  await page.waitForFunction(() => /^[\d,]+$/.test(document.querySelector('[data-test=pillar-theory] [data-test=pillar-count]')?.textContent?.trim() ?? ''))
  await page.locator('[data-test=unit-picker]').click()
  await page.locator('.el-select-dropdown__item:visible').first().waitFor()
  const options = await page.locator('.el-select-dropdown__item:visible').allTextContents()
  assert.ok(options.length > 0, 'the picker lists the own unit')
  assert.ok(!options.some((o) => o.includes(other.name)), `the picker does not offer ${other.name}: ${options.join(', ')}`)
  await page.keyboard.press('Escape')

  // Editing the dashboard's URL to the other school: an error, no figures.
  await page.goto(`${base}/dashboard?org_id=${other.id}`)
  await page.locator('[data-test=dashboard-error]').waitFor()
  assert.equal(await page.locator('[data-test=pillar-count]').count(), 0, 'no figure is shown')
  assert.equal(await page.locator('[data-test=heatmap]').count(), 0, 'no heatmap is shown')
  await page.screenshot({ path: join(shots, 'scope-dashboard-foreign.png') })

  // The API behind the pages answers not found, never the other school's data.
  assert.equal((await apiGet(page, `/api/v1/activities/${record.id}`)).status, 404)
  assert.equal((await apiGet(page, `/api/v1/activities?org_id=${other.id}`)).status, 404)
  assert.equal((await apiGet(page, `/api/v1/orgs/${other.id}`)).status, 404)
  assert.equal((await apiGet(page, `/api/v1/aggregates?org_id=${other.id}&period=2024`)).status, 404)
  // Its own records list holds only its own school's subtree.
  const own = await apiGet(page, '/api/v1/activities?limit=200')
  assert.equal(own.status, 200)
  assert.ok(!own.body.items.some((a) => a.org_id === other.id), 'no record of the other school in the own list')

  assert.deepEqual(consoleErrors, [], 'no console errors')
})
