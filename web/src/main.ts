import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import { useSessionStore } from './stores/session'
import './style.css'

document.documentElement.lang = i18n.global.locale.value

const pinia = createPinia()
const app = createApp(App).use(pinia).use(i18n).use(router)
// An ended session or a stale CSRF token is recovered in place (a re-login dialog).
useSessionStore(pinia).install()
app.mount('#app')
