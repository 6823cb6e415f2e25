import { defineFeature } from '@/features'

// The exam pages (在线考试, issue 15): children of the main layout. Managers
// (exam.manage) keep question banks and exams and read the results;
// candidates (exam.take) find their exams under 我的考试 and sit them here or
// on the phone (/m/exams).
export default defineFeature({
  routes: [
    {
      path: 'exams',
      name: 'exams',
      meta: { title: 'exam.title', permission: 'exam.manage', menu: { order: 75 } },
      component: () => import('./ExamsView.vue'),
    },
    {
      path: 'exams/banks/:id(\\d+)',
      name: 'exam-bank',
      meta: { title: 'exam.bank.title', permission: 'exam.manage' },
      component: () => import('./BankView.vue'),
    },
    {
      path: 'exams/new',
      name: 'exam-new',
      meta: { title: 'exam.form.newTitle', permission: 'exam.manage' },
      component: () => import('./ExamEditView.vue'),
    },
    {
      path: 'exams/:id(\\d+)/edit',
      name: 'exam-edit',
      meta: { title: 'exam.form.editTitle', permission: 'exam.manage' },
      component: () => import('./ExamEditView.vue'),
    },
    {
      path: 'exams/:id(\\d+)/results',
      name: 'exam-results',
      meta: { title: 'exam.results.title', permission: 'exam.manage' },
      component: () => import('./ResultsView.vue'),
    },
    {
      path: 'my-exams',
      name: 'my-exams',
      meta: { title: 'exam.my.title', permission: 'exam.take', menu: { order: 76 } },
      component: () => import('./MyExamsView.vue'),
    },
    {
      path: 'my-exams/attempt/:id(\\d+)',
      name: 'exam-sit',
      meta: { title: 'exam.sit.title', permission: 'exam.take' },
      component: () => import('./SitView.vue'),
    },
  ],
})
