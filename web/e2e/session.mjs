// Shared login steps of the browser tests: the password form, the TOTP
// enrolment the administrators pass at first login, and the TOTP codes an
// authenticator app would show (RFC 6238: HMAC-SHA1, 6 digits, 30 s).
import { createHmac } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { base } from './browser.mjs'

export const demoPassword = 'Zeren-Demo-2026'

// base32Decode reads an RFC 4648 base32 secret (as shown at enrolment).
function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  const out = []
  for (const ch of s.toUpperCase().replace(/[=\s]/g, '')) {
    const i = alphabet.indexOf(ch)
    if (i < 0) throw new Error(`not base32: ${ch}`)
    value = (value << 5) | i
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

// totpCode is the code of the 30-second step containing time ms.
export function totpCode(secret, ms = Date.now()) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 1000 / 30)))
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest()
  const off = mac[mac.length - 1] & 0x0f
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000
  return String(n).padStart(6, '0')
}

// The secrets enrolled against this demo server and the last step used with
// each, in a file shared by the test files of one run (run.sh starts one
// node process per file, all against the same server).
const stateFile = join(tmpdir(), `zeren-e2e-totp-${new URL(base).port || 'default'}.json`)

function readState() {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8'))
  } catch {
    return {}
  }
}

function writeState(state) {
  writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 })
}

// freshCode waits, if needed, for a step whose code has not been used with
// username's secret: the server accepts a code once.
export async function freshCode(username) {
  for (;;) {
    const state = readState()
    const entry = state[username]
    if (!entry) throw new Error(`no second factor of ${username} was enrolled in this run`)
    const step = Math.floor(Date.now() / 30000)
    if (step !== entry.step) {
      state[username] = { ...entry, step }
      writeState(state)
      return totpCode(entry.secret)
    }
    await new Promise((r) => setTimeout(r, 30000 - (Date.now() % 30000) + 50))
  }
}

// login fills the login form of page (already on /login).
export async function login(page, username, password = demoPassword) {
  await page.locator('input[data-test=username]').fill(username)
  await page.locator('input[data-test=password]').fill(password)
  await page.locator('[data-test=login-submit]').click()
}

// loginWithTotp logs username in from /login, enrolling a second factor the
// first time (remembering its secret for later logins) or entering the code
// of the one enrolled earlier in this run. It returns when the app left the
// login steps. It first ends any session of the page's browser context: the
// context's pages share one cookie jar.
export async function loginWithTotp(page, username, password = demoPassword) {
  await page.context().clearCookies()
  await page.goto(base + '/login')
  await login(page, username, password)
  await page.waitForURL(/\/totp/)
  if (new URL(page.url()).pathname === '/totp/enrol') {
    // The secret shown for typing into an app when the QR code cannot be scanned.
    const secret = ((await page.locator('.auth-card code').textContent()) ?? '').replace(/\s/g, '')
    if (!secret) throw new Error('the enrolment page shows no secret')
    const state = readState()
    state[username] = { secret, step: -1 }
    writeState(state)
  }
  await page.locator('input[autocomplete=one-time-code]').fill(await freshCode(username))
  await page.locator('input[autocomplete=one-time-code]').press('Enter')
  await page.waitForURL((u) => !u.pathname.startsWith('/totp'))
}

/**
 * Today's date in the bureau's time zone, as the server answers it
 * (GET /api/v1/clock, with the page's session): like the app, the tests never
 * take "today" from the machine's clock or zone.
 */
export async function serverToday(page) {
  return page.evaluate(async () => (await (await fetch('/api/v1/clock')).json()).today)
}
