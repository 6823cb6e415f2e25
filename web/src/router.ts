import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { landingPath, permitted } from './menu'
import { pendingRoute, useAuthStore } from './stores/auth'
import { routes as adminRoutes } from './views/admin/routes'
import { routes as ledgerRoutes } from './views/ledger/routes'
import { routes as notifyRoutes } from './views/notify/routes'
import { routes as reportRoutes } from './views/report/routes'
import { routes as rosterRoutes } from './views/roster/routes'
import { routes as dutyRoutes } from './views/duty/routes'
import { routes as rectifyRoutes } from './views/rectification/routes'

// Pages of the login steps, reachable without a finished login.
const loginSteps = new Set(['/login', '/password', '/totp/enrol', '/totp'])

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue') },
  { path: '/password', name: 'password', component: () => import('./views/PasswordView.vue') },
  { path: '/totp/enrol', name: 'totp-enrol', component: () => import('./views/TotpEnrolView.vue') },
  { path: '/totp', name: 'totp', component: () => import('./views/TotpVerifyView.vue') },
  {
    path: '/',
    component: () => import('./layouts/MainLayout.vue'),
    children: [
      { path: '', name: 'home', meta: { title: 'menu.home' }, component: () => import('./views/HomeView.vue') },
      // Changing one's own password, for everyone, from the header's user menu.
      { path: 'account/password', name: 'change-password', meta: { title: 'password.title' }, component: () => import('./views/PasswordView.vue') },
      {
        path: 'dashboard',
        name: 'dashboard',
        meta: { title: 'menu.dashboard', permission: 'activity.read' },
        component: () => import('./views/DashboardView.vue'),
      },
      ...ledgerRoutes,
      ...adminRoutes,
      ...reportRoutes,
      ...rosterRoutes,
      ...dutyRoutes,
      ...notifyRoutes,
      ...rectifyRoutes,
    ],
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
