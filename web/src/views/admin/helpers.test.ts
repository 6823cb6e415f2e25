import { describe, expect, it } from 'vitest'
import type { OrgUnit } from '@/api/client'
import {
  adminRoleConflict,
  allowDrop,
  typeChangeNeedsImpact,
  buildTree,
  canParent,
  childKinds,
  descendantCount,
  indexUnits,
  loadAll,
  mixesKinds,
  moveRefusal,
  policyFields,
  policyLimits,
  unitMatches,
  validatePolicy,
} from './helpers'

function unit(id: number, kind: OrgUnit['kind'], parent?: number, extra: Partial<OrgUnit> = {}): OrgUnit {
  return {
    id,
    kind,
    code: `U${id}`,
    name: `unit ${id}`,
    aliases: [],
    active: true,
    active_from: null,
    active_until: null,
    depth: 0,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...(parent !== undefined ? { parent_id: parent } : {}),
    ...extra,
  }
}

// A small county: bureau 1 with its branch 2; districts 10 and 20; schools
// 11, 12 under 10 and 21 under 20; branch 111 under school 11; district 30
// deactivated.
const county = [
  unit(1, 'bureau'),
  unit(2, 'branch', 1),
  unit(10, 'district', 1),
  unit(11, 'school', 10, { aliases: ['一中', 'No.1'] }),
  unit(111, 'branch', 11),
  unit(12, 'school', 10),
  unit(20, 'district', 1),
  unit(21, 'school', 20),
  unit(30, 'district', 1, { active: false }),
]
const index = indexUnits(county)

describe('org tree moves', () => {
  it('moves a school to another district', () => {
    expect(moveRefusal(index, 11, 20)).toBeNull()
    expect(allowDrop(index, 11, 20, 'inner')).toBe(true)
  })
  it('moves a school straight under the bureau, and a branch to another school', () => {
    expect(moveRefusal(index, 12, 1)).toBeNull()
    expect(moveRefusal(index, 111, 12)).toBeNull()
  })
  it('refuses what the server refuses', () => {
    expect(moveRefusal(index, 1, 10)).toBe('root') // the bureau stays a root
    expect(moveRefusal(index, 11, 10)).toBe('sameParent') // nothing would move
    expect(moveRefusal(index, 10, 11)).toBe('intoItself') // under its own descendant
    expect(moveRefusal(index, 10, 111)).toBe('intoItself')
    expect(moveRefusal(index, 10, 10)).toBe('intoItself')
    expect(moveRefusal(index, 21, 30)).toBe('inactiveParent')
    expect(moveRefusal(index, 10, 20)).toBe('kind') // a district under a district
    expect(moveRefusal(index, 11, 21)).toBe('kind') // a school under a school
    expect(moveRefusal(index, 21, 2)).toBe('kind') // anything under a branch
    expect(moveRefusal(index, 11, 999)).toBe('kind') // an unknown parent
  })
  it('allows only drops onto a node, never between siblings', () => {
    expect(allowDrop(index, 11, 20, 'prev')).toBe(false)
    expect(allowDrop(index, 11, 20, 'next')).toBe(false)
    expect(allowDrop(index, 11, 21, 'inner')).toBe(false)
  })
  it('counts the units a move carries along', () => {
    expect(descendantCount(index, 10)).toBe(3)
    expect(descendantCount(index, 11)).toBe(1)
    expect(descendantCount(index, 21)).toBe(0)
    expect(descendantCount(index, 1)).toBe(county.length - 1)
  })
  it('agrees with the kinds a parent may hold', () => {
    expect(childKinds('bureau')).toEqual(['district', 'school', 'branch'])
    expect(childKinds('district')).toEqual(['school', 'branch'])
    expect(childKinds('school')).toEqual(['branch'])
    expect(childKinds('branch')).toEqual([])
    expect(canParent('branch', 'branch')).toBe(false)
  })
  it('on every pair of a county, allows exactly the moves the rules allow', () => {
    // A property over all pairs: an allowed move never creates a cycle, never
    // puts a kind under a parent that cannot hold it, never targets a deactivated unit.
    for (const u of county) {
      for (const p of county) {
        if (moveRefusal(index, u.id, p.id) !== null) continue
        expect(u.parent_id).toBeDefined()
        expect(canParent(p.kind, u.kind)).toBe(true)
        expect(p.active).toBe(true)
        const tree = indexUnits(county.map((x) => (x.id === u.id ? { ...x, parent_id: p.id } : x)))
        // After the move every unit still reaches the root.
        for (const x of county) {
          let cur: number | undefined = x.id
          for (let steps = 0; cur !== undefined && steps <= county.length; steps++) cur = tree.byId.get(cur)?.parent_id
          expect(cur).toBeUndefined()
        }
      }
    }
  })
})

describe('buildTree and search', () => {
  it('nests units under their parents and keeps units of unknown parents as roots', () => {
    const roots = buildTree([unit(11, 'school', 10), unit(111, 'branch', 11), unit(21, 'school', 20)])
    expect(roots.map((r) => r.id)).toEqual([11, 21])
    expect(roots[0].children.map((c) => c.id)).toEqual([111])
    const whole = buildTree(county)
    expect(whole.map((r) => r.id)).toEqual([1])
    expect(whole[0].children.map((c) => c.id)).toEqual([2, 10, 20, 30])
  })
  it('finds a unit by name, code or alias, ignoring case', () => {
    const u = county[3]
    expect(unitMatches(u, '一中')).toBe(true)
    expect(unitMatches(u, 'no.1')).toBe(true)
    expect(unitMatches(u, 'u11')).toBe(true)
    expect(unitMatches(u, '二中')).toBe(false)
    expect(unitMatches(u, '  ')).toBe(true)
  })
})

describe('validatePolicy', () => {
  const defaults = {
    min_length: 8,
    min_classes: 3,
    history_count: 5,
    expiry_days: 90,
    max_failures: 5,
    lockout_minutes: 10,
    idle_minutes: 30,
    account_attempts_per_minute: 10,
    address_failures_per_minute: 10,
    max_sessions: 3,
  }
  it('accepts the MLPS level-3 defaults and tighter values', () => {
    expect(validatePolicy(defaults)).toEqual({})
    expect(validatePolicy({ ...defaults, min_length: 12, expiry_days: 60, max_failures: 3, idle_minutes: 15 })).toEqual({})
  })
  it('refuses a weaker value, naming the field and its floor', () => {
    expect(validatePolicy({ ...defaults, min_length: 6 })).toEqual({ min_length: { key: 'belowFloor', bound: 8 } })
    expect(validatePolicy({ ...defaults, expiry_days: 180 })).toEqual({ expiry_days: { key: 'aboveCeiling', bound: 90 } })
    expect(validatePolicy({ ...defaults, max_failures: 6 })).toEqual({ max_failures: { key: 'aboveCeiling', bound: 5 } })
    expect(validatePolicy({ ...defaults, lockout_minutes: 5 })).toEqual({ lockout_minutes: { key: 'belowFloor', bound: 10 } })
    expect(validatePolicy({ ...defaults, idle_minutes: 31 })).toEqual({ idle_minutes: { key: 'aboveCeiling', bound: 30 } })
    expect(validatePolicy({ ...defaults, max_sessions: 0 })).toEqual({ max_sessions: { key: 'belowFloor', bound: 1 } })
    expect(validatePolicy({ ...defaults, max_sessions: 4 })).toEqual({ max_sessions: { key: 'aboveCeiling', bound: 3 } })
  })
  it('asks for missing and whole values', () => {
    expect(validatePolicy({ ...defaults, history_count: undefined })).toEqual({ history_count: { key: 'required' } })
    expect(validatePolicy({ ...defaults, min_classes: 3.5 })).toEqual({ min_classes: { key: 'whole' } })
    expect(Object.keys(validatePolicy({})).sort()).toEqual([...policyFields].sort())
  })
  it('tightening a valid value in its direction stays valid', () => {
    for (const f of policyFields) {
      const lim = policyLimits[f]
      const start = lim.tighten === 'up' ? lim.min : lim.max
      for (let v = start; v >= lim.min && v <= lim.max; v += lim.tighten === 'up' ? 1 : -1) {
        expect(validatePolicy({ ...defaults, [f]: v }), `${f}=${v}`).toEqual({})
      }
      const weaker = lim.tighten === 'up' ? lim.min - 1 : lim.max + 1
      expect(validatePolicy({ ...defaults, [f]: weaker })[f], `${f}=${weaker}`).toBeDefined()
    }
  })
})

describe('roles', () => {
  it('sees business and administration permissions mixed as the server does', () => {
    expect(mixesKinds(['activity.read', 'export'])).toBe(false)
    expect(mixesKinds(['account.manage', 'org.manage'])).toBe(false)
    expect(mixesKinds(['activity.read', 'org.manage'])).toBe(false) // org.manage goes with either
    expect(mixesKinds(['activity.read', 'audit.read'])).toBe(true)
    expect(mixesKinds(['roster.manage', 'role.manage'])).toBe(true)
  })
  it('sees an administrator role combined with another', () => {
    expect(adminRoleConflict([{ admin: 'system' }])).toBe(false)
    expect(adminRoleConflict([{}, {}])).toBe(false)
    expect(adminRoleConflict([{ admin: 'system' }, {}])).toBe(true)
    expect(adminRoleConflict([{ admin: 'system' }, { admin: 'audit' }])).toBe(true)
  })
})

describe('loadAll', () => {
  it('reads every page and stops at the total', async () => {
    const all = Array.from({ length: 1234 }, (_, i) => i)
    const calls: number[] = []
    const got = await loadAll(async (limit, offset) => {
      calls.push(offset)
      return { items: all.slice(offset, offset + limit), total: all.length }
    }, 500)
    expect(got).toEqual(all)
    expect(calls).toEqual([0, 500, 1000])
  })
})

describe('typeChangeNeedsImpact', () => {
  const theory = { pillar: 'theory', active: true }
  it('asks on a move to another pillar and on retiring', () => {
    expect(typeChangeNeedsImpact(theory, { pillar: 'civility', active: true })).toBe(true)
    expect(typeChangeNeedsImpact(theory, { pillar: 'theory', active: false })).toBe(true)
  })
  it('does not ask on a rename, nor on bringing a retired type back', () => {
    expect(typeChangeNeedsImpact(theory, theory)).toBe(false)
    expect(typeChangeNeedsImpact({ pillar: 'theory', active: false }, theory)).toBe(false)
  })
})
