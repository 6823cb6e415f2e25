// Pure helpers of the audit log page (审计日志), tested in audit.test.ts: the
// query the filters send, and how an event's actor, target and text are shown
// to a person — names, never "account:9" or a 64-digit hash.
import type { Schemas } from '@/api/client'

type AuditEvent = Schemas['AuditEvent']

export const outcomes = ['success', 'failure', 'denied'] as const
export type Outcome = (typeof outcomes)[number]

/** The audit log's filter, as the page holds it. */
export interface AuditFilter {
  range: [string, string] | null
  orgId: number | undefined
  outcome: Outcome | ''
  type: string
  actor: { id: number; label: string } | null
  target: string // a target code (activity:3), set by clicking a target in the table
}

export function emptyAuditFilter(): AuditFilter {
  return { range: null, orgId: undefined, outcome: '', type: '', actor: null, target: '' }
}

/** The query string of GET /api/v1/audit/events for a filter and a page. */
export function auditQuery(f: AuditFilter, page: number, pageSize: number): URLSearchParams {
  const q = new URLSearchParams({ limit: String(pageSize), offset: String((page - 1) * pageSize) })
  if (f.orgId) q.set('org_id', String(f.orgId))
  if (f.outcome) q.set('outcome', f.outcome)
  if (f.type.trim()) q.set('type', f.type.trim())
  if (f.actor) q.set('actor_id', String(f.actor.id))
  if (f.target.trim()) q.set('target', f.target.trim())
  if (f.range) {
    q.set('from', new Date(f.range[0]).toISOString())
    q.set('to', new Date(f.range[1]).toISOString())
  }
  return q
}

/** The first n hex digits of a hash, with an ellipsis. */
export function shortHash(h: string, n = 12): string {
  return h.length > n ? `${h.slice(0, n)}…` : h
}

/** Text with every SHA-256/SM3 digest (64 hex digits) shortened. */
export function shortenHashes(text: string): string {
  return text.replace(/\b[0-9a-f]{64}\b/g, (h) => shortHash(h))
}

/**
 * Who acted: the account's name with its username; the console; an API token;
 * or the username that was typed (a failed login of an unknown name).
 */
export function actorLabel(e: Pick<AuditEvent, 'actor' | 'actor_id' | 'actor_name'>, console: string, token: string): string {
  if (e.actor_name) return e.actor_name === e.actor ? e.actor : `${e.actor_name}（${e.actor}）`
  if (!e.actor_id && (e.actor === 'operator' || e.actor === '')) return console
  if (e.actor.startsWith('token:')) return token
  return e.actor
}

/**
 * What it was done to: the kind's name and the record's name, e.g.
 * 活动「四德教育」. A record with no name the reader may see is the kind and
 * its number; a target without an id (the policy, the catalog) is its kind's
 * name. kindName gives a kind's name, or undefined for an unknown kind.
 */
export function targetLabel(
  e: Pick<AuditEvent, 'target' | 'target_kind' | 'target_name'>,
  kindName: (kind: string) => string | undefined,
): string {
  if (!e.target) return '—'
  const kind = e.target_kind || e.target.split(':')[0]
  const k = kindName(kind) ?? kind
  if (e.target_name) return `${k}「${e.target_name}」`
  const colon = e.target.indexOf(':')
  if (colon < 0) return k
  const rest = e.target.slice(colon + 1)
  if (kind === 'evidence') return `${k} ${shortHash(rest)}`
  if (kind === 'member') return `${k} #${/(\d+)$/.exec(rest)?.[1] ?? ''}`
  if (/^\d+$/.test(rest)) return `${k} #${rest}`
  return `${k} ${rest}` // a code of its own: a token's id as the tokens page shows it
}
