// vue-i18n for the phone pages: the same language choice as the desktop app
// (localStorage zeren.locale), the phone's own messages, and no Element Plus.
import { createI18n, useI18n } from 'vue-i18n'
import { errorMessage } from '@/errors'
import { knownBureauZone } from '@/format'
import { recordMissingKey } from '@/missingKeys'
import { messages } from './locales'

export type Locale = 'zh-CN' | 'en'
const storageKey = 'zeren.locale'

function initialLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(storageKey) : null
  return saved === 'en' ? 'en' : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages,
  // Missing keys are collected for the browser tests, as on the desktop
  // (production builds strip vue-i18n's own warnings).
  missing: (locale: string, key: string) => recordMissingKey(locale, key),
})

export function setLocale(l: Locale): void {
  i18n.global.locale.value = l
  localStorage.setItem(storageKey, l)
  document.documentElement.lang = l
}

/** errorMessage bound to the current language. */
export function useErrorMessage() {
  const { t, te, locale } = useI18n()
  return (err: unknown) => errorMessage(err, t, (k) => te(k), locale.value, knownBureauZone())
}
