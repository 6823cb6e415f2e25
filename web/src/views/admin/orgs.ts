// The org units in the actor's scope, loaded whole: the admin pages name
// units, pick them in selects and draw the tree from the same list.
import { computed, ref } from 'vue'
import type { OrgUnit } from '@/api/client'
import { http } from '@/api/typed'
import { indexUnits, loadAll } from './helpers'
import { useOrgStore } from '@/stores/orgs'

interface OrgPage {
  items: OrgUnit[]
  total: number
}

export function fetchOrgs(): Promise<OrgUnit[]> {
  return loadAll<OrgUnit>((limit, offset) => http.get('/api/v1/orgs', { query: { limit, offset } }) as Promise<OrgPage>)
}

export function useOrgs() {
  const units = ref<OrgUnit[]>([])
  const index = computed(() => indexUnits(units.value))
  async function load() {
    units.value = await fetchOrgs()
    // The unit page reloads after every change: the session's units follow.
    useOrgStore().replace(units.value)
  }
  /** A unit's name, or #id when outside scope. */
  const nameOf = (id: number | undefined) => (id === undefined ? '—' : (index.value.byId.get(id)?.name ?? `#${id}`))
  /** Options for a unit select: active units, indented by depth. */
  const options = computed(() =>
    units.value.filter((u) => u.active).map((u) => ({ value: u.id, label: `${'　'.repeat(u.depth)}${u.name}`, name: u.name, code: u.code })),
  )
  return { units, index, load, nameOf, options }
}
