// The phone entry (m.html): Vue, vue-router, Vant (imported on demand by the
// resolver), vue-i18n and pinia — no Element Plus, so the first load stays
// small on a weak mobile network.
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'

document.documentElement.lang = i18n.global.locale.value

createApp(App).use(createPinia()).use(i18n).use(router).mount('#app')
