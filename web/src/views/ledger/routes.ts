import type { RouteRecordRaw } from 'vue-router'

// The ledger pages: children of the main layout (paths without a leading slash).
export const routes: RouteRecordRaw[] = []
