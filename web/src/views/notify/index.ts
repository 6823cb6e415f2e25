import { defineFeature } from '@/features'

// The notification centre (everyone, from the header's bell) and the
// background jobs page (system administrator, under 系统管理).
export default defineFeature({
  routes: [
    {
      path: 'notifications',
      name: 'notifications',
      meta: { title: 'notify.title' },
      component: () => import('./NotificationsView.vue'),
    },
    {
      path: 'admin/jobs',
      name: 'admin-jobs',
      meta: { title: 'notify.jobs.menu', permission: 'config.manage', menu: { order: 85, group: '/admin' } },
      component: () => import('./JobsView.vue'),
    },
  ],
})
