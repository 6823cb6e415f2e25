import { defineFeature } from '@/features'

// Home: the account's own page, for every session.
export default defineFeature({
  routes: [{ path: '', name: 'home', meta: { title: 'menu.home', menu: { order: 0 } }, component: () => import('@/views/HomeView.vue') }],
})
