import { defineFeature } from '@/features'

// The public-concern pages (舆情监测), under the menu group /concern, for
// whoever holds concern.read. The story page's 立案 button opens
// /cases/new?story_id=ID (the cases feature).
export default defineFeature({
  routes: [
    {
      path: 'concern',
      name: 'concern',
      meta: { title: 'concern.menu.group', group: true, menu: { order: 55 } },
      component: () => import('@/views/HomeView.vue'),
    },
    {
      path: 'concern/stream',
      name: 'concern-stream',
      meta: { title: 'concern.menu.stream', permission: 'concern.read', menu: { order: 10, group: '/concern' } },
      component: () => import('./StreamView.vue'),
    },
    {
      path: 'concern/stories/:id(\\d+)',
      name: 'concern-story',
      meta: { title: 'concern.menu.stream', permission: 'concern.read' },
      component: () => import('./StoryView.vue'),
    },
    {
      path: 'concern/summary',
      name: 'concern-summary',
      meta: { title: 'concern.menu.summary', permission: 'concern.read', menu: { order: 20, group: '/concern' } },
      component: () => import('./SummaryView.vue'),
    },
    {
      path: 'concern/rules',
      name: 'concern-rules',
      meta: { title: 'concern.menu.rules', permission: 'concern.read', menu: { order: 30, group: '/concern' } },
      component: () => import('./RulesView.vue'),
    },
    {
      path: 'concern/sources',
      name: 'concern-sources',
      meta: { title: 'concern.menu.sources', permission: 'concern.read', menu: { order: 40, group: '/concern' } },
      component: () => import('./SourcesView.vue'),
    },
  ],
})
