import { onBeforeUnmount, onMounted, ref } from 'vue'
import { serverClock } from './api'

/**
 * The SERVER's now, ticking every second: the offset of the browser's clock
 * from GET /api/v1/clock is taken once, so a countdown never trusts a wrong
 * clock on the user's machine.
 */
export function useServerNow() {
  const now = ref(Date.now())
  let offset = 0
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(async () => {
    timer = setInterval(() => (now.value = Date.now() + offset), 1000)
    try {
      const c = await serverClock()
      offset = new Date(c.now).getTime() - Date.now()
      now.value = Date.now() + offset
    } catch {
      // The page still shows the deadlines themselves.
    }
  })
  onBeforeUnmount(() => timer && clearInterval(timer))
  return now
}
