import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, h, nextTick, type App } from 'vue'
import { i18n } from '@/i18n'
import TrendChart from './TrendChart.vue'
import { fillMonths } from './helpers'

// The trend in a DOM: a bar per month up to this month, none after; a month
// opens its records by click or by Enter; figures carry thousands separators.
let app: App | null = null
const el = document.createElement('div')
const picked: string[] = []

beforeAll(async () => {
  document.body.appendChild(el)
  const months = fillMonths('2026', [{ key: '2026-03', count: 12, attendance: 1500 }, { key: '2026-11', count: 4, attendance: 80 }], '2026-11-29')
  app = createApp({ render: () => h(TrendChart, { months, countLabel: '场次', attendanceLabel: '人次', onPick: (m: string) => picked.push(m) }) })
  app.use(i18n)
  app.mount(el)
  await nextTick()
})
afterAll(() => app?.unmount())

describe('TrendChart', () => {
  it('draws a bar per month up to this month and none for months to come', () => {
    expect(el.querySelectorAll('rect.bar')).toHaveLength(11)
    expect(el.querySelector('[data-test="trend-2026-12"]')?.getAttribute('tabindex')).toBeNull()
    expect(el.querySelector('[data-test="trend-2026-03"] title')?.textContent).toContain('人次 1,500')
  })
  it('opens a month by click and by Enter, never a month to come', async () => {
    el.querySelector('[data-test="trend-2026-03"]')!.dispatchEvent(new MouseEvent('click'))
    el.querySelector('[data-test="trend-2026-11"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }))
    el.querySelector('[data-test="trend-2026-12"]')!.dispatchEvent(new MouseEvent('click'))
    await nextTick()
    expect(picked).toEqual(['2026-03', '2026-11'])
  })
})
