import { describe, expect, it } from 'vitest'
import { parseRectQuery, parseSteps, recordsHref, rectPath } from './api'

describe('rectification helpers', () => {
  it('round-trips a report figure link into the API query', () => {
    const f = parseRectQuery({ org_id: '3', closed_from: '2026-01-01', closed_to: '2027-01-01', immediate: 'true' })
    expect(rectPath(f, 20, 0)).toBe('/api/v1/rectifications?org_id=3&closed_from=2026-01-01&closed_to=2027-01-01&immediate=true&limit=20&offset=0')
  })
  it('parses threshold steps and refuses bad ones', () => {
    expect(parseSteps('6=1;12=3')).toEqual([
      { at: 6, points: 1 },
      { at: 12, points: 3 },
    ])
    expect(parseSteps('6:1')).toBeNull()
    expect(parseSteps('')).toBeNull()
  })
  it('opens ledger links in the ledger and paths as they are', () => {
    expect(recordsHref('org_id=1&period=2026')).toBe('/ledger?org_id=1&period=2026')
    expect(recordsHref('/rectifications?org_id=1&year=2026')).toBe('/rectifications?org_id=1&year=2026')
  })
})
