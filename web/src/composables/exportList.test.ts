import { describe, expect, it } from 'vitest'
import { exportURL, filenameOf } from './exportList'

describe('exportURL', () => {
  it('keeps the filter and drops the paging and empty values', () => {
    expect(exportURL('/api/v1/teams/export?org_id=3&limit=20&offset=40&kind=outreach')).toBe('/api/v1/teams/export?org_id=3&kind=outreach')
    expect(exportURL('/api/v1/rectifications/export', { state: 'open', org_id: undefined, q: '', overdue: true })).toBe(
      '/api/v1/rectifications/export?state=open&overdue=true',
    )
    expect(exportURL('/api/v1/accounts/export', {})).toBe('/api/v1/accounts/export')
  })
})

describe('filenameOf', () => {
  it('reads the RFC 5987 name', () => {
    expect(filenameOf(`attachment; filename="x.xlsx"; filename*=UTF-8''${encodeURIComponent('队伍名册-全部.xlsx')}`)).toBe('队伍名册-全部.xlsx')
    expect(filenameOf(null)).toBe('export.xlsx')
  })
})
