// Login, home page, language switch and lockout, in Debian's chromium.
// Run by e2e/run.sh, which starts the demo server and sets ZEREN_URL.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, watchConsole } from './browser.mjs'
import { loginWithTotp } from './session.mjs'

let browser
let context
const consoleErrors = []

before(async () => {
  browser = await launch({ width: 1366, height: 800 })
  context = browser.context
})

after(async () => {
  await browser?.close()
})

async function newPage() {
  const page = await context.newPage()
  watchConsole(page, consoleErrors)
  return page
}

async function login(page, username, password) {
  await page.locator('input[data-test=username]').fill(username)
  await page.locator('input[data-test=password]').fill(password)
  await page.locator('[data-test=login-submit]').click()
}

async function chooseLanguage(page, label) {
  await page.locator('.el-header [data-test=lang]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).click()
}

test('a district admin logs in, sees the home page, switches language and logs out', async () => {
  const page = await newPage()
  await page.goto(base + '/')
  await page.waitForURL(/\/login/)
  await page.getByText('意识形态工作责任制').first().waitFor()
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(shots, 'login-zh.png') })

  await login(page, 'xuequ', 'Zeren-Demo-2026')
  // A role that reads activities lands on the dashboard; home stays in the menu.
  await page.waitForURL((u) => u.pathname === '/dashboard')
  await page.locator('.el-aside .el-menu-item', { hasText: '首页' }).click()
  await page.waitForURL(base + '/')
  const name = (await page.locator('[data-test=user-name]').textContent())?.trim()
  assert.ok(name, 'the header shows the user name')
  await page.locator('[data-test=welcome]', { hasText: name }).waitFor()
  await page.locator('[data-test=permissions] .el-tag').first().waitFor()
  await page.locator('[data-test=unit]', { hasText: '学区' }).waitFor()
  assert.ok(await page.getByText('账号信息').isVisible(), 'Chinese by default')
  await page.locator('[data-test=permissions] .el-tag', { hasText: '查看活动' }).waitFor()
  await page.waitForTimeout(500) // let transitions end before the screenshot
  await page.screenshot({ path: join(shots, 'home-zh.png'), fullPage: true })

  await chooseLanguage(page, 'English')
  await page.getByText('Account', { exact: true }).waitFor()
  await page.getByText(`Welcome, ${name}`).waitFor()
  await page.locator('[data-test=permissions] .el-tag', { hasText: 'Read activities' }).waitFor()
  await page.locator('.el-select-dropdown:visible').waitFor({ state: 'hidden' })
  await page.waitForTimeout(500)
  await page.screenshot({ path: join(shots, 'home-en.png'), fullPage: true })
  await chooseLanguage(page, '简体中文')
  await page.getByText('账号信息').waitFor()

  // A reload keeps the session and the client-side route (SPA fallback).
  await page.reload()
  await page.locator('[data-test=welcome]', { hasText: name }).waitFor()

  await page.locator('[data-test=logout]').click()
  await page.waitForURL(/\/login/)
  await page.close()
})

test('five wrong passwords lock the account and say when to retry', async () => {
  const page = await newPage()
  await page.goto(base + '/login')
  let message = ''
  for (let i = 1; i <= 7; i++) {
    await login(page, 'jiaoshi', `wrong-password-${i}`)
    const alert = page.locator('[data-test=login-error]')
    await alert.waitFor()
    await page.waitForFunction(() => !document.querySelector('[data-test=login-submit]')?.classList.contains('is-loading'))
    message = (await alert.textContent())?.trim() ?? ''
    if (/锁定|稍后|之后再试/.test(message) && /\d{1,2}:\d{2}/.test(message)) break
    assert.match(message, /用户名或密码错误/, `attempt ${i}`)
  }
  assert.match(message, /账号已锁定.*\d{1,2}:\d{2}/, `lockout message with a retry time, got: ${message}`)
  await page.screenshot({ path: join(shots, 'login-locked-zh.png') })

  // The security administrator unlocks the teacher, as the office would ask:
  // other files log in as jiaoshi on this same demo county.
  await loginWithTotp(page, 'secadmin')
  const unlocked = await page.evaluate(async () => {
    const me = await (await fetch('/api/v1/auth/me')).json()
    const list = await (await fetch('/api/v1/accounts?q=jiaoshi')).json()
    const acct = list.items.find((a) => a.username === 'jiaoshi')
    const r = await fetch(`/api/v1/accounts/${acct.id}/unlock`, { method: 'POST', headers: { 'X-CSRF-Token': me.csrf_token ?? '' } })
    return r.status
  })
  assert.equal(unlocked, 204, 'the security administrator unlocks the account')
  await page.close()
})

test('no console errors', () => {
  // The lockout's 4xx answers are expected; the browser logs failed fetches as errors.
  const unexpected = consoleErrors.filter((e) => !/Failed to load resource: the server responded with a status of (401|403|423|429)/.test(e))
  assert.deepEqual(unexpected, [])
})
