import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zh from '@/locales/zh-CN'
import { ApiError } from '@/api/client'
import { passwordsText, workbookError } from './accountImport'

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } })
const t = i18n.global.t as (k: string, p?: Record<string, unknown>) => string
const describeErr = () => 'general'

describe('account import', () => {
  it('says an unreadable workbook in Chinese, not the server English', () => {
    const e = new ApiError(400, { code: 'invalid', field: 'file', message: 'is not an Excel workbook (.xlsx) that can be read' })
    const s = workbookError(e, t, describeErr)
    expect(s).not.toMatch(/Excel workbook/)
    expect(s).toMatch(/模板/)
  })
  it('shows the row-by-row lines of a refused import as they are', () => {
    const e = new ApiError(400, { code: 'invalid', field: 'rows[3].username', message: '第 3 行 用户名：“wang”已有人使用，请换一个' })
    expect(workbookError(e, t, describeErr)).toBe('第 3 行 用户名：“wang”已有人使用，请换一个')
  })
  it('lists each new account with its one-time password, one a line', () => {
    const created = [
      { account: { username: 'wang', name: '王晓明' }, initial_password: 'Zr-a' },
      { account: { username: 'li', name: '李娜' }, initial_password: 'Zr-b' },
    ] as never
    expect(passwordsText(created, t).split('\n')).toEqual(['用户名\t姓名\t一次性密码', 'wang\t王晓明\tZr-a', 'li\t李娜\tZr-b'])
  })
})
