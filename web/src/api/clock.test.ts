import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { dayOf, pickerDate, resetServerClock, serverClock, serverToday } from './clock'
import { fillMonths } from '@/views/dashboard/helpers'
import { defaultYear } from '@/views/report/helpers'

// "Today" comes from the server, in the bureau's zone: a browser in UTC or
// Los Angeles, with its clock at 00:01 Beijing time on New Year's Day (still
// 31 December there), sees the same today as one in Beijing.

const zones = ['Asia/Shanghai', 'UTC', 'America/Los_Angeles']
// 00:01 on 1 January 2026 in Beijing: 16:01 UTC and 08:01 in Los Angeles on 31 December.
const instant = new Date('2025-12-31T16:01:00Z')
const answer = { today: '2026-01-01', now: '2026-01-01T00:01:00+08:00', time_zone: 'Asia/Shanghai' }

let calls = 0
const savedTZ = process.env.TZ

beforeEach(() => {
  calls = 0
  resetServerClock()
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(instant)
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string) => {
      calls++
      expect(path).toBe('/api/v1/clock')
      return new Response(JSON.stringify(answer), { status: 200, headers: { 'Content-Type': 'application/json' } })
    }),
  )
})

afterEach(() => {
  process.env.TZ = savedTZ
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe.each(zones)('a browser in %s', (zone) => {
  beforeEach(() => {
    process.env.TZ = zone
  })

  it("takes today from the server, not from its own clock and zone", async () => {
    expect(await serverToday()).toBe('2026-01-01')
    // The browser's own idea of the day differs in two of the three zones;
    // nothing of it leaks into today.
    if (zone !== 'Asia/Shanghai') expect(new Date().getDate()).toBe(31)
  })

  it('shows the server’s day in a date picker and reads it back', () => {
    for (const day of ['2026-01-01', '2025-12-31', '2024-02-29']) {
      expect(dayOf(pickerDate(day))).toBe(day)
    }
  })

  it('stops the running year’s trend at the server’s month and picks the report year from the server’s day', async () => {
    const today = await serverToday()
    const months = fillMonths('2026', [], today)
    expect(months.filter((g) => !g.future).map((g) => g.key)).toEqual(['2026-01'])
    expect(fillMonths('2025', [], today).some((g) => g.future)).toBe(false)
    expect(defaultYear(today)).toBe('2025')
  })
})

describe('the server clock', () => {
  it('is asked once for several callers, and again after an error', async () => {
    const [a, b] = await Promise.all([serverClock(), serverClock()])
    expect(a).toEqual(answer)
    expect(b).toEqual(answer)
    expect(calls).toBe(1)
    resetServerClock()
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        calls++
        return new Response(JSON.stringify({ error: { code: 'unavailable', message: 'database away' } }), { status: 503 })
      }),
    )
    await expect(serverToday()).rejects.toThrow('database away')
    await Promise.resolve()
    await expect(serverToday()).rejects.toThrow('database away')
    expect(calls).toBe(3)
  })
})
