import { describe, expect, it } from 'vitest'
import { firstPage, landingPath, menu, permitted, visibleMenu, type MenuEntry } from './menu'

// The permission sets of the nine built-in roles, as internal/domain/access.go
// (BuiltinRoles) defines them.
const ledgerAll = ['activity.read', 'activity.write', 'activity.submit', 'activity.approve', 'export']
const roles: Record<string, string[]> = {
  office_admin: [...ledgerAll, 'catalog.manage', 'period.close', 'coverage.manage', 'org.manage', 'report.manage', 'roster.manage', 'token.create', 'rectification.review', 'assessment.manage'],
  leader: ['activity.read', 'export'],
  district_admin: [...ledgerAll, 'roster.manage', 'rectification.review'],
  school_admin: ['activity.read', 'activity.write', 'activity.submit', 'export', 'roster.manage'],
  member: ['activity.read'],
  monitor: ['activity.read'],
  system_admin: ['account.manage', 'org.manage', 'config.manage'],
  security_admin: ['role.manage', 'policy.manage', 'account.unlock'],
  audit_admin: ['audit.read'],
}

const adminPages = (perms: string[]) => visibleMenu(perms).find((e) => e.path === '/admin')?.children?.map((e) => e.path) ?? []

describe('administration menu per built-in role', () => {
  it('shows each role exactly its administration pages', () => {
    const got = Object.fromEntries(Object.entries(roles).map(([code, perms]) => [code, adminPages(perms)]))
    expect(got).toEqual({
      office_admin: ['/admin/orgs', '/admin/types', '/admin/periods', '/admin/users', '/admin/tokens'],
      leader: [],
      district_admin: [],
      school_admin: [],
      member: [],
      monitor: [],
      system_admin: ['/admin/orgs', '/admin/users', '/admin/tokens', '/admin/jobs'],
      security_admin: ['/admin/users', '/admin/roles', '/admin/policy'],
      audit_admin: ['/admin/audit'],
    })
  })

  it('keeps the three administrators apart', () => {
    // The audit administrator sees the audit log and nothing else the others manage.
    expect(adminPages(roles.audit_admin)).not.toContain('/admin/users')
    expect(adminPages(roles.system_admin)).not.toContain('/admin/audit')
    expect(adminPages(roles.system_admin)).not.toContain('/admin/policy')
    expect(adminPages(roles.security_admin)).not.toContain('/admin/tokens')
    expect(adminPages(roles.security_admin)).not.toContain('/admin/audit')
  })

  it('hides the group when no child is visible, and shows it with the home entry otherwise', () => {
    expect(visibleMenu(roles.member).map((e) => e.path)).not.toContain('/admin')
    expect(visibleMenu(roles.audit_admin).map((e) => e.path)).toEqual(['/', '/admin'])
  })

  it('lands administrators on their first administration page, others on the dashboard', () => {
    const got = Object.fromEntries(Object.entries(roles).map(([code, perms]) => [code, landingPath(perms)]))
    expect(got).toEqual({
      office_admin: '/dashboard',
      leader: '/dashboard',
      district_admin: '/dashboard',
      school_admin: '/dashboard',
      member: '/dashboard',
      monitor: '/dashboard',
      system_admin: '/admin/orgs',
      security_admin: '/admin/users',
      audit_admin: '/admin/audit',
    })
    expect(landingPath([])).toBe('/')
  })
})

describe('visibleMenu', () => {
  const entries: MenuEntry[] = [
    { path: '/a', title: 'a', built: true, permission: ['x', 'y'] },
    { path: '/b', title: 'b', built: false, permission: 'x' },
    {
      path: '/g',
      title: 'g',
      built: true,
      children: [
        { path: '/g/1', title: 'g1', built: true, permission: 'y' },
        { path: '/g/2', title: 'g2', built: false, permission: 'y' },
        { path: '/g/3', title: 'g3', built: true, permission: 'z' },
      ],
    },
  ]
  it('filters children and groups', () => {
    expect(visibleMenu([], entries)).toEqual([])
    expect(visibleMenu(['x'], entries).map((e) => e.path)).toEqual(['/a'])
    const withY = visibleMenu(['y'], entries)
    expect(withY.map((e) => e.path)).toEqual(['/a', '/g'])
    expect(withY[1].children?.map((e) => e.path)).toEqual(['/g/1'])
    expect(firstPage(['z'], '/g', entries)).toBe('/g/3')
    expect(firstPage(['x'], '/g', entries)).toBeUndefined()
  })
  it('does not change the menu it filters', () => {
    visibleMenu(['audit.read'])
    expect(menu.find((e) => e.path === '/admin')?.children).toHaveLength(9)
  })
  it('reads a list of permissions as any one of them', () => {
    expect(permitted(['b'], ['a', 'b'])).toBe(true)
    expect(permitted(['c'], ['a', 'b'])).toBe(false)
    expect(permitted([], undefined)).toBe(true)
    expect(permitted([], 'a')).toBe(false)
  })
})
