// Pure helpers of the dashboard: year-on-year change, heatmap shading and the
// query strings that list the records behind a figure.
import type { Query } from '@/api/typed'

/**
 * The change from last year to now, in whole percent, or null when there is
 * no base to compare with (last year was 0).
 */
export function pctChange(now: number, lastYear: number): number | null {
  if (!Number.isFinite(now) || !Number.isFinite(lastYear) || lastYear <= 0) return null
  return Math.round(((now - lastYear) / lastYear) * 100)
}

/** "▲ 12%", "▼ 5%", "— 0%" or "" (no base), for a pctChange result. */
export function formatChange(pct: number | null): string {
  if (pct === null) return ''
  if (pct > 0) return `▲ ${pct}%`
  if (pct < 0) return `▼ ${-pct}%`
  return '— 0%'
}

/**
 * The intensity of a heatmap cell, 0…1, by its value against the largest
 * value of the table (0 for zero, negative or a table of zeros).
 */
export function shadeLevel(value: number, max: number): number {
  if (!(value > 0) || !(max > 0)) return 0
  return Math.min(1, value / max)
}

/**
 * The cell's background: zero is highlighted in a warning red (a lagging
 * unit), anything else a blue whose strength grows with the value.
 */
export function shadeColor(value: number, max: number): string {
  if (!(value > 0)) return 'rgba(245, 108, 108, 0.18)'
  const level = shadeLevel(value, max)
  const alpha = 0.08 + 0.72 * level
  return `rgba(64, 158, 255, ${alpha.toFixed(2)})`
}

/** Whether text on shadeColor(value, max) should be white to stay readable. */
export function shadeIsDark(value: number, max: number): boolean {
  return shadeLevel(value, max) > 0.6
}

/**
 * A records query (as returned by GET /api/v1/aggregates) with some parameters
 * replaced — e.g. {org_id: child} for a heatmap cell or {period: '2026-03'} for
 * a month — and a page (limit, offset) added. Other parameters, repeated ones
 * included, are kept in order.
 */
export function recordsQuery(
  records: string,
  overrides: Record<string, string | number> = {},
  page?: { limit: number; offset: number },
): string {
  const params = new URLSearchParams(records.startsWith('?') ? records.slice(1) : records)
  const set = { ...overrides, ...(page ? { limit: page.limit, offset: page.offset } : {}) }
  for (const [k, v] of Object.entries(set)) params.set(k, String(v))
  return params.toString()
}

/**
 * A records query string as the query of GET /api/v1/activities, a repeated
 * parameter as a list. The string is the server's own link, written in that
 * route's parameters: the cast only restates what the server wrote.
 */
export function recordsParams(records: string): Query<'/api/v1/activities'> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of new URLSearchParams(records.startsWith('?') ? records.slice(1) : records)) {
    const had = out[k]
    out[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v]
  }
  return out as Query<'/api/v1/activities'>
}

/** The year of a period code: 2026 for 2026, 2026Q3, 2026-09, 2026FA, 2026-2027学年; '' for none. */
export function periodYear(code: string): string {
  const m = /^(\d{4})/.exec(code)
  return m ? m[1] : ''
}

/** The twelve month keys of a year, 2026-01 … 2026-12. */
export function monthsOf(year: string): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`)
}

export interface Group {
  key: string
  count: number
  attendance: number
  /** A month that has not begun yet: no figure, rather than a misleading zero. */
  future?: boolean
}

/**
 * The twelve months of a year with their figures, zero where nothing was
 * recorded. Months after today's month are marked future, so the trend of the
 * running year stops at this month instead of falling to zero. today is the
 * server's date (YYYY-MM-DD, the bureau's zone), not the browser's.
 */
export function fillMonths(year: string, groups: readonly Group[], today: string): Group[] {
  const byKey = new Map(groups.map((g) => [g.key, g]))
  const current = today.slice(0, 7)
  return monthsOf(year).map((key) => {
    const g = byKey.get(key) ?? { key, count: 0, attendance: 0 }
    return key > current ? { ...g, future: true } : g
  })
}

/** A figure with thousands separators in the page's language (12,345); '–' while there is none. */
export function formatCount(n: number | null | undefined, locale: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 0 }).format(n)
}

/** One row of the heatmap as the page shows it (and exports it). */
export interface HeatRow {
  id: number
  name: string
  own?: boolean
  total?: boolean
  cells: number[] // per pillar, in the cards' order
  sum: number
  records: string
}

/**
 * The heatmap's rows with a total row appended: each pillar summed over the
 * rows (the children and the unit's own row add up to the unit's figure).
 */
export function withTotalRow(rows: readonly HeatRow[], name: string, records: string): HeatRow[] {
  if (rows.length === 0) return []
  const width = rows[0].cells.length
  const cells = Array.from({ length: width }, (_, i) => rows.reduce((s, r) => s + (r.cells[i] ?? 0), 0))
  return [...rows, { id: 0, name, total: true, cells, sum: cells.reduce((s, x) => s + x, 0), records }]
}

/** A CSV field, quoted when it holds a comma, a quote or a line break; formulas are defused. */
function csvField(v: string | number): string {
  let s = String(v)
  // A cell starting with = + - @ would be run as a formula by a spreadsheet.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * The heatmap as CSV for Excel: a byte order mark (so Excel reads the
 * Chinese names as UTF-8), a header of the pillars, one line per row, CRLF.
 */
export function heatmapCSV(header: readonly string[], rows: readonly HeatRow[]): string {
  const lines = [header.map(csvField).join(','), ...rows.map((r) => [r.name, ...r.cells, r.sum].map(csvField).join(','))]
  return '\uFEFF' + lines.join('\r\n') + '\r\n'
}
