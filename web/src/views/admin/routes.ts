import type { RouteRecordRaw } from 'vue-router'
import { firstPage } from '@/menu'
import { useAuthStore } from '@/stores/auth'

// The admin pages: children of the main layout (paths without a leading slash),
// each a lazy chunk. meta.permission is the permission of the API the page
// calls; a list means any one of them (the users page serves several roles).
export const routes: RouteRecordRaw[] = [
  {
    path: 'admin',
    name: 'admin',
    // The group itself: the first administration page the session may open.
    // A guard rather than a redirect, so that it runs after the global guard
    // has loaded the session (a redirect is resolved before any guard).
    component: () => import('@/views/HomeView.vue'),
    beforeEnter: () => firstPage(useAuthStore().permissions, '/admin') ?? '/',
  },
  {
    path: 'admin/orgs',
    name: 'admin-orgs',
    meta: { title: 'admin.menu.orgs', permission: 'org.manage' },
    component: () => import('./OrgsView.vue'),
  },
  {
    path: 'admin/types',
    name: 'admin-types',
    meta: { title: 'admin.menu.types', permission: 'catalog.manage' },
    component: () => import('./TypesView.vue'),
  },
  {
    path: 'admin/users',
    name: 'admin-users',
    meta: { title: 'admin.menu.users', permission: ['account.manage', 'role.manage', 'coverage.manage', 'account.unlock'] },
    component: () => import('./UsersView.vue'),
  },
  {
    path: 'admin/roles',
    name: 'admin-roles',
    meta: { title: 'admin.menu.roles', permission: 'role.manage' },
    component: () => import('./RolesView.vue'),
  },
  {
    path: 'admin/policy',
    name: 'admin-policy',
    meta: { title: 'admin.menu.policy', permission: 'policy.manage' },
    component: () => import('./PolicyView.vue'),
  },
  {
    path: 'admin/audit',
    name: 'admin-audit',
    meta: { title: 'admin.menu.audit', permission: 'audit.read' },
    component: () => import('./AuditView.vue'),
  },
  {
    path: 'admin/periods',
    name: 'admin-periods',
    meta: { title: 'admin.menu.periods', permission: 'period.close' },
    component: () => import('./PeriodsView.vue'),
  },
  {
    path: 'admin/tokens',
    name: 'admin-tokens',
    meta: { title: 'admin.menu.tokens', permission: ['account.manage', 'token.create'] },
    component: () => import('./TokensView.vue'),
  },
]
