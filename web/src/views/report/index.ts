import { defineFeature } from '@/features'

// The report pages: children of the main layout (paths without a leading slash),
// each a lazy chunk. Reading reports needs activity.read; the template editor
// report.manage (downloads check export on the page and on the server).
export default defineFeature({
  routes: [
    {
      path: 'reports',
      name: 'reports',
      meta: { title: 'report.title', permission: 'activity.read', menu: { order: 30 } },
      component: () => import('./ReportsView.vue'),
    },
    {
      path: 'reports/templates/:id(\\d+)',
      name: 'report-template',
      meta: { title: 'report.editorTitle', permission: 'report.manage' },
      component: () => import('./TemplateEditorView.vue'),
    },
    {
      path: 'reports/:id(\\d+)',
      name: 'report',
      meta: { title: 'report.detailTitle', permission: 'activity.read' },
      component: () => import('./ReportDetailView.vue'),
    },
  ],
})
