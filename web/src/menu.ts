/**
 * The side menu. Entries whose pages are not built yet stay here, marked
 * built: false, and are hidden: the menu shows only pages that work.
 */
export interface MenuEntry {
  path: string
  title: string // an i18n key
  built: boolean
  permission?: string // shown only to sessions with this permission
}

export const menu: MenuEntry[] = [
  { path: '/', title: 'menu.home', built: true },
  { path: '/dashboard', title: 'menu.dashboard', built: true, permission: 'activity.read' },
  { path: '/ledger', title: 'menu.ledger', built: false, permission: 'activity.read' },
  { path: '/reports', title: 'menu.reports', built: false, permission: 'activity.read' },
  { path: '/rosters', title: 'menu.rosters', built: false, permission: 'activity.read' },
  { path: '/admin', title: 'menu.admin', built: false },
]

export function visibleMenu(permissions: readonly string[], entries: readonly MenuEntry[] = menu): MenuEntry[] {
  return entries.filter((e) => e.built && (!e.permission || permissions.includes(e.permission)))
}

/** Where a finished login lands: the dashboard for those who may read activities, else home. */
export function landingPath(permissions: readonly string[]): string {
  return permissions.includes('activity.read') ? '/dashboard' : '/'
}
