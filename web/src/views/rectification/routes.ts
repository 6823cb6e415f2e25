import type { RouteRecordRaw } from 'vue-router'

// The rectification and assessment pages: children of the main layout.
// /rectifications accepts the filter of a report figure's link (see ./api.ts).
export const routes: RouteRecordRaw[] = [
  {
    path: 'rectifications',
    name: 'rectifications',
    meta: { title: 'menu.rectifications', permission: 'activity.read' },
    component: () => import('./RectificationsView.vue'),
  },
  {
    path: 'assessment',
    name: 'assessment',
    meta: { title: 'menu.assessment', permission: 'activity.read' },
    component: () => import('../assessment/AssessmentView.vue'),
  },
]
