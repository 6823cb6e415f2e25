// The desktop app's features, collected: every views/<feature>/index.ts
// default-exports a Feature (its pages as routes of the main layout), and the
// router, the side menu and the page titles are all built from those routes'
// meta. A feature's permissions are written once, on its routes; adding a
// feature edits no shared file (its messages live in
// src/locales/features/<feature>.ts, also collected by file name).
import type { RouteRecordRaw } from 'vue-router'

/** Where a page sits in the side menu. */
export interface MenuPlace {
  /** Position among its siblings, ascending (home 0, dashboard 10, … administration 90). */
  order: number
  /** The path of the group route (a sub-menu) it sits in, e.g. '/admin'. */
  group?: string
}

declare module 'vue-router' {
  interface RouteMeta {
    /** An i18n key: the page's heading, menu entry and document.title. */
    title?: string
    /** The permission the page's API asks, or a list of which any one will do. */
    permission?: string | readonly string[]
    /** Shown in the side menu there; a page without it is reached by links only. */
    menu?: MenuPlace
    /**
     * A menu group (sub-menu) rather than a page: visible when one of its
     * pages is, and opening it opens its first page the session may see.
     */
    group?: boolean
  }
}

/** One feature: pages of the main layout (paths without a leading slash). */
export interface Feature {
  routes: RouteRecordRaw[]
}

/** Identity, for type checking a feature's index.ts. */
export function defineFeature(f: Feature): Feature {
  return f
}

/**
 * The routes of the given feature modules (as import.meta.glob answers them),
 * in file-name order so that the result does not depend on the bundler.
 */
export function collectRoutes(modules: Record<string, { default: Feature }>): RouteRecordRaw[] {
  return Object.keys(modules)
    .sort()
    .flatMap((file) => modules[file].default.routes)
}

/** Every feature's pages: views/<feature>/index.ts. */
export const featureRoutes: RouteRecordRaw[] = collectRoutes(
  import.meta.glob<{ default: Feature }>('./views/*/index.ts', { eager: true }),
)
