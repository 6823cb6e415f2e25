// Pure helpers of the roster pages (队伍名册), tested without a browser.
import type { Query as ApiQuery } from '@/api/typed'

type TeamsQuery = ApiQuery<'/api/v1/teams'>

export const teamKinds = ['outreach', 'commentator', 'monitor', 'information', 'volunteer'] as const
export type TeamKind = (typeof teamKinds)[number]

export const memberRoles = ['leader', 'deputy', 'member', 'liaison'] as const
export type MemberRole = (typeof memberRoles)[number]

/** What the page reads from its URL: a report figure links here with ?org_id=&kind=(&role=&at=). */
export interface RosterFilter {
  orgId?: number
  kind?: TeamKind
  role?: MemberRole
  at?: string
}

type Query = Record<string, string | null | (string | null)[] | undefined>

function first(v: Query[string]): string | undefined {
  if (Array.isArray(v)) return v[0] ?? undefined
  return v ?? undefined
}

/** Reads the filter from route query parameters, dropping what is not valid. */
export function parseRosterQuery(q: Query): RosterFilter {
  const out: RosterFilter = {}
  const org = Number(first(q.org_id))
  if (Number.isInteger(org) && org > 0) out.orgId = org
  const kind = first(q.kind)
  if (kind && (teamKinds as readonly string[]).includes(kind)) out.kind = kind as TeamKind
  const role = first(q.role)
  if (role && (memberRoles as readonly string[]).includes(role)) out.role = role as MemberRole
  const at = first(q.at)
  if (at && /^\d{4}-\d{2}-\d{2}$/.test(at)) out.at = at
  return out
}

/** The query of a filter, the inverse of parseRosterQuery (for the URL bar). */
export function rosterQuery(f: RosterFilter): Record<string, string> {
  const out: Record<string, string> = {}
  if (f.orgId) out.org_id = String(f.orgId)
  if (f.kind) out.kind = f.kind
  if (f.role) out.role = f.role
  if (f.at) out.at = f.at
  return out
}

/**
 * The query string of GET /api/v1/teams for a filter and page. With `at`, the
 * API lists the teams standing on that day and their members then: what a
 * report figure counted.
 */
export function teamsQuery(f: RosterFilter, active: '' | 'true' | 'false', q: string, limit: number, offset: number): TeamsQuery {
  const p: TeamsQuery = {}
  if (f.orgId) p.org_id = f.orgId
  if (f.kind) p.kind = f.kind
  if (active) p.active = active === 'true'
  if (q.trim()) p.q = q.trim()
  if (f.at) p.at = f.at
  p.limit = limit
  p.offset = offset
  return p
}

export interface ImportProblem {
  row?: number
  column?: string
  text: string
}

/**
 * Splits the message of a refused import (one problem a line, "第 5 行 角色：…")
 * into problems with their row and column, for the result dialog's table.
 */
export function importProblems(message: string): ImportProblem[] {
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^第\s*(\d+)\s*行\s*([^：:]+)[：:]\s*(.*)$/.exec(l)
      return m ? { row: Number(m[1]), column: m[2].trim(), text: m[3] } : { text: l }
    })
}

/** Whether a member counts on day `at`: joined on or before, not left by then. */
export function memberActiveAt(m: { joined_on: string; left_on?: string }, at: string): boolean {
  return m.joined_on <= at && (!m.left_on || m.left_on > at)
}

/** The members a figure counted: those in the team on day `at` with role `role` (when given). */
export function countedMembers<M extends { joined_on: string; left_on?: string; role: string }>(ms: M[], at?: string, role?: string): M[] {
  return ms.filter((m) => (!at || memberActiveAt(m, at)) && (!role || m.role === role))
}
