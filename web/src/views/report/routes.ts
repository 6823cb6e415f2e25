import type { RouteRecordRaw } from 'vue-router'

// The report pages: children of the main layout (paths without a leading slash).
export const routes: RouteRecordRaw[] = []
