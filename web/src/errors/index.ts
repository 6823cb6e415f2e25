// One error-message module for the desktop and the phone: an error becomes a
// sentence in the reader's language, chosen by the error's (code, field) —
// errors.byField.<code>.<field>, else errors.<code>_field naming the field
// (fields.<field>), else errors.<code>. The server's own message is English
// and is never shown, let alone pasted into a Chinese sentence; the one
// exception is a closed period, whose server sentence is Chinese and names
// the period and who may reopen it (shown whole, in zh-CN only).
import { ApiError } from '@/api/client'
import { DEFAULT_ZONE, formatTimeOfDay } from '@/format'

export { errorMessages } from './messages'

export type Translate = (key: string, params?: Record<string, unknown>) => string
export type Exists = (key: string) => boolean

/** The bureau's time at which to retry, e.g. "14:05" today or "3月2日 14:05". */
export function formatRetry(at: Date, locale: string, zone = DEFAULT_ZONE, now = new Date()): string {
  return formatTimeOfDay(at, locale, zone, now)
}

/** The message key of a server field name ("Idempotency-Key", "problem_wording.x" → one segment). */
function fieldKey(field: string): string {
  return field.replace(/[^A-Za-z0-9_]/g, '_')
}

/** A field's name in the reader's language, or undefined when it has none. */
export function fieldName(field: string | undefined, t: Translate, te: Exists): string | undefined {
  if (!field) return undefined
  const key = `fields.${fieldKey(field)}`
  return te(key) ? t(key) : undefined
}

const hasHan = /\p{Script=Han}/u

/** A user-facing sentence for an error, in the reader's language. */
export function errorMessage(err: unknown, t: Translate, te: Exists, locale: string, zone = DEFAULT_ZONE): string {
  if (!(err instanceof ApiError)) return t('errors.unknown')
  const code = err.code.replace(/[^A-Za-z0-9_]/g, '_')
  // A write into a closed period: the server names the period and who may
  // reopen it, in Chinese (e.g. 2024年已关账，如需修改请联系…重新开放).
  if (code === 'locked' && !err.retryAt && locale === 'zh-CN' && hasHan.test(err.message)) return err.message
  // A lockout or rate limit says when to retry.
  if (err.retryAt && te(`errors.${code}_retry`)) return t(`errors.${code}_retry`, { time: formatRetry(err.retryAt, locale, zone) })
  if (err.field) {
    const specific = `errors.byField.${code}.${fieldKey(err.field)}`
    if (te(specific)) return t(specific)
    const name = fieldName(err.field, t, te)
    if (name && te(`errors.${code}_field`)) return t(`errors.${code}_field`, { field: name })
  }
  if (te(`errors.${code}`)) return t(`errors.${code}`)
  return t('errors.unknown')
}
