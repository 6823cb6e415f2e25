// Pure helpers of the ledger page: the filter as the URL carries it (so a
// dashboard figure's records link opens the ledger filtered exactly, and the
// back button and a shared link restore it), the filter as the API takes it,
// and the checks an evidence file must pass before it is uploaded.
import { buildUrl, type Query } from '@/api/typed'

export const statuses = ['draft', 'submitted', 'approved', 'returned'] as const
export type Status = (typeof statuses)[number]

/** Sort keys of GET /api/v1/activities (app.ActivitySorts). */
export const sorts = ['date', 'created_at', 'updated_at', 'attendance', 'title', 'id'] as const
export type Sort = (typeof sorts)[number]

export const pageSizes = [20, 50, 100] as const

/**
 * Parameters of the list that the page does not edit but keeps: a records
 * link may carry them (a problem's batch: created_by, entered_on; a shared
 * file: evidence; an import's summary: import_batch) and dropping them would widen the list silently.
 */
export const passThrough = ['created_by', 'entered_on', 'evidence', 'venue', 'import_batch'] as const

/** The URL keys of a filter (the page and its size aside). */
export const filterKeys = ['org_id', 'period', 'from', 'to', 'pillar', 'type_id', 'status', 'has_evidence', 'q', 'sort', 'order', ...passThrough] as const

export interface LedgerFilter {
  org_id?: number // absent: the user's own unit
  period?: string // a code or Chinese label; excludes from/to
  from?: string // YYYY-MM-DD
  to?: string
  pillar?: string
  type_id: number[]
  status: Status[]
  has_evidence?: boolean
  q?: string
  sort: Sort
  order: 'asc' | 'desc'
  page: number // 1-based
  size: number // one of pageSizes
  extra: Partial<Record<(typeof passThrough)[number], string>>
}

export function emptyFilter(): LedgerFilter {
  return { type_id: [], status: [], sort: 'date', order: 'desc', page: 1, size: 20, extra: {} }
}

/** A route query value as vue-router gives it. */
type QueryValue = string | null | (string | null)[] | undefined
export type RouteQuery = Record<string, QueryValue>

function all(v: QueryValue): string[] {
  if (v === undefined || v === null) return []
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string')
}

function first(v: QueryValue): string | undefined {
  const s = all(v)[0]
  return s === undefined || s.trim() === '' ? undefined : s.trim()
}

const dateRe = /^\d{4}-\d{2}-\d{2}$/
const idRe = /^[1-9]\d{0,15}$/

function id(s: string | undefined): number | undefined {
  return s !== undefined && idRe.test(s) ? Number(s) : undefined
}

/**
 * The filter a URL query describes. Values the API would refuse are dropped
 * rather than sent (a mistyped link shows the wider list, not an error page);
 * repeated type_id and status keep their order, without duplicates.
 */
export function filterFromQuery(q: RouteQuery): LedgerFilter {
  const f = emptyFilter()
  f.org_id = id(first(q.org_id))
  f.period = first(q.period)
  if (f.period === undefined) {
    const from = first(q.from)
    const to = first(q.to)
    if (from && dateRe.test(from)) f.from = from
    if (to && dateRe.test(to)) f.to = to
  }
  f.pillar = first(q.pillar)
  for (const s of all(q.type_id)) {
    const n = id(s.trim())
    if (n !== undefined && !f.type_id.includes(n)) f.type_id.push(n)
  }
  for (const s of all(q.status)) {
    if ((statuses as readonly string[]).includes(s) && !f.status.includes(s as Status)) f.status.push(s as Status)
  }
  const ev = first(q.has_evidence)
  if (ev === 'true' || ev === 'false') f.has_evidence = ev === 'true'
  f.q = first(q.q)
  const sort = first(q.sort)
  if (sort && (sorts as readonly string[]).includes(sort)) f.sort = sort as Sort
  const order = first(q.order)
  if (order === 'asc' || order === 'desc') f.order = order
  const page = first(q.page)
  if (page && idRe.test(page) && Number(page) <= 1e6) f.page = Number(page)
  const size = Number(first(q.size))
  if ((pageSizes as readonly number[]).includes(size)) f.size = size
  // A dashboard link pages with limit/offset: turn them into page and size.
  const limit = Number(first(q.limit))
  const offset = Number(first(q.offset))
  if (first(q.size) === undefined && (pageSizes as readonly number[]).includes(limit)) f.size = limit
  if (first(q.page) === undefined && Number.isInteger(offset) && offset > 0) f.page = Math.floor(offset / f.size) + 1
  for (const k of passThrough) {
    const v = first(q[k])
    if (v !== undefined) f.extra[k] = v
  }
  return f
}

/**
 * The URL query of a filter: only what differs from the defaults, so that a
 * plain /ledger stays plain. filterFromQuery(filterToQuery(f)) equals f.
 */
export function filterToQuery(f: LedgerFilter): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = {}
  if (f.org_id !== undefined) q.org_id = String(f.org_id)
  if (f.period) q.period = f.period
  else {
    if (f.from) q.from = f.from
    if (f.to) q.to = f.to
  }
  if (f.pillar) q.pillar = f.pillar
  if (f.type_id.length) q.type_id = f.type_id.map(String)
  if (f.status.length) q.status = [...f.status]
  if (f.has_evidence !== undefined) q.has_evidence = String(f.has_evidence)
  if (f.q) q.q = f.q
  if (f.sort !== 'date') q.sort = f.sort
  if (f.order !== 'desc') q.order = f.order
  if (f.page !== 1) q.page = String(f.page)
  if (f.size !== 20) q.size = String(f.size)
  for (const k of passThrough) {
    const v = f.extra[k]
    if (v) q[k] = v
  }
  return q
}

/**
 * The query of GET /api/v1/activities (and, without paging, of its export)
 * for a filter; ownOrg stands in for an absent unit.
 */
export function apiParams(f: LedgerFilter, ownOrg: number | undefined, paged = true): Query<'/api/v1/activities'> {
  const p: Record<string, string | number | boolean | (string | number)[]> = {}
  const org = f.org_id ?? ownOrg
  if (org) p.org_id = org
  if (f.period) p.period = f.period
  else {
    if (f.from) p.from = f.from
    if (f.to) p.to = f.to
  }
  if (f.pillar) p.pillar = f.pillar
  if (f.type_id.length) p.type_id = [...f.type_id]
  if (f.status.length) p.status = [...f.status]
  if (f.has_evidence !== undefined) p.has_evidence = f.has_evidence
  if (f.q) p.q = f.q
  for (const k of passThrough) {
    const v = f.extra[k]
    if (v) p[k] = v
  }
  p.sort = f.sort
  p.order = f.order
  if (paged) {
    p.limit = f.size
    p.offset = (f.page - 1) * f.size
  }
  // A pillar or venue comes from the URL unchecked: the server checks it
  // and names the field it refuses, as for a period it cannot read.
  return p as Query<'/api/v1/activities'>
}

/** apiParams as a query string (the export is a download, not a typed call). */
export function apiQuery(f: LedgerFilter, ownOrg: number | undefined, paged = true): string {
  return buildUrl('', undefined, apiParams(f, ownOrg, paged)).replace(/^\?/, '')
}

/** Whether the filter narrows the list beyond the unit (for the empty state's advice). */
export function isNarrowed(f: LedgerFilter): boolean {
  return Boolean(
    f.period || f.from || f.to || f.pillar || f.type_id.length || f.status.length || f.has_evidence !== undefined || f.q ||
      Object.values(f.extra).some(Boolean),
  )
}

/** What GET /api/v1/evidence-limits answers (the parts the checks use). */
export interface UploadLimits {
  max_size: number
  max_files_per_activity: number
  accepted: { extensions: string[]; media_type: string }[]
}

/** Why a file cannot be uploaded: a message key under ledger.upload and its parameters. */
export interface UploadProblem {
  key: 'tooLarge' | 'badType' | 'tooMany' | 'empty'
  params: Record<string, string | number>
}

/** "20 MB", "512 KB": a size limit as people read it. */
export function formatSize(bytes: number): string {
  if (bytes >= 1 << 20) return `${+(bytes / (1 << 20)).toFixed(1)} MB`
  if (bytes >= 1 << 10) return `${+(bytes / (1 << 10)).toFixed(1)} KB`
  return `${bytes} B`
}

/**
 * Checks a file against the server's limits before it is sent: its size, its
 * extension (the server checks the content too), and how many files the
 * activity already has. null when it may go.
 */
export function checkUpload(file: { name: string; size: number }, limits: UploadLimits, attached: number): UploadProblem | null {
  if (attached >= limits.max_files_per_activity) return { key: 'tooMany', params: { n: limits.max_files_per_activity } }
  if (file.size === 0) return { key: 'empty', params: { name: file.name } }
  if (file.size > limits.max_size) {
    return { key: 'tooLarge', params: { name: file.name, size: formatSize(file.size), max: formatSize(limits.max_size) } }
  }
  const dot = file.name.lastIndexOf('.')
  const ext = dot >= 0 ? file.name.slice(dot).toLowerCase() : ''
  const exts = limits.accepted.flatMap((k) => k.extensions.map((e) => e.toLowerCase()))
  if (!ext || !exts.includes(ext)) return { key: 'badType', params: { name: file.name, types: exts.join(' ') } }
  return null
}

/**
 * Whether the server draws a thumbnail of this media type (JPEG, PNG, GIF;
 * not WebP). A thumbnail is not audited as a download; the file itself is.
 */
export function hasThumbnail(mediaType: string): boolean {
  return /^image\/(jpeg|png|gif)$/.test(mediaType)
}

/** The thumbnail URL of a photo (a small JPEG). */
export function thumbnailURL(sha: string): string {
  return `/api/v1/evidence/${sha}/thumbnail`
}

/** The content URL of an evidence file. */
export function contentURL(sha: string): string {
  return `/api/v1/evidence/${sha}/content`
}
