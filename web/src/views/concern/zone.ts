import { ref, type Ref } from 'vue'
import { serverClock } from '@/api/clock'
import { formatTimestamp } from '@/format'

/** The bureau's time zone (GET /api/v1/clock), for showing instants. */
export function useZone(): Ref<string> {
  const zone = ref('Asia/Shanghai')
  serverClock()
    .then((c) => (zone.value = c.time_zone))
    .catch(() => undefined)
  return zone
}

/** An instant as the bureau's wall-clock time. */
export const at = (iso: string | undefined, zone: string) => formatTimestamp(iso, zone)
