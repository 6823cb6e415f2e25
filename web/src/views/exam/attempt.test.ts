import { describe, expect, it } from 'vitest'
import { ServerClock, answered, formatRemaining, nextSeq, remainingMs } from './attempt'
import { valueText } from './values'

describe('the server clock of a sitting', () => {
  it('counts from the server’s time by the page’s monotonic clock, whatever the device clock says', () => {
    let mono = 1000
    const clock = new ServerClock(() => mono)
    clock.sync('2026-12-06T08:00:00Z')
    const deadline = '2026-12-06T08:30:00Z'
    expect(remainingMs(deadline, clock)).toBe(30 * 60_000)
    mono += 61_000
    expect(remainingMs(deadline, clock)).toBe(30 * 60_000 - 61_000)
    // A device clock moved a day ahead changes nothing: Date.now() is never read.
    const realNow = Date.now
    Date.now = () => realNow() + 86_400_000
    try {
      expect(remainingMs(deadline, clock)).toBe(30 * 60_000 - 61_000)
    } finally {
      Date.now = realNow
    }
    // A later answer of the server resets the offset.
    clock.sync('2026-12-06T08:29:00Z')
    expect(remainingMs(deadline, clock)).toBe(60_000)
    mono += 120_000
    expect(remainingMs(deadline, clock)).toBe(0)
  })

  it('shows minutes and seconds, rounded up', () => {
    expect(formatRemaining(30 * 60_000)).toBe('30:00')
    expect(formatRemaining(61_001)).toBe('01:02')
    expect(formatRemaining(0)).toBe('00:00')
    expect(formatRemaining(2 * 3600_000 + 5000)).toBe('2:00:05')
  })
})

describe('the seq of a save', () => {
  it('rises with the server’s time since the start, across reloads, and never repeats', () => {
    let mono = 0
    const clock = new ServerClock(() => mono)
    clock.sync('2026-12-06T08:10:00Z')
    const started = '2026-12-06T08:00:00Z'
    const a = nextSeq(started, clock, 0)
    expect(a).toBe(600_000)
    expect(nextSeq(started, clock, a)).toBe(a + 1) // two saves in the same millisecond
    // A reload: a new page, its clock starts again, the server's time has moved on.
    const again = new ServerClock(() => 5)
    again.sync('2026-12-06T08:11:00Z')
    expect(nextSeq(started, again, 0)).toBeGreaterThan(a + 1)
  })
})

describe('answered and valueText', () => {
  it('counts a choice, a judgement and a typed blank, not an empty one', () => {
    expect(answered('A')).toBe(true)
    expect(answered(false)).toBe(true)
    expect(answered(['', '  '])).toBe(false)
    expect(answered(['', '党章'])).toBe(true)
    expect(answered(null)).toBe(false)
    expect(answered([])).toBe(false)
  })
  it('reads values in words', () => {
    const w = { right: '正确', wrong: '错误', none: '未作答' }
    expect(valueText(['A', 'C'], w)).toBe('A、C')
    expect(valueText(true, w)).toBe('正确')
    expect(valueText(null, w)).toBe('未作答')
    expect(valueText(['党章|章程'], w)).toBe('党章 / 章程')
  })
})
