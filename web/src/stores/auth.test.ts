import { beforeEach, afterEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { getCsrfToken, setCsrfToken, type Me } from '@/api/client'
import { pendingRoute, useAuthStore } from './auth'
import { landingPath, visibleMenu } from '@/menu'

const account = {
  id: 7, username: 'xuequ', name: '学区管理员', org_id: 2, phone: '139****0000', roles: [], coverage: [],
  disabled: false, must_change_password: false, totp_enabled: false, created_at: '2026-01-01T00:00:00Z',
} as unknown as Me['account']

function me(pending: Me['pending'] = '', csrf = 'csrf-me'): Me {
  return { account, pending, permissions: pending ? [] : ['activity.read'], csrf_token: csrf } as Me
}

type Handler = (url: string, init: RequestInit) => [number, unknown?]
function serve(h: Handler) {
  const fn = vi.fn(async (url: string, init: RequestInit) => {
    const [status, body] = h(url, init)
    return new Response(body === undefined ? null : JSON.stringify(body), { status })
  })
  vi.stubGlobal('fetch', fn)
  return fn
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => {
  vi.unstubAllGlobals()
  setCsrfToken('')
})

describe('auth store', () => {
  it('has no session when /auth/me answers 401', async () => {
    serve(() => [401, { error: { code: 'unauthorized', message: 'log in first' } }])
    const auth = useAuthStore()
    await auth.ensureLoaded()
    expect(auth.loaded).toBe(true)
    expect(auth.loggedIn).toBe(false)
  })

  it('logs in, keeps the CSRF token and loads the session', async () => {
    const f = serve((url) =>
      url.endsWith('/auth/login') ? [200, { csrf_token: 'csrf-login', account, pending: '' }] : [200, me('', 'csrf-me')],
    )
    const auth = useAuthStore()
    await auth.login('xuequ', 'pw')
    expect(f.mock.calls[0][1].body).toBe('{"username":"xuequ","password":"pw"}')
    expect(auth.loggedIn).toBe(true)
    expect(auth.account?.name).toBe('学区管理员')
    expect(auth.permissions).toEqual(['activity.read'])
    expect(getCsrfToken()).toBe('csrf-me')
  })

  it('reports a pending step and routes to it', async () => {
    serve(() => [200, me('password_change')])
    const auth = useAuthStore()
    await auth.refresh()
    expect(auth.pending).toBe('password_change')
    expect(pendingRoute(auth.pending)).toBe('/password')
    expect(pendingRoute('totp_enrol')).toBe('/totp/enrol')
    expect(pendingRoute('totp')).toBe('/totp')
    expect(pendingRoute('')).toBeNull()
  })

  it('changes the password with the CSRF header and takes the new session', async () => {
    const f = serve((url) => (url.endsWith('/auth/password') ? [200, me('totp_enrol', 'csrf-2')] : [200, me('password_change', 'csrf-1')]))
    const auth = useAuthStore()
    await auth.refresh()
    await auth.changePassword('old', 'New-Passw0rd')
    const init = f.mock.calls[1][1]
    expect((init.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-1')
    expect(auth.pending).toBe('totp_enrol')
    expect(getCsrfToken()).toBe('csrf-2')
  })

  it('stays logged in when the logout fails, since the session is still valid', async () => {
    serve((url) => (url.endsWith('/auth/logout') ? [503, { error: { code: 'unavailable', message: 'db away' } }] : [200, me()]))
    const auth = useAuthStore()
    await auth.refresh()
    await expect(auth.logout()).rejects.toMatchObject({ status: 503 })
    expect(auth.loggedIn).toBe(true)
    expect(getCsrfToken()).toBe('csrf-me')
  })

  it('forgets the session on logout, even when it had already ended', async () => {
    serve((url) => (url.endsWith('/auth/logout') ? [401, { error: { code: 'unauthorized', message: '' } }] : [200, me()]))
    const auth = useAuthStore()
    await auth.refresh()
    await auth.logout()
    expect(auth.loggedIn).toBe(false)
    expect(getCsrfToken()).toBe('')
  })

  it('rethrows other errors from login', async () => {
    serve(() => [423, { error: { code: 'locked', message: 'locked', retry_at: '2026-03-02T06:05:00Z' } }])
    const auth = useAuthStore()
    await expect(auth.login('jiaoshi', 'bad')).rejects.toMatchObject({ code: 'locked' })
    expect(auth.loggedIn).toBe(false)
  })
})

describe('menu', () => {
  it('shows only the entries the session may use', () => {
    expect(visibleMenu(['activity.read']).map((e) => e.path)).toEqual(['/', '/dashboard', '/ledger', '/reports', '/rosters', '/duty', '/rectifications', '/assessment'])
    expect(visibleMenu([]).map((e) => e.path)).toEqual(['/'])
    const entries = [{ path: '/a', title: 'a', order: 1, permission: 'audit.read' }]
    expect(visibleMenu([], entries)).toEqual([])
    expect(visibleMenu(['audit.read'], entries).map((e) => e.path)).toEqual(['/a'])
  })
  it('lands on the dashboard when the session may read activities', () => {
    expect(landingPath(['activity.read', 'export'])).toBe('/dashboard')
    expect(landingPath(['export'])).toBe('/')
    expect(landingPath(['audit.read'])).toBe('/admin/audit') // see menu.test.ts
  })
})
