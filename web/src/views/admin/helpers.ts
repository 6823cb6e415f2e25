// Pure helpers of the administration pages, tested in helpers.test.ts.
import type { OrgUnit, Policy } from '@/api/client'

// ---- Activity types ---------------------------------------------------------

/**
 * Whether a change of an activity type can break a saved report template, so
 * the page asks the server which lines before saving: a move to another
 * pillar, or retiring a type in use. (The code cannot change.)
 */
export function typeChangeNeedsImpact(before: { pillar: string; active: boolean }, after: { pillar: string; active: boolean }): boolean {
  return before.pillar !== after.pillar || (before.active && !after.active)
}

// ---- Org tree -------------------------------------------------------------

export type OrgKind = OrgUnit['kind']

/** A node of the org tree as el-tree shows it. */
export interface OrgNode {
  id: number
  unit: OrgUnit
  children: OrgNode[]
}

/** Which kinds a unit of kind parent may hold (domain.OrgKind.CanParent). */
export function canParent(parent: OrgKind, child: OrgKind): boolean {
  switch (parent) {
    case 'bureau':
      return child === 'district' || child === 'school' || child === 'branch'
    case 'district':
      return child === 'school' || child === 'branch'
    case 'school':
      return child === 'branch'
  }
  return false
}

/** The kinds a new child of parent may have. */
export function childKinds(parent: OrgKind): OrgKind[] {
  return (['district', 'school', 'branch'] as OrgKind[]).filter((k) => canParent(parent, k))
}

/**
 * Builds the tree from units in any order. A unit whose parent is not among
 * them (outside the actor's scope) becomes a root of the forest.
 */
export function buildTree(units: readonly OrgUnit[]): OrgNode[] {
  const nodes = new Map<number, OrgNode>()
  for (const u of units) nodes.set(u.id, { id: u.id, unit: u, children: [] })
  const roots: OrgNode[] = []
  for (const u of units) {
    const n = nodes.get(u.id)!
    const p = u.parent_id !== undefined ? nodes.get(u.parent_id) : undefined
    if (p) p.children.push(n)
    else roots.push(n)
  }
  return roots
}

/** Units by id, and each unit's children ids, for the checks below. */
export interface OrgIndex {
  byId: Map<number, OrgUnit>
  children: Map<number, number[]>
}

export function indexUnits(units: readonly OrgUnit[]): OrgIndex {
  const byId = new Map<number, OrgUnit>()
  const children = new Map<number, number[]>()
  for (const u of units) {
    byId.set(u.id, u)
    if (u.parent_id !== undefined) {
      const list = children.get(u.parent_id) ?? []
      list.push(u.id)
      children.set(u.parent_id, list)
    }
  }
  return { byId, children }
}

/** How many units lie below id (its descendants, not itself). */
export function descendantCount(index: OrgIndex, id: number): number {
  let n = 0
  const stack = [...(index.children.get(id) ?? [])]
  while (stack.length > 0) {
    const c = stack.pop()!
    n++
    stack.push(...(index.children.get(c) ?? []))
  }
  return n
}

/** Whether ancestor is id itself or above it. */
export function isSelfOrAncestor(index: OrgIndex, ancestor: number, id: number): boolean {
  for (let cur: number | undefined = id; cur !== undefined; cur = index.byId.get(cur)?.parent_id) {
    if (cur === ancestor) return true
  }
  return false
}

/** Why a unit cannot be moved under a parent: an i18n key under admin.orgs.refuse, or null when it can. */
export type MoveRefusal = 'root' | 'sameParent' | 'intoItself' | 'inactiveParent' | 'kind'

/**
 * Whether moving unit under parent is allowed, by the rules the server
 * applies (store.MoveOrg): the bureau stays a root, a unit does not go under
 * itself or a descendant, nor under a deactivated unit, nor under a kind that
 * cannot hold it; dropping on the current parent moves nothing.
 */
export function moveRefusal(index: OrgIndex, unitId: number, parentId: number): MoveRefusal | null {
  const unit = index.byId.get(unitId)
  const parent = index.byId.get(parentId)
  if (!unit || !parent) return 'kind'
  if (unit.parent_id === undefined) return 'root'
  if (unit.parent_id === parentId) return 'sameParent'
  if (isSelfOrAncestor(index, unitId, parentId)) return 'intoItself'
  if (!parent.active) return 'inactiveParent'
  if (!canParent(parent.kind, unit.kind)) return 'kind'
  return null
}

/**
 * el-tree's allow-drop: only "inner" drops (onto a new parent) that the
 * server would accept; dropping between siblings would mean an order the tree
 * does not keep.
 */
export function allowDrop(index: OrgIndex, unitId: number, targetId: number, type: 'prev' | 'inner' | 'next'): boolean {
  return type === 'inner' && moveRefusal(index, unitId, targetId) === null
}

/** Does u match a search text: name, code or an alias. */
export function unitMatches(u: OrgUnit, q: string): boolean {
  const s = q.trim().toLowerCase()
  if (!s) return true
  return [u.name, u.code, ...u.aliases].some((x) => x.toLowerCase().includes(s))
}

// ---- Security policy ------------------------------------------------------

export type PolicyField = keyof Policy

/**
 * The MLPS level-3 floors of the policy: "min" fields may only rise from
 * their floor, "max" fields only fall from their ceiling. Mirrors the
 * Policy schema (internal/auth/policy.go), which refuses a weaker value.
 */
export const policyLimits: Record<PolicyField, { min: number; max: number; tighten: 'up' | 'down' }> = {
  min_length: { min: 8, max: 64, tighten: 'up' },
  min_classes: { min: 3, max: 4, tighten: 'up' },
  history_count: { min: 5, max: 24, tighten: 'up' },
  expiry_days: { min: 1, max: 90, tighten: 'down' },
  max_failures: { min: 1, max: 5, tighten: 'down' },
  lockout_minutes: { min: 10, max: 1440, tighten: 'up' },
  idle_minutes: { min: 1, max: 30, tighten: 'down' },
  account_attempts_per_minute: { min: 1, max: 10, tighten: 'down' },
  address_failures_per_minute: { min: 1, max: 10, tighten: 'down' },
  max_sessions: { min: 1, max: 3, tighten: 'down' },
}

export const policyFields = Object.keys(policyLimits) as PolicyField[]

/** A field's problem: which message, with which bound. */
export interface PolicyProblem {
  key: 'required' | 'whole' | 'belowFloor' | 'aboveCeiling'
  bound?: number
}

/**
 * Checks a policy before it is sent: every field a whole number within its
 * MLPS level-3 bounds. Returns the problems by field; empty when none.
 */
export function validatePolicy(p: Partial<Record<PolicyField, unknown>>): Partial<Record<PolicyField, PolicyProblem>> {
  const out: Partial<Record<PolicyField, PolicyProblem>> = {}
  for (const f of policyFields) {
    const v = p[f]
    const lim = policyLimits[f]
    if (v === undefined || v === null || v === '') out[f] = { key: 'required' }
    else if (typeof v !== 'number' || !Number.isInteger(v)) out[f] = { key: 'whole' }
    else if (v < lim.min) out[f] = { key: 'belowFloor', bound: lim.min }
    else if (v > lim.max) out[f] = { key: 'aboveCeiling', bound: lim.max }
  }
  return out
}

// ---- Permissions and roles ------------------------------------------------

/** Business permissions (internal/domain/access.go BusinessPermissions). */
export const businessPermissions = [
  'activity.read',
  'activity.write',
  'activity.submit',
  'activity.approve',
  'export',
  'catalog.manage',
  'period.close',
  'coverage.manage',
  'report.manage',
  'roster.manage',
  'token.create',
  'rectification.review',
  'assessment.manage',
  'concern.read',
  'concern.manage',
  'concern.ingest',
  'case.handle',
  'case.tiers',
]

/** Administration permissions; org.manage goes with either kind. */
export const adminPermissions = ['org.manage', 'account.manage', 'config.manage', 'role.manage', 'policy.manage', 'account.unlock', 'audit.read']

/** Whether a permission set mixes business and administration (the server refuses it). */
export function mixesKinds(perms: readonly string[]): boolean {
  const business = perms.some((p) => businessPermissions.includes(p))
  const admin = perms.some((p) => p !== 'org.manage' && adminPermissions.includes(p))
  return business && admin
}

/** The i18n key of a permission's name (codes have dots, which vue-i18n reads as paths). */
export function permKey(p: string): string {
  return `perms.${p.replace(/\./g, '_')}`
}

/** Whether a set of roles combines an administrator role with another (the server refuses it). */
export function adminRoleConflict(roles: readonly { admin?: string }[]): boolean {
  const admins = roles.filter((r) => r.admin).length
  return admins > 1 || (admins === 1 && roles.length > 1)
}

// ---- Lists ----------------------------------------------------------------

/** Loads every page of a paginated list (at most max items, to bound the work). */
export async function loadAll<T>(
  fetchPage: (limit: number, offset: number) => Promise<{ items: T[]; total: number }>,
  pageSize = 500,
  max = 20000,
): Promise<T[]> {
  const out: T[] = []
  for (;;) {
    const page = await fetchPage(pageSize, out.length)
    out.push(...page.items)
    if (page.items.length === 0 || out.length >= page.total || out.length >= max) return out
  }
}
