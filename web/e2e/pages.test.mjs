// Every main page, as the roles that use it, in Chinese and in English: the
// page is reachable, no translation key is missing, no raw key shows on
// screen, and the browser logs no error. A screenshot of each page in each
// language goes to the screenshots folder. Run by e2e/run.sh (ZEREN_URL).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, after, before } from 'node:test'
import { base, shots, launch, phone, watchConsole } from './browser.mjs'
import { demoPassword, login, loginWithTotp } from './session.mjs'

// The roles whose pages are checked: the district and school secretaries,
// the bureau office, and the three administrators. Each sees every page of its
// side menu (read from the menu itself, so a new feature's page is checked
// without editing this file) and the pages reached from the header.
// Roles with a second factor log in through loginWithTotp (enrolling at their
// first login of the run).
const tours = [
  { user: 'xuequ', totp: false },
  { user: 'xiaoxuexiao', totp: false },
  { user: 'bangongshi', totp: true },
  { user: 'sysadmin', totp: true },
  { user: 'secadmin', totp: true },
  { user: 'auditadmin', totp: true },
]
// Pages every role reaches from the header (the user menu, the bell).
const headerPages = ['/account/password', '/notifications']

// What the interface itself says (menus, buttons, labels, tabs, the pager,
// empty states; on zh-CN also column heads) — not the data, which is in
// Chinese in both languages (an assessment's column heads are its rubric's
// items). On an en page none of it may be Chinese; on a zh-CN page none of it
// may be an English word but those people read as they are.
const chrome = '.el-menu, button, .el-form-item__label, .el-tabs__item, .el-pagination, .el-empty__description, .el-dialog__title, [data-test=logout], .van-tabbar, .van-nav-bar__title, .van-field__label'
const chromeZh = `${chrome}, th`
const allowedLatin = new Set(['Excel', 'CSV', 'PDF', 'Word', 'HTML', 'TOTP', 'API', 'SHA', 'SM', 'KB', 'MB', 'English', 'App', 'ID', 'zeren', 'Enter'])
const han = /[\u3400-\u9fff]/
const langSwitch = '简体中文'

async function chromeTexts(page, selector) {
  return page.evaluate((sel) => {
    const out = []
    for (const el of document.querySelectorAll(sel)) {
      if (!(el instanceof HTMLElement) || !el.offsetParent) continue // hidden
      const t = el.innerText.trim()
      if (t) out.push(t)
    }
    return out
  }, selector)
}

/** The interface words on the page that are in the other language. */
async function wrongLanguage(page, lang) {
  const bad = new Set()
  for (const text of await chromeTexts(page, lang === 'en' ? chrome : chromeZh)) {
    for (const line of text.split('\n')) {
      const l = line.replace(langSwitch, '').trim()
      if (!l) continue
      if (lang === 'en' && han.test(l)) bad.add(l)
      if (lang === 'zh-CN') for (const w of l.match(/[A-Za-z]{2,}/g) ?? []) if (!allowedLatin.has(w)) bad.add(w)
    }
  }
  return [...bad]
}

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
  await page.screenshot({ path: join(shots, shot), fullPage: true })
  const missing = await page.evaluate(() => window.__zerenMissingKeys ?? [])
  assert.deepEqual(missing, [], `${what} (${lang}): missing translation keys`)
  const text = await page.locator('body').innerText()
  const raw = rawKey.exec(text)
  assert.equal(raw, null, `${what} (${lang}) shows a raw message key: ${raw?.[0]}`)
  assert.deepEqual(await wrongLanguage(page, lang), [], `${what} (${lang}): interface text in the other language`)
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

    // Every page of the role's side menu (groups open by default), then the header's.
    await page.locator('.el-menu-item[data-path]').first().waitFor()
    const menuPages = await page.locator('.el-menu-item[data-path]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))
    assert.ok(menuPages.length > 0, `${tour.user} has a menu`)
    const pages = [...new Set([...menuPages, ...headerPages])]

    for (const lang of ['zh-CN', 'en']) {
      await page.evaluate((l) => localStorage.setItem('zeren.locale', l), lang)
      for (const path of pages) {
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

// The phone pages of a school secretary (who records) and of a member (who
// only reads progress), in both languages.
const phoneTours = [
  { user: 'xiaoxuexiao', pages: ['/m/log', '/m/progress', '/m/me', '/m/rectify', '/m/change-password', '/m/duties', '/m/leader', '/m/notifications'] },
  { user: 'jiaoshi', pages: ['/m/progress', '/m/me'] },
]
for (const tour of phoneTours) {
  test(`the phone pages of ${tour.user} in zh-CN and en`, async () => {
    const context = phoneBrowser.context
    await context.clearCookies()
    const page = await context.newPage()
    const errors = []
    watchConsole(page, errors, /status of 401/)
    await page.goto(base + '/m/')
    await page.waitForURL((u) => u.pathname === '/m/login')
    for (const lang of ['zh-CN', 'en']) {
      await page.evaluate((l) => localStorage.setItem('zeren.locale', l), lang)
      await page.reload()
      await page.locator('[data-test=username] input').waitFor()
      await checkPage(page, '/m/login', lang, `phone-${tour.user}-login-${lang}.png`)
    }
    await page.evaluate(() => localStorage.setItem('zeren.locale', 'zh-CN'))
    await page.locator('[data-test=username] input').fill(tour.user)
    await page.locator('[data-test=password] input').fill(demoPassword)
    await page.locator('[data-test=login-submit]').click()
    await page.waitForURL((u) => u.pathname !== '/m/login')
    for (const lang of ['zh-CN', 'en']) {
      await page.evaluate((l) => localStorage.setItem('zeren.locale', l), lang)
      for (const path of tour.pages) {
        await page.goto(base + path)
        await page.waitForLoadState('networkidle')
        assert.equal(new URL(page.url()).pathname, path)
        assert.equal(await page.evaluate(() => document.documentElement.lang), lang)
        await page.locator('.van-tabbar, .van-nav-bar').first().waitFor()
        await checkPage(page, path, lang, `phone-${tour.user}-${path.slice(3)}-${lang}.png`)
      }
    }
    assert.deepEqual(errors, [], 'no console errors')
    await page.close()
  })
}
