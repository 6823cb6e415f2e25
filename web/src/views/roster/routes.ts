import type { RouteRecordRaw } from 'vue-router'

// The roster pages: children of the main layout (paths without a leading slash).
// /rosters accepts ?org_id=&kind=(&role=&at=): report figures link here.
export const routes: RouteRecordRaw[] = [
  {
    path: 'rosters',
    name: 'rosters',
    meta: { title: 'roster.title', permission: 'activity.read' },
    component: () => import('./RostersView.vue'),
  },
]
