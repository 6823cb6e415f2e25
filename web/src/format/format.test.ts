import { describe, expect, it } from 'vitest'
import { bureauDay, formatBytes, formatNumber, formatPercent, formatTimeOfDay, formatTimestamp, NONE } from '.'

describe('numbers', () => {
  it('have thousands separators in both languages', () => {
    expect(formatNumber(1234567, 'zh-CN')).toBe('1,234,567')
    expect(formatNumber(1234567, 'en')).toBe('1,234,567')
    expect(formatNumber(12.345, 'zh-CN')).toBe('12.35')
    expect(formatNumber(0, 'zh-CN')).toBe('0')
  })
  it('show "—" for a missing figure, not 0', () => {
    expect(formatNumber(undefined, 'zh-CN')).toBe(NONE)
    expect(formatNumber(null, 'en')).toBe(NONE)
    expect(formatNumber(Number.NaN, 'en')).toBe(NONE)
    expect(formatPercent(undefined, 'en')).toBe(NONE)
  })
  it('percentages and sizes', () => {
    expect(formatPercent(0.125, 'zh-CN')).toBe('12.5%')
    expect(formatBytes(5 * 1024 * 1024 + 512 * 1024, 'en')).toBe('5.5 MB')
    expect(formatBytes(1000 * 1024, 'zh-CN')).toBe('1,000 KB')
  })
})

describe('timestamps in the bureau zone', () => {
  // 16:30 UTC is 00:30 of the next day in Shanghai: the browser's zone must not matter.
  const late = '2026-03-01T16:30:00Z'
  it('show the bureau wall clock, whatever the machine zone', () => {
    expect(formatTimestamp(late, 'Asia/Shanghai')).toBe('2026-03-02 00:30')
    expect(formatTimestamp(late, 'Asia/Shanghai', true)).toBe('2026-03-02 00:30:00')
    expect(formatTimestamp(late, 'Asia/Urumqi')).toBe('2026-03-01 22:30')
    expect(formatTimestamp('2026-03-02T00:30:00+08:00', 'Asia/Shanghai')).toBe('2026-03-02 00:30')
  })
  it('show "—" for none or an unreadable value', () => {
    expect(formatTimestamp(undefined, 'Asia/Shanghai')).toBe(NONE)
    expect(formatTimestamp('', 'Asia/Shanghai')).toBe(NONE)
    expect(formatTimestamp('yesterday', 'Asia/Shanghai')).toBe(NONE)
  })
  it('compare days in the bureau zone', () => {
    expect(bureauDay(new Date(late), 'Asia/Shanghai')).toBe('2026-03-02')
    const now = new Date('2026-03-02T03:00:00Z') // 11:00 in Shanghai, the same bureau day
    expect(formatTimeOfDay(new Date(late), 'zh-CN', 'Asia/Shanghai', now)).toBe('00:30')
    expect(formatTimeOfDay(new Date(late), 'zh-CN', 'Asia/Shanghai', new Date('2026-03-03T03:00:00Z'))).toMatch(/3月2日/)
  })
  it('is the same for any instant read back from its own output', () => {
    // Property: formatting then reading back in the zone gives the instant (to the minute).
    for (let i = 0; i < 200; i++) {
      const at = new Date(Date.UTC(2020, 0, 1) + Math.floor(((i * 7919) % 100000) * 60_000 * 13.7))
      at.setUTCSeconds(0, 0)
      const s = formatTimestamp(at.toISOString(), 'Asia/Shanghai')
      expect(new Date(`${s.replace(' ', 'T')}:00+08:00`).getTime()).toBe(at.getTime())
    }
  })
})
