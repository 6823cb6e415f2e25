import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zh from '@/locales/zh-CN'
import en from '@/locales/en'
import { ApiError } from '@/api/client'
import { periodErrorText, saveError } from './formErrors'

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } })
const t = i18n.global.t as (k: string, p?: Record<string, unknown>) => string
const fields = ['org_id', 'type_id', 'date', 'title', 'attendance']
const label = (f: string) => (f === 'title' ? '标题' : f === 'date' ? '活动日期' : f)
const hasLatin = (s: string) => /[A-Za-z]{3,}/.test(s)

describe('ledger save errors', () => {
  it('shows a closed period above the form, in Chinese, naming the period', () => {
    const e = new ApiError(423, { code: 'locked', field: 'date', message: '2024年已关账，如需修改请联系局办公室管理员重新开放' })
    const got = saveError(e, fields, label, t, 'zh-CN')
    expect(got).toEqual({ text: '2024年已关账，如需修改请联系局办公室管理员重新开放' })
  })
  it('says a future date in Chinese, not the server English', () => {
    const e = new ApiError(400, { code: 'invalid', field: 'date', message: '2026-12-09 is in the future; record activities after they happen' })
    const got = saveError(e, fields, label, t, 'zh-CN')
    expect(got?.field).toBe('date')
    expect(hasLatin(got!.text)).toBe(false)
  })
  it('names the field instead of pasting English into Chinese', () => {
    const e = new ApiError(400, { code: 'invalid', field: 'title', message: 'character 3 is a control character (U+0007), which is not allowed' })
    const got = saveError(e, fields, label, t, 'zh-CN')
    expect(got?.field).toBe('title')
    expect(got?.text).toContain('标题')
    expect(hasLatin(got!.text)).toBe(false)
    // In English the server's words are fine.
    i18n.global.locale.value = 'en'
    expect(saveError(e, fields, label, t, 'en')?.text).toContain('control character')
    i18n.global.locale.value = 'zh-CN'
  })
  it('leaves errors of no form field to the general message', () => {
    expect(saveError(new ApiError(403, { code: 'forbidden', message: 'no' }), fields, label, t, 'zh-CN')).toBeNull()
  })
  it('says an unreadable period in Chinese with what was typed', () => {
    const e = new ApiError(400, { code: 'invalid', field: 'period', message: 'unknown period "abc"' })
    const s = periodErrorText(e, 'abc', t)
    expect(s).toContain('abc')
    expect(hasLatin(s.replace('abc', ''))).toBe(false)
  })
})
