import { defineFeature } from '@/features'

// 备份管理 (system administrator, under 系统管理): the scheduled backup's
// settings, the last backups and their results, and 立即备份.
export default defineFeature({
  routes: [
    {
      path: 'admin/backups',
      name: 'admin-backups',
      meta: { title: 'backups.menu', permission: 'config.manage', menu: { order: 88, group: '/admin' } },
      component: () => import('./BackupsView.vue'),
    },
  ],
})
