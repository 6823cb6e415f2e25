import { describe, expect, it } from 'vitest'
import { badge, cancellable, jobKindKey, noticeKindKey, retryable, todoLink, type Job, type TodoItem } from './notify'

const item = (kind: TodoItem['kind']): TodoItem => ({ kind, title: 't', count: 1, overdue: false })
const job = (state: Job['state']): Job => ({
  id: 1, kind: 'notice_deliver', state, attempt: 1, max_attempts: 8, args: '{}', errors: [], created_at: '', scheduled_at: '',
})

describe('notify helpers', () => {
  it('links the ledger lines to the ledger filtered by status', () => {
    expect(todoLink(item('approve'))).toBe('/ledger?status=submitted')
    expect(todoLink(item('fix_returned'))).toBe('/ledger?status=returned')
    expect(todoLink(item('duty_due'))).toBeNull()
  })
  it('names notice and job kinds by message keys, unknown ones as other', () => {
    expect(noticeKindKey('activity.returned')).toBe('activity_returned')
    expect(noticeKindKey('rectification.overdue')).toBe('other')
    expect(jobKindKey('sweep')).toBe('sweep')
    expect(jobKindKey('x')).toBe('other')
  })
  it('caps the badge and hides it at zero', () => {
    expect(badge(0)).toBe('')
    expect(badge(18)).toBe('18')
    expect(badge(100)).toBe('99+')
  })
  it('offers retry for failed jobs and cancel for waiting ones', () => {
    expect(retryable(job('discarded'))).toBe(true)
    expect(cancellable(job('discarded'))).toBe(false)
    expect(cancellable(job('available'))).toBe(true)
    expect(retryable(job('completed'))).toBe(false)
  })
})
