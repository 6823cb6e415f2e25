import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createApp, h, nextTick, ref, type App } from 'vue'
import { i18n } from '@/i18n'
import type { OrgUnit, Schemas } from '@/api/client'
import FilterBar from './FilterBar.vue'
import { apiQuery, emptyFilter, filterFromQuery, filterToQuery, type LedgerFilter } from './query'

// The filter bar in a DOM (happy-dom): typing into it emits the filter the
// ledger then puts in its URL and sends to the API.

const units = [
  { id: 1, name: '示范县教育局', depth: 0, active: true },
  { id: 2, name: '城关学区', depth: 1, parent_id: 1, active: true },
  { id: 3, name: '城关一小', depth: 2, parent_id: 2, active: true },
] as unknown as OrgUnit[]
const kind = { expects_attendance: false, expects_evidence: false, tracks_publication: false, active: true, venues: [] }
const types: Schemas['ActivityType'][] = [
  { ...kind, id: 10, code: 'outreach_lecture', order: 1, pillar: 'theory', name: '宣讲', name_en: 'Lecture' },
  { ...kind, id: 11, code: 'volunteer_service', order: 2, pillar: 'civility', name: '志愿服务', name_en: 'Volunteer' },
]
const pillars: Schemas['Pillar'][] = [
  { code: 'theory', name: '狠抓理论学习', name_en: 'Theory study', order: 2 },
  { code: 'civility', name: '精神文明创建', name_en: 'Civility', order: 3 },
]

// Mounting Element Plus in happy-dom takes seconds on a busy machine: the
// bar is mounted once, and the default per-test timeout is lifted (nothing
// here measures time).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

let app: App | null = null
const el = document.createElement('div')
const filter = ref<LedgerFilter>(emptyFilter())
let emitted: LedgerFilter[] = []
let resets = 0

beforeAll(() => {
  document.body.appendChild(el)
  app = createApp({
    render: () =>
      h(FilterBar, {
        modelValue: filter.value,
        units,
        ownOrg: 2,
        pillars,
        types,
        quick: [{ key: 'thisYear', code: '2026', label: '2026年' }],
        'onUpdate:modelValue': (f: LedgerFilter) => emitted.push(f),
        onReset: () => resets++,
      }),
  })
  app.use(i18n)
  app.mount(el)
})
afterAll(() => app?.unmount())

async function mount(f: LedgerFilter) {
  filter.value = f
  await nextTick()
  await nextTick()
  emitted = []
  resets = 0
  return { el, emitted: () => emitted, resets: () => resets }
}

async function type(input: HTMLInputElement, text: string) {
  input.value = text
  input.dispatchEvent(new Event('input', { bubbles: true }))
  await nextTick()
  input.dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter', bubbles: true }))
  await nextTick()
}

describe('FilterBar', () => {
  it('emits a period typed as a code, back on page 1, and the URL and API query carry it', async () => {
    const start = { ...emptyFilter(), page: 3, status: ['submitted' as const] }
    const { emitted } = await mount(start)
    await type(el.querySelector('input[data-test=filter-period]') as HTMLInputElement, '2024年秋季学期')
    expect(emitted().length).toBe(1)
    const f = emitted()[0]
    expect(f.period).toBe('2024年秋季学期')
    expect(f.page).toBe(1)
    expect(f.status).toEqual(['submitted'])
    expect(filterToQuery(f)).toEqual({ period: '2024年秋季学期', status: ['submitted'] })
    const q = new URLSearchParams(apiQuery(f, 2))
    expect(q.get('period')).toBe('2024年秋季学期')
    expect(q.get('org_id')).toBe('2')
  })

  it('turns a typed date range into from and to', async () => {
    const { emitted } = await mount({ ...emptyFilter(), period: '2024' })
    await type(el.querySelector('input[data-test=filter-period]') as HTMLInputElement, '2024-09-01~2024-12-31')
    const f = emitted().at(-1)!
    expect(f.period).toBeUndefined()
    expect([f.from, f.to]).toEqual(['2024-09-01', '2024-12-31'])
    expect(filterFromQuery(filterToQuery(f))).toEqual(f)
  })

  it('emits a title search, and nothing when the text did not change', async () => {
    const { emitted } = await mount({ ...emptyFilter(), q: '宣讲' })
    const input = el.querySelector('input[data-test=filter-q]') as HTMLInputElement
    expect(input.value).toBe('宣讲')
    await type(input, '宣讲')
    expect(emitted().length).toBe(0)
    await type(input, '  志愿 ')
    expect(emitted().at(-1)?.q).toBe('志愿')
  })

  it('asks to reset, and shows the conditions it keeps from a link', async () => {
    const { resets } = await mount({ ...emptyFilter(), extra: { created_by: 'xuequ' } })
    expect(el.querySelector('[data-test=filter-extra]')?.textContent).toContain('xuequ')
    ;(el.querySelector('[data-test=filter-reset]') as HTMLElement).click()
    await nextTick()
    expect(resets()).toBe(1)
  })
})
