// Every main page, as the roles that use it, in Chinese and in English: the
// page is reachable, no translation key is missing, no raw key shows on
// screen, and the browser logs no error. A screenshot of each page in each
// language goes to the screenshots folder. Run by e2e/run.sh (ZEREN_URL).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, phone, watchConsole } from './browser.mjs'
import { phoneLogin } from './phone-steps.mjs'
import { login, loginWithTotp } from './session.mjs'

// The pages each role works in. Roles with a second factor log in through
// loginWithTotp (enrolling at their first login of the run).
const tours = [
  { user: 'xuequ', totp: false, pages: ['/', '/dashboard', '/ledger', '/reports', '/rosters', '/duty', '/rectifications', '/assessment'] },
  { user: 'xiaoxuexiao', totp: false, pages: ['/rectifications', '/assessment', '/duty', '/notifications'] },
  { user: 'bangongshi', totp: true, pages: ['/dashboard', '/ledger', '/reports', '/rosters', '/duty', '/rectifications', '/assessment', '/admin/orgs', '/admin/types', '/admin/users', '/admin/tokens'] },
  { user: 'sysadmin', totp: true, pages: ['/admin/orgs', '/admin/users', '/admin/tokens'] },
  { user: 'secadmin', totp: true, pages: ['/admin/users', '/admin/roles', '/admin/policy'] },
  { user: 'auditadmin', totp: true, pages: ['/admin/audit'] },
]

// Message keys look like "ledger.filters.unit": a word, a dot, more words.
// Shown raw on screen, one of these means a key without a message.
const rawKey = /\b(?:app|menu|header|login|password|totp|home|dashboard|errors|ledger|admin|report|roster|problems|rectify|rect|duties|leader|inbox)\.[a-zA-Z_]+(?:\.[a-zA-Z_]+)*\b/

let browser
let phoneBrowser

before(async () => {
  browser = await launch({ width: 1440, height: 900 })
  phoneBrowser = await launch(phone)
})

after(async () => {
  await browser?.close()
  await phoneBrowser?.close()
})

// checkPage asserts what every page owes its reader in lang: no missing
// translation key and no raw key on screen; then it saves a screenshot.
async function checkPage(page, what, lang, shot) {
  const missing = await page.evaluate(() => window.__zerenMissingKeys ?? [])
  assert.deepEqual(missing, [], `${what} (${lang}): missing translation keys`)
  const text = await page.locator('body').innerText()
  const raw = rawKey.exec(text)
  assert.equal(raw, null, `${what} (${lang}) shows a raw message key: ${raw?.[0]}`)
  await page.screenshot({ path: join(shots, shot), fullPage: true })
}

async function settle(page) {
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask:not([style*="display: none"])'), null, { timeout: 30000 })
}

for (const tour of tours) {
  test(`${tour.user}: every page in zh-CN and en`, async () => {
    const context = browser.context
    await context.clearCookies()
    const page = await context.newPage()
    const errors = []
    // The 401 of the session check before login is the expected answer.
    watchConsole(page, errors, /status of 401/)

    if (tour.totp) {
      await loginWithTotp(page, tour.user)
    } else {
      await page.goto(base + '/login')
      await login(page, tour.user)
      await page.waitForURL((u) => u.pathname !== '/login')
    }

    for (const lang of ['zh-CN', 'en']) {
      await page.evaluate((l) => localStorage.setItem('zeren.locale', l), lang)
      for (const path of tour.pages) {
        await page.goto(base + path)
        await settle(page)
        assert.equal(new URL(page.url()).pathname, path, `${tour.user} reaches ${path}`)
        assert.equal(await page.evaluate(() => document.documentElement.lang || localStorage.getItem('zeren.locale')), lang)
        // The page really is in that language: the header's logout button says so.
        const logout = (await page.locator('[data-test=logout]').textContent()).trim()
        assert.equal(logout, lang === 'en' ? 'Log out' : '退出登录', `${path} (${lang}) header`)
        const slug = path === '/' ? 'home' : path.slice(1).replaceAll('/', '-')
        await checkPage(page, path, lang, `page-${tour.user}-${slug}-${lang}.png`)
      }
    }
    assert.deepEqual(errors, [], 'no console errors')
    await page.close()
  })
}

test('the phone pages in zh-CN and en', async () => {
  const page = await phoneBrowser.context.newPage()
  const errors = []
  watchConsole(page, errors, /status of 401/)
  await phoneLogin(page, 'xiaoxuexiao')
  for (const lang of ['zh-CN', 'en']) {
    await page.evaluate((l) => localStorage.setItem('zeren.locale', l), lang)
    for (const path of ['/m/log', '/m/progress', '/m/me', '/m/rectify', '/m/duties', '/m/leader', '/m/notifications']) {
      await page.goto(base + path)
      await page.waitForLoadState('networkidle')
      assert.equal(new URL(page.url()).pathname, path)
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang)
      await checkPage(page, path, lang, `phone-${path.slice(3)}-${lang}.png`)
    }
  }
  assert.deepEqual(errors, [], 'no console errors')
})
