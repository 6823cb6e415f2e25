// The unit tree for the report pages' unit pickers: the units in the actor's
// scope (loaded by the admin pages' loader), as el-tree-select data.
import { ref } from 'vue'
import type { OrgUnit } from '@/api/client'
import { fetchOrgs } from '@/views/admin/orgs'
import { buildTree, type OrgNode } from '@/views/admin/helpers'

export interface TreeOption {
  value: number
  label: string
  children: TreeOption[]
}

function toOptions(nodes: OrgNode[]): TreeOption[] {
  return nodes.filter((n) => n.unit.active).map((n) => ({ value: n.id, label: n.unit.name, children: toOptions(n.children) }))
}

export function useUnitTree() {
  const units = ref<OrgUnit[]>([])
  const tree = ref<TreeOption[]>([])
  async function load() {
    units.value = await fetchOrgs()
    tree.value = toOptions(buildTree(units.value))
  }
  const nameOf = (id: number) => units.value.find((u) => u.id === id)?.name ?? `#${id}`
  return { units, tree, load, nameOf }
}
