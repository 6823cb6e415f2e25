// Routes of the phone pages, under /m/ (the server answers every /m/… path
// with m.html). The login steps mirror the desktop router's guard.
import { watch } from 'vue'
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { pageTitle } from '@/pageTitle'
import { useAuthStore } from '@/stores/auth'
import { i18n } from './i18n'

const open = new Set(['/login', '/password', '/step'])

export const routes: RouteRecordRaw[] = [
  { path: '/login', meta: { title: 'login.title' }, component: () => import('./views/LoginPage.vue') },
  { path: '/password', meta: { title: 'password.title' }, component: () => import('./views/PasswordPage.vue') },
  { path: '/step', meta: { title: 'step.title' }, component: () => import('./views/StepPage.vue') },
  { path: '/log', meta: { tab: true, title: 'log.title' }, component: () => import('./views/LogPage.vue') },
  { path: '/progress', meta: { tab: true, title: 'progress.title' }, component: () => import('./views/ProgressPage.vue') },
  { path: '/me', meta: { tab: true, title: 'me.title' }, component: () => import('./views/MePage.vue') },
  // Changing one's own password, from 我的 (the login step is /password).
  { path: '/change-password', meta: { title: 'password.title' }, component: () => import('./views/PasswordPage.vue') },
  { path: '/rectify', meta: { title: 'rect.title' }, component: () => import('./views/RectifyPage.vue') },
  { path: '/stories', meta: { title: 'stories.title' }, component: () => import('./views/StoriesPage.vue') },
  { path: '/duties', meta: { title: 'duties.title' }, component: () => import('./views/DutiesPage.vue') },
  { path: '/leader', meta: { title: 'leader.title' }, component: () => import('./views/LeaderPage.vue') },
  { path: '/notifications', meta: { title: 'inbox.title' }, component: () => import('./views/NotificationsPage.vue') },
  { path: '/exams', meta: { tab: true, title: 'exam.title' }, component: () => import('./views/ExamsPage.vue') },
  { path: '/attempt/:id(\\d+)', meta: { title: 'exam.title' }, component: () => import('./views/AttemptPage.vue') },
  { path: '/:rest(.*)*', redirect: '/log' },
]

export const router = createRouter({ history: createWebHistory('/m/'), routes })

/** Where a session with a pending login step must go on the phone. */
export function stepPath(pending: string): string | null {
  if (pending === 'password_change') return '/password'
  if (pending === 'totp' || pending === 'totp_enrol') return '/step'
  return null
}

/**
 * Whether 记一笔 is for this account: a member (教师/党员) who reads but
 * cannot record is sent to what it can do (本学期进度) instead of a page
 * that only says it may not.
 */
export function mayLog(permissions: readonly string[]): boolean {
  return permissions.includes('activity.write') && permissions.includes('activity.submit')
}

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  try {
    await auth.ensureLoaded()
  } catch {
    auth.setMe(null)
  }
  if (!auth.loggedIn) return to.path === '/login' ? true : '/login'
  const step = stepPath(auth.pending)
  if (step) return to.path === step ? true : step
  const home = mayLog(auth.permissions) ? '/log' : '/progress'
  if (open.has(to.path)) return home
  if (to.path === '/log' && home !== '/log') return home
  return true
})

// document.title follows the page and the language, as on the desktop.
const setTitle = () => {
  document.title = pageTitle(router.currentRoute.value, (k) => i18n.global.t(k))
}
router.afterEach(setTitle)
watch(i18n.global.locale, setTitle)
