import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createApp, h, nextTick, type App } from 'vue'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { i18n } from '@/i18n'
import { useAuthStore } from '@/stores/auth'
import DashboardView from '../DashboardView.vue'

// The dashboard in a DOM, its API answered by a fetch that answers the
// dashboard requests when the test says. Switching from one district to
// another quickly, the first district's answer arriving last must not show
// under the second's name; and the whole page is one request per choice.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

const pillars = ['theory', 'civility'].map((code, i) => ({ code, name: ['狠抓理论学习', '精神文明创建'][i], name_en: code, order: i }))
const units = [
  { id: 1, name: '示范县教育局', depth: 0, active: true },
  { id: 2, name: '城关学区', depth: 1, parent_id: 1, active: true },
  { id: 3, name: '东关学区', depth: 1, parent_id: 1, active: true },
]
const period = { code: '2026', kind: 'year', label_zh: '2026年', label_en: '2026', range: { from: '2026-01-01', to: '2027-01-01' } }

function dashboardOf(id: number, name: string, n: number) {
  const fig = (c: number) => ({ count: c, attendance: c * 10 })
  return {
    org_id: id,
    path: [{ id: 1, name: '示范县教育局' }, { id, name }],
    period,
    last_year: period,
    ...fig(n),
    records: `org_id=${id}&period=2026&status=approved`,
    pillars: pillars.map((p) => ({ pillar: p.code, ...fig(n), last_year: fig(0), records: `org_id=${id}&pillar=${p.code}` })),
    types: [],
    children: [{ org_id: id * 10, name: `${name}一小`, ...fig(2 * n), cells: [fig(n), fig(n)], records: `org_id=${id * 10}` }],
    trend: { year: '2026', months: [], records: `org_id=${id}&period=2026` },
  }
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
const dashboardCalls: { url: string; answer: (body: unknown) => void }[] = []

let app: App | null = null
let router: Router
const el = document.createElement('div')

beforeAll(async () => {
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string) => {
      const u = new URL(url, 'http://x')
      if (u.pathname === '/api/v1/dashboard') return new Promise<Response>((resolve) => dashboardCalls.push({ url, answer: (b) => resolve(json(b)) }))
      if (u.pathname === '/api/v1/orgs') return Promise.resolve(json({ items: units, total: units.length }))
      if (u.pathname === '/api/v1/pillars') return Promise.resolve(json({ items: pillars }))
      if (u.pathname === '/api/v1/activity-types') return Promise.resolve(json({ items: [] }))
      if (u.pathname === '/api/v1/clock') return Promise.resolve(json({ today: '2026-11-29', now: '2026-11-29T12:00:00+08:00', time_zone: 'Asia/Shanghai' }))
      if (u.pathname.startsWith('/api/v1/periods/')) return Promise.resolve(json(period))
      return Promise.resolve(json({ error: { code: 'not_found', message: u.pathname } }, 404))
    }),
  )
  document.body.appendChild(el)
  router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/dashboard', name: 'dashboard', component: DashboardView }] })
  await router.push('/dashboard?org_id=2&period=2026')
  app = createApp({ render: () => h(DashboardView) })
  const pinia = createPinia()
  app.use(pinia).use(i18n).use(router)
  useAuthStore(pinia).setMe({ account: { id: 9, org_id: 1 }, csrf_token: 'x', pending: '', permissions: ['activity.read'] } as never)
  app.mount(el)
  await settle()
})
afterAll(() => {
  app?.unmount()
  vi.unstubAllGlobals()
})

async function settle() {
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 0))
    await nextTick()
  }
}
const text = (sel: string) => el.querySelector(`[data-test="${sel}"]`)?.textContent?.trim()

describe('DashboardView', () => {
  it('shows one answer per choice, and never an older unit\'s figures under a newer unit\'s name', async () => {
    expect(dashboardCalls.map((c) => new URL(c.url, 'http://x').searchParams.get('org_id'))).toEqual(['2'])
    dashboardCalls[0].answer(dashboardOf(2, '城关学区', 1234))
    await settle()
    expect(text('dashboard-unit')).toContain('城关学区')
    expect(text('pillar-theory')).toContain('1,234')
    expect(text('cell-total-theory')).toBe('1,234')
    expect(text('cell-total')).toBe('2,468')

    // Quickly to 东关学区, then another period before the first answer.
    await router.replace('/dashboard?org_id=3&period=2026')
    await settle()
    await router.replace('/dashboard?org_id=3&period=2025')
    await settle()
    expect(dashboardCalls).toHaveLength(3)
    // The newest answers first; the older 东关学区 2026 answer arrives last.
    dashboardCalls[2].answer({ ...dashboardOf(3, '东关学区', 7), period: { ...period, code: '2025', label_zh: '2025年' } })
    await settle()
    dashboardCalls[1].answer(dashboardOf(3, '东关学区', 99999))
    await settle()
    expect(text('dashboard-unit')).toContain('2025年')
    expect(text('pillar-theory')).toContain('7')
    expect(text('pillar-theory')).not.toContain('99,999')
    // One request per choice, however many parts the page has.
    expect(dashboardCalls).toHaveLength(3)
  })

  it('shows — where last year had nothing to compare with', () => {
    expect(el.querySelector('[data-test="pillar-theory"] .chg')?.textContent?.trim()).toBe('—')
  })
})
