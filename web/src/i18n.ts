import { computed } from 'vue'
import { createI18n, useI18n } from 'vue-i18n'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import elEn from 'element-plus/es/locale/lang/en'
import zh from './locales/zh-CN'
import en from './locales/en'
import { errorMessage } from './errors'
import { knownBureauZone } from './format'
import { recordMissingKey } from './missingKeys'

export const locales = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
] as const
export type Locale = (typeof locales)[number]['code']

const storageKey = 'zeren.locale'

function initialLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(storageKey) : null
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
  missing: (locale, key) => recordMissingKey(locale, key),
})

export function setLocale(l: Locale): void {
  i18n.global.locale.value = l
  localStorage.setItem(storageKey, l)
  document.documentElement.lang = l
}

/** Element Plus's own strings, following the app's language. */
export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? elEn : zhCn))

/** errorMessage bound to the current language. */
export function useErrorMessage() {
  const { t, te, locale } = useI18n()
  return (err: unknown) => errorMessage(err, t, (k) => te(k), locale.value, knownBureauZone())
}
