import { describe, expect, it } from 'vitest'
import { fillMonths, formatChange, monthsOf, pctChange, periodYear, recordsParams, recordsQuery, shadeColor, shadeIsDark, shadeLevel } from './helpers'

describe('pctChange', () => {
  it('computes the change in whole percent', () => {
    expect(pctChange(110, 100)).toBe(10)
    expect(pctChange(101, 114)).toBe(-11)
    expect(pctChange(50, 50)).toBe(0)
    expect(pctChange(0, 20)).toBe(-100)
  })
  it('has no value without a base', () => {
    expect(pctChange(5, 0)).toBeNull()
    expect(pctChange(0, 0)).toBeNull()
    expect(pctChange(Number.NaN, 3)).toBeNull()
  })
  it('formats with arrows', () => {
    expect(formatChange(12)).toBe('▲ 12%')
    expect(formatChange(-5)).toBe('▼ 5%')
    expect(formatChange(0)).toBe('— 0%')
    expect(formatChange(null)).toBe('')
  })
})

describe('shading', () => {
  it('scales against the largest value', () => {
    expect(shadeLevel(0, 10)).toBe(0)
    expect(shadeLevel(5, 10)).toBe(0.5)
    expect(shadeLevel(10, 10)).toBe(1)
    expect(shadeLevel(12, 10)).toBe(1)
    expect(shadeLevel(3, 0)).toBe(0)
  })
  it('highlights zero and darkens with the value', () => {
    expect(shadeColor(0, 10)).toContain('245, 108, 108')
    expect(shadeColor(1, 10)).toBe('rgba(64, 158, 255, 0.15)')
    expect(shadeColor(10, 10)).toBe('rgba(64, 158, 255, 0.80)')
    expect(shadeIsDark(10, 10)).toBe(true)
    expect(shadeIsDark(2, 10)).toBe(false)
  })
})

describe('recordsQuery', () => {
  const records = 'org_id=4&period=2026&pillar=theory&status=approved'
  it('keeps the aggregate query and adds a page', () => {
    expect(recordsQuery(records, {}, { limit: 20, offset: 40 })).toBe(`${records}&limit=20&offset=40`)
  })
  it('replaces the unit for a heatmap cell', () => {
    expect(recordsQuery(records, { org_id: 15 })).toBe('org_id=15&period=2026&pillar=theory&status=approved')
  })
  it('replaces the period for a month and keeps repeated parameters', () => {
    const q = recordsQuery('org_id=4&period=2026&type_id=3&type_id=5&status=approved', { period: '2026-03' })
    expect(q).toBe('org_id=4&period=2026-03&type_id=3&type_id=5&status=approved')
    expect(recordsQuery('?org_id=4', { offset: 0 })).toBe('org_id=4&offset=0')
  })
})

describe('recordsParams', () => {
  it('reads a records link as the API query, a repeated parameter as a list', () => {
    expect(recordsParams('?org_id=4&period=2026&type_id=3&type_id=5&status=approved&limit=20&offset=40')).toEqual({
      org_id: '4',
      period: '2026',
      type_id: ['3', '5'],
      status: 'approved',
      limit: '20',
      offset: '40',
    })
    expect(recordsParams('')).toEqual({})
  })
})

describe('periods and months', () => {
  it('finds the year of a period', () => {
    expect(periodYear('2026')).toBe('2026')
    expect(periodYear('2025Q3')).toBe('2025')
    expect(periodYear('2026FA')).toBe('2026')
    expect(periodYear('')).toBe('')
  })
  it('fills the twelve months', () => {
    expect(monthsOf('2026')).toHaveLength(12)
    const m = fillMonths('2026', [{ key: '2026-03', count: 4, attendance: 90 }], '2027-01-05')
    expect(m).toHaveLength(12)
    expect(m[0]).toEqual({ key: '2026-01', count: 0, attendance: 0 })
    expect(m[2]).toEqual({ key: '2026-03', count: 4, attendance: 90 })
    expect(m.some((g) => g.future)).toBe(false)
  })
  it('marks the months of the running year that have not begun', () => {
    const m = fillMonths('2026', [{ key: '2026-03', count: 4, attendance: 90 }], '2026-05-31')
    expect(m.filter((g) => !g.future).map((g) => g.key)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05'])
    expect(m[5]).toEqual({ key: '2026-06', count: 0, attendance: 0, future: true })
    // A past year has no future months; a coming year is all future.
    expect(fillMonths('2025', [], '2026-05-31').some((g) => g.future)).toBe(false)
    expect(fillMonths('2027', [], '2026-05-31').every((g) => g.future)).toBe(true)
  })
})

describe('formatCount', () => {
  it('separates thousands in both languages and shows – for none', async () => {
    const { formatCount } = await import('./helpers')
    expect(formatCount(1234567, 'zh-CN')).toBe('1,234,567')
    expect(formatCount(1234, 'en')).toBe('1,234')
    expect(formatCount(0, 'zh-CN')).toBe('0')
    expect(formatCount(undefined, 'zh-CN')).toBe('–')
  })
})

describe('withTotalRow and heatmapCSV', () => {
  const rows = [
    { id: 3, name: '城关一中', cells: [1, 0, 2500], sum: 2501, records: 'org_id=3' },
    { id: 4, name: '"二中", 东校区', cells: [0, 4, 1], sum: 5, records: 'org_id=4' },
  ]
  it('sums each pillar over the rows', async () => {
    const { withTotalRow } = await import('./helpers')
    const all = withTotalRow(rows, '合计', 'org_id=2')
    expect(all).toHaveLength(3)
    expect(all[2]).toMatchObject({ total: true, name: '合计', cells: [1, 4, 2501], sum: 2506 })
    expect(withTotalRow([], '合计', '')).toEqual([])
  })
  it('writes CSV with a BOM, quoted fields, CRLF and defused formulas', async () => {
    const { heatmapCSV, withTotalRow } = await import('./helpers')
    const csv = heatmapCSV(['单位', '理论', '文明', '网络', '合计'], withTotalRow([...rows, { id: 5, name: '=HYPERLINK("x")', cells: [0, 0, 0], sum: 0, records: '' }], '合计', ''))
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    const lines = csv.slice(1).split('\r\n')
    expect(lines[0]).toBe('单位,理论,文明,网络,合计')
    expect(lines[1]).toBe('城关一中,1,0,2500,2501')
    expect(lines[2]).toBe('"""二中"", 东校区",0,4,1,5')
    expect(lines[3]).toBe(`"'=HYPERLINK(""x"")",0,0,0,0`)
    expect(lines[4]).toBe('合计,1,4,2501,2506')
    expect(lines[5]).toBe('')
  })
})
