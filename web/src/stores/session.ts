// Session recovery: when a call meets an ended session (idle timeout, logged out
// elsewhere) or a stale CSRF token (another tab logged in again), the page stays
// as it is — the dialog's text, the chosen photos — while the same account logs
// in again in place (password, then the TOTP code when its role needs one), and
// the call is replayed (api/client.ts withSessionRecovery).
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { ApiError, setCsrfToken, setSessionRecovery, type Me } from '@/api/client'
import { http } from '@/api/typed'
import { useAuthStore } from './auth'

export type ReloginStep = 'password' | 'totp'

export const useSessionStore = defineStore('session', () => {
  const auth = useAuthStore()
  /** The re-login dialog is shown. */
  const open = ref(false)
  const step = ref<ReloginStep>('password')
  /** Who must log in again: the account the page was showing. */
  const username = ref('')
  const name = ref('')
  /**
   * Set when the re-login cannot finish in place (the password expired, a
   * second factor must be enrolled): the page says so and offers the full login.
   */
  const blocked = ref(false)
  let accountId = 0
  let waiting: Promise<boolean> | null = null
  let settle: ((ok: boolean) => void) | null = null

  function finish(ok: boolean) {
    open.value = false
    blocked.value = false
    const s = settle
    waiting = null
    settle = null
    s?.(ok)
  }

  /**
   * Asks the same account to log in again; every call waiting meanwhile shares
   * the one dialog. Resolves true once logged in, false when cancelled.
   */
  function relogin(): Promise<boolean> {
    if (waiting) return waiting
    const acc = auth.account
    if (!acc) return Promise.resolve(false) // never logged in: the router sends to /login
    accountId = acc.id
    username.value = acc.username
    name.value = acc.name
    step.value = 'password'
    blocked.value = false
    open.value = true
    waiting = new Promise<boolean>((resolve) => {
      settle = resolve
    })
    return waiting
  }

  /** Completes the re-login once no step is pending: the session must be the same account's. */
  async function complete() {
    const me = await http.get('/api/v1/auth/me')
    if (me.account.id !== accountId || me.pending) {
      blocked.value = true
      return
    }
    auth.setMe(me)
    finish(true)
  }

  /** The password step; a wrong password rejects with the API's error for the dialog to show. */
  async function submitPassword(password: string) {
    const res = await http.post('/api/v1/auth/login', { body: { username: username.value, password } })
    setCsrfToken(res.csrf_token)
    if (res.pending === 'totp') {
      step.value = 'totp'
      return
    }
    if (res.pending) {
      blocked.value = true
      return
    }
    await complete()
  }

  /** The second-factor step. */
  async function submitCode(code: string) {
    const me = await http.post('/api/v1/auth/totp/verify', { body: { code } })
    setCsrfToken(me.csrf_token)
    if (me.pending) {
      blocked.value = true
      return
    }
    await complete()
  }

  /**
   * The dialog's one action: the password, or the code once the password
   * passed. A wrong password or code rejects with the API's error.
   */
  async function submit(value: string) {
    if (step.value === 'password') await submitPassword(value)
    else await submitCode(value.trim())
  }

  /** Gives up: the waiting calls fail with their own errors. */
  function cancel() {
    finish(false)
  }

  /**
   * Loads the session's current CSRF token after a 403 csrf. It is used only
   * when the session is still the same account's; an ended session asks for a
   * re-login, a session of another account (logged in in another tab) is not
   * used for this page's calls.
   */
  async function refreshCsrf(): Promise<boolean> {
    const before = auth.account?.id
    let me: Me
    try {
      me = await http.get('/api/v1/auth/me')
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return relogin()
      return false
    }
    if (before === undefined || me.account.id !== before || me.pending) return false
    auth.setMe(me)
    return true
  }

  /** Makes this store the API client's session recovery. */
  function install() {
    setSessionRecovery({ relogin, refreshCsrf })
  }

  return { open, step, username, name, blocked, relogin, submit, submitPassword, submitCode, cancel, refreshCsrf, install }
})

/**
 * The fields and the one action of a re-login form, for the desktop dialog and
 * the phone popup alike: the fields empty whenever the form opens or moves to
 * the next step (then onReset runs, e.g. to focus the field), and a failed step
 * is worded by reloginError.
 */
export function useReloginForm(wrongPassword: () => string, describe: (e: unknown) => string, onReset?: () => void) {
  const session = useSessionStore()
  const password = ref('')
  const code = ref('')
  const busy = ref(false)
  const error = ref('')
  watch(
    () => [session.open, session.step],
    () => {
      password.value = ''
      code.value = ''
      error.value = ''
      onReset?.()
    },
  )
  async function submit() {
    error.value = ''
    busy.value = true
    try {
      await session.submit(session.step === 'password' ? password.value : code.value)
    } catch (e) {
      password.value = ''
      code.value = ''
      error.value = reloginError(e, session.step, wrongPassword(), describe)
    } finally {
      busy.value = false
    }
  }
  return { session, password, code, busy, error, submit }
}

/**
 * What the re-login dialog says about a failed step: a wrong password in the
 * login page's words, anything else as the error module describes it.
 */
export function reloginError(e: unknown, step: ReloginStep, wrongPassword: string, describe: (e: unknown) => string): string {
  return e instanceof ApiError && e.code === 'unauthorized' && step === 'password' ? wrongPassword : describe(e)
}
