// Pure helpers of the ledger import wizard: the mapping as the preview's query
// takes it (field:col,…), the header choices of a column select, and the
// ledger link that shows what an import wrote.
import { buildUrl } from '@/api/typed'
import type { Schemas } from '@/api/client'

export type ImportPreview = Schemas['ActivityImportPreview']
export type ImportResult = Schemas['ActivityImportResult']
export type ImportField = Schemas['ImportField']
export type ImportProblem = Schemas['ImportProblem']
export type ImportRow = Schemas['ImportRow']
/** Field key → 0-based column of the file. */
export type Mapping = Record<string, number>

export const previewPath = '/api/v1/imports/activities/preview'

/** The template's address for a unit. */
export function templateHref(orgId: number): string {
  return buildUrl('/api/v1/imports/activities/template', undefined, { org_id: orgId })
}

/**
 * The mapping as the preview's `mapping` parameter: field:col pairs in the
 * order of the fields (the server's), unmapped fields left out; '' for none.
 */
export function mappingParam(m: Mapping, fields: readonly ImportField[]): string {
  const keys = fields.map((f) => f.key)
  for (const k of Object.keys(m)) if (!keys.includes(k)) keys.push(k)
  return keys
    .filter((k) => Number.isInteger(m[k]) && m[k] >= 0)
    .map((k) => `${k}:${m[k]}`)
    .join(',')
}

/** The preview's URL: year 0 or empty and an empty mapping are left out (saved or suggested). */
export function previewURL(orgId: number, year: number | null | undefined, mapping: string): string {
  return buildUrl(previewPath, undefined, { org_id: orgId, year: year || undefined, mapping: mapping || undefined })
}

/** A mapping with one field set to a column, or unmapped (col null): a column fills one field only. */
export function remap(m: Mapping, field: string, col: number | null | undefined): Mapping {
  const next: Mapping = {}
  for (const [k, v] of Object.entries(m)) if (k !== field && v !== col) next[k] = v
  if (col !== null && col !== undefined && col >= 0) next[field] = col
  return next
}

/** Excel's letter of a 0-based column (0 → A, 26 → AA). */
export function columnLetter(i: number): string {
  let s = ''
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

/** The choices of a field's select: each column of the file by its letter and header. */
export function headerOptions(headers: readonly string[]): { value: number; label: string }[] {
  return headers.map((h, i) => ({ value: i, label: h.trim() ? `${columnLetter(i)}：${h.trim()}` : columnLetter(i) }))
}

/** Required fields no column fills. */
export function unmappedRequired(fields: readonly ImportField[], m: Mapping): ImportField[] {
  return fields.filter((f) => f.required && !(f.key in m))
}

/**
 * Whether the import can be confirmed: no invalid row, something to write, and
 * duplicates (counted apart from valid rows) either absent or skipped — the
 * server refuses a duplicate otherwise.
 */
export function canCommit(p: ImportPreview | null, skipDuplicates: boolean): boolean {
  if (!p || p.invalid > 0 || p.valid === 0) return false
  return skipDuplicates || p.duplicates === 0
}

/** The ledger's URL query showing exactly the records an import wrote (its batch, in the unit). */
export function ledgerQuery(orgId: number, batchId: number): Record<string, string> {
  return { org_id: String(orgId), import_batch: String(batchId) }
}
