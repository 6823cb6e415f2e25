// The outbox of the logged-in account (outbox.ts): its IndexedDB store, how
// its entries are sent, and when it flushes — at once, when the network
// returns ('online'), when the page is shown again, and every 15 s while
// something waits. A page queues a write with outboxFor(account).enqueue(…)
// and asks for a flush; it never sends those writes itself.
import { request } from './client'
import { IdbOutboxStore, MemoryOutboxStore, Outbox, type OutboxEntry, type OutboxSend, type OutboxStore } from './outbox'
import { uploadEvidence } from './upload'

/** The answers of one PUT /api/v1/attempts/{id}/answers, as queued. */
interface AnswersBody {
  answers: unknown[]
}

/**
 * Sends one batch: the answers of several saves of one attempt as one PUT; a
 * ledger record as its creation (with its Idempotency-Key: a replay answers
 * the record already created) and then its photos (content-addressed: a
 * photo sent twice is kept once).
 */
export const sendBatch: OutboxSend = async (batch: OutboxEntry[]) => {
  const first = batch[0]
  if (first.kind === 'answers') {
    const answers = batch.flatMap((e) => (e.body as AnswersBody).answers)
    return request('PUT', first.path, { answers })
  }
  const created = await request<{ id: number }>(first.method, first.path, first.body, first.headers)
  for (const f of first.files ?? []) await uploadEvidence(created.id, new File([f.data], f.name, { type: f.type }))
  return created
}

let store: OutboxStore | null = null
const boxes = new Map<number, Outbox>()

function theStore(): OutboxStore {
  if (!store) store = typeof indexedDB === 'undefined' ? new MemoryOutboxStore() : new IdbOutboxStore()
  return store
}

/** The outbox of account (one per page load). */
export function outboxFor(account: number): Outbox {
  let box = boxes.get(account)
  if (!box) {
    box = new Outbox(theStore(), account, sendBatch)
    boxes.set(account, box)
  }
  return box
}

const everyMs = 15_000

/**
 * Flushes account's outbox now and whenever a replay may succeed: the
 * network is back, the page is visible again, and every 15 s while entries
 * wait. Answers a function that stops it (logout, another account).
 */
export function startOutbox(account: number): () => void {
  const box = outboxFor(account)
  const flush = () => void box.flush().catch(() => undefined)
  const onVisible = () => {
    if (document.visibilityState === 'visible') flush()
  }
  window.addEventListener('online', flush)
  document.addEventListener('visibilitychange', onVisible)
  const timer = setInterval(() => {
    void box.pending().then((n) => n > 0 && flush(), () => undefined)
  }, everyMs)
  flush()
  return () => {
    window.removeEventListener('online', flush)
    document.removeEventListener('visibilitychange', onVisible)
    clearInterval(timer)
  }
}
