// The public-concern (舆情监测) API calls, typed from the OpenAPI document.
import { ApiError, getCsrfToken, type Schemas } from '@/api/client'
import { http } from '@/api/typed'

export type Story = Schemas['ConcernStory']
export type Source = Schemas['ConcernSource']
export type Rule = Schemas['ConcernRule']
export type Summary = Schemas['ConcernSummary']
export type RuleTestResult = Schemas['ConcernRuleTestResult']
export type ImportPreview = Schemas['ConcernImportPreview']
export type IngestResult = Schemas['ConcernIngestResult']

export interface StoryFilter {
  orgId?: number
  topic?: string
  severity?: number
  from?: string
  to?: string
  q?: string
}

export const listStories = (f: StoryFilter, limit: number, offset: number) =>
  http.get('/api/v1/concern/stories', {
    query: { org_id: f.orgId, topic: f.topic || undefined, severity: f.severity, from: f.from || undefined, to: f.to || undefined, q: f.q || undefined, limit, offset },
  })
export const getStory = (id: number) => http.get('/api/v1/concern/stories/{id}', { path: { id } })
export const getSummary = (period: 'day' | 'week' | 'month', orgId?: number) =>
  http.get('/api/v1/concern/summary', { query: { period, org_id: orgId } })
export const listSources = () => http.get('/api/v1/concern/sources', {})
export const createSource = (body: Schemas['ConcernSourceInput']) => http.post('/api/v1/concern/sources', { body })
export const setSourceState = (id: number, state: 'active' | 'paused') => http.patch('/api/v1/concern/sources/{id}', { path: { id }, body: { state } })
export const listRules = () => http.get('/api/v1/concern/rules', {})
export const createRule = (body: Schemas['ConcernRuleInput']) => http.post('/api/v1/concern/rules', { body })
export const updateRule = (id: number, body: Schemas['ConcernRuleChange']) => http.put('/api/v1/concern/rules/{id}', { path: { id }, body })
export const deleteRule = (id: number) => http.delete('/api/v1/concern/rules/{id}', { path: { id } })
export const testRule = (expr: string, days: number) => http.post('/api/v1/concern/rules/test', { body: { expr, days } })

/** The evidence file of a manual entry. */
export const evidenceURL = (itemId: number, sha: string) => `/api/v1/concern/items/${itemId}/evidence/${sha}`

async function postForm<T>(url: string, body: FormData): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  const csrf = getCsrfToken()
  if (csrf) headers['X-CSRF-Token'] = csrf
  let res: Response
  try {
    res = await fetch(url, { method: 'POST', body, headers, credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, { code: 'network', message: 'the server cannot be reached' })
  }
  const data = await res.json().catch(() => undefined)
  if (!res.ok) {
    const e = (data as { error?: { code: string; message: string; field?: string } } | undefined)?.error
    throw new ApiError(res.status, e?.code ? e : { code: `http_${res.status}`, message: res.statusText })
  }
  return data as T
}

function fileForm(file: Blob, name: string): FormData {
  const f = new FormData()
  f.append('file', file, name)
  return f
}

export const previewImport = (orgId: number, file: Blob, name: string) =>
  postForm<ImportPreview>(`/api/v1/concern/imports/preview?org_id=${orgId}`, fileForm(file, name))
export const commitImport = (orgId: number, file: Blob, name: string) =>
  postForm<IngestResult>(`/api/v1/concern/imports?org_id=${orgId}`, fileForm(file, name))

/** A manual entry: the text fields first, the screenshot last (the server streams it). */
export function createManual(orgId: number, e: { title: string; text: string; url: string }, shot?: File): Promise<Story> {
  const f = new FormData()
  f.append('title', e.title)
  f.append('text', e.text)
  f.append('url', e.url)
  if (shot) f.append('file', shot, shot.name)
  return postForm<Story>(`/api/v1/concern/manual?org_id=${orgId}`, f)
}

/** The kind of a source's last error: the text before the first colon. */
export function errorKind(lastError: string): string {
  const i = lastError.indexOf(':')
  return i > 0 ? lastError.slice(0, i) : ''
}
