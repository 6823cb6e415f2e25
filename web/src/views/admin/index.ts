import { defineFeature } from '@/features'

// The admin pages: children of the main layout (paths without a leading slash),
// each a lazy chunk, under the menu group /admin. meta.permission is the permission of the API the page
// calls; a list means any one of them (the users page serves several roles).
export default defineFeature({
  routes: [
    {
      // The group (sub-menu) itself: opening it opens the first administration
      // page the session may see (the router adds that guard to every group).
      path: 'admin',
      name: 'admin',
      meta: { title: 'menu.admin', group: true, menu: { order: 90 } },
      component: () => import('@/views/HomeView.vue'),
    },
    {
      path: 'admin/orgs',
      name: 'admin-orgs',
      meta: { title: 'admin.menu.orgs', permission: 'org.manage', menu: { order: 10, group: '/admin' } },
      component: () => import('./OrgsView.vue'),
    },
    {
      path: 'admin/types',
      name: 'admin-types',
      meta: { title: 'admin.menu.types', permission: 'catalog.manage', menu: { order: 20, group: '/admin' } },
      component: () => import('./TypesView.vue'),
    },
    {
      path: 'admin/users',
      name: 'admin-users',
      meta: { title: 'admin.menu.users', permission: ['account.manage', 'role.manage', 'coverage.manage', 'account.unlock'], menu: { order: 40, group: '/admin' } },
      component: () => import('./UsersView.vue'),
    },
    {
      path: 'admin/roles',
      name: 'admin-roles',
      meta: { title: 'admin.menu.roles', permission: 'role.manage', menu: { order: 50, group: '/admin' } },
      component: () => import('./RolesView.vue'),
    },
    {
      path: 'admin/policy',
      name: 'admin-policy',
      meta: { title: 'admin.menu.policy', permission: 'policy.manage', menu: { order: 60, group: '/admin' } },
      component: () => import('./PolicyView.vue'),
    },
    {
      path: 'admin/audit',
      name: 'admin-audit',
      meta: { title: 'admin.menu.audit', permission: 'audit.read', menu: { order: 70, group: '/admin' } },
      component: () => import('./AuditView.vue'),
    },
    {
      path: 'admin/periods',
      name: 'admin-periods',
      meta: { title: 'admin.menu.periods', permission: 'period.close', menu: { order: 30, group: '/admin' } },
      component: () => import('./PeriodsView.vue'),
    },
    {
      path: 'admin/tokens',
      name: 'admin-tokens',
      meta: { title: 'admin.menu.tokens', permission: ['account.manage', 'token.create'], menu: { order: 80, group: '/admin' } },
      component: () => import('./TokensView.vue'),
    },
  ],
})
