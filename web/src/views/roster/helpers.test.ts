import { describe, expect, it } from 'vitest'
import { countedMembers, importProblems, memberActiveAt, parseRosterQuery, rosterQuery, teamsQuery } from './helpers'

describe('parseRosterQuery', () => {
  it('reads what a report figure links with', () => {
    expect(parseRosterQuery({ org_id: '12', kind: 'outreach', at: '2024-12-31', role: 'leader' })).toEqual({
      orgId: 12,
      kind: 'outreach',
      at: '2024-12-31',
      role: 'leader',
    })
  })
  it('drops what is not valid', () => {
    expect(parseRosterQuery({ org_id: 'x', kind: 'choir', at: '2024-1-1', role: 'boss' })).toEqual({})
    expect(parseRosterQuery({ org_id: '-3' })).toEqual({})
    expect(parseRosterQuery({ org_id: ['7', '8'] })).toEqual({ orgId: 7 })
  })
  it('round-trips through rosterQuery', () => {
    const f = { orgId: 3, kind: 'monitor' as const }
    expect(parseRosterQuery(rosterQuery(f))).toEqual(f)
    expect(rosterQuery({})).toEqual({})
  })
})

describe('teamsQuery', () => {
  it('builds the list query', () => {
    expect(teamsQuery({ orgId: 5, kind: 'outreach' }, 'true', ' 宣讲 ', 20, 40)).toEqual({ org_id: 5, kind: 'outreach', active: true, q: '宣讲', limit: 20, offset: 40 })
    expect(teamsQuery({}, 'false', '', 50, 0)).toEqual({ active: false, limit: 50, offset: 0 })
    expect(teamsQuery({}, '', '', 50, 0)).toEqual({ limit: 50, offset: 0 })
    expect(teamsQuery({ at: '2024-12-31', role: 'leader' }, '', '', 50, 0)).toEqual({ at: '2024-12-31', limit: 50, offset: 0 })
  })
})

describe('importProblems', () => {
  it('splits the message into rows and columns', () => {
    const msg = '第 5 行 角色：未知角色“队员长”（可填：队长、副队长、成员、联络员）\n第 12 行 手机号：“12”不是手机号\n……另有 3 处问题未列出'
    expect(importProblems(msg)).toEqual([
      { row: 5, column: '角色', text: '未知角色“队员长”（可填：队长、副队长、成员、联络员）' },
      { row: 12, column: '手机号', text: '“12”不是手机号' },
      { text: '……另有 3 处问题未列出' },
    ])
  })
  it('keeps a message that is not about rows', () => {
    expect(importProblems('no header row')).toEqual([{ text: 'no header row' }])
    expect(importProblems('')).toEqual([])
  })
})

describe('dates', () => {
  it('counts a member from joining until the day of leaving', () => {
    const m = { joined_on: '2024-03-01', left_on: '2024-07-01' }
    expect(memberActiveAt(m, '2024-02-29')).toBe(false)
    expect(memberActiveAt(m, '2024-03-01')).toBe(true)
    expect(memberActiveAt(m, '2024-06-30')).toBe(true)
    expect(memberActiveAt(m, '2024-07-01')).toBe(false)
    expect(memberActiveAt({ joined_on: '2024-03-01' }, '2030-01-01')).toBe(true)
  })
})

describe('countedMembers', () => {
  const ms = [
    { name: 'a', role: 'leader', joined_on: '2024-01-01' },
    { name: 'b', role: 'member', joined_on: '2024-01-01', left_on: '2024-06-01' },
    { name: 'c', role: 'member', joined_on: '2024-09-01' },
  ]
  it('keeps the members of the day and role a figure counted', () => {
    expect(countedMembers(ms, '2024-05-31').map((m) => m.name)).toEqual(['a', 'b'])
    expect(countedMembers(ms, '2024-12-31').map((m) => m.name)).toEqual(['a', 'c'])
    expect(countedMembers(ms, '2024-12-31', 'member').map((m) => m.name)).toEqual(['c'])
    expect(countedMembers(ms).length).toBe(3)
  })
})
