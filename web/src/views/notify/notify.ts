// Pure helpers of the to-do list, the notification centre and the jobs page.
import type { Schemas } from '@/api/client'

export type TodoItem = Schemas['TodoItem']
export type Notification = Schemas['Notification']
export type Job = Schemas['Job']
export type Delivery = Schemas['Delivery']
export type NotifySettings = Schemas['NotifySettings']

/** The desktop page that settles a to-do line, or null when none is built yet. */
export function todoLink(item: TodoItem): string | null {
  switch (item.kind) {
    case 'approve':
      return '/ledger?status=submitted'
    case 'fix_returned':
      return '/ledger?status=returned'
    case 'case':
      return item.ref ? `/cases/${item.ref}` : '/cases'
    case 'story':
      return item.ref ? `/cases/new?story_id=${item.ref}` : '/concern/stream'
    default:
      return null
  }
}

const noticeKinds = new Set(['activity.returned', 'activity.submitted'])

/** The message key of a notice kind under notify.kind (dots become _; unknown kinds: other). */
export function noticeKindKey(kind: string): string {
  return noticeKinds.has(kind) ? kind.replace('.', '_') : 'other'
}

const jobKinds = new Set(['sweep', 'notice_outbox', 'notice_deliver'])

/** The message key of a job kind under notify.jobs.kinds. */
export function jobKindKey(kind: string): string {
  return jobKinds.has(kind) ? kind : 'other'
}

/** Jobs that may still be cancelled, and those that may be run again. */
export const cancellable = (j: Job) => ['available', 'scheduled', 'retryable', 'running', 'pending'].includes(j.state)
export const retryable = (j: Job) => ['discarded', 'cancelled', 'retryable', 'scheduled'].includes(j.state)

/** The digest hours a person may choose: -1 (none), then 0–23. */
export const digestHours = [-1, ...Array.from({ length: 24 }, (_, h) => h)]

/**
 * The bell's badge: the count, capped at 99+ so the header does not grow;
 * nothing at zero.
 */
export function badge(unread: number): string {
  if (unread <= 0) return ''
  return unread > 99 ? '99+' : String(unread)
}
