// Shared set-up of the browser tests: Debian's chromium with the flags this
// closed network needs, a fresh profile per file, and where screenshots go.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

export const base = process.env.ZEREN_URL ?? 'http://127.0.0.1:8080'
export const shots = new URL('./screenshots/', import.meta.url).pathname
mkdirSync(shots, { recursive: true })

// phone is the context of the phone pages' tests: a 375 px wide phone with
// touch, a 2× screen, and WeChat's in-app browser's user agent (where branch
// secretaries open the link).
export const phone = {
  viewport: { width: 375, height: 812 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
  userAgent:
    'Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2585 ' +
    'MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
}

// launch starts chromium with a fresh profile; close() ends it and removes the
// profile. viewport is a size, or the phone preset above.
export async function launch(viewport) {
  const device = viewport === phone ? phone : { viewport }
  const profile = mkdtempSync(join(tmpdir(), 'zeren-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    ...device,
    locale: 'zh-CN',
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

// watchConsole collects page's console errors and uncaught exceptions into
// errors, as "url: message". Console messages matching ignore — answers a
// test expects, such as /status of 401/ for the session check before login —
// are left out. It returns page.
export function watchConsole(page, errors, ignore) {
  page.on('console', (m) => {
    if (m.type() === 'error' && !(ignore && ignore.test(m.text()))) errors.push(`${page.url()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`))
  return page
}
