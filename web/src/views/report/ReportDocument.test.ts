import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '@/i18n'
import ReportDocument from './ReportDocument.vue'
import type { Report, ReportFigure } from './types'

// The report drawn in a DOM (happy-dom): every figure is a link to exactly
// its records, with the expression and query as its tooltip; an empty slot's
// reminder is marked; a figure without records is not a link.

const fig = (over: Partial<ReportFigure>): ReportFigure => ({
  index: 0,
  expr: 'count(type: "outreach_lecture")',
  func: 'count',
  line: 5,
  column: 3,
  value: 84,
  display: '84',
  unit: '场次',
  query: 'count unit=X period=2024 type=outreach_lecture',
  records: '/ledger?org_id=1&period=2024&type_id=7&status=approved',
  approx: false,
  digest: '',
  n_records: 0,
  ...over,
})

const report: Pick<Report, 'blocks' | 'figures'> = {
  blocks: [
    { kind: 'title', spans: [{ text: '示范县教育局2024年报告' }] },
    { kind: 'heading1', spans: [{ text: '一、理论学习' }] },
    { kind: 'paragraph', spans: [{ text: '宣讲' }, { text: '84', figure: 0 }, { text: '场次，问题' }, { text: '2', figure: 1 }, { text: '个。' }] },
    { kind: 'paragraph', spans: [{ text: '【请填写：下一步工作打算】' }], slot: 'next_steps', reminder: true },
    { kind: 'signature', spans: [{ text: '示范县教育局' }] },
  ],
  figures: [fig({}), fig({ index: 1, expr: 'problems()', func: 'problems', value: 2, display: '2', unit: '个', records: '', query: 'problems accepted' })],
}

let app: App | null = null
const el = document.createElement('div')

beforeAll(async () => {
  document.body.appendChild(el)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
  app = createApp(ReportDocument, { report })
  app.use(router).use(i18n)
  await router.push('/')
  app.mount(el)
})

afterAll(() => app?.unmount())

describe('ReportDocument', () => {
  it('draws the blocks as a document', () => {
    expect(el.querySelector('h1')?.textContent).toBe('示范县教育局2024年报告')
    expect(el.querySelector('h2')?.textContent).toBe('一、理论学习')
    expect(el.querySelector('.blk-signature')?.textContent).toBe('示范县教育局')
    expect(el.querySelector('.reminder')?.textContent).toBe('【请填写：下一步工作打算】')
  })

  it('links each figure to its records with the query as tooltip', () => {
    const links = el.querySelectorAll('a[data-test=figure]')
    expect(links.length).toBe(1)
    const a = links[0] as HTMLAnchorElement
    expect(a.textContent).toBe('84')
    expect(a.getAttribute('href')).toBe('/ledger?org_id=1&period=2024&type_id=7&status=approved')
    expect(a.getAttribute('title')).toContain('count(type: "outreach_lecture")')
    expect(a.getAttribute('title')).toContain('count unit=X period=2024')
    expect(el.querySelectorAll('p')[0].textContent).toBe('宣讲84场次，问题2个。')
  })

  it('shows a figure without records as plain text', () => {
    const span = el.querySelector('span.fig.nolink')
    expect(span?.textContent).toBe('2')
    expect(span?.getAttribute('title')).toContain('problems()')
  })
})
