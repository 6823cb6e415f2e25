// Pure helpers of the audit log page (审计日志), tested in audit.test.ts: the
// query the filters send, and how an event's actor, target and text are shown
// to a person — names, never "account:9" or a 64-digit hash.
import type { Schemas } from '@/api/client'
import type { Query } from '@/api/typed'

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
export function auditQuery(f: AuditFilter, page: number, pageSize: number): Query<'/api/v1/audit/events'> {
  const q: Query<'/api/v1/audit/events'> = { limit: pageSize, offset: (page - 1) * pageSize }
  if (f.orgId) q.org_id = f.orgId
  if (f.outcome) q.outcome = f.outcome
  if (f.type.trim()) q.type = f.type.trim()
  if (f.actor) q.actor_id = f.actor.id
  if (f.target.trim()) q.target = f.target.trim()
  if (f.range) {
    q.from = new Date(f.range[0]).toISOString()
    q.to = new Date(f.range[1]).toISOString()
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

type Say = (key: string, params?: Record<string, unknown>) => string

// What the server writes into an event's detail (internal/app: auth.go,
// rosterimport.go, catalog.go, export.go, demoaccounts.go), in English; each
// known shape is said again in the reader's language (admin.audit.details.*).
const detailShapes: Array<[RegExp, string, (m: RegExpExecArray) => Record<string, string>]> = [
  [/^wrong password$/, 'wrongPassword', () => ({})],
  [/^unknown username$/, 'unknownUsername', () => ({})],
  [/^account locked$/, 'accountLocked', () => ({})],
  [/^account disabled$/, 'accountDisabled', () => ({})],
  [/^demo account$/, 'demoAccount', () => ({})],
  [/^locked until (\S+) after wrong second-factor codes$/, 'lockedAfterTotp', (m) => ({ time: m[1] })],
  [/^locked until (\S+)$/, 'lockedUntil', (m) => ({ time: m[1] })],
  [/^imported (\d+) members from an Excel workbook$/, 'importedMembers', (m) => ({ n: m[1] })],
  [/^seeded (\d+) default activity types$/, 'seededTypes', (m) => ({ n: m[1] })],
  [/^(\d+) rows; /, 'exportedRows', (m) => ({ n: m[1] })],
  [/^more than (\d+) sessions: the oldest, from (\S+) at .*, ended$/, 'sessionEnded', (m) => ({ n: m[1], addr: m[2] })],
  [/^(\d+) TOTP secrets sealed under key (\S+)$/, 'secretsSealed', (m) => ({ n: m[1], key: m[2] })],
  [/^(password_change|totp|totp_enrol)$/, 'pending', (m) => ({ step: m[1] })],
]

/**
 * An event's detail as a person reads it: a known server sentence said in the
 * reader's language (times in the bureau's zone, counts with separators), a
 * file's name for evidence, a person's own text (a return reason) as written.
 * An English sentence this app does not know is not shown in the table (the
 * event's drawer has the whole record): '' then, and the caller shows "—".
 */
export function auditDetail(
  e: Pick<AuditEvent, 'type' | 'detail'>,
  t: Say,
  fmt: { timestamp: (iso: string) => string; number: (n: number) => string },
  lang: string,
): string {
  const d = (e.detail ?? '').trim()
  if (!d) return ''
  if (e.type === 'evidence.attach' || e.type === 'evidence.detach') {
    // "<sha256> <file name>" or "<sha256>": the name, else the short hash.
    const sp = d.indexOf(' ')
    return sp > 0 ? d.slice(sp + 1) : shortHash(d)
  }
  if (e.type === 'report.download') return t('admin.audit.details.format', { format: d.toUpperCase() })
  for (const [re, key, params] of detailShapes) {
    const m = re.exec(d)
    if (!m) continue
    const p = params(m)
    if (p.time) p.time = fmt.timestamp(p.time)
    if (p.n) p.n = fmt.number(Number(p.n))
    if (p.step) p.step = t(`admin.audit.details.steps.${p.step}`)
    return t(`admin.audit.details.${key}`, p)
  }
  // A person's own text (a return reason), a Chinese sentence of the server,
  // or in English any sentence.
  const shown = shortenHashes(d)
  if (lang === 'en' || /\p{Script=Han}/u.test(shown)) return shown
  return /[A-Za-z]{3,}/.test(shown.replace(/\b[0-9a-f]{12}…/g, '')) ? '' : shown
}
