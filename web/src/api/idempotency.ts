// The idempotency key of one form fill: generated when the form starts, sent
// with every attempt to create the activity (retries, a double tap, a second
// tap after a timeout), and replaced only when the activity was created, so
// that the next form fill is a new activity.

/**
 * A random UUID (v4). crypto.randomUUID exists only in secure contexts, and a
 * county intranet often serves plain HTTP; getRandomValues works everywhere.
 */
export function uuid4(random: (a: Uint8Array) => Uint8Array = (a) => crypto.getRandomValues(a)): string {
  const b = random(new Uint8Array(16))
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

export class FormKey {
  private current: string
  /** initial resumes a form fill saved before a reload (see LogPage's draft). */
  constructor(
    private readonly make: () => string = () => uuid4(),
    initial?: string,
  ) {
    this.current = initial || make()
  }
  /** The key of this form fill; the same on every call until succeeded(). */
  get key(): string {
    return this.current
  }
  /** The activity was created: the next form fill gets a new key. */
  succeeded(): void {
    this.current = this.make()
  }
}
