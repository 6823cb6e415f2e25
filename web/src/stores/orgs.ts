// The org units of the session's scope, loaded once per session and shared
// by every page that names, picks or draws units (the pages used to load
// them four ways and build the tree three ways). The units are fetched once
// (concurrent callers share the one read), the tree and the index are built
// once from them, and the administration's unit page replaces them after
// every change, so no page shows a renamed or moved unit by its old place.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { OrgUnit } from '@/api/client'
import { http } from '@/api/typed'
import { buildTree, indexUnits, loadAll, type OrgNode } from '@/views/admin/helpers'
import { useAuthStore } from './auth'

/** A unit as a tree picker (el-tree-select) takes it. */
export interface UnitOption {
  value: number
  label: string
  disabled?: boolean
  children: UnitOption[]
}

function toOptions(nodes: OrgNode[], activeOnly: boolean): UnitOption[] {
  return nodes
    .filter((n) => !activeOnly || n.unit.active)
    .map((n) => ({ value: n.id, label: n.unit.name, children: toOptions(n.children, activeOnly) }))
}

export const useOrgStore = defineStore('orgs', () => {
  const units = shallowRef<OrgUnit[]>([])
  const loaded = ref(false)
  // Whose units these are: a new login (another account) loads them again.
  let owner: number | undefined
  let pending: Promise<void> | null = null

  const index = computed(() => indexUnits(units.value))
  const tree = computed(() => buildTree(units.value))
  /** The active units as tree-picker options. */
  const options = computed(() => toOptions(tree.value, true))
  /** Every unit (deactivated ones too: their past still counts), for filters over the past. */
  const allOptions = computed(() => toOptions(tree.value, false))

  /** Loads the units unless this session has them; concurrent calls share one read. */
  function ensure(): Promise<void> {
    const account = useAuthStore().account?.id
    if (loaded.value && owner === account) return Promise.resolve()
    if (pending) return pending
    pending = loadAll<OrgUnit>((limit, offset) => http.get('/api/v1/orgs', { query: { limit, offset } }))
      .then((u) => {
        units.value = u
        owner = account
        loaded.value = true
      })
      .finally(() => (pending = null))
    return pending
  }

  /** Forgets the units: the next ensure() reads them again. */
  function invalidate() {
    loaded.value = false
  }

  /** Sets the units from a fresh read (the unit administration's, after a change). */
  function replace(u: OrgUnit[]) {
    units.value = u
    owner = useAuthStore().account?.id
    loaded.value = true
  }

  const byId = (id: number) => index.value.byId.get(id)
  /** A unit's name; a unit outside the scope (or not loaded) is "—", never a raw id. */
  const nameOf = (id: number | undefined | null) => (id ? (index.value.byId.get(id)?.name ?? '—') : '—')
  /** The unit and its ancestors in the scope, highest first (breadcrumbs). */
  function pathOf(id: number): OrgUnit[] {
    const out: OrgUnit[] = []
    for (let u = byId(id); u && out.length < 64; u = u.parent_id ? byId(u.parent_id) : undefined) out.unshift(u)
    return out
  }
  /** The unit's direct children in the scope. */
  const childrenOf = (id: number) => (index.value.children.get(id) ?? []).map((c) => index.value.byId.get(c)!).filter(Boolean)

  return { units, loaded, index, tree, options, allOptions, ensure, invalidate, replace, byId, nameOf, pathOf, childrenOf }
})
