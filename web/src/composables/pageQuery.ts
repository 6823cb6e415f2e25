import { getCurrentInstance, onBeforeUnmount } from 'vue'
import { onBeforeRouteLeave, useRouter, type LocationQueryRaw } from 'vue-router'

/**
 * A page writes its filters into its own URL with replace(). Those writes
 * often follow an answer (the presets, the units), and an answer that arrives
 * after the user has clicked away would be a navigation back to this page:
 * the router drops the pending one, so the menu click "does nothing" on a
 * slow network. This keeps a page's query writes to the page: once a
 * navigation leaves it they are skipped, until that navigation is over
 * (a cancelled leave lets them through again).
 */
export function usePageQuery() {
  const router = useRouter()
  let leaving = false
  if (getCurrentInstance()) {
    onBeforeRouteLeave(() => {
      leaving = true
    })
    const stop = router.afterEach(() => {
      leaving = false
    })
    onBeforeUnmount(() => {
      leaving = true
      stop()
    })
  }
  return {
    /** Whether a navigation is taking the user away from this page. */
    leaving: () => leaving,
    /** router.replace / push of this page's query, unless the user is leaving. */
    write(query: LocationQueryRaw, push = false) {
      if (leaving) return Promise.resolve()
      return push ? router.push({ query }) : router.replace({ query })
    },
  }
}
