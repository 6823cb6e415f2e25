import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { ApiError, setCsrfToken, type Schemas } from './client'
import { buildUrl, http } from './typed'

function serve(status: number, body?: unknown) {
  const fn = vi.fn(async (_url: string, _init?: RequestInit) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }),
  )
  vi.stubGlobal('fetch', fn)
  return fn
}

afterEach(() => {
  vi.unstubAllGlobals()
  setCsrfToken('')
})

describe('buildUrl', () => {
  it('fills path parameters and appends the query, leaving out what is not set', () => {
    expect(buildUrl('/api/v1/teams/{id}/members/{member_id}', { id: 3, member_id: 'a b' })).toBe('/api/v1/teams/3/members/a%20b')
    expect(buildUrl('/api/v1/teams', undefined, { org_id: 7, q: '', active: false, kind: undefined, limit: 50 })).toBe('/api/v1/teams?org_id=7&active=false&limit=50')
    expect(buildUrl('/api/v1/x', undefined, { ids: [1, 2] })).toBe('/api/v1/x?ids=1&ids=2')
  })
  it('refuses a missing path parameter rather than calling a wrong URL', () => {
    expect(() => buildUrl('/api/v1/orgs/{id}', {})).toThrow(/id/)
  })
})

describe('http', () => {
  it('calls the path of the schema and answers its type', async () => {
    const fetch = serve(200, { id: 5, name: '城关小学' })
    const unit = await http.get('/api/v1/orgs/{id}', { path: { id: 5 } })
    expectTypeOf(unit).toEqualTypeOf<Schemas['OrgUnit']>()
    expect(unit.name).toBe('城关小学')
    expect(fetch.mock.calls[0][0]).toBe('/api/v1/orgs/5')
    expect(fetch.mock.calls[0][1]?.method).toBe('GET')
  })

  it('sends the body, the CSRF token and extra headers through request()', async () => {
    setCsrfToken('tok')
    const fetch = serve(201, { id: 9 })
    const body = { name: '宣讲队', kind: 'outreach', org_id: 3 } as Schemas['TeamInput']
    await http.post('/api/v1/teams', { body, headers: { 'Idempotency-Key': 'k-1' } })
    const init = fetch.mock.calls[0][1]!
    expect(init.method).toBe('POST')
    expect(JSON.parse(String(init.body))).toEqual(body)
    expect((init.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok')
    expect((init.headers as Record<string, string>)['Idempotency-Key']).toBe('k-1')
  })

  it('rejects with ApiError, as every call does', async () => {
    serve(404, { error: { code: 'not_found', message: 'org unit 5 not found' } })
    await expect(http.get('/api/v1/orgs/{id}', { path: { id: 5 } })).rejects.toBeInstanceOf(ApiError)
  })

  it('checks paths, parameters and bodies at compile time', () => {
    // Each line below is a type error; vue-tsc fails on an unused @ts-expect-error.
    const never = () => {
      // @ts-expect-error not a path of the API
      void http.get('/api/v1/nope')
      // @ts-expect-error the path parameter is required
      void http.get('/api/v1/orgs/{id}')
      // @ts-expect-error a query parameter the operation does not have
      void http.get('/api/v1/teams', { query: { colour: 'red' } })
      // @ts-expect-error the body is required and typed
      void http.post('/api/v1/teams', { body: { nope: 1 } })
      // @ts-expect-error no PATCH on this path
      void http.patch('/api/v1/clock')
    }
    expect(typeof never).toBe('function')
  })
})
