// The ledger (工作台账), in Debian's chromium. A district admin filters the
// submitted records, approves one and returns one with a reason, and sees the
// status tags change (and stay changed after a reload). The bureau office
// (bangongshi, who enrols a second factor first) opens a dashboard-style
// records link, records an activity with a photo (progress, thumbnail) and
// exports the filter to Excel. Run by e2e/run.sh, which sets ZEREN_URL.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, watchConsole } from './browser.mjs'
import { login, loginWithTotp, serverToday } from './session.mjs'

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


// waitForList waits until the table has answered (no loading mask) and returns its total.
async function waitForList(page) {
  await page.locator('[data-test=ledger-table]').waitFor()
  await page.waitForFunction(() => !document.querySelector('[data-test=ledger-table] .el-loading-mask'))
  const text = (await page.locator('[data-test=ledger-total]').textContent()) ?? ''
  return Number(/\d+/.exec(text)?.[0] ?? NaN)
}

// apiTotal asks the API, in the page's session, how many records a query lists.
async function apiTotal(page, query) {
  return page.evaluate(async (q) => {
    const r = await fetch(`/api/v1/activities?${q}&limit=1`, { credentials: 'same-origin' })
    return (await r.json()).total
  }, query)
}

test('a district admin approves a submitted record, returns another with a reason and approves two together', async () => {
  const page = await context.newPage()
  watchConsole(page, consoleErrors)
  await page.goto(base + '/login')
  await login(page, 'xuequ')
  await page.waitForURL((u) => u.pathname !== '/login')

  await page.goto(base + '/ledger')
  const all = await waitForList(page)
  assert.ok(all > 0, 'the district has records')

  // Filter by status: submitted (待审核), through the filter bar.
  await page.locator('[data-test=filter-status]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '待审核' }).click()
  await page.keyboard.press('Escape')
  await page.waitForURL((u) => u.searchParams.getAll('status').join() === 'submitted')
  const submitted = await waitForList(page)
  assert.ok(submitted >= 2, `the demo district has submitted records to review (${submitted})`)
  assert.equal(submitted, await apiTotal(page, `org_id=${await ownOrg(page)}&status=submitted`), 'the total is the API’s')
  const rows = page.locator('[data-test=ledger-table] .el-table__body-wrapper .el-table__row')
  assert.equal(await rows.locator('[data-test=status-submitted]').count(), await rows.count(), 'every listed record is submitted')

  // Approve the first.
  const first = rows.nth(0)
  const firstTitle = (await first.locator('[data-test=row-title]').textContent()).trim()
  await first.locator('[data-test=row-approve]').click()
  await first.locator('[data-test=status-approved]').waitFor()

  // Return the second, saying why: the reason is required.
  const second = rows.nth(1)
  const secondTitle = (await second.locator('[data-test=row-title]').textContent()).trim()
  await second.locator('[data-test=row-return]').click()
  const dialog = page.locator('[data-test=return-dialog]')
  await dialog.locator('[data-test=return-confirm]').click()
  await dialog.getByText('请填写退回原因').waitFor()
  await dialog.locator('textarea[data-test=return-reason]').fill('缺少活动照片，请补充后重新提交')
  await dialog.locator('[data-test=return-confirm]').click()
  await second.locator('[data-test=status-returned]').waitFor()
  await dialog.waitFor({ state: 'hidden' })
  await second.locator('[data-test=status-returned]').hover()
  await page.locator('.el-popper:visible', { hasText: '缺少活动照片' }).waitFor()

  await page.screenshot({ path: join(shots, 'ledger.png'), fullPage: true })
  // Every string the page showed has a translation.
  assert.deepEqual(await page.evaluate(() => window.__zerenMissingKeys ?? []), [])

  // Bulk approval of two more: both change, in one request.
  const boxes = rows.locator('.el-table-column--selection .el-checkbox:not(.is-disabled)')
  assert.ok((await boxes.count()) >= 2, 'two more submitted records to approve together')
  await boxes.nth(0).click()
  await boxes.nth(1).click()
  await page.locator('[data-test=ledger-bulk-approve]', { hasText: '2' }).click()
  await page.waitForFunction(() => document.querySelectorAll('[data-test=ledger-table] .el-table__body-wrapper [data-test=status-approved]').length === 3)
  // The table let go of the approved ones: nothing stays checked, and the next
  // bulk approval sends only what is chosen then (it failed whole before).
  assert.equal(await rows.locator('.el-table-column--selection .el-checkbox.is-checked').count(), 0, 'no approved record stays selected')
  assert.ok((await boxes.count()) >= 1, 'one more submitted record to approve')
  await boxes.nth(0).click()
  await page.locator('[data-test=ledger-bulk-approve]', { hasText: '1' }).click()
  await page.waitForFunction(() => document.querySelectorAll('[data-test=ledger-table] .el-table__body-wrapper [data-test=status-approved]').length === 4)
  assert.equal(await page.locator('[data-test=bulk-error]').count(), 0, 'the second bulk approval went through')

  // The server kept the changes: reloaded, the filter (from the URL) no
  // longer lists them, and the approved and returned filters do.
  await page.reload()
  assert.equal(await waitForList(page), submitted - 5, 'five fewer submitted records')
  const titles = await rows.locator('[data-test=row-title]').allTextContents()
  assert.ok(!titles.includes(firstTitle) && !titles.includes(secondTitle), 'both handled records left the submitted list')
  await page.goto(base + '/ledger?status=returned&q=' + encodeURIComponent(secondTitle))
  await waitForList(page)
  assert.ok((await rows.locator('[data-test=row-title]').allTextContents()).map((s) => s.trim()).includes(secondTitle), 'the returned record is listed as returned')

  // The back button restores the previous filter.
  await page.goBack()
  await page.waitForURL((u) => u.searchParams.get('status') === 'submitted')
  await waitForList(page)
  await page.close()
})

async function ownOrg(page) {
  return page.evaluate(async () => (await (await fetch('/api/v1/auth/me', { credentials: 'same-origin' })).json()).account.org_id)
}

// A 1×1 PNG.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64')

test('the bureau office opens a records link, records an activity with a photo and exports the filter', async () => {
  const page = await context.newPage()
  watchConsole(page, consoleErrors)
  await loginWithTotp(page, 'bangongshi')
  const org = await ownOrg(page)
  const year = (await serverToday(page)).slice(0, 4) // the running year, the server's

  // A dashboard figure's records link: the same query string, opened in the ledger.
  const records = `org_id=${org}&period=${year}&pillar=theory&status=approved`
  await page.goto(`${base}/ledger?${records}`)
  const total = await waitForList(page)
  assert.equal(total, await apiTotal(page, records), 'the ledger lists exactly the records of the link')
  assert.equal(await page.locator('input[data-test=filter-period]').inputValue(), year, 'the filter bar shows the link’s period')

  // From the dashboard: a figure's drawer opens the ledger on exactly its records.
  await page.goto(`${base}/dashboard`)
  const count = page.locator('[data-test=pillar-theory] [data-test=pillar-count]')
  await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-test=pillar-theory] [data-test=pillar-count]')?.textContent?.trim() ?? ''))
  const figure = Number((await count.textContent()).trim())
  await count.click()
  await page.locator('[data-test=records-open-ledger]').click()
  await page.waitForURL((u) => u.pathname === '/ledger')
  assert.equal(await waitForList(page), figure, 'the ledger lists as many records as the figure counts')

  // Record an activity: the dialog names a missing field before sending.
  await page.goto(`${base}/ledger`)
  await waitForList(page)
  const createKeys = []
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/activities') createKeys.push(r.headers()['idempotency-key'])
  })
  await page.locator('[data-test=ledger-new]').click()
  const dialog = page.locator('[data-test=activity-dialog]')
  await dialog.locator('[data-test=form-save]').click()
  await dialog.getByText('请填写活动类型').waitFor()
  await dialog.locator('[data-test=form-type]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '“学习强国”集中学习' }).first().click()
  // Today, the server's: a fixed day of the running year would be in the future on New Year's Day.
  await dialog.locator('[data-test=form-date-item] input').fill(await serverToday(page))
  await dialog.locator('[data-test=form-date-item] input').press('Enter')
  const title = `台账浏览器测试 ${Date.now()}`
  await dialog.locator('input[data-test=form-title]').fill(title)
  await dialog.locator('[data-test=form-attendance-item] input').fill('35')
  await dialog.locator('[data-test=form-save]').click()
  // Saved as a draft, the dialog stays open for evidence; the limits are explained first.
  await dialog.locator('[data-test=evidence-limits]').waitFor()
  assert.equal(createKeys.length, 1)
  assert.match(createKeys[0] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'the creation carries an Idempotency-Key')
  assert.match(await dialog.locator('[data-test=evidence-limits]').textContent(), /MB/)
  // A type the server does not take is refused before any upload.
  await dialog.locator('[data-test=evidence] input[type=file]').setInputFiles({ name: '说明.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') })
  await dialog.locator('[data-test=evidence-error]').waitFor()
  await dialog.locator('[data-test=evidence] input[type=file]').setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: png })
  await dialog.locator('[data-test=evidence-gallery] img').waitFor()
  await dialog.locator('[data-test=evidence-gallery] img').click()
  await page.locator('.el-image-viewer__wrapper').waitFor()
  await page.keyboard.press('Escape')
  await page.locator('.el-image-viewer__wrapper').waitFor({ state: 'hidden' })
  await page.screenshot({ path: join(shots, 'ledger-dialog.png') })
  await dialog.locator('[data-test=form-save-submit]').click()
  await dialog.waitFor({ state: 'hidden' })

  // It is in the ledger, submitted, with one evidence file.
  await page.goto(`${base}/ledger?q=${encodeURIComponent(title)}`)
  assert.equal(await waitForList(page), 1)
  const row = page.locator('[data-test=ledger-table] .el-table__body-wrapper .el-table__row').first()
  await row.locator('[data-test=status-submitted]').waitFor()
  // The evidence column counts the one file (the row holds other 1s: dates, attendance).
  assert.equal(((await row.locator('.clip').textContent()) ?? '').trim(), '1', 'one evidence file')

  // Export the filter: a workbook named after it.
  await page.goto(`${base}/ledger?period=${year}&status=submitted`)
  await waitForList(page)
  const download = page.waitForEvent('download')
  await page.locator('[data-test=ledger-export]').click()
  const file = await download
  assert.equal(file.suggestedFilename(), `工作台账-${year}.xlsx`)
  const bytes = readFileSync(await file.path())
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an .xlsx is a zip file')
  await page.close()
})

test('no console errors on the ledger', () => {
  // The login page asks GET /auth/me before logging in: a 401 the browser logs.
  const unexpected = consoleErrors.filter((e) => !/\/login: Failed to load resource: the server responded with a status of 401/.test(e))
  assert.deepEqual(unexpected, [])
})
