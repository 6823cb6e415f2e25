/**
 * The side menu. Entries whose pages are not built yet stay here, marked
 * built: false, and are hidden: the menu shows only pages that work.
 */
export interface MenuEntry {
  path: string
  title: string // an i18n key
  built: boolean
  // Shown only to sessions with this permission, or with any one of these.
  permission?: string | readonly string[]
  // A group (sub-menu): shown when at least one child is.
  children?: MenuEntry[]
}

export const menu: MenuEntry[] = [
  { path: '/', title: 'menu.home', built: true },
  { path: '/dashboard', title: 'menu.dashboard', built: true, permission: 'activity.read' },
  { path: '/ledger', title: 'menu.ledger', built: true, permission: 'activity.read' },
  { path: '/reports', title: 'menu.reports', built: true, permission: 'activity.read' },
  { path: '/rosters', title: 'menu.rosters', built: true, permission: 'activity.read' },
  { path: '/duty', title: 'duty.title', built: true, permission: 'activity.read' },
  { path: '/rectifications', title: 'menu.rectifications', built: true, permission: 'activity.read' },
  { path: '/assessment', title: 'menu.assessment', built: true, permission: 'activity.read' },
  {
    path: '/admin',
    title: 'menu.admin',
    built: true,
    // Each page asks the permission of the API it calls (internal/domain/access.go).
    children: [
      { path: '/admin/orgs', title: 'admin.menu.orgs', built: true, permission: 'org.manage' },
      { path: '/admin/types', title: 'admin.menu.types', built: true, permission: 'catalog.manage' },
      { path: '/admin/periods', title: 'admin.menu.periods', built: true, permission: 'period.close' },
      {
        path: '/admin/users',
        title: 'admin.menu.users',
        built: true,
        permission: ['account.manage', 'role.manage', 'coverage.manage', 'account.unlock'],
      },
      { path: '/admin/roles', title: 'admin.menu.roles', built: true, permission: 'role.manage' },
      { path: '/admin/policy', title: 'admin.menu.policy', built: true, permission: 'policy.manage' },
      { path: '/admin/audit', title: 'admin.menu.audit', built: true, permission: 'audit.read' },
      { path: '/admin/tokens', title: 'admin.menu.tokens', built: true, permission: ['account.manage', 'token.create'] },
      { path: '/admin/jobs', title: 'notify.jobs.menu', built: true, permission: 'config.manage' },
    ],
  },
]

/** Whether a session with permissions may see what needs `needs` (any one of a list). */
export function permitted(permissions: readonly string[], needs: string | readonly string[] | undefined): boolean {
  if (needs === undefined) return true
  if (typeof needs === 'string') return permissions.includes(needs)
  return needs.some((p) => permissions.includes(p))
}

/** The entries a session sees: built, permitted, and groups with at least one visible child. */
export function visibleMenu(permissions: readonly string[], entries: readonly MenuEntry[] = menu): MenuEntry[] {
  const out: MenuEntry[] = []
  for (const e of entries) {
    if (!e.built || !permitted(permissions, e.permission)) continue
    if (e.children) {
      const children = visibleMenu(permissions, e.children)
      if (children.length > 0) out.push({ ...e, children })
      continue
    }
    out.push(e)
  }
  return out
}

/** The first page of a group the session sees, or undefined. */
export function firstPage(permissions: readonly string[], group: string, entries: readonly MenuEntry[] = menu): string | undefined {
  return visibleMenu(permissions, entries).find((e) => e.path === group)?.children?.[0]?.path
}

/**
 * Where a finished login lands: the dashboard for those who may read
 * activities; an administrator, who has no home of their own, their first
 * administration page; anyone else home.
 */
export function landingPath(permissions: readonly string[], entries: readonly MenuEntry[] = menu): string {
  if (permissions.includes('activity.read')) return '/dashboard'
  return firstPage(permissions, '/admin', entries) ?? '/'
}
