import { defineFeature } from '@/features'

// The rectification and assessment pages: children of the main layout.
// /rectifications accepts the filter of a report figure's link (see ./api.ts).
export default defineFeature({
  routes: [
    {
      path: 'rectifications',
      name: 'rectifications',
      meta: { title: 'menu.rectifications', permission: 'activity.read', menu: { order: 60 } },
      component: () => import('./RectificationsView.vue'),
    },
    {
      path: 'assessment',
      name: 'assessment',
      meta: { title: 'menu.assessment', permission: 'activity.read', menu: { order: 70 } },
      component: () => import('../assessment/AssessmentView.vue'),
    },
  ],
})
