// A small fetch wrapper for the zeren API: same-origin cookies, the CSRF
// header on unsafe methods, and API errors as ApiError (worded by src/errors).
import type { components } from './schema'

export type Schemas = components['schemas']
export type Me = Schemas['Me']
export type Account = Schemas['Account']
export type LoginResult = Schemas['LoginResult']
export type Policy = Schemas['Policy']
export type TOTPEnrolment = Schemas['TOTPEnrolment']
export type OrgUnit = Schemas['OrgUnit']

/** The error shape of every API answer that is not 2xx. */
export interface ApiErrorBody {
  code: string
  message: string
  field?: string
  retry_at?: string
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field?: string
  readonly retryAt?: Date

  constructor(status: number, body: ApiErrorBody) {
    super(body.message || body.code)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code
    this.field = body.field
    this.retryAt = body.retry_at ? new Date(body.retry_at) : undefined
  }
}

let csrfToken = ''

/** Remembers the session's CSRF token (from login or GET /auth/me). */
export function setCsrfToken(token: string): void {
  csrfToken = token
}

export function getCsrfToken(): string {
  return csrfToken
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * How long one API call may wait for its answer headers: the server bounds a
 * request at 30 s (evidence transfers use upload.ts, with their own bound).
 */
export const REQUEST_TIMEOUT_MS = 45_000

/**
 * How a call that failed because the session ended or its CSRF token went stale
 * gets a second chance, without losing what the user typed: the app installs
 * these (stores/session.ts) and request() replays the call once after either
 * succeeds.
 */
export interface SessionRecovery {
  /** The session ended (401): log the same account in again in place; true when done. */
  relogin(): Promise<boolean>
  /** The CSRF token is stale (another tab logged in again): load the current one; true when it belongs to the same account. */
  refreshCsrf(): Promise<boolean>
}

let recovery: SessionRecovery | null = null

/** Installs (or, with null, removes) the session recovery of the app. */
export function setSessionRecovery(r: SessionRecovery | null): void {
  recovery = r
}

/**
 * The login steps themselves are never replayed: their 401 is the answer
 * (a wrong password), not an ended session.
 */
function replayable(path: string): boolean {
  return !path.startsWith('/api/v1/auth/')
}

/**
 * Runs attempt, and once more after the session was recovered when it failed
 * with an ended session (401) or a stale CSRF token (403 csrf). Anything else,
 * or a recovery that did not succeed, rejects with the first error.
 */
export async function withSessionRecovery<T>(path: string, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt()
  } catch (e) {
    if (!(e instanceof ApiError) || !recovery || !replayable(path)) throw e
    let recovered = false
    if (e.status === 401 && e.code === 'unauthorized') recovered = await recovery.relogin()
    else if (e.status === 403 && e.code === 'csrf') recovered = await recovery.refreshCsrf()
    if (!recovered) throw e
    return attempt()
  }
}

/**
 * Calls the API; resolves to the decoded JSON (undefined for 204), rejects with ApiError.
 * extraHeaders adds request headers, e.g. the Idempotency-Key of a retried creation.
 * A call that meets an ended session or a stale CSRF token is replayed once after
 * the session recovery (setSessionRecovery) succeeds.
 */
export function request<T>(method: string, path: string, body?: unknown, extraHeaders?: Record<string, string>, signal?: AbortSignal): Promise<T> {
  return withSessionRecovery(path, () => requestOnce<T>(method, path, body, extraHeaders, signal))
}

async function requestOnce<T>(method: string, path: string, body?: unknown, extraHeaders?: Record<string, string>, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (unsafe.has(method.toUpperCase()) && csrfToken) headers['X-CSRF-Token'] = csrfToken
  // A stalled connection fails no request: it just never answers. After
  // REQUEST_TIMEOUT_MS the call is cancelled and fails like a network error
  // (status 0), which the phone retries and every page can report.
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS)
  // The caller's signal (a list's newer read, useLatest) stops the call too.
  const stop = () => abort.abort()
  if (signal?.aborted) abort.abort()
  signal?.addEventListener('abort', stop, { once: true })
  const noAnswer = () =>
    abort.signal.aborted
      ? new ApiError(0, { code: 'network', message: `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` })
      : new ApiError(0, { code: 'network', message: 'the server cannot be reached' })
  try {
    let res: Response
    try {
      res = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: abort.signal,
      })
    } catch {
      throw noAnswer()
    }
    if (res.status === 204) return undefined as T
    let data: unknown
    try {
      data = await res.json()
    } catch {
      // A body cut off by the timeout is no answer; an empty or non-JSON one is.
      if (abort.signal.aborted) throw noAnswer()
      data = undefined
    }
    if (!res.ok) {
      const e = (data as { error?: ApiErrorBody } | undefined)?.error
      throw new ApiError(res.status, e?.code ? e : { code: `http_${res.status}`, message: res.statusText })
    }
    return data as T
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', stop)
  }
}

/**
 * Untyped calls by path string. Pages call the API through `http`
 * (src/api/typed.ts), typed by the OpenAPI document; this stays for tests
 * that drive request() directly.
 */
export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  delete: <T>(path: string) => request<T>('DELETE', path),
}
