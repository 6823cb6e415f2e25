// Pure helpers of the duty pages.

/** The element-plus tag type of a progress state: worst states stand out. */
export function stateTag(state: string): 'danger' | 'warning' | 'success' | 'info' {
  switch (state) {
    case 'missed':
      return 'danger'
    case 'behind':
    case 'pending':
      return 'warning'
    case 'met':
      return 'success'
  }
  return 'info'
}

/** The ledger page listing a window's records: the progress link is the ledger's query. */
export function ledgerLink(records: string): string {
  return records ? `/ledger?${records}` : ''
}

/** done/due as a whole percent, rounded down (honest words); null when nothing is due. */
export function donePercent(done: number, due: number): number | null {
  if (due <= 0) return null
  return Math.floor((done * 100) / due)
}

/** The year of the page: ?year= when it is a plan year, else the server's today. */
export function pageYear(q: unknown, today: string): number {
  const n = Number(Array.isArray(q) ? q[0] : q)
  if (Number.isInteger(n) && n >= 2000 && n <= 2100) return n
  const y = Number(today.slice(0, 4))
  return Number.isInteger(y) && y >= 2000 ? y : new Date().getFullYear()
}

/** The duty form as the page holds it; dutyInput turns it into the API's DutyInput. */
export interface DutyForm {
  year: number
  title: string
  pillar: string
  org_id: number | null
  owner_person: string
  /** subtree: the owner's whole subtree; kind: its units of org_kind; list: exactly org_ids. */
  applies: 'subtree' | 'kind' | 'list'
  org_kind: string
  org_ids: number[]
  measure: 'count' | 'attendance' | 'checklist'
  /** pillar: every type of the duty's pillar counts; types: only type_ids. */
  counts: 'pillar' | 'types'
  type_ids: number[]
  grain: 'month' | 'quarter' | 'semester' | 'year'
  at_least: number
  deadline: string
  /** The duty's period; empty for a new duty (the whole year). Kept on edit so a save does not reset it. */
  from: string
  to: string
  weight: number
  note: string
  version?: number
}

/** An empty form for a new duty of the year. */
export function emptyDutyForm(year: number, org: number | null): DutyForm {
  return {
    year,
    title: '',
    pillar: 'theory',
    org_id: org,
    owner_person: '',
    applies: 'subtree',
    org_kind: 'school',
    org_ids: [],
    measure: 'count',
    counts: 'pillar',
    type_ids: [],
    grain: 'quarter',
    at_least: 1,
    deadline: '',
    from: '',
    to: '',
    weight: 0,
    note: '',
  }
}

/** The form of an existing duty, to edit it. */
export function dutyForm(d: {
  year: number
  title: string
  pillar: string
  owner_org_id: number
  owner_person: string
  applies: { kind: 'subtree' | 'kind' | 'list'; org_kind?: string; org_ids?: number[] }
  target: { measure: 'count' | 'attendance' | 'checklist'; grain: DutyForm['grain']; at_least: number; type_ids: number[] }
  deadline?: string
  from: string
  to: string
  weight: number
  note: string
  version: number
}): DutyForm {
  return {
    year: d.year,
    title: d.title,
    pillar: d.pillar,
    org_id: d.owner_org_id,
    owner_person: d.owner_person,
    applies: d.applies.kind,
    org_kind: d.applies.org_kind || 'school',
    org_ids: [...(d.applies.org_ids ?? [])],
    measure: d.target.measure,
    counts: d.target.type_ids.length > 0 ? 'types' : 'pillar',
    type_ids: [...d.target.type_ids],
    grain: d.target.grain,
    at_least: d.target.at_least,
    deadline: d.deadline ?? '',
    from: d.from,
    to: d.to,
    weight: d.weight,
    note: d.note,
    version: d.version,
  }
}

/** The fields of the form a server error may name (its field is shown under that field). */
export const dutyFormFields = ['title', 'pillar', 'org_id', 'owner_person', 'org_kind', 'org_ids', 'measure', 'type_ids', 'grain', 'at_least', 'deadline', 'weight', 'note', 'from', 'to'] as const

/**
 * The DutyInput of a form: only the applicability and target the user chose
 * are sent (an unused org list or type list would narrow the duty silently);
 * a checklist has no count. Texts are trimmed; the server checks them.
 */
export function dutyInput(f: DutyForm) {
  return {
    year: f.year,
    title: f.title.trim(),
    pillar: f.pillar as 'leadership' | 'theory' | 'civility' | 'online' | 'issues' | 'team',
    org_id: f.org_id ?? 0,
    owner_person: f.owner_person.trim(),
    org_kind: (f.applies === 'kind' ? f.org_kind : '') as '' | 'bureau' | 'district' | 'school' | 'branch',
    org_ids: f.applies === 'list' ? [...f.org_ids] : [],
    measure: f.measure,
    type_ids: f.measure !== 'checklist' && f.counts === 'types' ? [...f.type_ids] : [],
    grain: f.grain,
    at_least: f.measure === 'checklist' ? 0 : f.at_least,
    ...(f.deadline ? { deadline: f.deadline } : {}),
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
    weight: f.weight,
    note: f.note.trim(),
    ...(f.version ? { version: f.version } : {}),
  }
}

/** The form's own checks before a save: field → message key (the server checks the rest). */
export function dutyFormProblems(f: DutyForm): Partial<Record<(typeof dutyFormFields)[number], string>> {
  const p: Partial<Record<(typeof dutyFormFields)[number], string>> = {}
  if (!f.title.trim()) p.title = 'duty.form.required'
  if (!f.org_id) p.org_id = 'duty.form.required'
  if (f.applies === 'list' && f.org_ids.length === 0) p.org_ids = 'duty.form.required'
  if (f.measure !== 'checklist' && f.counts === 'types' && f.type_ids.length === 0) p.type_ids = 'duty.form.required'
  if (f.measure !== 'checklist' && !(f.at_least >= 1)) p.at_least = 'duty.form.atLeastOne'
  if (f.deadline && !f.deadline.startsWith(String(f.year))) p.deadline = 'duty.form.deadlineYear'
  return p
}

/** The seat roles of a leading group, in the order a group lists them. */
export const seatRoles = ['leader', 'deputy', 'member', 'office'] as const

/** Seats in the group's order: 组长, 副组长, 成员, 办公室; serving before former; stable otherwise. */
export function sortSeats<S extends { role: string; to?: string }>(seats: readonly S[]): S[] {
  const rank = (r: string) => {
    const i = (seatRoles as readonly string[]).indexOf(r)
    return i < 0 ? seatRoles.length : i
  }
  return seats
    .map((s, i) => ({ s, i }))
    .sort((a, b) => Number(!!a.s.to) - Number(!!b.s.to) || rank(a.s.role) - rank(b.s.role) || a.i - b.i)
    .map((x) => x.s)
}

/** A seat's row the server names in its error ("members[2].name" → 2), or null. */
export function seatIndex(field: string | undefined): number | null {
  const m = /^members\[(\d+)\]/.exec(field ?? '')
  return m ? Number(m[1]) : null
}

/** One evidence file a checklist note may point to, named by its record. */
export interface EvidenceChoice {
  sha256: string
  filename: string
  label: string
}

/**
 * The evidence files of a unit's ledger records, one choice per file (a file
 * shared by several records is offered once, under its newest record), each
 * named "date title · filename" so the user sees what it proves.
 */
export function evidenceChoices(records: readonly { date: string; title: string; evidence?: readonly { sha256: string; filename: string }[] }[]): EvidenceChoice[] {
  const seen = new Set<string>()
  const out: EvidenceChoice[] = []
  for (const r of records) {
    for (const e of r.evidence ?? []) {
      if (seen.has(e.sha256)) continue
      seen.add(e.sha256)
      out.push({ sha256: e.sha256, filename: e.filename, label: `${r.date} ${r.title} · ${e.filename}` })
    }
  }
  return out
}
