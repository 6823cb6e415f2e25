// API calls typed by the generated OpenAPI types (schema.d.ts, `npm run
// gen:api`): the path is a key of `paths`, and its path parameters, query,
// body and answer are inferred from the operation — a renamed field or a
// removed route fails vue-tsc, not the user. openapi-fetch is not among the
// installed packages, so this small wrapper does the typing and request()
// (client.ts) does the rest: cookies, CSRF, timeout, the session recovery,
// the Idempotency-Key (init.headers), and ApiError on any non-2xx answer.
//
//   const unit = await http.get('/api/v1/orgs/{id}', { path: { id } })
//   const page = await http.get('/api/v1/teams', { query: { org_id, limit: 50 } })
//   await http.post('/api/v1/teams', { body: input })
import { request } from './client'
import type { paths } from './schema'

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** The paths that have an operation for method M. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P
}[keyof paths]

/** The operation of path P and method M. */
export type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>

type Params<O> = O extends { parameters: infer X } ? X : never
type PathParams<O> = Params<O> extends { path?: infer X } ? X : never
type QueryParams<O> = Params<O> extends { query?: infer X } ? X : never
type JsonBody<O> = O extends { requestBody?: infer R }
  ? [NonNullable<R>] extends [never]
    ? never
    : NonNullable<R> extends { content: { 'application/json': infer B } }
      ? B
      : never
  : never
type Responses<O> = O extends { responses: infer R } ? R : never
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never

/** The query of the GET of path P, for a page's helper that builds it from a filter. */
export type Query<P extends PathsWith<'get'>> = NonNullable<QueryParams<Operation<P, 'get'>>>

/** The decoded answer of a 2xx response (undefined for 204). */
export type Answer<O> = Responses<O> extends infer R
  ? 200 extends keyof R
    ? JsonOf<R[200]>
    : 201 extends keyof R
      ? JsonOf<R[201]>
      : 202 extends keyof R
        ? JsonOf<R[202]>
        : undefined
  : never

type Has<X> = [X] extends [never] ? false : [X] extends [undefined] ? false : true

/** What a call takes besides its path: each part only when the operation has it. */
export type Init<O> = (Has<PathParams<O>> extends true ? { path: PathParams<O> } : { path?: never }) &
  (Has<QueryParams<O>> extends true ? { query?: QueryParams<O> } : { query?: never }) &
  (Has<JsonBody<O>> extends true ? { body: JsonBody<O> } : { body?: never }) & {
    /** Extra request headers, e.g. the Idempotency-Key of a creation. */
    headers?: Record<string, string>
    /** Stops the call (e.g. the signal useLatest and useList give a read). */
    signal?: AbortSignal
  }

type InitArgs<O> = Has<PathParams<O>> extends true ? [init: Init<O>] : Has<JsonBody<O>> extends true ? [init: Init<O>] : [init?: Init<O>]

type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number | boolean>

/**
 * The URL of a path template with its parameters filled in and its query
 * appended (undefined, null and '' are left out; a list repeats its key).
 */
export function buildUrl(template: string, path?: Record<string, unknown>, query?: Record<string, QueryValue>): string {
  const url = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = path?.[name]
    if (v === undefined || v === null || v === '') throw new Error(`api: ${template} needs the path parameter ${name}`)
    return encodeURIComponent(String(v))
  })
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x))
    else q.append(k, String(v))
  }
  const s = q.toString()
  return s ? `${url}?${s}` : url
}

/** Calls the operation of method and path; rejects with ApiError as request() does. */
export function call<M extends Method, P extends PathsWith<M>>(
  method: M,
  path: P,
  ...[init]: InitArgs<Operation<P, M>>
): Promise<Answer<Operation<P, M>>> {
  const i = (init ?? {}) as {
    path?: Record<string, unknown>
    query?: Record<string, QueryValue>
    body?: unknown
    headers?: Record<string, string>
    signal?: AbortSignal
  }
  const url = buildUrl(path as string, i.path, i.query)
  // As api.post/put/patch: an unsafe call without a body sends {}.
  const body = method === 'get' || method === 'delete' ? undefined : (i.body ?? {})
  return request<Answer<Operation<P, M>>>(method.toUpperCase(), url, body, i.headers, i.signal)
}

/** The typed calls, one per method. */
export const http = {
  get: <P extends PathsWith<'get'>>(path: P, ...init: InitArgs<Operation<P, 'get'>>) => call('get', path, ...init),
  post: <P extends PathsWith<'post'>>(path: P, ...init: InitArgs<Operation<P, 'post'>>) => call('post', path, ...init),
  put: <P extends PathsWith<'put'>>(path: P, ...init: InitArgs<Operation<P, 'put'>>) => call('put', path, ...init),
  patch: <P extends PathsWith<'patch'>>(path: P, ...init: InitArgs<Operation<P, 'patch'>>) => call('patch', path, ...init),
  delete: <P extends PathsWith<'delete'>>(path: P, ...init: InitArgs<Operation<P, 'delete'>>) => call('delete', path, ...init),
}
