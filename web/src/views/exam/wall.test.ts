import { describe, expect, it } from 'vitest'
import { instantToWall, wallToInstant } from './wall'

describe('the window in the bureau’s wall-clock time', () => {
  it('is the same instant whatever the browser’s zone', () => {
    expect(wallToInstant('2026-12-08 09:00', 'Asia/Shanghai')).toBe('2026-12-08T01:00:00Z')
    expect(wallToInstant('2026-01-01 00:30', 'Asia/Shanghai')).toBe('2025-12-31T16:30:00Z')
    expect(instantToWall('2026-12-08T01:00:00Z', 'Asia/Shanghai')).toBe('2026-12-08 09:00')
  })
  it('round-trips in a zone with summer time, and refuses what it cannot read', () => {
    for (const w of ['2026-07-01 12:00', '2026-01-15 08:45']) expect(instantToWall(wallToInstant(w, 'Europe/Berlin'), 'Europe/Berlin')).toBe(w)
    expect(wallToInstant('tomorrow', 'Asia/Shanghai')).toBe('')
    expect(instantToWall(undefined, 'Asia/Shanghai')).toBe('')
  })
})
