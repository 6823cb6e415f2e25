// The browser tab's title of a page, on the desktop and the phone alike.
import type { RouteLocationNormalized } from 'vue-router'

/** The page's title, then the app's (e.g. 工作台账 - 意识形态工作责任制). */
export function pageTitle(route: Pick<RouteLocationNormalized, 'meta'>, t: (key: string) => string): string {
  const app = t('app.title')
  return route.meta.title ? `${t(route.meta.title)} - ${app}` : app
}
