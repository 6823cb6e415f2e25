// How a refused save or filter reads on the ledger pages: in the user's
// language, never a server's English sentence pasted into a Chinese one, and
// where it does not cover the form (a long message goes above the form, not
// under a field).
import { ApiError } from '@/api/client'

type Translate = (key: string, params?: Record<string, unknown>) => string

const cjk = /[\u3400-\u9fff]/

/** Where a refused save shows: under a form field, or above the form (field undefined). */
export interface SaveError {
  field?: string
  text: string
}

/**
 * A save the server refused on one of the form's fields. A closed period
 * (locked, on the date) says which period and who reopens it, above the form;
 * a date after today says so; any other field problem names the field, with
 * the server's words only when they are in the user's language.
 */
export function saveError(e: ApiError, fields: readonly string[], label: (field: string) => string, t: Translate, locale: string): SaveError | null {
  if (!e.field || !fields.includes(e.field)) return null
  if (e.code === 'locked') {
    return { text: cjk.test(e.message) ? e.message : t('ledger.form.closedPeriod') }
  }
  if (e.field === 'date' && /future/i.test(e.message)) return { field: 'date', text: t('ledger.form.dateFuture') }
  const inLanguage = locale === 'en' ? !cjk.test(e.message) : cjk.test(e.message)
  return {
    field: e.field,
    text: inLanguage && e.message ? t('ledger.form.serverSays', { message: e.message }) : t('ledger.form.fieldRefused', { field: label(e.field) }),
  }
}

/** A filter's period the server could not read, in the user's words. */
export function periodErrorText(e: ApiError, text: string, t: Translate): string {
  if (e.field === 'to' || e.field === 'from') return t('ledger.filter.badRange')
  return t('ledger.filter.badPeriod', { text })
}
