import { defineFeature } from '@/features'

// The dashboard: where every reader lands (see landingPath in src/menu.ts).
export default defineFeature({
  routes: [
    {
      path: 'dashboard',
      name: 'dashboard',
      meta: { title: 'menu.dashboard', permission: 'activity.read', menu: { order: 10 } },
      component: () => import('@/views/DashboardView.vue'),
    },
  ],
})
