import { describe, expect, it } from 'vitest'
import { createApp, defineComponent, h, nextTick } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { usePageQuery } from './pageQuery'

// A page whose filters land in its URL after a slow answer, while the user
// has already clicked a menu item whose page is still loading: the click
// must win. Before usePageQuery the late replace() cancelled it.

let write: ((q: Record<string, string>) => Promise<unknown>) | null = null

const Dashboard = defineComponent({
  setup() {
    const pq = usePageQuery()
    write = (q) => pq.write(q)
    return () => h('div', 'dashboard')
  },
})

function setup() {
  let loaded: (() => void) | null = null
  const rosters = () =>
    new Promise<typeof Dashboard>((resolve) => {
      loaded = () => resolve(defineComponent({ setup: () => () => h('div', 'rosters') }))
    })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', redirect: '/dashboard' },
      { path: '/dashboard', name: 'dashboard', component: Dashboard },
      { path: '/rosters', name: 'rosters', component: rosters },
    ],
  })
  const app = createApp({ render: () => h(RouterView) })
  app.use(router)
  app.mount(document.createElement('div'))
  return { router, finishLoading: () => loaded?.() }
}

describe('usePageQuery', () => {
  it('writes the page query while the user stays on the page', async () => {
    const { router } = setup()
    await router.push('/dashboard')
    await write!({ period: '2024' })
    expect(router.currentRoute.value.fullPath).toBe('/dashboard?period=2024')
  })

  it('does not pull the user back when a late answer writes the query after a click away', async () => {
    const { router, finishLoading } = setup()
    await router.push('/dashboard')
    const away = router.push('/rosters') // the menu click; the page's chunk is still loading
    await nextTick()
    await new Promise((r) => setTimeout(r, 0))
    void write!({ period: '2024' }) // the presets answer arrives now
    finishLoading()
    await away
    await new Promise((r) => setTimeout(r, 0))
    expect(router.currentRoute.value.path).toBe('/rosters')
  })

  it('writes again when the navigation away was cancelled', async () => {
    const { router } = setup()
    await router.push('/dashboard')
    router.beforeEach((to) => to.path !== '/rosters')
    await router.push('/rosters')
    expect(router.currentRoute.value.path).toBe('/dashboard')
    await write!({ period: '2025' })
    expect(router.currentRoute.value.fullPath).toBe('/dashboard?period=2025')
  })
})
