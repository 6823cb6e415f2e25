import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zh from '@/locales/zh-CN'
import { actorOf, changeText } from './history'

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh } })
const t = i18n.global.t as (k: string, p?: Record<string, unknown>) => string

describe('activity history', () => {
  it('names who acted, never a raw username', () => {
    const base = { id: 1, activity_id: 2, at: '2026-01-01T00:00:00Z', action: 'edited' as const, changes: [] }
    expect(actorOf({ ...base, actor_name: '王书记', actor_kind: 'account' }, t)).toBe('王书记')
    expect(actorOf({ ...base, actor_name: '', actor_kind: 'system' }, t)).toBe('系统')
    expect(actorOf({ ...base, actor_name: '', actor_kind: 'token' }, t)).toBe('API 令牌')
  })
  it('writes a change old → new in Chinese, with names for units and venues', () => {
    expect(changeText({ field: 'attendance', old: 30, new: 3000 }, t)).toBe('参与人次：30 → 3000')
    expect(changeText({ field: 'org_id', old: 3, new: 5, old_label: '一中', new_label: '二中' }, t)).toBe('单位：一中 → 二中')
    expect(changeText({ field: 'venues', old: ['campus'], new: ['campus', 'classroom'] }, t)).toBe('场所：校园 → 校园、课堂')
    expect(changeText({ field: 'evidence', old: null, new: '签到表.png' }, t)).toBe('佐证材料：无 → 签到表.png')
  })
})
