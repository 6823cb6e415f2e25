import { defineFeature } from '@/features'

// Home: the account's own page, for every session.
export default defineFeature({
  routes: [
    { path: '', name: 'home', meta: { title: 'menu.home', menu: { order: 0 } }, component: () => import('@/views/HomeView.vue') },
    // Changing one's own password, for everyone, from the header's user menu.
    { path: 'account/password', name: 'change-password', meta: { title: 'password.title' }, component: () => import('@/views/PasswordView.vue') },
  ],
})
