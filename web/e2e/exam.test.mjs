// Online exams (issue 15), in Debian's chromium: a district admin (xuequ,
// D01) creates a question bank, imports the questions of the Excel template
// after its preview, and creates and publishes an exam for D01 through the
// pages; a school admin of D01-S01 (xiaoxuexiao) sits it on the phone:
// answers one question online, goes OFFLINE, answers the others and logs two
// ledger records (kept in the IndexedDB outbox), closes the page while still
// offline, comes back online in a new page — whose clock is three hours ahead
// and whose remaining time still follows the server — and finds exactly
// those answers saved and those two records, once each; submits, and a
// replayed submission answers the same score; the manager's results page
// shows it. Screenshots of each page as the role that uses it.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, phone, watchConsole } from './browser.mjs'
import { login } from './session.mjs'

const marker = Date.now().toString(36)
const bankName = `党纪党规题库·${marker}`
const examTitle = `党纪党规知识考试·${marker}`
const recordTitle = (n) => `离线记一笔·${marker}-${n}`

let desk
let mobile
let dir
const consoleErrors = []
// Failed requests while offline are the point of this test, not errors of the page.
const expected = /Failed to load resource|net::ERR_INTERNET_DISCONNECTED|the server cannot be reached/

before(async () => {
  desk = await launch({ width: 1366, height: 900 })
  mobile = await launch(phone)
  desk.context.on('page', (p) => watchConsole(p, consoleErrors, expected))
  mobile.context.on('page', (p) => watchConsole(p, consoleErrors, expected))
  dir = mkdtempSync(join(tmpdir(), 'zeren-exam-'))
})

after(async () => {
  await desk?.close()
  await mobile?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

// The wall-clock time of an instant in the bureau's zone, as the exam form takes it.
function wall(ms, zone) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  )
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

const json = (page, path, init) =>
  page.evaluate(
    async ([p, i]) => {
      const r = await fetch(p, { headers: { Accept: 'application/json', ...(i?.headers ?? {}) }, method: i?.method ?? 'GET', body: i?.body })
      return { status: r.status, body: await r.json().catch(() => null) }
    },
    [path, init],
  )

// The input of an Element Plus field: element-plus puts data-test on the
// input itself for some components and on their wrapper for others.
const field = (page, name, within = page) =>
  within.locator(`input[data-test=${name}], textarea[data-test=${name}], [data-test=${name}] input`).first()

// The right answer of each template question, by a piece of its stem.
const answers = [
  { stem: '党的纪律有几项', kind: 'single', pick: ['六项'] },
  { stem: '属于六项纪律', kind: 'multiple', pick: ['政治纪律', '组织纪律', '廉洁纪律'] },
  { stem: '党员必须遵守', kind: 'judge', pick: ['正确'] },
  { stem: '根本组织原则', kind: 'fill', text: '民主集中制' },
]

let examId = 0
let attemptId = 0

test('a district admin imports the template’s questions and publishes an exam', async () => {
  const page = await desk.context.newPage()
  await page.goto(base + '/login')
  await login(page, 'xuequ')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))

  // A new bank.
  await page.goto(base + '/exams?tab=banks')
  await page.locator('[data-test=banks-table]').waitFor()
  await page.locator('[data-test=bank-new]').click()
  await field(page, 'bank-name').fill(bankName)
  await page.locator('[data-test=bank-save]').click()
  await page.waitForURL((u) => /^\/exams\/banks\/\d+$/.test(u.pathname))
  await page.locator('[data-test=bank-title]', { hasText: bankName }).waitFor()
  const bankId = Number(new URL(page.url()).pathname.split('/').pop())

  // The template, downloaded as a user would, then uploaded for the preview.
  const tpl = await page.evaluate(async (id) => {
    const r = await fetch(`/api/v1/exam-banks/${id}/import-template`)
    const b = new Uint8Array(await r.arrayBuffer())
    let s = ''
    for (const x of b) s += String.fromCharCode(x)
    return { status: r.status, type: r.headers.get('content-type'), data: btoa(s) }
  }, bankId)
  assert.equal(tpl.status, 200)
  const file = join(dir, '题目导入模板.xlsx')
  writeFileSync(file, Buffer.from(tpl.data, 'base64'))

  await page.locator('[data-test=q-import]').click()
  const dialog = page.locator('[data-test=import-dialog]')
  await dialog.waitFor()
  await page.locator('[data-test=import-file]').setInputFiles(file)
  await dialog.locator('[data-test=import-summary]').waitFor()
  assert.match(await dialog.locator('[data-test=import-summary]').textContent(), /检查通过：4 道题可以导入/)
  await page.screenshot({ path: join(shots, 'exam-import-preview.png') })
  await dialog.locator('[data-test=import-commit]').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('[data-test=questions-table] .el-table__row').nth(3).waitFor()
  assert.equal(await page.locator('[data-test=questions-table] .el-table__row').count(), 4)
  await page.screenshot({ path: join(shots, 'exam-bank-xuequ.png'), fullPage: true })

  // The exam, through the form: the window from five minutes ago (the server's
  // clock) for two hours, pass at 3 of 4, the four questions drawn, options in order.
  const clock = (await json(page, '/api/v1/clock')).body
  const now = Date.parse(clock.now)
  await page.goto(base + '/exams')
  await page.locator('[data-test=exam-new]').click()
  await page.waitForURL((u) => u.pathname === '/exams/new')
  await field(page, 'exam-title').fill(examTitle)
  for (const [sel, ms] of [
    ['exam-opens', now - 5 * 60_000],
    ['exam-closes', now + 2 * 3600_000],
  ]) {
    const input = field(page, sel)
    await input.click()
    await input.fill(wall(ms, clock.time_zone))
    await input.press('Enter')
  }
  const pass = field(page, 'exam-pass')
  await pass.fill('3')
  await pass.blur()
  // The rule: this bank, any tag and difficulty, 4 questions at 1 point each
  // (their own points differ, and every candidate's paper must total the same).
  const rule = page.locator('[data-test=exam-rules] .el-table__row').first()
  await rule.waitFor()
  await rule.locator('[data-test=rule-bank]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: bankName }).click()
  const count = field(page, 'rule-count', rule)
  await count.fill('4')
  await count.blur()
  const points = field(page, 'rule-points', rule)
  await points.fill('1')
  await points.blur()
  await page.locator('[data-test=exam-shuffle]').click()
  await page.screenshot({ path: join(shots, 'exam-form-xuequ.png'), fullPage: true })
  await page.locator('[data-test=exam-save]').click()
  await page.waitForURL((u) => u.pathname === '/exams')

  const row = page.locator('[data-test=exams-table] .el-table__row', { hasText: examTitle })
  await row.waitFor()
  await row.locator('[data-test=exam-publish]').click()
  await page.locator('.el-message-box__btns .el-button--primary').click()
  await row.locator('[data-test=exam-state]', { hasText: '已发布' }).waitFor()
  await page.screenshot({ path: join(shots, 'exam-list-xuequ.png'), fullPage: true })

  const list = (await json(page, '/api/v1/exams')).body.items
  const exam = list.find((x) => x.title === examTitle)
  assert.ok(exam, 'the exam is listed')
  assert.equal(exam.state, 'published')
  assert.equal(exam.max_score, 4)
  assert.ok(exam.candidates >= 1)
  assert.ok(Date.parse(exam.opens_at) <= now, 'open now, on the server’s clock')
  examId = exam.id
  await page.close()
})

// Types a ledger record on 记一笔 (a theory activity with attendance, no photo).
async function logRecord(page, title) {
  await page.locator('[data-test=log-type]').click()
  const picker = page.locator('.van-popup:visible .van-picker')
  await picker.waitFor()
  await picker.locator('.van-picker-column').nth(0).locator('.van-picker-column__item', { hasText: '理论学习' }).click()
  await picker.locator('.van-picker-column').nth(1).locator('.van-picker-column__item', { hasText: /^主题活动$/ }).click()
  await picker.locator('.van-picker-column').nth(1).locator('.van-picker-column__item--selected', { hasText: /^主题活动$/ }).waitFor()
  await picker.locator('.van-picker__confirm').click()
  await page.locator('.van-popup:visible').waitFor({ state: 'hidden' })
  await page.locator('[data-test=log-title] input').fill(title)
  const att = page.locator('[data-test=log-attendance] input')
  await att.fill('12')
  await att.blur()
  await page.locator('[data-test=log-submit]').click()
  await page.locator('[data-test=log-done][data-queued=true]').waitFor()
  assert.match(await page.locator('[data-test=log-done]').textContent(), new RegExp(title))
}

// Answers the question on screen by its stem.
async function answerShown(page) {
  const stem = await page.locator('[data-test=exam-stem]').textContent()
  const a = answers.find((x) => stem.includes(x.stem))
  assert.ok(a, `a template question: ${stem}`)
  if (a.kind === 'fill') {
    await page.locator('[data-test=blank-1] input').fill(a.text)
  } else {
    for (const p of a.pick) await page.locator('.van-cell', { hasText: p }).locator('.van-radio, .van-checkbox').first().click()
  }
  return a
}

test('a candidate sits it on the phone through a network cut, with the ledger records logged offline', async () => {
  assert.ok(examId, 'the exam of the first test')
  const { context } = mobile
  let page = await context.newPage()
  await page.goto(base + '/m/')
  await page.waitForURL((u) => u.pathname === '/m/login')
  await page.locator('[data-test=username] input').fill('xiaoxuexiao')
  await page.locator('[data-test=password] input').fill('Zeren-Demo-2026')
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => u.pathname === '/m/log')
  await page.locator('[data-test=log-type]').waitFor()

  await page.locator('[data-test=tab-exams]').click()
  await page.waitForURL((u) => u.pathname === '/m/exams')
  const card = page.locator(`[data-test=exam-${examId}]`)
  await card.waitFor()
  await page.screenshot({ path: join(shots, 'phone-exams-xiaoxuexiao.png'), fullPage: true })
  await card.locator('[data-test=exam-start]').click()
  await page.waitForURL((u) => /^\/m\/attempt\/\d+$/.test(u.pathname))
  attemptId = Number(new URL(page.url()).pathname.split('/').pop())
  await page.locator('[data-test=exam-stem]').waitFor()

  // The first answer, online: saved within seconds.
  const saved = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/attempts/${attemptId}/answers` && r.status() === 200)
  const first = await answerShown(page)
  await saved
  await page.locator('[data-test=exam-save-state]', { hasText: '已保存' }).waitFor()
  await page.screenshot({ path: join(shots, 'phone-exam-xiaoxuexiao.png'), fullPage: true })

  // The network goes; the other three answers stay on the phone.
  await context.setOffline(true)
  const offline = []
  for (let i = 2; i <= 4; i++) {
    await page.locator('[data-test=exam-next]').click()
    await page.locator('[data-test=exam-number]', { hasText: `第 ${i}/4 题` }).waitFor()
    offline.push(await answerShown(page))
  }
  await page.locator('[data-test=exam-save-state]', { hasText: '暂存本机' }).waitFor()
  await page.screenshot({ path: join(shots, 'phone-exam-offline-xiaoxuexiao.png'), fullPage: true })

  await page.locator('[data-test=exam-sheet]').click()
  await page.locator('[data-test=exam-sheet-popup]').waitFor()
  await page.screenshot({ path: join(shots, 'phone-exam-sheet-xiaoxuexiao.png') })
  // The page is closed while offline: the three answers are only in IndexedDB now.
  await page.close()

  // Two ledger records, logged with no network. 记一笔 needs the network to
  // open (its types come from the server): it opens online — the page load
  // replays the queued answers — and the network goes again before the records.
  await context.setOffline(false)
  page = await context.newPage()
  await page.goto(base + '/m/log')
  await page.locator('[data-test=log-type]').waitFor()
  await context.setOffline(true)
  await logRecord(page, recordTitle(1))
  await page.locator('[data-test=log-again]').click()
  await logRecord(page, recordTitle(2))
  await page.locator('[data-test=log-waiting]', { hasText: '2 条记录' }).waitFor()
  await page.screenshot({ path: join(shots, 'phone-log-queued-xiaoxuexiao.png'), fullPage: true })
  // The page is closed while offline: only IndexedDB holds the records now.
  await page.close()

  // Back online, in a new page whose device clock is three hours ahead.
  await context.setOffline(false)
  await context.addInitScript(() => {
    const shift = 3 * 3600 * 1000
    const RealDate = Date
    class ShiftedDate extends RealDate {
      constructor(...a) {
        super(...(a.length ? a : [RealDate.now() + shift]))
      }
      static now() {
        return RealDate.now() + shift
      }
    }
    globalThis.Date = ShiftedDate
  })
  page = await context.newPage()
  await page.goto(`${base}/m/attempt/${attemptId}`)
  await page.locator('[data-test=exam-stem]').waitFor()
  await page.locator('[data-test=exam-save-state]', { hasText: '已保存' }).waitFor()

  // The remaining time follows the server, not the shifted device clock.
  const server = (await json(page, `/api/v1/attempts/${attemptId}`)).body
  const left = Date.parse(server.deadline) - Date.parse(server.server_now)
  const shown = (await page.locator('[data-test=exam-remaining]').textContent()).trim()
  const [mm, ss] = shown.split(':').map(Number)
  assert.ok(Math.abs(mm * 60 + ss - left / 1000) <= 5, `remaining ${shown} vs the server's ${Math.round(left / 1000)} s`)
  assert.ok(left > 20 * 60_000, 'the shifted clock did not eat the time')

  // Exactly the four answers, as given.
  const got = server.answers
  assert.equal(Object.keys(got).length, 4, JSON.stringify(got))
  const byStem = Object.fromEntries(server.questions.map((q) => [q.stem, got[String(q.id)]]))
  for (const a of [first, ...offline]) {
    const q = server.questions.find((x) => x.stem.includes(a.stem))
    const v = byStem[q.stem]
    if (a.kind === 'fill') assert.deepEqual(v, [a.text])
    else if (a.kind === 'judge') assert.equal(v, true)
    else if (a.kind === 'single') assert.equal(v, q.options.find((o) => o.text === a.pick[0]).key)
    else assert.deepEqual(v, q.options.filter((o) => a.pick.includes(o.text)).map((o) => o.key).sort())
  }

  // The two records, once each, created by the replay.
  for (const n of [1, 2]) {
    const q = encodeURIComponent(recordTitle(n))
    await page.waitForFunction(async (path) => (await (await fetch(path)).json()).total >= 1, `/api/v1/activities?q=${q}&limit=10`, { polling: 250 })
    const r = (await json(page, `/api/v1/activities?q=${q}&limit=10`)).body
    assert.equal(r.total, 1, `${recordTitle(n)} once`)
    assert.equal(r.items[0].status, 'submitted')
  }

  // Submit (with the confirmation); a replay of the submission answers the same.
  await page.locator('[data-test=exam-next]').click()
  await page.locator('[data-test=exam-number]', { hasText: '第 2/4 题' }).waitFor()
  await page.locator('[data-test=exam-sheet]').click()
  await page.locator('[data-test=exam-submit-sheet]').click()
  await page.locator('.van-dialog__confirm').click()
  await page.locator('[data-test=exam-result-score]').waitFor()
  assert.equal((await page.locator('[data-test=exam-result-score]').textContent()).trim(), '4 / 4 分')
  await page.screenshot({ path: join(shots, 'phone-exam-result-xiaoxuexiao.png'), fullPage: true })
  const csrf = (await json(page, '/api/v1/auth/me')).body.csrf_token
  const again = await json(page, `/api/v1/attempts/${attemptId}/submit`, { method: 'POST', headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: '{}' })
  assert.equal(again.status, 200)
  assert.equal(again.body.score, 4)
  await page.close()
})

test('the results page shows the candidate’s score', async () => {
  assert.ok(attemptId, 'the attempt of the second test')
  const page = await desk.context.newPage()
  await page.goto(`${base}/exams/${examId}/results`)
  await page.locator('[data-test=results-title]', { hasText: examTitle }).waitFor()
  await page.locator('[data-test=results-average]', { hasText: '4' }).waitFor()
  const scores = page.locator('[data-test=results-attempts] [data-test=attempt-score]')
  await scores.first().waitFor()
  assert.deepEqual((await scores.allTextContents()).map((s) => s.trim()), ['4 / 4'])
  await page.locator('[data-test=chart-scores] canvas').waitFor()
  await page.screenshot({ path: join(shots, 'exam-results-xuequ.png'), fullPage: true })
  const attempts = (await json(page, `/api/v1/exams/${examId}/attempts`)).body
  assert.equal(attempts.total, 1, 'scored once')
  await page.close()
  assert.deepEqual(consoleErrors, [])
})
