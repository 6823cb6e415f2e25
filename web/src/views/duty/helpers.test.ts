import { describe, expect, it } from 'vitest'
import { donePercent, dutyForm, evidenceChoices, dutyFormProblems, dutyInput, emptyDutyForm, ledgerLink, pageYear, seatIndex, sortSeats, stateTag } from './helpers'

describe('duty helpers', () => {
  it('marks missed duties as danger and met ones as success', () => {
    expect(stateTag('missed')).toBe('danger')
    expect(stateTag('behind')).toBe('warning')
    expect(stateTag('met')).toBe('success')
    expect(stateTag('upcoming')).toBe('info')
  })
  it('links a window to the ledger with its query, and a checklist item nowhere', () => {
    expect(ledgerLink('org_id=3&from=2026-01-01&to=2026-03-31&status=approved')).toBe('/ledger?org_id=3&from=2026-01-01&to=2026-03-31&status=approved')
    expect(ledgerLink('')).toBe('')
  })
  it('rounds the share done down and says nothing when nothing is due', () => {
    expect(donePercent(2, 3)).toBe(66)
    expect(donePercent(0, 0)).toBeNull()
  })
  it('takes the year from the query, else from the server today', () => {
    expect(pageYear('2025', '2026-11-29')).toBe(2025)
    expect(pageYear('x', '2026-11-29')).toBe(2026)
    expect(pageYear(['1999'], '2026-11-29')).toBe(2026)
  })
})

describe('duty form', () => {
  const base = () => ({ ...emptyDutyForm(2026, 3), title: ' 中心组学习 ' })
  it('sends only the applicability chosen: a list kept from another choice does not narrow the duty', () => {
    const f = { ...base(), applies: 'kind' as const, org_kind: 'school', org_ids: [7, 8] }
    const b = dutyInput(f)
    expect(b.org_kind).toBe('school')
    expect(b.org_ids).toEqual([])
    expect(b.title).toBe('中心组学习')
    const l = dutyInput({ ...f, applies: 'list' })
    expect(l.org_kind).toBe('')
    expect(l.org_ids).toEqual([7, 8])
    const s = dutyInput({ ...f, applies: 'subtree' })
    expect([s.org_kind, s.org_ids]).toEqual(['', []])
  })
  it('counts the pillar unless types are chosen, and a checklist counts nothing', () => {
    const f = { ...base(), type_ids: [4], at_least: 2 }
    expect(dutyInput(f).type_ids).toEqual([])
    expect(dutyInput({ ...f, counts: 'types' }).type_ids).toEqual([4])
    const c = dutyInput({ ...f, counts: 'types', measure: 'checklist' })
    expect([c.type_ids, c.at_least]).toEqual([[], 0])
  })
  it('sends the deadline and version only when there are some', () => {
    expect('deadline' in dutyInput(base())).toBe(false)
    expect('version' in dutyInput(base())).toBe(false)
    expect('from' in dutyInput(base()) || 'to' in dutyInput(base())).toBe(false)
    const b = dutyInput({ ...base(), deadline: '2026-06-30', version: 4 })
    expect([b.deadline, b.version]).toEqual(['2026-06-30', 4])
  })
  it('round-trips an existing duty through the form', () => {
    const d = {
      year: 2026,
      title: '每季度不少于1次',
      pillar: 'theory',
      owner_org_id: 1,
      owner_person: '张明',
      applies: { kind: 'list' as const, org_ids: [5, 6] },
      target: { measure: 'attendance' as const, grain: 'semester' as const, at_least: 30, type_ids: [9] },
      deadline: '2026-12-20',
      from: '2026-03-01',
      to: '2026-12-31',
      weight: 5,
      note: '',
      version: 3,
    }
    const b = dutyInput(dutyForm(d))
    expect(b).toMatchObject({ org_id: 1, org_ids: [5, 6], org_kind: '', measure: 'attendance', grain: 'semester', at_least: 30, type_ids: [9], deadline: '2026-12-20', from: '2026-03-01', to: '2026-12-31', weight: 5, version: 3 })
  })
  it('names the fields the user must still fill', () => {
    const p = dutyFormProblems({ ...emptyDutyForm(2026, null), applies: 'list', counts: 'types', at_least: 0, deadline: '2027-01-10' })
    expect(Object.keys(p).sort()).toEqual(['at_least', 'deadline', 'org_id', 'org_ids', 'title', 'type_ids'])
    expect(dutyFormProblems(base())).toEqual({})
    expect(dutyFormProblems({ ...base(), measure: 'checklist', at_least: 0 })).toEqual({})
  })
})

describe('leading group seats', () => {
  it('lists 组长, 副组长, 成员, 办公室, serving before former', () => {
    const seats = [
      { name: 'a', role: 'member' },
      { name: 'b', role: 'office' },
      { name: 'c', role: 'leader', to: '2025-12-31' },
      { name: 'd', role: 'deputy' },
      { name: 'e', role: 'leader' },
      { name: 'f', role: 'member' },
    ]
    expect(sortSeats(seats).map((s) => s.name)).toEqual(['e', 'd', 'a', 'f', 'b', 'c'])
  })
  it('reads the seat a server error names', () => {
    expect(seatIndex('members[2].name')).toBe(2)
    expect(seatIndex('name')).toBeNull()
    expect(seatIndex(undefined)).toBeNull()
  })
})

describe('checklist evidence', () => {
  it('offers each file once, named by its newest record', () => {
    const c = evidenceChoices([
      { date: '2026-05-02', title: '专题学习', evidence: [{ sha256: 'aa', filename: '签到表.png' }, { sha256: 'bb', filename: '照片.jpg' }] },
      { date: '2026-04-01', title: '集中学习', evidence: [{ sha256: 'aa', filename: '签到表.png' }] },
      { date: '2026-03-01', title: '无佐证' },
    ])
    expect(c.map((x) => x.label)).toEqual(['2026-05-02 专题学习 · 签到表.png', '2026-05-02 专题学习 · 照片.jpg'])
    expect(evidenceChoices([])).toEqual([])
  })
})
