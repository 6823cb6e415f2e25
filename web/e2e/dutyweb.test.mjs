// The duty pages' editing (issue #13), in Debian's chromium and zh-CN: the
// office admin adds a duty to the year's plan through the form (a missing
// title is named under its field), and sets the bureau's leading group
// (领导小组) seat by seat. Run by e2e/run.sh, which sets ZEREN_URL.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, watchConsole } from './browser.mjs'
import { loginWithTotp } from './session.mjs'
import { pngPhoto } from './phone-steps.mjs'

let browser
let context

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

// A form field by its data-test: element-plus puts it on the input itself
// (el-input) or on the wrapper (el-input-number).
const field = (page, name) =>
  page.locator(`input[data-test=${name}], textarea[data-test=${name}], [data-test=${name}] input, [data-test=${name}] textarea`).first()

// Latin words on a zh-CN screen are English left behind (names and dates are digits or Han).
const latinWord = /[A-Za-z]{3,}/

test('the office admin adds a duty to the plan through the form', async () => {
  const page = await context.newPage()
  const errors = []
  watchConsole(page, errors, /status of 401/)
  await loginWithTotp(page, 'bangongshi')
  await page.goto(base + '/duty?tab=plan')
  await settled(page, 'duty-plan')
  const rows = page.locator('[data-test=duty-plan] .el-table__body-wrapper .el-table__row')
  await rows.first().waitFor()
  const before = await rows.count()

  await page.locator('[data-test=duty-new]').click()
  const dialog = page.locator('.el-dialog', { has: page.locator('[data-test=duty-form-title]') })
  await dialog.waitFor()
  // Saved without a title: the form names the field, nothing is written.
  await page.locator('[data-test=duty-form-save]').click()
  await dialog.locator('.el-form-item.is-error', { hasText: '任务' }).waitFor()
  const text = await dialog.innerText()
  assert.ok(!latinWord.test(text), `no English in the form: ${text.match(latinWord)}`)
  await page.screenshot({ path: join(shots, 'dutyweb-form.png'), fullPage: true })

  await field(page, 'duty-form-title').fill('网评员培训每学期不少于2次')
  await field(page, 'duty-form-at-least').fill('2')
  await field(page, 'duty-form-weight').fill('3')
  await page.locator('[data-test=duty-form-save]').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('[data-test=duty-plan] .el-table__row', { hasText: '网评员培训每学期不少于2次' }).waitFor()
  assert.equal(await rows.count(), before + 1, 'the new duty is in the plan')

  // Edit it: the form opens with what was saved.
  await page.locator('[data-test=duty-plan] .el-table__row', { hasText: '网评员培训每学期不少于2次' }).locator('[data-test=duty-edit]').click()
  await dialog.waitFor()
  assert.equal(await field(page, 'duty-form-title').inputValue(), '网评员培训每学期不少于2次')
  assert.equal(await field(page, 'duty-form-weight').inputValue(), '3')
  await page.keyboard.press('Escape')
  assert.deepEqual(errors, [], 'no console errors')
  await page.close()
})

test('the office admin sets the leading group of the bureau', async () => {
  const page = await context.newPage()
  const errors = []
  watchConsole(page, errors, /status of 401/)
  await loginWithTotp(page, 'bangongshi')
  await page.goto(base + '/duty?tab=group')
  await page.locator('[data-test=duty-group]').waitFor()
  await settled(page, 'duty-group')
  await page.locator('[data-test=duty-group-edit]').click()
  const seats = page.locator('[data-test=duty-group-seat]')
  const had = await seats.count()
  await page.locator('[data-test=duty-group-add]').click()
  const seat = seats.nth(had)
  await seat.locator('.el-select').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: /^组长$/ }).click()
  await seat.getByPlaceholder('姓名').fill('王建国')
  await seat.getByPlaceholder('职务').fill('局党委书记')
  await page.locator('[data-test=duty-group-save]').click()
  const table = page.locator('[data-test=duty-group-seats]')
  await table.waitFor()
  const row = table.locator('.el-table__body-wrapper .el-table__row', { hasText: '王建国' })
  assert.match(await row.innerText(), /组长\s+王建国\s+局党委书记/)
  // Leaders are listed first.
  assert.match(await table.locator('.el-table__body-wrapper .el-table__row').first().innerText(), /^组长/)
  const text = await page.locator('[data-test=duty-group]').innerText()
  assert.ok(!latinWord.test(text), `no English on the group tab: ${text.match(latinWord)}`)
  await page.screenshot({ path: join(shots, 'dutyweb-group.png'), fullPage: true })

  // It is stored: a reload shows the seat.
  await page.reload()
  await page.locator('[data-test=duty-group-seats] .el-table__row', { hasText: '王建国' }).waitFor()
  assert.deepEqual(errors, [], 'no console errors')
  await page.close()
})

test('the office submits a checklist item with evidence and a reviewer signs it off', async () => {
  const page = await context.newPage()
  const errors = []
  watchConsole(page, errors, /status of 401/)
  await loginWithTotp(page, 'bangongshi')
  // A record of the bureau's own carrying a photo: the evidence to attach.
  const filename = `党委会照片-${Date.now().toString(36)}.png`
  const made = await page.evaluate(
    async ([name, photo]) => {
      const me = await (await fetch('/api/v1/auth/me')).json()
      const csrf = { 'X-CSRF-Token': me.csrf_token ?? '' }
      const types = await (await fetch('/api/v1/activity-types')).json()
      const today = (await (await fetch('/api/v1/clock')).json()).today
      const type = types.items.find((x) => x.active && x.pillar === 'leadership') ?? types.items[0]
      const r = await fetch('/api/v1/activities', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...csrf },
        body: JSON.stringify({ org_id: me.account.org_id, type_id: type.id, date: today, title: '党委会审议责任制报告', attendance: 9 }),
      })
      if (r.status !== 201) return { status: r.status, body: await r.text() }
      const a = await r.json()
      const form = new FormData()
      form.append('file', new File([Uint8Array.from(atob(photo), (c) => c.charCodeAt(0))], name, { type: 'image/png' }))
      const up = await fetch(`/api/v1/activities/${a.id}/evidence`, { method: 'POST', headers: csrf, body: form })
      return { status: up.status, body: await up.text() }
    },
    [filename, pngPhoto(40, 30, 9).toString('base64')],
  )
  assert.equal(made.status, 201, made.body)

  await page.goto(base + '/duty?tab=unit')
  await page.locator('[data-test=duty-unit-page]').waitFor()
  await settled(page, 'duty-unit-page')
  const summary = async () => (await page.locator('[data-test=duty-unit-page] .summary').innerText()).match(/全部达标 (\d+) 项/)?.[1]
  const doneBefore = Number(await summary())
  const item = page.locator('[data-test=duty-item]', { hasText: '报送年度意识形态工作责任制落实情况报告' })
  await item.locator('[data-test=duty-check]', { hasText: '尚未提交佐证' }).waitFor()

  await item.locator('[data-test=duty-check-submit]').click()
  await field(page, 'duty-check-note').waitFor()
  await field(page, 'duty-check-note').fill('已于党委会审议并报送县委宣传部。')
  // The bureau's record's photo is offered; tick it. The list is a box in the
  // dialog, so nothing lies over the Save button: a plain click presses it.
  const choice = page.locator('[data-test=duty-check-evidence-choice]', { hasText: filename })
  await choice.waitFor()
  await choice.click()
  await page.screenshot({ path: join(shots, 'dutyweb-check-dialog.png') })
  await page.locator('[data-test=duty-check-save]').click()
  await item.locator('[data-test=duty-check]', { hasText: '待审核' }).waitFor()
  const check = item.locator('[data-test=duty-check]')
  assert.match(await check.innerText(), /已于党委会审议并报送县委宣传部。/)
  assert.ok((await check.innerText()).includes(filename), `the evidence ${filename} is listed`)

  await item.locator('[data-test=duty-check-sign]').click()
  await page.locator('.el-message-box .el-button--primary').click()
  await item.locator('[data-test=duty-check]', { hasText: '审核签字' }).waitFor()
  await item.locator('[data-test=duty-check-sign]').waitFor({ state: 'detached' })
  // The figure moves: one more duty fully met.
  await page.waitForFunction(
    ([n]) => document.querySelector('[data-test=duty-unit-page] .summary')?.textContent?.includes(`全部达标 ${n} 项`),
    [doneBefore + 1],
  )
  const text = await item.innerText()
  // A file's own name (签到表.jpg) is the user's, not the page's words.
  const own = text.split(filename).join('')
  assert.ok(!latinWord.test(own), `no English on the item: ${own.match(latinWord)}`)
  await page.screenshot({ path: join(shots, 'dutyweb-check.png'), fullPage: true })
  assert.deepEqual(errors, [], 'no console errors')
  await page.close()
})
