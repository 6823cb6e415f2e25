// Pure helpers of the report pages, tested in helpers.test.ts.
import type { FunctionArg, Report, ReportFigure, ReportFunction } from './types'

// ---- The report as a document ----------------------------------------------

/** A piece of a displayed block: text, or a figure with its records link. */
export type DisplayPart =
  | { kind: 'text'; text: string }
  | { kind: 'figure'; text: string; figure: ReportFigure; href: string | null; tooltip: string }

export interface DisplayBlock {
  kind: string
  /** The element to draw it with: h1 title, h2/h3 headings, p otherwise. */
  tag: 'h1' | 'h2' | 'h3' | 'p'
  reminder: boolean
  parts: DisplayPart[]
}

const tags: Record<string, DisplayBlock['tag']> = { title: 'h1', heading1: 'h2', heading2: 'h3' }

/**
 * The in-app link to a figure's records. The engine writes
 * "/ledger?org_id=…"; a bare query ("?org_id=…" or "org_id=…") is taken
 * as the ledger's; other in-app paths (e.g. /problems?…) are kept; anything
 * that is not a same-site path gives null (no link rather than a wrong one).
 */
export function recordsHref(records: string): string | null {
  const r = records.trim()
  if (!r) return null
  if (r.startsWith('/') && !r.startsWith('//')) return r
  if (r.startsWith('?')) return '/ledger' + r
  if (/^[a-z_]+=/.test(r)) return '/ledger?' + r
  return null
}

/** The tooltip of a figure: its expression and the canonical query counted. */
export function figureTooltip(f: ReportFigure): string {
  const lines = [f.expr]
  if (f.query && f.query !== f.expr) lines.push(f.query)
  if (f.approx) lines.push(`= ${f.value}${f.unit}`)
  return lines.join('\n')
}

/**
 * Maps the Report JSON into blocks to draw. A span pointing at a figure that
 * is not in the list shows its text unlinked (never a broken link).
 */
export function displayBlocks(report: Pick<Report, 'blocks' | 'figures'>): DisplayBlock[] {
  const byIndex = new Map<number, ReportFigure>()
  report.figures.forEach((f, i) => byIndex.set(f.index ?? i, f))
  return report.blocks.map((b) => ({
    kind: b.kind,
    tag: tags[b.kind] ?? 'p',
    reminder: !!b.reminder,
    parts: b.spans.map((s): DisplayPart => {
      const f = s.figure === undefined || s.figure === null ? undefined : byIndex.get(s.figure)
      if (!f) return { kind: 'text', text: s.text }
      return { kind: 'figure', text: separated(s.text), figure: f, href: recordsHref(f.records), tooltip: figureTooltip(f) }
    }),
  }))
}

/**
 * A figure's text with thousands separators (12345 → 12,345; 1234.5 → 1,234.5),
 * as every number on the pages has them; other text is kept.
 */
export function separated(text: string): string {
  return text.replace(/(^|[^\d.,])(\d{4,})(?=$|[^\d,])/g, (_, pre: string, digits: string) => pre + digits.replace(/\B(?=(\d{3})+$)/g, ','))
}

// ---- Syntax errors ------------------------------------------------------------

export interface ErrorPosition {
  line: number
  column: number
  message: string
}

/**
 * Reads "line 3, column 14: unknown filter …" (reporttpl.SyntaxError), also
 * after a field prefix such as "source: ". The API may carry line and column
 * as fields too; those win when present.
 */
export function errorPosition(message: string, fields?: { line?: unknown; column?: unknown }): ErrorPosition | null {
  const m = /line (\d+), column (\d+):\s*([\s\S]*)$/.exec(message)
  const line = typeof fields?.line === 'number' ? fields.line : m ? Number(m[1]) : NaN
  const column = typeof fields?.column === 'number' ? fields.column : m ? Number(m[2]) : NaN
  if (!Number.isFinite(line) || !Number.isFinite(column) || line < 1 || column < 1) return null
  return { line, column, message: m ? m[3] : message }
}

/**
 * The UTF-16 offset (what a textarea's selection counts) of a 1-based line
 * and column, where the column counts characters (code points), as the
 * template language does. Clamped to the source.
 */
export function offsetOf(source: string, line: number, column: number): number {
  const lines = source.split('\n')
  let off = 0
  for (let i = 0; i < Math.min(line - 1, lines.length - 1); i++) off += lines[i].length + 1
  const l = lines[Math.min(line, lines.length) - 1] ?? ''
  const chars = Array.from(l)
  const prefix = chars.slice(0, Math.max(0, column - 1)).join('')
  return off + Math.min(prefix.length, l.length)
}

/** The number of lines of a source (what the line-number gutter shows). */
export function lineCount(source: string): number {
  return source.split('\n').length
}

/**
 * The soft-wrap layout of the editor: from the measured height (px) of each
 * logical line laid out at the textarea's width, how many visual rows each
 * takes (at least one: an empty or unmeasured line still has its number) and
 * where each starts (px from the top of the text). The gutter numbers each
 * logical line once, its row as tall as the line wraps; an error on line L is
 * highlighted at tops[L-1], rows[L-1] high.
 */
export function wrapLayout(heights: number[], lineHeight: number): { rows: number[]; tops: number[] } {
  const rows: number[] = []
  const tops: number[] = []
  let top = 0
  for (const h of heights) {
    const r = Math.max(1, Math.round(h / lineHeight))
    rows.push(r)
    tops.push(top)
    top += r * lineHeight
  }
  return { rows, tops }
}

// ---- Misc -------------------------------------------------------------------

/**
 * The year a new report is most likely for, from today (YYYY-MM-DD, the
 * server's date in the bureau's zone): a year-end report is written
 * from November of the year through the first half of the next, so in
 * January–October it is last year's, in November–December this year's.
 */
export function defaultYear(today: string): string {
  const y = Number(today.slice(0, 4))
  return String(Number(today.slice(5, 7)) >= 11 ? y : y - 1)
}

/** The download address of a stored report. */
export function downloadHref(id: number, format: 'docx' | 'pdf' | 'xlsx' | 'html'): string {
  return `/api/v1/reports/${id}/download?format=${format}`
}

/** The call a function inserts into a template, required arguments first. */
export function callSnippet(fn: ReportFunction): string {
  const args = fn.args.filter((a) => a.required && a.name !== 'compare').map((a) => `${a.name}: ${argPlaceholder(a)}`)
  return `{{ ${fn.name}(${args.join(', ')}) }}`
}

function argPlaceholder(a: FunctionArg): string {
  switch (a.kind) {
    case 'integer':
      return '0'
    case 'list':
      return '[""]'
    case 'bool':
      return 'true'
  }
  return '""'
}

/** The function list from GET /report-functions, whatever wrapper it comes in. */
export function functionList(body: unknown): ReportFunction[] {
  const raw = Array.isArray(body)
    ? body
    : body && typeof body === 'object'
      ? ((body as { items?: unknown; functions?: unknown }).items ?? (body as { functions?: unknown }).functions)
      : undefined
  if (!Array.isArray(raw)) return []
  return raw
    .filter((f): f is ReportFunction => !!f && typeof f === 'object' && typeof (f as ReportFunction).name === 'string')
    .map((f) => ({ ...f, args: (Array.isArray(f.args) ? f.args : []).filter((a) => a.name !== 'compare') }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * The help of a figure function or argument in the page's language: in zh-CN
 * its Chinese name and help (the server registers both with the function),
 * elsewhere no name and the English help.
 */
export function helpOf(x: { doc: string; label?: string; doc_zh?: string }, locale: string): { label: string; doc: string } {
  const zh = locale.toLowerCase().startsWith('zh')
  return zh ? { label: x.label ?? '', doc: x.doc_zh || x.doc } : { label: '', doc: x.doc }
}

/** Returns f delayed until calls stop for ms; cancel() drops a pending call. */
export function debounce<A extends unknown[]>(f: (...a: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  const d = (...a: A) => {
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      f(...a)
    }, ms)
  }
  d.cancel = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
  }
  return d
}

/**
 * The ledger link of one record of a stale report (the ledger has no
 * one-record address): the report's unit, searched by the record's title.
 */
export function activityHref(orgId: number, title: string): string {
  return `/ledger?${new URLSearchParams({ org_id: String(orgId), q: title })}`
}
