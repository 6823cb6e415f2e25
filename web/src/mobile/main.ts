// The phone entry (m.html): Vue, vue-router, Vant (imported on demand by the
// resolver), vue-i18n and pinia — no Element Plus, so the first load stays
// small on a weak mobile network.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import { useSessionStore } from '@/stores/session'

document.documentElement.lang = i18n.global.locale.value

const pinia = createPinia()
const app = createApp(App).use(pinia).use(i18n).use(router)
// An ended session or a stale CSRF token is recovered in place (a re-login popup).
useSessionStore(pinia).install()
app.mount('#app')
