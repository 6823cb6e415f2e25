// Pure helpers of the duty pages.

/** The element-plus tag type of a progress state: worst states stand out. */
export function stateTag(state: string): 'danger' | 'warning' | 'success' | 'info' {
  switch (state) {
    case 'missed':
      return 'danger'
    case 'behind':
    case 'pending':
      return 'warning'
    case 'met':
      return 'success'
  }
  return 'info'
}

/** The ledger page listing a window's records: the progress link is the ledger's query. */
export function ledgerLink(records: string): string {
  return records ? `/ledger?${records}` : ''
}

/** done/due as a whole percent, rounded down (honest words); null when nothing is due. */
export function donePercent(done: number, due: number): number | null {
  if (due <= 0) return null
  return Math.floor((done * 100) / due)
}

/** The year of the page: ?year= when it is a plan year, else the server's today. */
export function pageYear(q: unknown, today: string): number {
  const n = Number(Array.isArray(q) ? q[0] : q)
  if (Number.isInteger(n) && n >= 2000 && n <= 2100) return n
  const y = Number(today.slice(0, 4))
  return Number.isInteger(y) && y >= 2000 ? y : new Date().getFullYear()
}
