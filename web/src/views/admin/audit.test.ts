import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { formatNumber, formatTimestamp } from '@/format'
import en from '@/locales/en'
import { actorLabel, auditDetail, auditQuery, emptyAuditFilter, shortenHashes, targetLabel } from './audit'
import zh from '@/locales/zh-CN'

const kinds = (zh as unknown as { admin: { audit: { targetKinds: Record<string, string> } } }).admin.audit.targetKinds
const kindName = (k: string) => kinds[k]
const sha = 'ab'.repeat(32)

describe('audit log filter', () => {
  it('sends the unit, the outcome and the rest as the API names them', () => {
    const f = emptyAuditFilter()
    expect(auditQuery(f, 1, 20)).toEqual({ limit: 20, offset: 0 })
    f.orgId = 7
    f.outcome = 'failure'
    f.type = ' login '
    f.actor = { id: 9, label: '王书记（he.ping）' }
    f.target = 'activity:3 '
    const q = auditQuery(f, 3, 50)
    expect(q).toEqual({
      limit: 50,
      offset: 100,
      org_id: 7,
      outcome: 'failure',
      type: 'login',
      actor_id: 9,
      target: 'activity:3',
    })
  })
})

describe('audit log names', () => {
  it('names the actor, never by a bare id', () => {
    expect(actorLabel({ actor: 'he.ping', actor_id: 9, actor_name: '王书记' }, '控制台', 'API 令牌')).toBe('王书记（he.ping）')
    expect(actorLabel({ actor: 'operator', actor_id: undefined, actor_name: undefined }, '控制台', 'API 令牌')).toBe('控制台')
    expect(actorLabel({ actor: 'token:0011aabb', actor_id: undefined }, '控制台', 'API 令牌')).toBe('API 令牌')
    expect(actorLabel({ actor: 'nobody', actor_id: undefined }, '控制台', 'API 令牌')).toBe('nobody')
  })

  it('names the target in Chinese, never as kind:id', () => {
    const cases: [Parameters<typeof targetLabel>[0], string][] = [
      [{ target: 'activity:3', target_kind: 'activity', target_name: '四德教育' }, '活动「四德教育」'],
      [{ target: 'account:9', target_kind: 'account', target_name: '王书记' }, '账号「王书记」'],
      [{ target: 'account:9', target_kind: 'account' }, '账号 #9'],
      [{ target: 'team:3/member:9', target_kind: 'member', target_name: '宣讲队' }, '队员「宣讲队」'],
      [{ target: `evidence:${sha}`, target_kind: 'evidence' }, `佐证材料 ${sha.slice(0, 12)}…`],
      [{ target: 'period:2024Q3', target_kind: 'period', target_name: '2024Q3' }, '周期「2024Q3」'],
      [{ target: 'policy', target_kind: 'policy' }, '安全策略'],
      [{ target: 'token:00aa11bb22cc33d3', target_kind: 'token' }, 'API 令牌 00aa11bb22cc33d3'],
      [{ target: 'team:3/member:9', target_kind: 'member' }, '队员 #9'],
      [{ target: '', target_kind: '' }, '—'],
    ]
    for (const [e, want] of cases) {
      const got = targetLabel(e, kindName)
      expect(got).toBe(want)
      expect(got).not.toMatch(/[a-z_]+:\d+/)
    }
    // Every kind the server names has a Chinese name.
    for (const k of ['account', 'org', 'activity', 'role', 'type', 'team', 'member', 'report', 'report_template', 'token', 'period', 'evidence', 'policy', 'audit', 'catalog', 'activities']) {
      expect(kinds[k], k).toMatch(/[\u4e00-\u9fff]/)
    }
  })

  it('shortens hashes in free text', () => {
    expect(shortenHashes(`${sha} 现场照片.png`)).toBe(`${sha.slice(0, 12)}… 现场照片.png`)
    expect(shortenHashes('no hash here')).toBe('no hash here')
  })
})

describe('audit detail (说明)', () => {
  const g = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zh, en } }).global
  const fmt = { timestamp: (s: string) => formatTimestamp(s, 'Asia/Shanghai'), number: (n: number) => formatNumber(n, 'zh-CN') }
  const say = (type: string, detail: string, lang = 'zh-CN') => {
    g.locale.value = lang as 'zh-CN' | 'en'
    return auditDetail({ type, detail }, g.t, fmt, lang)
  }

  it('says what the server wrote in Chinese, times in the bureau zone', () => {
    expect(say('login.failure', 'wrong password')).toBe('密码错误')
    expect(say('login.failure', 'account locked')).toBe('账号已锁定')
    expect(say('login.failure', 'locked until 2026-03-01T16:30:00Z')).toBe('锁定至 2026-03-02 00:30')
    expect(say('login.totp', 'locked until 2026-03-01T16:30:00Z after wrong second-factor codes')).toBe('动态口令连续错误，锁定至 2026-03-02 00:30')
    expect(say('member.import', 'imported 1200 members from an Excel workbook')).toBe('从 Excel 导入 1,200 名成员')
    expect(say('activity.export', '12345 rows; org 3, 2024')).toBe('导出 12,345 行')
    expect(say('login.success', 'password_change')).toBe('待完成：修改密码')
    expect(say('report.download', 'docx')).toBe('格式：DOCX')
    expect(say('login.success', 'wrong password', 'en')).toBe('Wrong password')
  })

  it('shows a file by its name, a person’s text as written, and no English sentence it does not know', () => {
    expect(say('evidence.attach', `${sha} 照片.jpg`)).toBe('照片.jpg')
    expect(say('evidence.detach', sha)).toBe('abababababab…')
    expect(say('activity.return', '佐证材料不全')).toBe('佐证材料不全')
    expect(say('config.change', 'something new the server says')).toBe('')
    expect(say('config.change', 'something new the server says', 'en')).toBe('something new the server says')
    expect(say('login.failure', '')).toBe('')
  })
})
