// The server's clock is the only clock. "Today" — a form's default date, the
// latest date a record may have, the running year and month — is the date in
// the bureau's time zone that GET /api/v1/clock answers, never the device's:
// a phone or PC set to another zone (or to a wrong time) would otherwise see
// another day between 16:00 and 24:00 UTC.
import { ref, type Ref } from 'vue'
import type { Schemas } from './client'
import { http } from './typed'

export type ServerClock = Schemas['Clock']

/** How long an answer is reused; a page left open over midnight asks again. */
const maxAgeMs = 60_000

let cached: { at: number; clock: Promise<ServerClock> } | null = null

/** The server's clock (GET /api/v1/clock), asked at most once a minute. */
export function serverClock(): Promise<ServerClock> {
  // performance.now() measures elapsed time only; it says nothing about the date.
  const at = performance.now()
  if (!cached || at - cached.at > maxAgeMs) {
    const clock = http.get('/api/v1/clock')
    cached = { at, clock }
    clock.catch(() => {
      if (cached?.clock === clock) cached = null
    })
  }
  return cached.clock
}

/** Today's date in the bureau's time zone, YYYY-MM-DD. */
export async function serverToday(): Promise<string> {
  return (await serverClock()).today
}

/** Forgets the cached answer (tests; a new login). */
export function resetServerClock(): void {
  cached = null
}

/**
 * A YYYY-MM-DD date as the Date a date picker shows as that calendar day
 * (local midnight of its year, month and day), whatever the browser's zone.
 */
export function pickerDate(day: string): Date {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(y, m - 1, d)
}

/** The calendar day a date picker's Date shows, as YYYY-MM-DD. */
export function dayOf(picked: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${picked.getFullYear()}-${p(picked.getMonth() + 1)}-${p(picked.getDate())}`
}

/**
 * Today's date from the server as a ref: '' until the server answers (a form
 * left blank then gets today from the server itself).
 */
export function useServerToday(): Ref<string> {
  const today = ref('')
  void serverToday().then(
    (d) => (today.value = d),
    () => undefined,
  )
  return today
}
