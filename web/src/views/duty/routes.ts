import type { RouteRecordRaw } from 'vue-router'

// The duty pages (责任清单): children of the main layout. /duty/unit takes
// ?org_id=&year= — the report's duty figures link there.
export const routes: RouteRecordRaw[] = [
  {
    path: 'duty',
    name: 'duty',
    meta: { title: 'duty.title', permission: 'activity.read' },
    component: () => import('./DutyView.vue'),
  },
  {
    path: 'duty/unit',
    name: 'duty-unit',
    meta: { title: 'duty.title', permission: 'activity.read' },
    component: () => import('./DutyView.vue'),
  },
]
