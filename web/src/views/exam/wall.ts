// An exam's window is typed as the bureau's wall-clock time ("2026-12-08
// 09:00" in Asia/Shanghai), whatever the browser's zone, and sent as an
// instant (RFC 3339). el-date-picker works in the browser's zone, so it is
// given and gives back the wall-clock text (value-format), converted here.
import { formatTimestamp } from '@/format'

const wallMs = (wall: string): number => {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})/.exec(wall)
  if (!m) return NaN
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5])
}

/** The instant (RFC 3339, UTC) that the zone's clocks show as wall ("YYYY-MM-DD HH:mm"); '' when unreadable. */
export function wallToInstant(wall: string, zone: string): string {
  const target = wallMs(wall)
  if (Number.isNaN(target)) return ''
  let guess = target
  // Two corrections settle any fixed offset and the days a zone changes its own.
  for (let i = 0; i < 3; i++) {
    const shown = wallMs(formatTimestamp(new Date(guess).toISOString(), zone))
    if (shown === target) break
    guess -= shown - target
  }
  return new Date(guess).toISOString().replace('.000Z', 'Z')
}

/** The zone's wall-clock time of an instant, "YYYY-MM-DD HH:mm" ('' for none). */
export function instantToWall(iso: string | undefined, zone: string): string {
  if (!iso) return ''
  const s = formatTimestamp(iso, zone)
  return s === '—' ? '' : s
}
