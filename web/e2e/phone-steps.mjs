// The phone pages' steps shared by the browser tests (phone.test.mjs and
// flow.test.mjs): a real PNG photo, logging in on /m/, filling the log form,
// and asking the API for activities.
//
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import { base, shots } from './browser.mjs'
import { serverToday } from './session.mjs'

// What phone.test.mjs leaves behind, for later browser tests: activities
// logged on the phone by xiaoxuexiao (school admin of D01-S01), submitted and
// titled PHONE_TITLE_PREFIX + '·e2e-<marker>-<n>', each with one photo. A
// district admin (xuequ, D01) can approve one and watch a figure rise by one.
// run.sh runs the test files in name order: a test relying on these must sort
// after phone.test.mjs (e.g. phone~approve.test.mjs or z-….test.mjs).
export const PHONE_TITLE_PREFIX = '手机记一笔'

// phoneActivities lists, with the session of page (logged in as anyone whose
// scope holds D01-S01), the phone-logged activities in a status, newest first.
export async function phoneActivities(page, status = 'submitted') {
  return page.evaluate(
    async ([q, st]) => {
      const r = await fetch(`/api/v1/activities?q=${encodeURIComponent(q)}&status=${st}&sort=created_at&limit=100`, {
        headers: { Accept: 'application/json' },
      })
      if (!r.ok) throw new Error(`phoneActivities: ${r.status}`)
      return (await r.json()).items
    },
    [PHONE_TITLE_PREFIX, status],
  )
}

// pngPhoto is a real w×h PNG (a gradient, different per seed), as the server
// sniffs uploads by content; noisy adds a camera's grain, which PNG cannot
// compress, so the file is as heavy as a phone photo.
export function pngPhoto(w, h, seed, noisy = false) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(td) >>> 0)
    return Buffer.concat([len, td, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h)
  let r = (seed * 2654435761) >>> 0
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1)
    for (let x = 0; x < w; x++) {
      r = (r * 1664525 + 1013904223) >>> 0
      const n = noisy ? r >>> 30 : 0
      raw[row + 1 + x * 3] = (x * 4 + seed + n) & 0xff
      raw[row + 2 + x * 3] = (y * 4 + seed * 7 + n) & 0xff
      raw[row + 3 + x * 3] = (x + y + seed * 13 + n) & 0xff
    }
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))])
}

// activitiesTitled asks the API, with the page's session, for the activities
// whose title contains title.
export async function activitiesTitled(page, title) {
  return page.evaluate(async (q) => {
    const r = await fetch(`/api/v1/activities?q=${encodeURIComponent(q)}&limit=50`, { headers: { Accept: 'application/json' } })
    if (!r.ok) throw new Error(`list: ${r.status}`)
    return r.json()
  }, title)
}

// fillPhoneForm picks 理论学习 → 主题活动 (a theory type that records
// attendance), keeps today's date, types the title and attendance and adds a
// photo, written to a file in photoDir first: the browser reads it from disk,
// as a phone's camera hands it over.
export async function fillPhoneForm(page, photoDir, title, attendance, photo) {
  await page.locator('[data-test=log-type]').click()
  const picker = page.locator('.van-popup:visible .van-picker')
  await picker.waitFor()
  await picker.locator('.van-picker-column').nth(0).locator('.van-picker-column__item', { hasText: '理论学习' }).click()
  await picker.locator('.van-picker-column').nth(1).locator('.van-picker-column__item', { hasText: /^主题活动$/ }).click()
  // The column has settled on the type before it is confirmed.
  await picker.locator('.van-picker-column').nth(1).locator('.van-picker-column__item--selected', { hasText: /^主题活动$/ }).waitFor()
  await picker.locator('.van-picker__confirm').click()
  await page.locator('.van-popup:visible').waitFor({ state: 'hidden' })
  assert.equal(await page.locator('[data-test=log-type] input').inputValue(), '主题活动')

  assert.equal(await page.locator('[data-test=log-date] input').inputValue(), await serverToday(page), 'the date defaults to today (the server’s)')

  await page.locator('[data-test=log-title] input').fill(title)
  const att = page.locator('[data-test=log-attendance] input')
  await att.fill(String(attendance))
  await att.blur()
  const file = join(photoDir, `photo-${title.slice(-8)}.png`)
  writeFileSync(file, photo)
  await page.locator('[data-test=log-photos] .van-uploader__input').setInputFiles(file)
  await page.locator('[data-test=log-photos] .van-uploader__preview').first().waitFor()
}

// phoneLogin logs username in on the phone pages and waits for the log form.
export async function phoneLogin(page, username = 'xiaoxuexiao') {
  await page.goto(base + '/m/')
  await page.waitForURL((u) => u.pathname === '/m/login')
  await page.locator('[data-test=username] input').waitFor()
  await page.screenshot({ path: join(shots, 'phone-login.png') })
  await page.locator('[data-test=username] input').fill(username)
  await page.locator('[data-test=password] input').fill('Zeren-Demo-2026')
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => u.pathname === '/m/log')
  await page.locator('[data-test=log-type]').waitFor()
}
