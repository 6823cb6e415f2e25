import { defineFeature } from '@/features'

// The roster pages: children of the main layout (paths without a leading slash).
// /rosters accepts ?org_id=&kind=(&role=&at=): report figures link here.
export default defineFeature({
  routes: [
    {
      path: 'rosters',
      name: 'rosters',
      meta: { title: 'roster.title', permission: 'activity.read', menu: { order: 40 } },
      component: () => import('./RostersView.vue'),
    },
  ],
})
