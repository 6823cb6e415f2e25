// The whole loop, in Debian's chromium: a branch secretary logs an activity
// with a photo on the phone; the district admin approves it in the ledger; the
// dashboard figure of that school and pillar rises by exactly one, and
// clicking the figure lists that activity. Run by e2e/run.sh (ZEREN_URL).
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, phone, watchConsole } from './browser.mjs'
import { login, serverToday } from './session.mjs'
import { activitiesTitled, fillPhoneForm, phoneLogin, pngPhoto } from './phone-steps.mjs'

let phoneBrowser
let desk
let photoDir
const consoleErrors = []

before(async () => {
  photoDir = mkdtempSync(join(tmpdir(), 'zeren-flow-photos-'))
  phoneBrowser = await launch(phone)
  desk = await launch({ width: 1440, height: 900 })
})

after(async () => {
  await phoneBrowser?.close()
  await desk?.close()
  if (photoDir) rmSync(photoDir, { recursive: true, force: true })
})

// The session check's 401 before login is the expected answer.
const watch = (page) => watchConsole(page, consoleErrors, /status of 401/)

// theoryCount reads the theory pillar's count on the dashboard of org for the year.
async function theoryCount(page, org, year) {
  await page.goto(`${base}/dashboard?org_id=${org}&period=${year}`)
  const count = page.locator('[data-test=pillar-theory] [data-test=pillar-count]')
  await page.waitForFunction(
    () =>
      /^\d+$/.test(document.querySelector('[data-test=pillar-theory] [data-test=pillar-count]')?.textContent?.trim() ?? '') &&
      !document.querySelector('[data-test=dashboard] .el-loading-mask:not([style*="display: none"])'),
  )
  return { count, value: Number((await count.textContent()).trim()) }
}

test('logged on the phone, approved at the desk, counted on the dashboard, listed behind the figure', async () => {
  const title = `流程测试·主题学习·${Date.now().toString(36)}`

  // 1. The branch secretary of D01-S01 logs a theory activity with a photo.
  const mobile = watch(await phoneBrowser.context.newPage())
  await phoneLogin(mobile, 'xiaoxuexiao')
  const year = (await serverToday(mobile)).slice(0, 4) // the running year, the server's
  await fillPhoneForm(mobile, photoDir, title, 42, pngPhoto(120, 90, 5))
  await mobile.locator('[data-test=log-submit]').click()
  await mobile.locator('[data-test=log-done]').waitFor()
  const logged = await activitiesTitled(mobile, title)
  assert.equal(logged.total, 1)
  const activity = logged.items[0]
  assert.equal(activity.status, 'submitted')
  assert.equal(activity.evidence.length, 1)
  await mobile.screenshot({ path: join(shots, 'flow-1-phone-done.png') })

  // 2. The district admin's dashboard for that school, before the approval.
  const page = watch(await desk.context.newPage())
  await page.goto(base + '/login')
  await login(page, 'xuequ')
  await page.waitForURL((u) => u.pathname === '/dashboard')
  const before = await theoryCount(page, activity.org_id, year)

  // 3. The ledger lists it as submitted; one click approves it.
  await page.goto(`${base}/ledger?q=${encodeURIComponent(title)}&status=submitted`)
  const row = page.locator(`[data-test=row-actions-${activity.id}]`)
  await row.waitFor()
  await page.screenshot({ path: join(shots, 'flow-2-ledger-submitted.png') })
  await row.locator('[data-test=row-approve]').click()
  await page.locator('[data-test=ledger-table]').locator('[data-test=status-approved]').first().waitFor()

  // 4. The school's theory figure rose by exactly one.
  const after = await theoryCount(page, activity.org_id, year)
  assert.equal(after.value, before.value + 1, `theory count ${before.value} → ${after.value}`)
  await page.screenshot({ path: join(shots, 'flow-3-dashboard.png') })

  // 5. Clicking the figure lists the activity among exactly that many records.
  await after.count.click()
  const drawer = page.locator('[data-test=records-drawer]')
  await drawer.locator('[data-test=records-table] .el-table__row').first().waitFor()
  await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-test=records-total]')?.textContent?.trim() ?? ''))
  assert.equal(Number((await drawer.locator('[data-test=records-total]').textContent()).trim()), after.value)
  await drawer.getByText(title).waitFor()
  await page.screenshot({ path: join(shots, 'flow-4-records.png') })

  assert.deepEqual(consoleErrors, [], 'no console errors')
})
