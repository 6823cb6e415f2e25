import { defineFeature } from '@/features'

// 台账导入: the wizard that takes a school's own ledger workbook in (preview,
// fix the mapping, import). Reached from the ledger's toolbar, not the menu.
export default defineFeature({
  routes: [
    {
      path: 'ledger/import',
      name: 'ledger-import',
      meta: { title: 'ledgerimport.title', permission: 'activity.write' },
      component: () => import('./LedgerImportView.vue'),
    },
  ],
})
