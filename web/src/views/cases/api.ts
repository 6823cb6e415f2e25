// The case (事件处置) API calls, typed from the OpenAPI document.
import { ApiError, getCsrfToken, type Schemas } from '@/api/client'
import { http } from '@/api/typed'

export type Case = Schemas['Case']
export type Tier = Schemas['CaseTier']
export type TeamResponse = Schemas['TeamResponse']
export type CaseState = Case['state']

export const states: CaseState[] = ['new', 'assessing', 'responding', 'resolved', 'closed']

export interface CaseFilter {
  orgId?: number
  severity?: string[]
  kind?: string[]
  state?: string[]
  overdue?: boolean
  escalated?: boolean
  from?: string
  to?: string
  ids?: number[]
}

type Sev = NonNullable<Case['severity']>
type Kind = NonNullable<Case['kind']>

export const listCases = (f: CaseFilter, limit: number, offset: number) =>
  http.get('/api/v1/cases', {
    query: {
      org_id: f.orgId,
      severity: f.severity?.length ? (f.severity as Sev[]) : undefined,
      kind: f.kind?.length ? (f.kind as Kind[]) : undefined,
      state: f.state?.length ? (f.state as CaseState[]) : undefined,
      overdue: f.overdue || undefined,
      escalated: f.escalated || undefined,
      from: f.from || undefined,
      to: f.to || undefined,
      ids: f.ids?.length ? f.ids : undefined,
      limit,
      offset,
    },
  })
export const getCase = (id: number) => http.get('/api/v1/cases/{id}', { path: { id } })
export const openCase = (body: Schemas['CaseInput']) => http.post('/api/v1/cases', { body })
export const stepCase = (id: number, action: Schemas['CaseStepInput']['action'], text: string) =>
  http.post('/api/v1/cases/{id}/steps', { path: { id }, body: { action, text } })
export const setSeverity = (id: number, severity: Sev, reason: string) =>
  http.put('/api/v1/cases/{id}/severity', { path: { id }, body: { severity, reason } })
export const addNote = (id: number, body: string) => http.post('/api/v1/cases/{id}/notes', { path: { id }, body: { body } })
export const openRectification = (id: number, body: Schemas['CaseRectificationInput']) =>
  http.post('/api/v1/cases/{id}/rectification', { path: { id }, body })
export const listTiers = () => http.get('/api/v1/case-tiers', {})
export const putTier = (severity: string, body: Schemas['CaseTierInput']) =>
  http.put('/api/v1/case-tiers/{severity}', { path: { severity }, body })
export const teamTimes = (from: string, to: string) => http.get('/api/v1/monitor/teams', { query: { from, to } })
export const getStory = (id: number) => http.get('/api/v1/concern/stories/{id}', { path: { id } })
export const serverClock = () => http.get('/api/v1/clock', {})
export const evidenceURL = (id: number, sha: string) => `/api/v1/cases/${id}/evidence/${sha}`

/** Uploads an evidence file (a screenshot, the published statement). */
export async function uploadEvidence(id: number, file: Blob, name: string): Promise<Case> {
  const body = new FormData()
  body.append('file', file, name)
  const headers: Record<string, string> = { Accept: 'application/json' }
  const csrf = getCsrfToken()
  if (csrf) headers['X-CSRF-Token'] = csrf
  let res: Response
  try {
    res = await fetch(`/api/v1/cases/${id}/evidence`, { method: 'POST', body, headers, credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, { code: 'network', message: 'the server cannot be reached' })
  }
  const data = await res.json().catch(() => undefined)
  if (!res.ok) {
    const e = (data as { error?: { code: string; message: string; field?: string } } | undefined)?.error
    throw new ApiError(res.status, e?.code ? e : { code: `http_${res.status}`, message: res.statusText })
  }
  return data as Case
}

/** How long until (positive) or since (negative) an instant, by the server's clock. */
export function remaining(dueISO: string, serverNowMs: number): number {
  return new Date(dueISO).getTime() - serverNowMs
}

/** A countdown as 2天3小时 / 4小时5分 / 12分, in the page's words. */
export function countdown(ms: number, t: (k: string, v?: Record<string, unknown>) => string): string {
  const late = ms < 0
  let m = Math.floor(Math.abs(ms) / 60000)
  const d = Math.floor(m / 1440)
  m -= d * 1440
  const h = Math.floor(m / 60)
  m -= h * 60
  const span = d > 0 ? t('cases.span.dh', { d, h }) : h > 0 ? t('cases.span.hm', { h, m }) : t('cases.span.m', { m })
  return late ? t('cases.overdueBy', { span }) : t('cases.left', { span })
}

/** The first deadline not yet done: what the board counts down to. */
export function nextDue(c: Case): Case['deadlines'][number] | undefined {
  return c.deadlines.find((d) => !d.done_at)
}
