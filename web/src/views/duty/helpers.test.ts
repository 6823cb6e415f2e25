import { describe, expect, it } from 'vitest'
import { donePercent, ledgerLink, pageYear, stateTag } from './helpers'

describe('duty helpers', () => {
  it('marks missed duties as danger and met ones as success', () => {
    expect(stateTag('missed')).toBe('danger')
    expect(stateTag('behind')).toBe('warning')
    expect(stateTag('met')).toBe('success')
    expect(stateTag('upcoming')).toBe('info')
  })
  it('links a window to the ledger with its query, and a checklist item nowhere', () => {
    expect(ledgerLink('org_id=3&from=2026-01-01&to=2026-03-31&status=approved')).toBe('/ledger?org_id=3&from=2026-01-01&to=2026-03-31&status=approved')
    expect(ledgerLink('')).toBe('')
  })
  it('rounds the share done down and says nothing when nothing is due', () => {
    expect(donePercent(2, 3)).toBe(66)
    expect(donePercent(0, 0)).toBeNull()
  })
  it('takes the year from the query, else from the server today', () => {
    expect(pageYear('2025', '2026-11-29')).toBe(2025)
    expect(pageYear('x', '2026-11-29')).toBe(2026)
    expect(pageYear(['1999'], '2026-11-29')).toBe(2026)
  })
})
