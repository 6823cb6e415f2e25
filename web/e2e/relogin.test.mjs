// An ended session and a stale CSRF token lose no work, in Debian's chromium.
// Desktop: a school admin types a new record in the ledger's dialog; the
// session ends (its cookie is gone, as after the idle timeout); 保存 opens a
// re-login in place, and after the password the record is saved with what was
// typed. Then another login in the same browser (another tab) leaves this
// page's CSRF token stale; 保存并提交 still goes through. Phone: the same with
// the log form and its photo. Run by e2e/run.sh, which sets ZEREN_URL.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, after } from 'node:test'
import { base, shots, launch, phone, watchConsole } from './browser.mjs'
import { demoPassword, login } from './session.mjs'
import { activitiesTitled, fillPhoneForm, phoneLogin, pngPhoto } from './phone-steps.mjs'

const marker = Date.now().toString(36)
const consoleErrors = []
// The answers that end in a re-login are expected; nothing else may fail.
const expected = /status of (401|403)/
const browsers = []
let photoDir

after(async () => {
  for (const b of browsers) await b.close()
  if (photoDir) rmSync(photoDir, { recursive: true, force: true })
})

test('desktop: a record typed before the session ended is saved after a re-login in place', async () => {
  const browser = await launch({ width: 1440, height: 900 })
  browsers.push(browser)
  const page = watchConsole(await browser.context.newPage(), consoleErrors, expected)
  let logins = 0
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/auth/login') logins++
  })
  await page.goto(base + '/login')
  await login(page, 'xiaoxuexiao')
  await page.waitForURL((u) => u.pathname !== '/login')
  await page.goto(base + '/ledger')
  // Today, as the server (the bureau's clock) has it.
  const today = await page.evaluate(async () => (await (await fetch('/api/v1/periods/current?kind=day')).json()).range.from)
  assert.match(today, /^\d{4}-\d{2}-\d{2}$/)
  await page.locator('[data-test=ledger-new]').click()
  const dialog = page.locator('[data-test=activity-dialog]')
  await dialog.locator('[data-test=form-type]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '“学习强国”集中学习' }).first().click()
  await dialog.locator('[data-test=form-date-item] input').fill(today)
  await dialog.locator('[data-test=form-date-item] input').press('Enter')
  const title = `会话恢复测试 ${marker}`
  await dialog.locator('input[data-test=form-title]').fill(title)
  await dialog.locator('[data-test=form-attendance-item] input').fill('28')

  // The session ends while the dialog is open.
  await browser.context.clearCookies()
  await dialog.locator('[data-test=form-save]').click()
  const relogin = page.locator('[data-test=relogin]')
  await relogin.locator('input[data-test=relogin-password]').waitFor()
  assert.match(await relogin.textContent(), /登录已过期/)
  await page.screenshot({ path: join(shots, 'relogin-desktop.png') })
  // A wrong password keeps the dialog (and the form under it).
  await relogin.locator('input[data-test=relogin-password]').fill('Wrong-password-1')
  await relogin.locator('[data-test=relogin-submit]').click()
  await relogin.locator('[data-test=relogin-error]').waitFor()
  await relogin.locator('input[data-test=relogin-password]').fill(demoPassword)
  await relogin.locator('[data-test=relogin-submit]').click()
  // Saved as a draft: the dialog goes on to the evidence step, its fields intact.
  await dialog.locator('[data-test=evidence-limits]').waitFor()
  assert.equal(await dialog.locator('input[data-test=form-title]').inputValue(), title)
  let list = await activitiesTitled(page, title)
  assert.equal(list.total, 1, 'the typed record was saved once')
  assert.equal(list.items[0].attendance, 28)
  assert.equal(list.items[0].status, 'draft')

  // Another tab logs in again: this page's CSRF token is stale now.
  const res = await page.request.post(base + '/api/v1/auth/login', { data: { username: 'xiaoxuexiao', password: demoPassword } })
  assert.equal(res.status(), 200)
  await dialog.locator('[data-test=form-save-submit]').click()
  await dialog.waitFor({ state: 'hidden' })
  list = await activitiesTitled(page, title)
  assert.equal(list.total, 1)
  assert.equal(list.items[0].status, 'submitted', 'submitted with the fresh token, without asking again')
  assert.equal(logins, 3, 'the page logged in three times: the form, the wrong and the right password; none for the stale token')
  await page.close()
})

test('phone: the record and its photo survive an ended session', async () => {
  const browser = await launch(phone)
  browsers.push(browser)
  photoDir = mkdtempSync(join(tmpdir(), 'zeren-relogin-photos-'))
  const page = watchConsole(await browser.context.newPage(), consoleErrors, expected)
  await phoneLogin(page)
  const title = `手机会话恢复 ${marker}`
  await fillPhoneForm(page, photoDir, title, 19, pngPhoto(80, 60, 5))
  await browser.context.clearCookies()
  await page.locator('[data-test=log-submit]').click()
  const relogin = page.locator('[data-test=relogin]')
  await relogin.locator('[data-test=relogin-password] input').waitFor()
  await page.screenshot({ path: join(shots, 'relogin-phone.png') })
  await relogin.locator('[data-test=relogin-password] input').fill(demoPassword)
  await relogin.locator('[data-test=relogin-submit]').click()
  await page.locator('[data-test=log-done]').waitFor()
  const list = await activitiesTitled(page, title)
  assert.equal(list.total, 1, 'recorded once')
  assert.equal(list.items[0].status, 'submitted')
  assert.equal(list.items[0].attendance, 19)
  assert.equal(list.items[0].evidence.length, 1, 'with its photo')
  await page.close()
})

test('no unexpected console errors', () => {
  assert.deepEqual(consoleErrors, [])
})
