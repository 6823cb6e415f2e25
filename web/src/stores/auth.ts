import { defineStore } from 'pinia'
import { ApiError, setCsrfToken, type Me, type TOTPEnrolment } from '@/api/client'
import { http } from '@/api/typed'

export type Pending = Me['pending']

/** The session: who is logged in, what they may do, and which login step is pending. */
export const useAuthStore = defineStore('auth', {
  state: () => ({
    me: null as Me | null,
    loaded: false,
  }),
  getters: {
    loggedIn: (s) => s.me !== null,
    pending: (s): Pending => s.me?.pending ?? '',
    account: (s) => s.me?.account ?? null,
    permissions: (s): string[] => s.me?.permissions ?? [],
  },
  actions: {
    setMe(me: Me | null) {
      this.me = me
      this.loaded = true
      setCsrfToken(me?.csrf_token ?? '')
    },
    /** Loads the session once (GET /auth/me); no session is not an error. */
    async ensureLoaded() {
      if (!this.loaded) await this.refresh()
    },
    async refresh() {
      try {
        this.setMe(await http.get('/api/v1/auth/me'))
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          this.setMe(null)
          return
        }
        throw e
      }
    },
    async login(username: string, password: string) {
      const res = await http.post('/api/v1/auth/login', { body: { username, password } })
      setCsrfToken(res.csrf_token)
      await this.refresh()
    },
    /**
     * Ends the session. Forgotten here only once the server ended it (or it had
     * ended already, 401): when the call fails otherwise the cookie is still
     * valid, so the page stays logged in and the caller shows the error.
     */
    async logout() {
      try {
        await http.post('/api/v1/auth/logout')
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) throw e
      }
      this.setMe(null)
    },
    async changePassword(currentPassword: string, newPassword: string) {
      this.setMe(await http.post('/api/v1/auth/password', { body: { current_password: currentPassword, new_password: newPassword } }))
    },
    async enrolTotp(): Promise<TOTPEnrolment> {
      return http.post('/api/v1/auth/totp/enrol')
    },
    async verifyTotp(code: string) {
      this.setMe(await http.post('/api/v1/auth/totp/verify', { body: { code } }))
    },
  },
})

/** The route of the login step a session must pass, or null when none is pending. */
export function pendingRoute(p: Pending): string | null {
  switch (p) {
    case 'password_change':
      return '/password'
    case 'totp_enrol':
      return '/totp/enrol'
    case 'totp':
      return '/totp'
    default:
      return null
  }
}
