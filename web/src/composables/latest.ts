// Latest answer only: a page that asks again before the last answer came
// (a new filter, another unit, the next page) must never show the older
// answer, whichever arrives last. Each run gets its own AbortController (the
// previous run's is aborted, so a call that takes a signal stops) and a
// sequence number (so a call that cannot be stopped is ignored when it answers).
import { getCurrentScope, onScopeDispose } from 'vue'

/** What run() resolves to: the answer, or stale when a newer run started meanwhile. */
export type Latest<T> = { stale: false; value: T } | { stale: true }

export interface LatestRunner {
  /** Runs load, aborting the previous run; rejects only with the error of the latest run. */
  run<T>(load: (signal: AbortSignal) => Promise<T>): Promise<Latest<T>>
  /** Aborts the running call, if any (its run resolves stale). */
  cancel(): void
}

const STALE = { stale: true } as const

export function useLatest(): LatestRunner {
  let seq = 0
  let current: AbortController | null = null

  function cancel() {
    seq++
    current?.abort()
    current = null
  }

  async function run<T>(load: (signal: AbortSignal) => Promise<T>): Promise<Latest<T>> {
    cancel()
    const mine = seq
    const ctrl = new AbortController()
    current = ctrl
    // Settles as soon as this run is aborted, so that a call which ignores its
    // signal does not hold the run (and the page's loading state) open.
    const aborted = new Promise<never>((_, reject) => ctrl.signal.addEventListener('abort', () => reject(ctrl.signal.reason), { once: true }))
    aborted.catch(() => undefined)
    try {
      const value = await Promise.race([load(ctrl.signal), aborted])
      return mine === seq ? { stale: false, value } : STALE
    } catch (e) {
      if (mine !== seq) return STALE
      throw e
    } finally {
      if (current === ctrl) current = null
    }
  }

  if (getCurrentScope()) onScopeDispose(cancel)
  return { run, cancel }
}
