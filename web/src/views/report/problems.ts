// Pure helpers of the problems panel (存在的问题): the ledger link of a
// suggestion's evidence, its text in the interface language, and a summary of
// the office's decisions.

/** The decisions the office may take; null is undecided. */
export type Decision = 'accepted' | 'dropped' | null

/** The part of a suggested problem (GET /api/v1/problems) these helpers read. */
export interface ProblemLike {
  key: string
  title: string
  title_en: string
  detail: string
  detail_en: string
  decision?: Decision | string | null
}

/**
 * The ledger page listing a query string's records: '/ledger?org_id=…'. An
 * empty query (the evidence is an absence of records) gives ''.
 */
export function ledgerLink(records: string): string {
  const q = records.startsWith('?') ? records.slice(1) : records
  return q ? `/ledger?${q}` : ''
}

/** The router location of a records query, for a <router-link>. */
export function ledgerLocation(records: string): { path: string; query: Record<string, string | string[]> } | null {
  const q = records.startsWith('?') ? records.slice(1) : records
  if (!q) return null
  const query: Record<string, string | string[]> = {}
  for (const [k, v] of new URLSearchParams(q)) {
    const prev = query[k]
    if (prev === undefined) query[k] = v
    else query[k] = Array.isArray(prev) ? [...prev, v] : [prev, v]
  }
  return { path: '/ledger', query }
}

/** The title and detail in the interface language (zh unless en). */
export function problemText(p: ProblemLike, locale: string): { title: string; detail: string } {
  const en = locale === 'en' || locale.startsWith('en-')
  return en ? { title: p.title_en || p.title, detail: p.detail_en || p.detail } : { title: p.title, detail: p.detail }
}

/** How many suggestions are accepted, dropped and still undecided. */
export function decisionSummary(items: ProblemLike[]): { accepted: number; dropped: number; undecided: number } {
  const out = { accepted: 0, dropped: 0, undecided: 0 }
  for (const p of items) {
    if (p.decision === 'accepted') out.accepted++
    else if (p.decision === 'dropped') out.dropped++
    else out.undecided++
  }
  return out
}

/** The maximum length of a decision's note, as the API enforces it. */
export const maxNoteLength = 500

/** A note as it will be stored (trimmed), or an error key when it is too long. */
export function checkNote(note: string): { note: string; error: '' | 'tooLong' } {
  const n = note.trim()
  return [...n].length > maxNoteLength ? { note: n, error: 'tooLong' } : { note: n, error: '' }
}
