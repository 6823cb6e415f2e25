import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import type { RouteRecordRaw } from 'vue-router'
import en from './locales/en'
import zh from './locales/zh-CN'
import { pageTitle } from './pageTitle'
import { routes } from './router'

function flat(rs: readonly RouteRecordRaw[]): RouteRecordRaw[] {
  return rs.flatMap((r) => [r, ...flat(r.children ?? [])])
}

describe('page titles', () => {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } })
  const pages = flat(routes).filter((r) => r.component && !r.children)

  it('every page has a title, translated in zh-CN and en', () => {
    expect(pages.length).toBeGreaterThan(15)
    for (const r of pages) {
      expect(r.meta?.title, r.path).toBeTruthy()
      for (const l of ['zh-CN', 'en'] as const) expect(i18n.global.te(r.meta!.title!, l), `${l} ${r.meta!.title}`).toBe(true)
    }
  })

  it('names the page, then the app, in the chosen language', () => {
    const ledger = pages.find((r) => r.name === 'ledger')!
    i18n.global.locale.value = 'zh-CN'
    expect(pageTitle({ meta: ledger.meta! }, i18n.global.t)).toBe('工作台账 - 意识形态工作责任制')
    i18n.global.locale.value = 'en'
    expect(pageTitle({ meta: ledger.meta! }, i18n.global.t)).toBe('Ledger - Ideological Work Responsibility')
    expect(pageTitle({ meta: {} }, i18n.global.t)).toBe('Ideological Work Responsibility')
  })
})
