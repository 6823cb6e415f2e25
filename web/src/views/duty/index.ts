import { defineFeature } from '@/features'

// The duty pages (责任清单): children of the main layout. /duty/unit takes
// ?org_id=&year= — the report's duty figures link there.
export default defineFeature({
  routes: [
    {
      path: 'duty',
      name: 'duty',
      meta: { title: 'duty.title', permission: 'activity.read', menu: { order: 50 } },
      component: () => import('./DutyView.vue'),
    },
    {
      path: 'duty/unit',
      name: 'duty-unit',
      meta: { title: 'duty.title', permission: 'activity.read' },
      component: () => import('./DutyView.vue'),
    },
  ],
})
