import { defineFeature } from '@/features'

// The ledger pages: children of the main layout (paths without a leading slash).
// The ledger's URL query is its filter (see ./query.ts): dashboard figures link here.
export default defineFeature({
  routes: [
    {
      path: 'ledger',
      name: 'ledger',
      meta: { title: 'menu.ledger', permission: 'activity.read', menu: { order: 20 } },
      component: () => import('./LedgerView.vue'),
    },
  ],
})
