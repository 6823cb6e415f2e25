import { describe, expect, it } from 'vitest'
import type { RouteRecordRaw } from 'vue-router'
import { featureRoutes } from './features'
import { firstPage, landingPath, menu, menuFromRoutes, permitted, visibleMenu, type MenuEntry } from './menu'

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
      system_admin: ['/admin/orgs', '/admin/users', '/admin/tokens', '/admin/jobs', '/admin/backups'],
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

describe('menu built from route meta', () => {
  const page = (path: string, order: number, extra: Record<string, unknown> = {}) =>
    ({ path, component: {}, meta: { title: path, menu: { order }, ...extra } }) as RouteRecordRaw

  it('orders pages and groups by meta.menu.order and puts pages into their group', () => {
    const routes: RouteRecordRaw[] = [
      page('g/2', 2, { permission: 'y', menu: { order: 2, group: '/g' } }),
      page('b', 20, { permission: 'x' }),
      page('g', 30, { group: true }),
      page('a', 10, { permission: ['x', 'y'] }),
      page('g/1', 1, { permission: 'z', menu: { order: 1, group: '/g' } }),
      { path: 'hidden', component: {}, meta: { title: 'hidden', permission: 'x' } },
    ]
    const m = menuFromRoutes(routes)
    expect(m.map((e) => e.path)).toEqual(['/a', '/b', '/g'])
    expect(m[2].children?.map((e) => e.path)).toEqual(['/g/1', '/g/2'])
    // The permission is the route's: written once.
    expect(m[0].permission).toEqual(['x', 'y'])
    expect(m[2].children?.[1].permission).toBe('y')
  })

  it('refuses a page that names a group no route declares', () => {
    expect(() => menuFromRoutes([page('x/1', 1, { menu: { order: 1, group: '/x' } })])).toThrow(/\/x/)
  })

  it('gives every menu page of the app its route permission and a title', () => {
    const routeByPath = new Map(featureRoutes.map((r) => [`/${r.path}`, r]))
    const all = menu.flatMap((e) => [e, ...(e.children ?? [])])
    expect(all.length).toBeGreaterThan(10)
    for (const e of all) {
      const r = routeByPath.get(e.path)
      expect(r, e.path).toBeDefined()
      expect(e.permission).toEqual(r!.meta?.permission)
      expect(e.title).toBeTruthy()
    }
  })
})

describe('visibleMenu', () => {
  const entries: MenuEntry[] = [
    { path: '/a', title: 'a', order: 1, permission: ['x', 'y'] },
    {
      path: '/g',
      title: 'g',
      order: 2,
      children: [
        { path: '/g/1', title: 'g1', order: 1, permission: 'y' },
        { path: '/g/3', title: 'g3', order: 3, permission: 'z' },
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
    expect(menu.find((e) => e.path === '/admin')?.children).toHaveLength(10)
  })
  it('reads a list of permissions as any one of them', () => {
    expect(permitted(['b'], ['a', 'b'])).toBe(true)
    expect(permitted(['c'], ['a', 'b'])).toBe(false)
    expect(permitted([], undefined)).toBe(true)
    expect(permitted([], 'a')).toBe(false)
  })
})
