// Review after edit, the record's history and closed periods, in Debian's
// chromium. A school admin (xiaoxuexiao, who may record but not approve)
// edits an approved 2025 record: the dialog warns that the edit goes back to
// review, the record becomes 待审核, and its detail drawer tells the history
// by name. An edit of a record of the closed year 2024 is refused with the
// server's Chinese message naming who may reopen it. Run by e2e/run.sh.
import assert from 'node:assert/strict'
import { test, after, before } from 'node:test'
import { base, shots, launch, watchConsole } from './browser.mjs'
import { login } from './session.mjs'

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

async function apiFirst(page, query) {
  return page.evaluate(async (q) => {
    const r = await fetch(`/api/v1/activities?${q}&limit=1`, { credentials: 'same-origin' })
    return (await r.json()).items[0]
  }, query)
}

async function waitForList(page) {
  await page.locator('[data-test=ledger-table]').waitFor()
  await page.waitForFunction(() => !document.querySelector('[data-test=ledger-table] .el-loading-mask'))
}

test('a non-approver’s edit of an approved record goes back to review and the drawer shows its history', async () => {
  const page = await context.newPage()
  watchConsole(page, consoleErrors, /status of (401|423)/)
  await page.goto(base + '/login')
  await login(page, 'xiaoxuexiao')
  await page.waitForURL((u) => u.pathname !== '/login')

  const rec = await apiFirst(page, 'period=2025&status=approved&sort=id')
  assert.ok(rec, 'the school has an approved 2025 record')
  await page.goto(`${base}/ledger?period=${rec.date}`)
  await waitForList(page)
  const row = page.locator('[data-test=ledger-table] .el-table__body-wrapper tr', { hasText: rec.title }).first()
  await row.locator('[data-test=row-edit]').click()
  await page.locator('[data-test=form-review-again]').waitFor()
  const input = page.locator('[data-test=form-attendance] input')
  await input.fill(String(rec.attendance + 100))
  await input.press('Tab')
  await page.locator('[data-test=form-save]').click()
  await page.waitForFunction(() => !document.querySelector('[data-test=form-review-again]'))
  await waitForList(page)

  const after = await page.evaluate(async (id) => (await (await fetch(`/api/v1/activities/${id}`)).json()), rec.id)
  assert.equal(after.status, 'submitted', 'the edited record went back to review')
  assert.equal(after.attendance, rec.attendance + 100)

  await row.locator('[data-test=row-title]').click()
  const drawer = page.locator('[data-test=detail-drawer]')
  await drawer.locator('[data-test=history-entry]').first().waitFor()
  const text = await drawer.locator('[data-test=detail-changes]').innerText()
  assert.match(text, /修改了这条记录/)
  assert.match(text, new RegExp(`参与人次：${rec.attendance} → ${rec.attendance + 100}`))
  assert.match(text, /已审核的记录被修改，退回待审核/)
  assert.match(text, /审核通过/)
  assert.doesNotMatch(text, /xiaoxuexiao|operator|undefined/, 'people are named, not by username')
  await page.screenshot({ path: `${shots}/history-drawer-zh.png` })
  await page.keyboard.press('Escape')

  // 2024 is closed in the demo: an edit there is refused with who may reopen it.
  const closed = await apiFirst(page, 'period=2024&sort=id')
  assert.ok(closed, 'the school has a 2024 record')
  await page.goto(`${base}/ledger?period=${closed.date}`)
  await waitForList(page)
  const crow = page.locator('[data-test=ledger-table] .el-table__body-wrapper tr', { hasText: closed.title }).first()
  await crow.locator('[data-test=row-edit]').click()
  const cinput = page.locator('[data-test=form-attendance] input')
  await cinput.fill(String(closed.attendance + 1))
  await cinput.press('Tab')
  await page.locator('[data-test=form-save]').click()
  // The refusal concerns the whole record (its period is closed): it shows
  // above the form, in the server's Chinese sentence naming who may reopen.
  const err = page.locator('[data-test=form-error]')
  await err.waitFor()
  assert.match(await err.innerText(), /2024年已关账，如需修改请联系局办公室管理员重新开放/)
  await page.screenshot({ path: `${shots}/history-closed-zh.png` })
  assert.deepEqual(consoleErrors, [])
})
