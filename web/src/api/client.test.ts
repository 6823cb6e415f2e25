import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, REQUEST_TIMEOUT_MS, api, setCsrfToken } from './client'

function mockFetch(status: number, body?: unknown) {
  const fn = vi.fn(async (_url: string, _init?: RequestInit) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    }),
  )
  vi.stubGlobal('fetch', fn)
  return fn
}

afterEach(() => {
  vi.unstubAllGlobals()
  setCsrfToken('')
})

describe('request', () => {
  it('sends the CSRF token on unsafe methods only, with same-origin credentials', async () => {
    setCsrfToken('tok-1')
    const f = mockFetch(200, { ok: true })
    await api.get('/api/v1/auth/me')
    await api.post('/api/v1/auth/logout')
    await api.put('/api/v1/policy', { min_length: 10 })
    await api.delete('/api/v1/x/1')
    const headers = f.mock.calls.map((c) => (c[1]?.headers ?? {}) as Record<string, string>)
    expect(headers[0]['X-CSRF-Token']).toBeUndefined()
    expect(headers[1]['X-CSRF-Token']).toBe('tok-1')
    expect(headers[2]['X-CSRF-Token']).toBe('tok-1')
    expect(headers[3]['X-CSRF-Token']).toBe('tok-1')
    expect(headers[2]['Content-Type']).toBe('application/json')
    expect(f.mock.calls[2][1]?.body).toBe('{"min_length":10}')
    for (const c of f.mock.calls) expect(c[1]?.credentials).toBe('same-origin')
  })

  it('resolves 204 to undefined', async () => {
    mockFetch(204)
    await expect(api.post('/api/v1/auth/logout')).resolves.toBeUndefined()
  })

  it('turns the error shape into ApiError', async () => {
    mockFetch(423, { error: { code: 'locked', message: 'locked', field: 'username', retry_at: '2026-03-02T06:05:00Z' } })
    const err = (await api.post("/api/v1/auth/login", {}).catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(423)
    expect(err.code).toBe('locked')
    expect(err.field).toBe('username')
    expect(err.retryAt?.toISOString()).toBe('2026-03-02T06:05:00.000Z')
  })

  it('copes with a body that is not the error shape, and with no network', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>bad gateway</html>', { status: 502 })))
    expect(((await api.get("/x").catch((e) => e)) as ApiError).code).toBe('http_502')
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    expect(((await api.get("/x").catch((e) => e)) as ApiError).code).toBe('network')
  })
})

describe('request timeout', () => {
  it('cancels a call that gets no answer and fails it as a network error, which the phone retries', async () => {
    vi.useFakeTimers()
    try {
      let signal: AbortSignal | undefined
      vi.stubGlobal(
        'fetch',
        vi.fn(
          (_url: string, init?: RequestInit) =>
            new Promise<Response>((_resolve, reject) => {
              signal = init?.signal ?? undefined
              signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
            }),
        ),
      )
      const call = api.get('/api/v1/orgs')
      const outcome = call.then(
        () => 'answered',
        (e: unknown) => e,
      )
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1)
      expect(signal?.aborted).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      const e = await outcome
      expect(signal?.aborted).toBe(true)
      expect(e).toBeInstanceOf(ApiError)
      expect(e).toMatchObject({ status: 0, code: 'network' })
    } finally {
      vi.useRealTimers()
    }
  })

  it('leaves no timer behind an answered call', async () => {
    vi.useFakeTimers()
    try {
      mockFetch(200, { ok: true })
      await expect(api.get('/api/v1/orgs')).resolves.toEqual({ ok: true })
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})
