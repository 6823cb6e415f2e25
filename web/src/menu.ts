/**
 * The side menu, built from the route meta of the features (src/features.ts):
 * a page is in the menu when its route has meta.menu, under the group its
 * meta.menu.group names, and asks the permission of its route's
 * meta.permission — written once, for the route guard and the menu alike.
 */
import type { RouteRecordRaw } from 'vue-router'
import { featureRoutes } from './features'

export interface MenuEntry {
  path: string
  title: string // an i18n key
  order: number
  // Shown only to sessions with this permission, or with any one of these.
  permission?: string | readonly string[]
  // A group (sub-menu): shown when at least one child is.
  children?: MenuEntry[]
}

/** The absolute path of a main-layout child route ('' is '/'). */
function absolute(path: string): string {
  return path.startsWith('/') ? path : `/${path}`
}

const byOrder = (a: MenuEntry, b: MenuEntry) => a.order - b.order || a.path.localeCompare(b.path)

/**
 * The menu of the given routes (children of the main layout). A page naming a
 * group that no route declares is a programming error, caught by menu.test.ts.
 */
export function menuFromRoutes(routes: readonly RouteRecordRaw[]): MenuEntry[] {
  const top: MenuEntry[] = []
  const groups = new Map<string, MenuEntry>()
  for (const r of routes) {
    const place = r.meta?.menu
    if (!place || !r.meta?.group) continue
    const g: MenuEntry = { path: absolute(r.path), title: r.meta.title ?? '', order: place.order, children: [] }
    groups.set(g.path, g)
    top.push(g)
  }
  for (const r of routes) {
    const place = r.meta?.menu
    if (!place || r.meta?.group) continue
    const e: MenuEntry = { path: absolute(r.path), title: r.meta?.title ?? '', order: place.order }
    if (r.meta?.permission !== undefined) e.permission = r.meta.permission
    if (place.group === undefined) {
      top.push(e)
      continue
    }
    const g = groups.get(place.group)
    if (!g) throw new Error(`menu: the page ${e.path} names the group ${place.group}, which no route declares`)
    g.children!.push(e)
  }
  for (const g of groups.values()) g.children!.sort(byOrder)
  return top.sort(byOrder)
}

/** The side menu of every feature's pages. */
export const menu: MenuEntry[] = menuFromRoutes(featureRoutes)

/** Whether a session with permissions may see what needs `needs` (any one of a list). */
export function permitted(permissions: readonly string[], needs: string | readonly string[] | undefined): boolean {
  if (needs === undefined) return true
  if (typeof needs === 'string') return permissions.includes(needs)
  return needs.some((p) => permissions.includes(p))
}

/** The entries a session sees: permitted, and groups with at least one visible child. */
export function visibleMenu(permissions: readonly string[], entries: readonly MenuEntry[] = menu): MenuEntry[] {
  const out: MenuEntry[] = []
  for (const e of entries) {
    if (!permitted(permissions, e.permission)) continue
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
