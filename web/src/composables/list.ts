// One list composable for the list pages: a filter, a page, the URL query
// (optional), the latest answer only (useLatest: abort and sequence check),
// and the loading and error state. The ledger's filter-in-the-URL is the
// model: with `query`, the filter and the page live in the route's query, so
// a link can be shared and the back button restores the last filter; without
// it (a drawer, a panel inside a page) they live in the component.
import { computed, ref, shallowRef, watch, type ComputedRef, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useLatest } from './latest'
import { usePageQuery } from './pageQuery'

/** A route query value as vue-router gives it. */
export type QueryValue = string | null | (string | null)[] | undefined
export type RouteQuery = Record<string, QueryValue>
export type QueryOut = Record<string, string | string[] | undefined>

/** A page of a list as the API answers it. */
export interface ListPage<T> {
  items: T[]
  total: number
}

/** The page asked for: the API's limit and offset. */
export interface PageRequest {
  limit: number
  offset: number
}

export interface ListQuery<F> {
  /** The filter the URL describes (values the API would refuse dropped). */
  parse(q: RouteQuery): F
  /** The URL query of a filter: only what differs from the defaults. */
  format(f: F): QueryOut
  /** The query keys the list owns; other keys of the URL are kept as they are. */
  keys: readonly string[]
  /**
   * The page the URL asks for, when it may say so in other terms than page
   * and size (the ledger reads a dashboard link's limit and offset); by
   * default the page and size keys.
   */
  paging?(q: RouteQuery, defaultSize: number): { page: number; size: number }
}

export interface ListOptions<F, T, P extends ListPage<T> = ListPage<T>> {
  /** The filter a list starts with (and reset() returns to). */
  initial: () => F
  /** Reads a page. signal aborts it when a newer read starts. */
  fetch: (filter: F, page: PageRequest, signal: AbortSignal) => Promise<P>
  /** Keep the filter and the page in the route's query. */
  query?: ListQuery<F>
  /** Rows per page (default 20). */
  size?: number
  /** While false, nothing is read (e.g. until reference data or a unit is there). */
  enabled?: () => boolean
  /** Read at once (default true); else on the first reload() or change. */
  immediate?: boolean
}

export interface List<F, T, P extends ListPage<T> = ListPage<T>> {
  filter: ComputedRef<F>
  page: ComputedRef<number>
  size: ComputedRef<number>
  items: Ref<T[]>
  total: Ref<number>
  /** The latest answer whole (for what a page answers besides its rows), null before one or after an error. */
  answer: Ref<P | null>
  loading: Ref<boolean>
  /** The latest read's error (describe it with useErrorMessage), null when it succeeded. */
  error: Ref<unknown>
  /** Changes the filter (back to page 1). */
  setFilter(patch: Partial<F>): void
  setPage(page: number): void
  setSize(size: number): void
  reset(): void
  /** Reads the current page again (e.g. after a change). */
  reload(): Promise<void>
}

interface State<F> {
  filter: F
  page: number
  size: number
}

function first(v: QueryValue): string | undefined {
  const s = (Array.isArray(v) ? v : [v]).find((x): x is string => typeof x === 'string')
  return s === undefined || s.trim() === '' ? undefined : s.trim()
}

/** A positive whole number from the URL, or the fallback. */
export function positiveInt(v: QueryValue, fallback: number, max = 1e6): number {
  const s = first(v)
  return s && /^[1-9]\d{0,6}$/.test(s) && Number(s) <= max ? Number(s) : fallback
}

export function useList<F extends object, T, P extends ListPage<T> = ListPage<T>>(opts: ListOptions<F, T, P>): List<F, T, P> {
  const defaultSize = opts.size ?? 20
  const q = opts.query
  const route = q ? useRoute() : null
  const router = q ? useRouter() : null
  const pageQuery = q ? usePageQuery() : null
  const local = shallowRef<State<F>>({ filter: opts.initial(), page: 1, size: defaultSize })

  const state = computed<State<F>>(() => {
    if (!q || !route) return local.value
    const paging = q.paging ? q.paging(route.query, defaultSize) : { page: positiveInt(route.query.page, 1), size: positiveInt(route.query.size, defaultSize, 500) }
    return { filter: q.parse(route.query), ...paging }
  })

  function write(next: State<F>, push = true) {
    if (!q || !route || !router) {
      local.value = next
      return
    }
    const query: QueryOut = {}
    for (const [k, v] of Object.entries(route.query)) {
      if (!q.keys.includes(k) && k !== 'page' && k !== 'size') query[k] = v as string | string[]
    }
    Object.assign(query, q.format(next.filter))
    if (next.page !== 1) query.page = String(next.page)
    if (next.size !== defaultSize) query.size = String(next.size)
    void pageQuery?.write(query, push)
  }

  const items = ref<T[]>([]) as Ref<T[]>
  const total = ref(0)
  const answer = shallowRef(null) as Ref<P | null>
  const loading = ref(false)
  const error = ref<unknown>(null)
  const latest = useLatest()

  async function reload() {
    if (opts.enabled && !opts.enabled()) return
    const { filter, page, size } = state.value
    loading.value = true
    error.value = null
    try {
      const res = await latest.run((signal) => opts.fetch(filter, { limit: size, offset: (page - 1) * size }, signal))
      if (res.stale) return // a newer read owns the list and its loading state
      items.value = res.value.items
      total.value = res.value.total
      answer.value = res.value
      loading.value = false
      // A page past the end (rows went away): show the last page instead.
      if (!res.value.items.length && res.value.total > 0 && page > 1) write({ filter, size, page: Math.ceil(res.value.total / size) }, false)
    } catch (e) {
      items.value = []
      total.value = 0
      answer.value = null
      error.value = e
      loading.value = false
    }
  }

  // Read whenever what is asked changes: the filter, the page, the size —
  // but not when the route leaves this page (its query is another page's).
  const ownPath = route?.path
  // Being enabled is part of the key, so that enabling and a new filter at once read once.
  const key = computed(() => ((route && route.path !== ownPath) || (opts.enabled && !opts.enabled()) ? null : JSON.stringify(state.value)))
  watch(key, (k) => k !== null && void reload())
  if (opts.immediate !== false) void reload()

  return {
    filter: computed(() => state.value.filter),
    page: computed(() => state.value.page),
    size: computed(() => state.value.size),
    items,
    total,
    answer,
    loading,
    error,
    setFilter: (patch) => write({ ...state.value, filter: { ...state.value.filter, ...patch }, page: 1 }),
    setPage: (page) => write({ ...state.value, page }),
    setSize: (size) => write({ ...state.value, size, page: 1 }),
    reset: () => write({ filter: opts.initial(), page: 1, size: defaultSize }),
    reload,
  }
}
