// The duty system on the phone (issue #13), in Debian's chromium posing as
// WeChat's browser on a 375 px phone: a school admin (xiaoxuexiao, D01-S01)
// sees its duties and their progress, and submits a checklist item with a
// photo of its own ledger; the district admin (xuequ) signs it off and the
// school's count of duties done rises by one. The leader (lingdao) sees the
// units it covers worst first, one tap from their duties; a teacher (jiaoshi),
// who can do none of it, sees neither page, only the notifications. Run by
// e2e/run.sh, which sets ZEREN_URL.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, phone, watchConsole } from './browser.mjs'
import { fillPhoneForm, phoneLogin, pngPhoto } from './phone-steps.mjs'
import { serverToday } from './session.mjs'

const marker = `e2e-${Date.now().toString(36)}`
// A word of English on a zh-CN page (the marker and file names are the test's own data, cut out first).
const latinWord = /\b[A-Za-z]{3,}\b/
const noEnglish = async (page, sel) => {
  const text = (await page.locator(sel).innerText()).replaceAll(marker, '')
  assert.ok(!latinWord.test(text), `English on ${sel}: ${text.match(latinWord)}`)
}
let school // xiaoxuexiao's phone
let district // xuequ's phone
let photoDir

before(async () => {
  school = await launch(phone)
  district = await launch(phone)
  photoDir = mkdtempSync(join(tmpdir(), 'zeren-phoneduty-'))
})

after(async () => {
  await school?.close()
  await district?.close()
  if (photoDir) rmSync(photoDir, { recursive: true, force: true })
})

// api calls the API from the page, with the session's CSRF token.
async function api(page, method, path, body) {
  return page.evaluate(
    async ([method, path, body]) => {
      const me = await (await fetch('/api/v1/auth/me')).json()
      const r = await fetch(path, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token ?? '' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: r.status, body: r.status === 204 ? null : await r.json() }
    },
    [method, path, body],
  )
}

const myOrg = async (page) => (await api(page, 'GET', '/api/v1/auth/me')).body.account.org_id

// loginLanding logs in on /m/ and waits for the page the account lands on.
async function loginLanding(page, username, landing) {
  await page.goto(base + '/m/')
  await page.waitForURL((u) => u.pathname === '/m/login')
  await page.locator('[data-test=username] input').fill(username)
  await page.locator('[data-test=password] input').fill('Zeren-Demo-2026')
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => u.pathname === landing)
}

// doneCount reads "done / due" from the duties page's tally.
async function doneCount(page) {
  const text = await page.locator('[data-test=m-duties-tally] .van-cell__value').textContent()
  const m = text.match(/(\d+)\s*\/\s*(\d+)/)
  assert.ok(m, `tally ${text}`)
  return { done: Number(m[1]), due: Number(m[2]) }
}

test('a school submits a checklist item with a photo from the phone; the district signs it off and the count rises', async () => {
  const errors = []
  const sp = await school.context.newPage()
  watchConsole(sp, errors, /status of 401/)
  await phoneLogin(sp, 'xiaoxuexiao')
  const schoolOrg = await myOrg(sp)
  const year = Number((await serverToday(sp)).slice(0, 4))

  // The district sets a checklist item for the school (its own test data).
  const dp = await district.context.newPage()
  // The district's refused delete (409) below is the test's own request.
  watchConsole(dp, errors, /status of (401|409)/)
  await phoneLogin(dp, 'xuequ')
  const title = `手机对照检查·${marker}`
  const created = await api(dp, 'POST', '/api/v1/duties', {
    year, title, pillar: 'leadership', org_id: await myOrg(dp), org_ids: [schoolOrg], measure: 'checklist', grain: 'year', weight: 1,
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  const dutyId = created.body.id

  // The school records the activity with a photo: the proof.
  const actTitle = `手机佐证·${marker}`
  await fillPhoneForm(sp, photoDir, actTitle, 12, pngPhoto(80, 60, 5))
  await sp.locator('[data-test=log-submit]').click()
  await sp.locator('[data-test=log-done]').waitFor()

  // 我的 → 责任清单: the duties with their progress, worst first.
  await sp.goto(base + '/m/me')
  await sp.locator('[data-test=me-duties]').click()
  await sp.waitForURL((u) => u.pathname === '/m/duties')
  await sp.locator('[data-test=m-duties-tally]').waitFor()
  const before = await doneCount(sp)
  const item = sp.locator('[data-test=m-duty]', { hasText: title })
  await item.waitFor()
  assert.match(await item.textContent(), /待审核/)
  await noEnglish(sp, '[data-test=m-duties]')
  await sp.screenshot({ path: join(shots, 'phone-duties.png'), fullPage: true })

  // A measured duty's window is one tap from the ledger records it counted.
  const measured = sp.locator('[data-test=m-duty]', { has: sp.locator('.van-tag', { hasNotText: '待审核' }) }).first()
  await measured.locator('.van-collapse-item__title').click()
  const win = measured.locator('[data-test=m-duty-window]').first()
  await win.waitFor()
  assert.match(await win.textContent(), /\d+ \/ \d+/)
  await win.click()
  await sp.waitForURL((u) => u.pathname === '/ledger' && u.searchParams.has('org_id') && u.searchParams.getAll('status').includes('approved'))
  await sp.goto(base + '/m/duties')
  await sp.locator('[data-test=m-duties-tally]').waitFor()

  // Open the checklist item, write what was done, pick the photo, submit.
  await item.locator('.van-collapse-item__title').click()
  await item.locator('[data-test=m-duty-note] textarea').fill('已召开专题会议，照片见台账')
  const photo = item.locator(`[data-test=m-duty-photo][title*="${actTitle}"]`)
  await photo.waitFor()
  await photo.click()
  assert.equal(await photo.getAttribute('aria-pressed'), 'true')
  await sp.screenshot({ path: join(shots, 'phone-duty-check.png'), fullPage: true })
  await item.locator('[data-test=m-duty-submit]').click()
  await sp.locator('[data-test=m-duty]', { hasText: title }).locator('[data-test=m-duty-check-state]', { hasText: '已提交，待上级审核' }).waitFor()

  const duty = await api(dp, 'GET', `/api/v1/orgs/${schoolOrg}/duties?year=${year}`)
  const mine = duty.body.items.find((d) => d.duty_id === dutyId)
  assert.equal(mine.check?.evidence?.length, 1, 'the check carries the photo')
  assert.match(mine.check.evidence[0].filename, /\.(png|jpe?g)$/)

  // The district signs it off; the school's count of duties done rises by one.
  const signed = await api(dp, 'POST', `/api/v1/duties/${dutyId}/sign`, { org_id: schoolOrg })
  assert.equal(signed.status, 204, JSON.stringify(signed.body))
  await sp.reload()
  await sp.locator('[data-test=m-duties-tally]').waitFor()
  await sp.locator('[data-test=m-duty]', { hasText: title }).locator('.van-tag', { hasText: '已达标' }).waitFor()
  const after = await doneCount(sp)
  assert.equal(after.done, before.done + 1, 'signed off: one more duty done')

  // A duty nobody has worked on is deleted; the signed one is refused.
  const refused = await api(dp, 'DELETE', `/api/v1/duties/${dutyId}`)
  assert.equal(refused.status, 409)
  assert.equal(refused.body.error.field, 'checks')
  assert.deepEqual(errors, [], 'no console errors')
  await sp.close()
  await dp.close()
})

test('the leader sees its covered units worst first, one tap from their duties', async () => {
  const errors = []
  const page = await district.context.newPage()
  watchConsole(page, errors, /status of 401/)
  await page.context().clearCookies()
  await loginLanding(page, 'lingdao', '/m/progress')
  await page.goto(base + '/m/me')
  await page.locator('[data-test=me-leader]').waitFor()
  assert.equal(await page.locator('[data-test=me-duties]').count(), 0, 'a leader records nothing: no duties entry')
  await page.locator('[data-test=me-leader]').click()
  await page.waitForURL((u) => u.pathname === '/m/leader')
  const rows = page.locator('[data-test=m-leader-unit]')
  await rows.first().waitFor()
  assert.ok((await rows.count()) >= 2, 'the leader covers D01 and D02')
  await noEnglish(page, '[data-test=m-leader]')
  await page.screenshot({ path: join(shots, 'phone-leader.png'), fullPage: true })
  const first = (await rows.first().locator('.van-cell__title span').first().textContent()).trim()
  await rows.first().click()
  await page.waitForURL((u) => u.pathname === '/m/duties' && u.searchParams.has('org_id'))
  await page.locator('[data-test=m-duties]', { hasText: first }).waitFor()
  await page.locator('[data-test=m-duties-tally]').waitFor()
  assert.deepEqual(errors, [], 'no console errors')
  await page.close()
})

test('a teacher sees no duty pages, only the notifications', async () => {
  const errors = []
  const page = await school.context.newPage()
  watchConsole(page, errors, /status of 401/)
  await page.context().clearCookies()
  await loginLanding(page, 'jiaoshi', '/m/progress')
  await page.goto(base + '/m/me')
  await page.locator('[data-test=me-inbox]').waitFor()
  assert.equal(await page.locator('[data-test=me-duties]').count(), 0)
  assert.equal(await page.locator('[data-test=me-leader]').count(), 0)
  await page.locator('[data-test=me-inbox]').click()
  await page.waitForURL((u) => u.pathname === '/m/notifications')
  await page.locator('[data-test=m-inbox-count]').waitFor()
  assert.match(await page.locator('[data-test=m-inbox-count]').textContent(), /共 \d+ 条，未读 \d+ 条/)
  await page.screenshot({ path: join(shots, 'phone-notifications.png'), fullPage: true })
  assert.deepEqual(errors, [], 'no console errors')
  await page.close()
})
