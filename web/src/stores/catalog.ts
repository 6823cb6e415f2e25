// The catalogue — the six pillars and the activity types — loaded once per
// session and shared by the pages that name or pick them. The types page
// invalidates it after a change, so a renamed type shows its new name.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Schemas } from '@/api/client'
import { http } from '@/api/typed'
import { i18n } from '@/i18n'

type Pillar = Schemas['Pillar']
type ActivityType = Schemas['ActivityType']

export const useCatalogStore = defineStore('catalog', () => {
  const pillars = shallowRef<Pillar[]>([])
  const types = shallowRef<ActivityType[]>([])
  const loaded = ref(false)
  let pending: Promise<void> | null = null

  function ensure(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    if (pending) return pending
    pending = Promise.all([http.get('/api/v1/pillars'), http.get('/api/v1/activity-types')])
      .then(([p, t]) => {
        pillars.value = p.items
        types.value = t.items
        loaded.value = true
      })
      .finally(() => (pending = null))
    return pending
  }

  function invalidate() {
    loaded.value = false
  }

  const en = () => i18n.global.locale.value === 'en'
  const typeById = computed(() => new Map(types.value.map((t) => [t.id, t])))
  const pillarByCode = computed(() => new Map<string, Pillar>(pillars.value.map((p) => [p.code, p])))
  /** A type's name in the page's language; an unknown type is "—", never a raw id. */
  function typeName(id: number): string {
    const t = typeById.value.get(id)
    return t ? (en() ? t.name_en || t.name : t.name) : '—'
  }
  function pillarName(code: string): string {
    const p = pillarByCode.value.get(code)
    return p ? (en() ? p.name_en : p.name) : '—'
  }

  return { pillars, types, loaded, ensure, invalidate, typeById, pillarByCode, typeName, pillarName }
})
