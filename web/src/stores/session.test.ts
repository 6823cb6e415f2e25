import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { ApiError, api, getCsrfToken, setCsrfToken, setSessionRecovery, type Me } from '@/api/client'
import { useAuthStore } from './auth'
import { useSessionStore } from './session'

const account = (id: number, username: string) =>
  ({
    id, username, name: '学校管理员', org_id: 2, roles: [], coverage: [], disabled: false,
    must_change_password: false, totp_enabled: false, created_at: '2026-01-01T00:00:00Z',
  }) as unknown as Me['account']

const me = (id = 7, csrf = 'csrf-new', pending: Me['pending'] = ''): Me =>
  ({ account: account(id, id === 7 ? 'xiaoxuexiao' : 'other'), pending, permissions: ['activity.write'], csrf_token: csrf }) as Me

const unauthorized = [401, { error: { code: 'unauthorized', message: 'log in first' } }] as const
const staleCsrf = [403, { error: { code: 'csrf', message: 'bad token' } }] as const

/** A fake server: routes answer [status, body]; every call is recorded. */
function serve(routes: (url: string, init: RequestInit) => readonly [number, unknown?]) {
  const calls: { url: string; method: string; csrf?: string; body?: unknown }[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const headers = (init.headers ?? {}) as Record<string, string>
      calls.push({ url, method: init.method ?? 'GET', csrf: headers['X-CSRF-Token'], body: init.body ? JSON.parse(String(init.body)) : undefined })
      const [status, body] = routes(url, init)
      return new Response(body === undefined ? null : JSON.stringify(body), { status })
    }),
  )
  return calls
}

/** Waits until the store opened its dialog. */
async function dialogOpen(session: ReturnType<typeof useSessionStore>) {
  await vi.waitFor(() => expect(session.open).toBe(true))
}

beforeEach(() => {
  setActivePinia(createPinia())
  const auth = useAuthStore()
  auth.setMe(me(7, 'csrf-old'))
  useSessionStore().install()
})
afterEach(() => {
  vi.unstubAllGlobals()
  setCsrfToken('')
  setSessionRecovery(null)
})

describe('session recovery', () => {
  it('replays a save after the same account logs in again, with the new CSRF token and the typed body', async () => {
    let loggedIn = false
    const calls = serve((url) => {
      if (url.endsWith('/auth/login')) {
        loggedIn = true
        return [200, { account: account(7, 'xiaoxuexiao'), csrf_token: 'csrf-new', pending: '' }]
      }
      if (url.endsWith('/auth/me')) return [200, me()]
      return loggedIn ? [201, { id: 41 }] : unauthorized
    })
    const session = useSessionStore()
    const saving = api.post<{ id: number }>('/api/v1/activities', { title: '主题党日' })
    await dialogOpen(session)
    expect(session.username).toBe('xiaoxuexiao')
    await session.submitPassword('Zeren-Demo-2026')
    await expect(saving).resolves.toEqual({ id: 41 })
    expect(session.open).toBe(false)
    const saves = calls.filter((c) => c.url === '/api/v1/activities')
    expect(saves).toHaveLength(2)
    expect(saves[1].body).toEqual({ title: '主题党日' })
    expect(saves[1].csrf).toBe('csrf-new')
    expect(calls.find((c) => c.url.endsWith('/auth/login'))?.body).toEqual({ username: 'xiaoxuexiao', password: 'Zeren-Demo-2026' })
  })

  it('asks for the TOTP code when the role needs one, then replays', async () => {
    let verified = false
    serve((url) => {
      if (url.endsWith('/auth/login')) return [200, { account: account(7, 'xiaoxuexiao'), csrf_token: 'csrf-half', pending: 'totp' }]
      if (url.endsWith('/auth/totp/verify')) {
        verified = true
        return [200, me()]
      }
      if (url.endsWith('/auth/me')) return [200, me()]
      return verified ? [200, { ok: true }] : unauthorized
    })
    const session = useSessionStore()
    const call = api.get('/api/v1/activities')
    await dialogOpen(session)
    await session.submitPassword('pw')
    expect(session.step).toBe('totp')
    expect(getCsrfToken()).toBe('csrf-half')
    await session.submitCode('123456')
    await expect(call).resolves.toEqual({ ok: true })
  })

  it('shares one dialog among calls that fail together, and replays each', async () => {
    let loggedIn = false
    const calls = serve((url) => {
      if (url.endsWith('/auth/login')) {
        loggedIn = true
        return [200, { account: account(7, 'xiaoxuexiao'), csrf_token: 'c', pending: '' }]
      }
      if (url.endsWith('/auth/me')) return [200, me()]
      return loggedIn ? [200, { url }] : unauthorized
    })
    const session = useSessionStore()
    const a = api.get('/api/v1/orgs')
    const b = api.get('/api/v1/activity-types')
    await vi.waitFor(() => expect(calls.filter((c) => !c.url.includes('/auth/'))).toHaveLength(2))
    await dialogOpen(session)
    await session.submitPassword('pw') // one password for both
    await expect(a).resolves.toEqual({ url: '/api/v1/orgs' })
    await expect(b).resolves.toEqual({ url: '/api/v1/activity-types' })
    expect(calls.filter((c) => c.url.endsWith('/auth/login'))).toHaveLength(1)
    expect(session.open).toBe(false)
  })

  it('fails the call with its own error when the user cancels', async () => {
    serve(() => unauthorized)
    const session = useSessionStore()
    const call = api.put('/api/v1/activities/3', { title: 'x' })
    await dialogOpen(session)
    session.cancel()
    await expect(call).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
  })

  it('keeps the dialog open on a wrong password', async () => {
    serve((url) => (url.endsWith('/auth/login') ? unauthorized : unauthorized))
    const session = useSessionStore()
    const call = api.get('/api/v1/orgs')
    await dialogOpen(session)
    await expect(session.submitPassword('wrong')).rejects.toBeInstanceOf(ApiError)
    expect(session.open).toBe(true)
    session.cancel()
    await expect(call).rejects.toBeInstanceOf(ApiError)
  })

  it('refreshes a stale CSRF token once and retries, for the same account only', async () => {
    const calls = serve((url, init) => {
      if (url.endsWith('/auth/me')) return [200, me(7, 'csrf-fresh')]
      const token = (init.headers as Record<string, string>)['X-CSRF-Token']
      return token === 'csrf-fresh' ? [200, { saved: true }] : staleCsrf
    })
    await expect(api.post('/api/v1/activities', { title: 't' })).resolves.toEqual({ saved: true })
    expect(calls.filter((c) => c.url === '/api/v1/activities').map((c) => c.csrf)).toEqual(['csrf-old', 'csrf-fresh'])
    expect(useSessionStore().open).toBe(false)
  })

  it('does not act as another account that logged in in another tab', async () => {
    const calls = serve((url) => (url.endsWith('/auth/me') ? [200, me(99, 'csrf-other')] : staleCsrf))
    await expect(api.post('/api/v1/activities', { title: 't' })).rejects.toMatchObject({ status: 403, code: 'csrf' })
    expect(calls.filter((c) => c.url === '/api/v1/activities')).toHaveLength(1)
    expect(useAuthStore().account?.id).toBe(7)
  })

  it('never replays the login steps themselves', async () => {
    const calls = serve(() => unauthorized)
    await expect(api.post('/api/v1/auth/login', { username: 'a', password: 'b' })).rejects.toMatchObject({ status: 401 })
    expect(calls).toHaveLength(1)
    expect(useSessionStore().open).toBe(false)
  })

  it('stops when the new login needs a step that cannot be done in place', async () => {
    serve((url) => {
      if (url.endsWith('/auth/login')) return [200, { account: account(7, 'xiaoxuexiao'), csrf_token: 'c', pending: 'password_change' }]
      return unauthorized
    })
    const session = useSessionStore()
    const call = api.get('/api/v1/orgs')
    await dialogOpen(session)
    await session.submitPassword('pw')
    expect(session.blocked).toBe(true)
    session.cancel()
    await expect(call).rejects.toMatchObject({ status: 401 })
  })
})
