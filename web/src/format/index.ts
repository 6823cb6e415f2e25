// One formatting module for numbers, dates and timestamps, desktop and phone.
// Numbers get the reader's thousands separators; a missing figure is "—".
// Timestamps are shown in the BUREAU's time zone (GET /api/v1/clock), never
// the browser's: a PC set to another zone would otherwise show another hour,
// and near midnight another day, than the ledger and the reports use.
import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { serverClock } from '@/api/clock'

/** Shown for a figure or time that is not there. */
export const NONE = '—'

/**
 * The zone used until GET /api/v1/clock has answered: the zone zeren is run
 * in by default (internal/config). The answer replaces it at once.
 */
export const DEFAULT_ZONE = 'Asia/Shanghai'

/** A number with thousands separators (1,234,567); "—" for none. */
export function formatNumber(n: number | null | undefined, locale: string, maxFractionDigits = 2): string {
  if (n === null || n === undefined || Number.isNaN(n)) return NONE
  return new Intl.NumberFormat(locale, { maximumFractionDigits: maxFractionDigits }).format(n)
}

/** A share 0..1 as a percentage (12.5%); "—" for none. */
export function formatPercent(share: number | null | undefined, locale: string, maxFractionDigits = 1): string {
  if (share === null || share === undefined || Number.isNaN(share)) return NONE
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: maxFractionDigits }).format(share)
}

function parts(at: Date, zone: string): Record<string, string> {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
  return Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]))
}

/**
 * An instant (RFC 3339) as the bureau's wall-clock time, "2026-03-02 14:05"
 * (with seconds when asked), the same in every language; "—" for none or an
 * unreadable value.
 */
export function formatTimestamp(iso: string | null | undefined, zone: string, seconds = false): string {
  if (!iso) return NONE
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return NONE
  const p = parts(at, zone)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}`
}

/** The bureau's calendar day of an instant, YYYY-MM-DD. */
export function bureauDay(at: Date, zone: string): string {
  const p = parts(at, zone)
  return `${p.year}-${p.month}-${p.day}`
}

/** The bureau's time of an instant: "14:05" on the bureau's today, else "3月2日 14:05" / "2 Mar 14:05". */
export function formatTimeOfDay(at: Date, locale: string, zone: string, now: Date): string {
  const sameDay = bureauDay(at, zone) === bureauDay(now, zone)
  const opts: Intl.DateTimeFormatOptions = sameDay
    ? { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    : { timeZone: zone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
  return new Intl.DateTimeFormat(locale, opts).format(at)
}

/** A byte count as KB/MB with separators (1,536 KB, 2.5 MB). */
export function formatBytes(bytes: number, locale: string): string {
  if (bytes < 1024) return `${formatNumber(bytes, locale, 0)} B`
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, locale, 0)} KB`
  return `${formatNumber(bytes / (1024 * 1024), locale, 1)} MB`
}

// The bureau's zone, once the server has said it (shared by every page).
const zone = ref(DEFAULT_ZONE)
let asked = false

/**
 * The bureau's zone as far as known, without asking the server (GET
 * /api/v1/clock needs a session: the login pages must not ask it).
 */
export function knownBureauZone(): string {
  return zone.value
}

/** The bureau's time zone as a ref: DEFAULT_ZONE until GET /api/v1/clock answers (for pages of a session). */
export function useBureauZone() {
  if (!asked) {
    asked = true
    void serverClock().then(
      (c) => (zone.value = c.time_zone || DEFAULT_ZONE),
      () => {
        asked = false // ask again on the next page
      },
    )
  }
  return zone
}

/** Formatting bound to the current language and the bureau's zone, for templates. */
export function useFormat() {
  const { locale } = useI18n()
  const z = useBureauZone()
  const lang = computed(() => String(locale.value))
  return {
    number: (n: number | null | undefined, digits?: number) => formatNumber(n, lang.value, digits),
    percent: (share: number | null | undefined, digits?: number) => formatPercent(share, lang.value, digits),
    timestamp: (iso: string | null | undefined) => formatTimestamp(iso, z.value),
    timestampSeconds: (iso: string | null | undefined) => formatTimestamp(iso, z.value, true),
    bytes: (n: number) => formatBytes(n, lang.value),
    zone: z,
  }
}
