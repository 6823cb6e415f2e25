import { watch } from 'vue'
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { featureRoutes } from './features'
import { i18n } from './i18n'
import { firstPage, landingPath, permitted } from './menu'
import { pageTitle } from './pageTitle'
import { pendingRoute, useAuthStore } from './stores/auth'

// Pages of the login steps, reachable without a finished login.
const loginSteps = new Set(['/login', '/password', '/totp/enrol', '/totp'])

/**
 * A menu group's route opens the first page of the group the session may see.
 * A guard rather than a redirect, so that it runs after the global guard has
 * loaded the session (a redirect is resolved before any guard).
 */
function withGroupGuard(r: RouteRecordRaw): RouteRecordRaw {
  if (!r.meta?.group) return r
  const group = `/${r.path}`
  return { ...r, beforeEnter: () => firstPage(useAuthStore().permissions, group) ?? '/' } as RouteRecordRaw
}

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', meta: { title: 'login.title' }, component: () => import('./views/LoginView.vue') },
  { path: '/password', name: 'password', meta: { title: 'password.title' }, component: () => import('./views/PasswordView.vue') },
  { path: '/totp/enrol', name: 'totp-enrol', meta: { title: 'totp.enrolTitle' }, component: () => import('./views/TotpEnrolView.vue') },
  { path: '/totp', name: 'totp', meta: { title: 'totp.verifyTitle' }, component: () => import('./views/TotpVerifyView.vue') },
  {
    path: '/',
    component: () => import('./layouts/MainLayout.vue'),
    // Every feature's pages (views/<feature>/index.ts).
    children: featureRoutes.map(withGroupGuard),
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  try {
    await auth.ensureLoaded()
  } catch {
    // The server is away: let the login page say so when it is used.
    auth.setMe(null)
  }
  if (!auth.loggedIn) {
    return to.path === '/login' ? true : { path: '/login', query: to.path === '/' ? {} : { redirect: to.fullPath } }
  }
  const step = pendingRoute(auth.pending)
  if (step) return to.path === step ? true : step
  if (loginSteps.has(to.path)) {
    const redirect = typeof to.query.redirect === 'string' && to.query.redirect.startsWith('/') ? to.query.redirect : landingPath(auth.permissions)
    return redirect
  }
  // A page that needs a permission the session lacks: home instead.
  // permission: one permission, or a list of which any one will do.
  const needs = to.meta.permission
  if ((typeof needs === 'string' || Array.isArray(needs)) && !permitted(auth.permissions, needs)) return '/'
  return true
})

// document.title follows the page and the language.
const setTitle = () => {
  document.title = pageTitle(router.currentRoute.value, (k) => i18n.global.t(k))
}
router.afterEach(setTitle)
watch(i18n.global.locale, setTitle)
