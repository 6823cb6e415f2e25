// The rectification (整改) and assessment (考核) API calls, typed from the
// OpenAPI document. Shared by the desktop pages and the phone page.
import { ApiError, getCsrfToken, type Schemas } from '@/api/client'
import { buildUrl, http, type Query } from '@/api/typed'

export type Rectification = Schemas['Rectification']
export type RectificationInput = Schemas['RectificationInput']
export type Rubric = Schemas['Rubric']
export type RubricInput = Schemas['RubricInput']
export type RubricItem = Schemas['RubricItem']
export type Scores = Schemas['Scores']
export type Indicator = Schemas['Indicator']

export interface RectFilter {
  orgId?: number
  state?: string
  overdue?: boolean
  toReview?: boolean
  // What a report figure counted (its link carries them).
  openedFrom?: string
  openedTo?: string
  closedFrom?: string
  closedTo?: string
  onTime?: boolean
  immediate?: boolean
  year?: number
}

/** The API query of a filtered page. */
export function rectQuery(f: RectFilter, limit: number, offset: number): Query<'/api/v1/rectifications'> {
  const q: Query<'/api/v1/rectifications'> = {}
  if (f.orgId) q.org_id = f.orgId
  // A state from a link goes as it came: the server names a state it does not know.
  if (f.state) q.state = f.state as Query<'/api/v1/rectifications'>['state']
  if (f.overdue) q.overdue = true
  if (f.toReview) q.to_review = true
  if (f.openedFrom) q.opened_from = f.openedFrom
  if (f.openedTo) q.opened_to = f.openedTo
  if (f.closedFrom) q.closed_from = f.closedFrom
  if (f.closedTo) q.closed_to = f.closedTo
  if (f.onTime) q.on_time = true
  if (f.immediate) q.immediate = true
  if (f.year) q.year = f.year
  q.limit = limit
  q.offset = offset
  return q
}

/** The API path of a filtered page. */
export const rectPath = (f: RectFilter, limit: number, offset: number): string => buildUrl('/api/v1/rectifications', undefined, rectQuery(f, limit, offset))

/** Reads a filter from the page's URL query (report figures link with it). */
export function parseRectQuery(q: Record<string, unknown>): RectFilter {
  const s = (k: string) => (typeof q[k] === 'string' && q[k] ? (q[k] as string) : undefined)
  const n = (k: string) => (s(k) && /^\d+$/.test(s(k)!) ? Number(s(k)) : undefined)
  return {
    orgId: n('org_id'),
    state: s('state'),
    overdue: s('overdue') === 'true',
    toReview: s('to_review') === 'true',
    openedFrom: s('opened_from'),
    openedTo: s('opened_to'),
    closedFrom: s('closed_from'),
    closedTo: s('closed_to'),
    onTime: s('on_time') === 'true',
    immediate: s('immediate') === 'true',
    year: n('year'),
  }
}

export const listRects = (f: RectFilter, limit: number, offset: number) =>
  http.get('/api/v1/rectifications', { query: rectQuery(f, limit, offset) })
export const getRect = (id: number) => http.get('/api/v1/rectifications/{id}', { path: { id } })
export const createRect = (b: RectificationInput) => http.post('/api/v1/rectifications', { body: b })
export const addNote = (id: number, body: string) => http.post('/api/v1/rectifications/{id}/notes', { path: { id }, body: { body } })
export const submitRect = (id: number, statement: string) => http.post('/api/v1/rectifications/{id}/submit', { path: { id }, body: { statement } })
export const reviewRect = (id: number, decision: 'close' | 'return', reason: string) =>
  http.post('/api/v1/rectifications/{id}/review', { path: { id }, body: { decision, reason } })
export const evidenceURL = (id: number, sha: string) => `/api/v1/rectifications/${id}/evidence/${sha}`

/** Uploads a closure evidence file (a photo from the phone's camera): multipart, which the typed wrapper (JSON only) does not send. */
export async function uploadEvidence(id: number, file: Blob, name: string): Promise<Rectification> {
  const body = new FormData()
  body.append('file', file, name)
  const headers: Record<string, string> = { Accept: 'application/json' }
  const csrf = getCsrfToken()
  if (csrf) headers['X-CSRF-Token'] = csrf
  let res: Response
  try {
    res = await fetch(`/api/v1/rectifications/${id}/evidence`, { method: 'POST', body, headers, credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, { code: 'network', message: 'the server cannot be reached' })
  }
  const data = await res.json().catch(() => undefined)
  if (!res.ok) {
    const e = (data as { error?: { code: string; message: string; field?: string } } | undefined)?.error
    throw new ApiError(res.status, e?.code ? e : { code: `http_${res.status}`, message: res.statusText })
  }
  return data as Rectification
}

export const listRubrics = (year: number) => http.get('/api/v1/rubrics', { query: { year } })
export const createRubric = (b: RubricInput) => http.post('/api/v1/rubrics', { body: b })
export const getScores = (id: number) => http.get('/api/v1/rubrics/{id}/scores', { path: { id } })
export const adjustScore = (id: number, orgId: number, points: number, reason: string) =>
  http.post('/api/v1/rubrics/{id}/adjustments', { path: { id }, body: { org_id: orgId, points, reason } })
export const listIndicators = () => http.get('/api/v1/indicators')
export const exportURL = (id: number) => `/api/v1/rubrics/${id}/export`

/** Where an indicator's records open: a ledger query string, or a page path. */
export function recordsHref(records: string): string {
  return records.startsWith('/') ? records : `/ledger?${records}`
}

/** Parses threshold steps written as "6=1;12=3". */
export function parseSteps(s: string): { at: number; points: number }[] | null {
  const out: { at: number; points: number }[] = []
  for (const part of s.split(/[;；]/).map((x) => x.trim()).filter(Boolean)) {
    const m = /^(-?\d+(?:\.\d+)?)\s*[=＝]\s*(\d+(?:\.\d+)?)$/.exec(part)
    if (!m) return null
    out.push({ at: Number(m[1]), points: Number(m[2]) })
  }
  return out.length ? out : null
}
