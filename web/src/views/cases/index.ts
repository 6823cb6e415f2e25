import { defineFeature } from '@/features'

// The case pages (事件处置), in the 舆情监测 menu group (/concern): the board,
// one case, a new case (/cases/new?story_id=ID from a story, or by hand),
// the time limits and the monitor teams' response times. /cases accepts
// the filter of a report figure's link (org_id, from, to, kind, severity,
// state, ids).
export default defineFeature({
  routes: [
    {
      path: 'cases',
      name: 'cases',
      meta: { title: 'cases.menu.board', permission: 'case.handle', menu: { order: 15, group: '/concern' } },
      component: () => import('./CaseBoardView.vue'),
    },
    {
      path: 'cases/new',
      name: 'case-new',
      meta: { title: 'cases.menu.new', permission: 'case.handle' },
      component: () => import('./NewCaseView.vue'),
    },
    {
      path: 'cases/:id(\\d+)',
      name: 'case',
      meta: { title: 'cases.menu.board', permission: 'case.handle' },
      component: () => import('./CaseView.vue'),
    },
    {
      path: 'cases/teams',
      name: 'case-teams',
      meta: { title: 'cases.menu.teams', permission: 'concern.read', menu: { order: 25, group: '/concern' } },
      component: () => import('./TeamsView.vue'),
    },
  ],
})
