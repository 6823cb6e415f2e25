import type { Schemas } from '@/api/client'

type Entry = Schemas['HistoryEntry']
type Change = Schemas['FieldChange']
type Translate = (key: string, params?: Record<string, unknown>) => string

/** Who acted, by name: an account's name, else 系统 / API 令牌 — never a raw username or id. */
export function actorOf(e: Entry, t: Translate): string {
  if (e.actor_kind === 'account' && e.actor_name) return e.actor_name
  return t(`ledger.history.actor.${e.actor_kind === 'token' ? 'token' : 'system'}`)
}

/** One changed field as text: 参与人次：30 → 3000; units and types by name, venues and statuses translated. */
export function changeText(c: Change, t: Translate): string {
  const value = (v: Change['old'], label?: string): string => {
    if (label) return label
    if (v === null || v === undefined || v === '') return t('ledger.history.none')
    if (Array.isArray(v)) return v.length ? v.map((x) => t(`ledger.venue.${x}`)).join('、') : t('ledger.history.none')
    if (c.field === 'publication') return t(`ledger.publication.${v}`)
    return String(v)
  }
  return t('ledger.history.change', {
    field: t(`ledger.history.field.${c.field}`),
    old: value(c.old, c.old_label),
    new: value(c.new, c.new_label),
  })
}
