import { describe, expect, it } from 'vitest'
import { i18n } from './i18n'

type MissingWindow = { __zerenMissingKeys?: string[] }

describe('missing translation keys', () => {
  it('are recorded for the browser tests, present keys are not', () => {
    const w = window as unknown as MissingWindow
    w.__zerenMissingKeys = []
    const t = i18n.global.t
    expect(t('menu.home')).not.toBe('menu.home')
    expect(w.__zerenMissingKeys).toEqual([])
    t('no.such.key')
    expect(w.__zerenMissingKeys.some((k) => k.endsWith(':no.such.key'))).toBe(true)
  })
})
