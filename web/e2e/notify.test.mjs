// 待办 and the notification centre, in Debian's chromium: a school admin
// submits a record, the district admin sees it waiting on the home page's
// 待办 and returns it; the school admin's bell lights up (the demo server's
// job runner fans the notice out), the notice is in 通知中心, the returned
// record is on the desktop's and the phone's 待办 with its reason; reading
// all clears the bell. The record is deleted at the end (the demo stays as built).
// Run by e2e/run.sh, which sets ZEREN_URL (the demo county).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, phone, watchConsole } from './browser.mjs'
import { login } from './session.mjs'
import { phoneLogin } from './phone-steps.mjs'

let browser
const consoleErrors = []

before(async () => {
  browser = await launch({ width: 1440, height: 900 })
})

after(async () => {
  await browser?.close()
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

test('a returned record reaches its author’s bell, notification centre and 待办, on the desktop and the phone', async () => {
  const author = await browser.context.newPage()
  watchConsole(author, consoleErrors, /status of 401/)
  await author.goto(base + '/login')
  await login(author, 'xiaoxuexiao')
  await author.waitForURL((u) => u.pathname !== '/login')

  // A record submitted today.
  const me = (await api(author, 'GET', '/api/v1/auth/me')).body
  const today = (await api(author, 'GET', '/api/v1/clock')).body.today
  const types = (await api(author, 'GET', '/api/v1/activity-types')).body.items
  const type = types.find((t) => t.active && t.venues.length === 0) ?? types[0]
  const title = `待办测试 ${Date.now().toString(36)}`
  const created = await api(author, 'POST', '/api/v1/activities', {
    org_id: me.account.org_id, type_id: type.id, date: today, title, attendance: 30, venues: type.venues.slice(0, 1), submit: true,
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  const id = created.body.id

  // The district admin: the record waits on the home page's 待办; it is returned.
  const second = await launch({ width: 1440, height: 900 })
  const approver = await second.context.newPage()
  watchConsole(approver, consoleErrors, /status of 401/)
  await approver.goto(base + '/login')
  await login(approver, 'xuequ')
  await approver.waitForURL((u) => u.pathname !== '/login')
  await approver.goto(base + '/')
  const line = approver.locator('[data-test=todo-item]', { hasText: '条记录待审核' })
  await line.waitFor()
  await approver.screenshot({ path: join(shots, 'todo-approver.png') })
  await line.locator('[data-test=todo-open]').click()
  await approver.waitForURL(/\/ledger\?.*status=submitted/)
  const returned = await api(approver, 'POST', `/api/v1/activities/${id}/return`, { reason: '缺少签到表' })
  assert.equal(returned.status, 200, JSON.stringify(returned.body))
  await second.close()

  // The author: the bell lights up once the job runner has fanned the notice out.
  let lit = false
  for (let i = 0; i < 40 && !lit; i++) {
    await author.goto(base + '/')
    await author.locator('[data-test=bell]').waitFor()
    await author.waitForTimeout(500)
    lit = (await author.locator('[data-test=bell-badge] sup').isVisible()) && /\d/.test((await author.locator('[data-test=bell-badge] sup').textContent()) ?? '')
  }
  assert.ok(lit, 'the bell shows the unread notice')
  const todo = author.locator('[data-test=todo-item]', { hasText: title })
  await todo.waitFor()
  assert.match((await todo.textContent()) ?? '', /退回待改.*缺少签到表/)
  await author.screenshot({ path: join(shots, 'todo-author.png') })

  await author.locator('[data-test=bell]').click()
  await author.waitForURL((u) => u.pathname === '/notifications')
  const subject = author.locator('[data-test=inbox-subject]', { hasText: title })
  await subject.waitFor()
  const pageText = await author.locator('body').innerText()
  assert.match(pageText, /记录退回/)
  assert.doesNotMatch(pageText, /activity\.returned|undefined/, 'kinds are named, not coded')
  await author.screenshot({ path: join(shots, 'notifications.png') })
  await author.locator('[data-test=mark-all]').click()
  await author.locator('[data-test=bell-badge] sup').waitFor({ state: 'hidden' })

  // The phone: the progress tab lists the same line and carries a badge.
  const mobile = await launch(phone)
  const m = await mobile.context.newPage()
  watchConsole(m, consoleErrors, /status of 401/)
  await phoneLogin(m)
  await m.goto(base + '/m/progress')
  const mline = m.locator('[data-test=m-todo-item]', { hasText: title })
  await mline.waitFor()
  assert.match((await mline.textContent()) ?? '', /缺少签到表/)
  await m.screenshot({ path: join(shots, 'phone-todo.png'), fullPage: true })
  await mobile.close()

  // Leave the demo as built.
  const del = await api(author, 'DELETE', `/api/v1/activities/${id}`)
  assert.equal(del.status, 204, JSON.stringify(del.body))
  assert.deepEqual(consoleErrors, [])
})
