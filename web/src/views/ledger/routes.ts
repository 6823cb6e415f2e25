import type { RouteRecordRaw } from 'vue-router'

// The ledger pages: children of the main layout (paths without a leading slash).
// The ledger's URL query is its filter (see ./query.ts): dashboard figures link here.
export const routes: RouteRecordRaw[] = [
  {
    path: 'ledger',
    name: 'ledger',
    meta: { title: 'menu.ledger', permission: 'activity.read' },
    component: () => import('./LedgerView.vue'),
  },
]
