import type { RouteRecordRaw } from 'vue-router'

// The notification centre (everyone) and the background jobs page (system
// administrator): children of the main layout.
export const routes: RouteRecordRaw[] = [
  {
    path: 'notifications',
    name: 'notifications',
    meta: { title: 'notify.title' },
    component: () => import('./NotificationsView.vue'),
  },
  {
    path: 'admin/jobs',
    name: 'admin-jobs',
    meta: { title: 'notify.jobs.menu', permission: 'config.manage' },
    component: () => import('./JobsView.vue'),
  },
]
