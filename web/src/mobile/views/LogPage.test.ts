import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { createApp, type App } from 'vue'
import { createPinia } from 'pinia'
import { resetServerClock } from '@/api/clock'
import { useAuthStore, type Pending } from '@/stores/auth'
import type { Me } from '@/api/client'
import { i18n } from '../i18n'
import LogPage from './LogPage.vue'

// 记一笔 on a phone in Los Angeles whose clock reads 31 December, 08:01 —
// 00:01 on New Year's Day in Beijing: the date defaults to the server's
// today, 2026-01-01, not the phone's.

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

const savedTZ = process.env.TZ
let app: App | null = null
const el = document.createElement('div')

const json = (v: unknown) => new Response(JSON.stringify(v), { status: 200, headers: { 'Content-Type': 'application/json' } })
const answers: Record<string, unknown> = {
  '/api/v1/clock': { today: '2026-01-01', now: '2026-01-01T00:01:00+08:00', time_zone: 'Asia/Shanghai' },
  '/api/v1/pillars': { items: [{ code: 'theory', name: '狠抓理论学习', name_en: 'Theory study', order: 2 }] },
  '/api/v1/activity-types?active=true': {
    items: [{ id: 10, code: 'themed', order: 1, pillar: 'theory', name: '主题活动', name_en: 'Themed', active: true, venues: [], expects_attendance: false, expects_evidence: false, tracks_publication: false }],
  },
  '/api/v1/evidence-limits': { max_size: 1 << 20, max_size_mb: 1, max_files_per_activity: 3, accepted: [], accept: 'image/*', description: '', description_zh: '' },
}

beforeAll(() => {
  process.env.TZ = 'America/Los_Angeles'
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2025-12-31T16:01:00Z'))
  sessionStorage.clear()
  resetServerClock()
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string) => (path in answers ? json(answers[path]) : new Response('{}', { status: 404 }))),
  )
  document.body.appendChild(el)
  const pinia = createPinia()
  app = createApp(LogPage).use(pinia).use(i18n)
  const auth = useAuthStore(pinia)
  auth.setMe({ pending: '' as Pending, permissions: ['activity.write', 'activity.submit'], csrf_token: 'x' } as unknown as Me)
  app.mount(el)
})

afterAll(() => {
  app?.unmount()
  el.remove()
  process.env.TZ = savedTZ
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

it("defaults the date to the server's today, not the phone's", async () => {
  // The browser's own day is still 31 December here.
  expect(new Date().getDate()).toBe(31)
  await vi.waitFor(() => expect(el.querySelector('[data-test=log-date] input')).not.toBeNull(), { timeout: 60_000, interval: 50 })
  expect((el.querySelector('[data-test=log-date] input') as HTMLInputElement).value).toBe('2026-01-01')
})
