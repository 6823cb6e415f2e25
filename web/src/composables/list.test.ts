import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h, nextTick, type App } from 'vue'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { http } from '@/api/typed'
import { useList, type ListPage } from './list'
import { useLatest } from './latest'

// A list page in a DOM, its reads going through the real API client to a
// fetch that answers when the test says — out of order: the older answer
// must never show, whichever arrives last.

interface Pending {
  url: string
  signal: AbortSignal | undefined
  answer(body: unknown, status?: number): void
}
let pending: Pending[] = []

beforeEach(() => {
  pending = []
  vi.stubGlobal(
    'fetch',
    vi.fn(
      (url: string, init?: RequestInit) =>
        new Promise<Response>((resolve) => {
          pending.push({
            url,
            signal: init?.signal ?? undefined,
            answer: (body, status = 200) => resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })),
          })
        }),
    ),
  )
})
afterEach(() => vi.unstubAllGlobals())

const flush = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0))
  await nextTick()
}

interface Row {
  id: number
  name: string
}
const pageOf = (name: string, total = 1): ListPage<Row> => ({ items: [{ id: 1, name }], total })

// A list of units filtered by a name, as a page would show it.
const ListPageComponent = defineComponent({
  props: { inUrl: Boolean },
  setup(props, { expose }) {
    const list = useList<{ q: string }, Row>({
      initial: () => ({ q: '' }),
      // The typed call stops (its fetch aborted) when a newer read starts.
      fetch: (f, p, signal) =>
        http.get('/api/v1/orgs', { query: { q: f.q, limit: p.limit, offset: p.offset }, signal }) as unknown as Promise<ListPage<Row>>,
      query: props.inUrl
        ? { keys: ['q'], parse: (q) => ({ q: typeof q.q === 'string' ? q.q : '' }), format: (f) => ({ q: f.q || undefined }) }
        : undefined,
    })
    expose({ list })
    return () =>
      h('div', [
        h('span', { class: 'loading' }, String(list.loading.value)),
        h('ul', list.items.value.map((r) => h('li', { key: r.id }, r.name))),
        h('span', { class: 'error' }, list.error.value ? 'error' : ''),
      ])
  },
})

async function mount(inUrl: boolean): Promise<{ app: App; el: HTMLElement; list: ReturnType<typeof useList<{ q: string }, Row>>; router: Router }> {
  const el = document.createElement('div')
  document.body.appendChild(el)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/units', component: ListPageComponent }, { path: '/other', component: { render: () => null } }] })
  await router.push('/units')
  let exposed: { list: ReturnType<typeof useList<{ q: string }, Row>> } | null = null
  const app = createApp({ render: () => h(ListPageComponent, { inUrl, ref: (x: unknown) => (exposed = x as typeof exposed) }) })
  app.use(router)
  app.mount(el)
  await flush()
  return { app, el, list: exposed!.list, router }
}

const shown = (el: HTMLElement) => [...el.querySelectorAll('li')].map((li) => li.textContent)

describe('useList', () => {
  for (const inUrl of [false, true]) {
    it(`never shows an older answer that arrives last (${inUrl ? 'filter in the URL' : 'filter in the component'})`, async () => {
      const { app, el, list, router } = await mount(inUrl)
      expect(pending).toHaveLength(1) // the first read
      list.setFilter({ q: '城关' })
      await flush()
      list.setFilter({ q: '城关一中' })
      await flush()
      expect(pending.map((p) => new URL(p.url, 'http://x').searchParams.get('q') ?? '')).toEqual(['', '城关', '城关一中'])
      // The older reads are stopped, not only ignored.
      expect(pending.map((p) => p.signal?.aborted)).toEqual([true, true, false])
      if (inUrl) expect(router.currentRoute.value.query).toEqual({ q: '城关一中' })
      // The newest answers first, then the older ones.
      pending[2].answer(pageOf('城关一中'))
      await flush()
      expect(shown(el)).toEqual(['城关一中'])
      expect(el.querySelector('.loading')?.textContent).toBe('false')
      pending[1].answer(pageOf('城关学区'))
      pending[0].answer(pageOf('全部'))
      await flush()
      expect(shown(el)).toEqual(['城关一中'])
      expect(list.filter.value.q).toBe('城关一中')
      app.unmount()
    })
  }

  it('keeps loading while the newest read runs, though an older one answered', async () => {
    const { app, el, list } = await mount(false)
    list.setPage(2)
    await flush()
    pending[0].answer(pageOf('第一页', 40))
    await flush()
    expect(shown(el)).toEqual([])
    expect(el.querySelector('.loading')?.textContent).toBe('true')
    expect(new URL(pending[1].url, 'http://x').searchParams.get('offset')).toBe('20')
    pending[1].answer(pageOf('第二页', 40))
    await flush()
    expect(shown(el)).toEqual(['第二页'])
    expect(el.querySelector('.loading')?.textContent).toBe('false')
    app.unmount()
  })

  it('an error of an older read does not show over the newer answer', async () => {
    const { app, el, list } = await mount(false)
    list.setFilter({ q: 'x' })
    await flush()
    pending[1].answer(pageOf('新'))
    await flush()
    // The older read fails last: nothing changes.
    pending[0].answer({ error: { code: 'internal', message: 'boom' } }, 500)
    await flush()
    expect(shown(el)).toEqual(['新'])
    expect(el.querySelector('.error')?.textContent).toBe('')
    app.unmount()
  })

  it('keeps the other parameters of the URL and goes back to page 1 on a new filter', async () => {
    const { app, list, router } = await mount(true)
    await router.replace({ query: { tab: 'reports', page: '3' } })
    await flush()
    expect(list.page.value).toBe(3)
    list.setFilter({ q: '一中' })
    await flush()
    expect(router.currentRoute.value.query).toEqual({ tab: 'reports', q: '一中' })
    expect(list.page.value).toBe(1)
    // Leaving the page reads nothing for the other page's query.
    const before = pending.length
    await router.push('/other?q=zzz')
    await flush()
    expect(pending.length).toBe(before)
    app.unmount()
  })
})

// A page whose URL may state its page as limit and offset (the ledger's
// dashboard links), and that reads a field of the answer besides its rows.
const PagedComponent = defineComponent({
  setup(_, { expose }) {
    const list = useList<{ q: string }, Row, ListPage<Row> & { capped: boolean }>({
      initial: () => ({ q: '' }),
      fetch: (f, p, signal) =>
        http.get('/api/v1/orgs', { query: { q: f.q, limit: p.limit, offset: p.offset }, signal }) as unknown as Promise<ListPage<Row> & { capped: boolean }>,
      query: {
        keys: ['q', 'limit', 'offset'],
        parse: (q) => ({ q: typeof q.q === 'string' ? q.q : '' }),
        format: (f) => ({ q: f.q || undefined }),
        paging: (q, size) => {
          const limit = Number(q.limit) || size
          return { page: typeof q.page === 'string' ? Number(q.page) : Math.floor((Number(q.offset) || 0) / limit) + 1, size: limit }
        },
      },
    })
    expose({ list })
    return () => h('span', String(list.answer.value?.capped ?? ''))
  },
})

describe('useList paging and answer', () => {
  it('reads the page the URL states as limit and offset, writes page and size, and keeps the whole answer', async () => {
    const el = document.createElement('div')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/units', component: PagedComponent }] })
    await router.push('/units?limit=50&offset=100')
    let exposed: { list: ReturnType<typeof useList<{ q: string }, Row, ListPage<Row> & { capped: boolean }>> } | null = null
    const app = createApp({ render: () => h(PagedComponent, { ref: (x: unknown) => (exposed = x as typeof exposed) }) })
    app.use(router)
    app.mount(el)
    await flush()
    const list = exposed!.list
    expect(list.page.value).toBe(3)
    expect(list.size.value).toBe(50)
    const q = new URL(pending[0].url, 'http://x').searchParams
    expect([q.get('limit'), q.get('offset')]).toEqual(['50', '100'])
    pending[0].answer({ ...pageOf('甲', 200), capped: true })
    await flush()
    expect(el.textContent).toBe('true')
    list.setPage(4)
    await flush()
    expect(router.currentRoute.value.query).toEqual({ page: '4', size: '50' })
    app.unmount()
  })
})

describe('useLatest', () => {
  it('aborts the previous run and resolves it stale', async () => {
    const latest = useLatest()
    const signals: AbortSignal[] = []
    let answerFirst: (v: string) => void = () => undefined
    const first = latest.run((s) => {
      signals.push(s)
      return new Promise<string>((r) => (answerFirst = r))
    })
    const second = latest.run(async (s) => {
      signals.push(s)
      return 'second'
    })
    answerFirst('first')
    expect(await second).toEqual({ stale: false, value: 'second' })
    expect(await first).toEqual({ stale: true })
    expect(signals[0].aborted).toBe(true)
    expect(signals[1].aborted).toBe(false)
  })

  it('rejects with the latest run\'s error only', async () => {
    const latest = useLatest()
    const old = latest.run(() => Promise.reject(new Error('old')))
    const now = latest.run(() => Promise.reject(new Error('now')))
    await expect(old).resolves.toEqual({ stale: true })
    await expect(now).rejects.toThrow('now')
  })
})
