import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { ApiError } from '@/api/client'
import en from '@/locales/en'
import zh from '@/locales/zh-CN'
import { messages as phone } from '@/mobile/locales'
import { errorMessage, formatRetry } from '.'
import { errorMessages } from './messages'

const desktop = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } }).global
const mobile = createI18n({ legacy: false, locale: 'zh-CN', messages: phone }).global
type Lang = { t: (k: string, p?: Record<string, unknown>) => string; te: (k: string) => boolean; locale: { value: string } }
const msg = (e: unknown, g: Lang = desktop) => errorMessage(e, g.t, (k) => g.te(k), g.locale.value)
const err = (status: number, code: string, field?: string, message = 'value must be at most 100 characters') =>
  new ApiError(status, { code, field, message })

describe('errorMessage', () => {
  it('shows the closed period and who may reopen it, from the server, in zh-CN only', () => {
    const e = new ApiError(423, { code: 'locked', field: 'date', message: '2024年已关账，如需修改请联系局办公室管理员重新开放' })
    expect(msg(e)).toBe('2024年已关账，如需修改请联系局办公室管理员重新开放')
    desktop.locale.value = 'en'
    expect(msg(e)).toBe(errorMessages.en.errors.byField.locked.date)
    desktop.locale.value = 'zh-CN'
  })

  it('translates by code, with the retry time for a lockout', () => {
    const retry = new Date(Date.now() + 10 * 60_000)
    const e = new ApiError(423, { code: 'locked', message: 'x', retry_at: retry.toISOString() })
    expect(msg(e)).toContain('账号已锁定')
    expect(msg(e)).toContain(formatRetry(retry, 'zh-CN'))
    desktop.locale.value = 'en'
    expect(msg(e)).toContain(formatRetry(retry, 'en'))
    expect(msg(new ApiError(429, { code: 'rate_limited', message: 'x', retry_at: retry.toISOString() }))).toMatch(/^Too many attempts; try again after /)
    expect(msg(new ApiError(429, { code: 'rate_limited', message: 'x' }))).toBe('Too many attempts; try again later')
    desktop.locale.value = 'zh-CN'
  })

  it('names the field by its name, never its code', () => {
    expect(msg(err(400, 'invalid', 'title'))).toBe('“标题”填写有误，请检查后重试')
    expect(msg(err(400, 'invalid', 'type_id'))).toBe('“活动类型”填写有误，请检查后重试')
    expect(msg(err(409, 'conflict', 'username'))).toBe('该用户名已被使用，请换一个')
    // A field without a name: the general sentence, not the code.
    expect(msg(err(400, 'invalid', 'problem_wording.x'))).toBe(zh.errors.invalid)
    expect(msg(err(400, 'invalid', 'Idempotency-Key'))).toBe(zh.errors.invalid)
    desktop.locale.value = 'en'
    expect(msg(err(400, 'invalid', 'title'))).toBe('“Title” is not right; check and try again')
    desktop.locale.value = 'zh-CN'
  })

  it('never pastes the server message: an unknown code gets the general sentence', () => {
    expect(msg(err(418, 'teapot', undefined, 'short and stout'))).toBe(zh.errors.unknown)
    expect(msg(new Error('boom'))).toBe(zh.errors.unknown)
    expect(msg(new ApiError(0, { code: 'network', message: '' }))).toBe(zh.errors.network)
  })

  it('writes every (code, field) in zh-CN without Latin letters, on the desktop and the phone', () => {
    const codes = ['invalid', 'conflict', 'too_large', 'locked', 'not_found', 'forbidden', 'unavailable', 'internal', 'csrf', 'pending', 'teapot', 'http_502']
    const cases: Array<[string, string | undefined]> = [
      ...codes.flatMap((c) => [undefined, 'title', 'unknown_field', 'Idempotency-Key'].map((f) => [c, f] as [string, string | undefined])),
      ...Object.keys(errorMessages.zh.fields).map((f) => ['invalid', f] as [string, string]),
    ]
    for (const g of [desktop, mobile]) {
      for (const [code, field] of cases) {
        const s = msg(err(400, code, field, 'must not be empty'), g)
        expect(s, `${code} ${field}`).not.toMatch(/[A-Za-z]/)
        expect(s.trim()).not.toBe('')
      }
    }
  })

  it('words an error the same on the phone as on the desktop', () => {
    for (const e of [err(400, 'invalid', 'date'), err(409, 'conflict', 'version'), err(413, 'too_large', 'file'), err(0, 'network')]) {
      expect(msg(e, mobile)).toBe(msg(e, desktop))
    }
  })

  it('has the same keys in both languages', () => {
    const keys = (o: object, p = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]))
    expect(keys(errorMessages.en).sort()).toEqual(keys(errorMessages.zh).sort())
  })
})
