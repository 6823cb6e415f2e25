// The outbox: writes made on a flaky network (a phone in WeChat's browser, a
// school's Wi-Fi) are put here first and sent from here, in the order they
// were made, until the server has them. It lives in IndexedDB, so a closed
// tab, a reload or a phone that unloaded the page in the background loses
// nothing; the queue is per account, so that the next person on a shared
// phone never replays (nor sees) someone else's writes.
//
// Two kinds of writes use it:
//   - an exam's answers (PUT /api/v1/attempts/{id}/answers): each carries its
//     seq, so a replayed older save never overwrites a newer one on the
//     server; a newer save of the same question supersedes a queued older one
//     (`replaces`), and consecutive saves of one attempt go as one request;
//   - a phone ledger record (POST /api/v1/activities with its Idempotency-Key,
//     then its photos): replayed with the same key, the server answers the
//     activity it already created, never a second one.
//
// What happens to a failed send: no answer, a 5xx, a 429 or an ended session
// (401) keep the entry and stop the replay there (the order is kept; the next
// flush — the network returns, the page is shown again, the next write, a
// timer — tries again); any other 4xx is the server's final word (the exam
// has closed, the record is invalid): the entry is dropped and reported.
import { ApiError } from './client'

/** One queued write. */
export interface OutboxEntry {
  /** Order of the queue (assigned by the store). */
  id?: number
  /** The account whose write it is: only that account's session replays it. */
  account: number
  /** 'answers' entries of one path are merged into one request when sent together. */
  kind: 'answers' | 'activity'
  method: 'POST' | 'PUT'
  path: string
  body: unknown
  headers?: Record<string, string>
  /** A queued entry of the same account with this key is superseded (removed) by this one. */
  replaces?: string
  /** Photos of a ledger record, uploaded to it once it exists. */
  files?: { name: string; type: string; data: Blob }[]
  /** A label for the page that shows what waits (e.g. the record's title). */
  label?: string
}

/** Where entries are kept: IndexedDB in the browser, memory in unit tests. */
export interface OutboxStore {
  /** Adds e (removing the account's entries with the same `replaces` key first, in one step); answers its id. */
  add(e: OutboxEntry): Promise<number>
  /** The account's entries, oldest first. */
  list(account: number): Promise<OutboxEntry[]>
  remove(ids: number[]): Promise<void>
}

/** The store of the unit tests (and of a browser without IndexedDB). */
export class MemoryOutboxStore implements OutboxStore {
  private rows: OutboxEntry[] = []
  private next = 1
  async add(e: OutboxEntry): Promise<number> {
    if (e.replaces) this.rows = this.rows.filter((r) => !(r.account === e.account && r.replaces === e.replaces))
    const id = this.next++
    this.rows.push({ ...e, id })
    return id
  }
  async list(account: number): Promise<OutboxEntry[]> {
    return this.rows.filter((r) => r.account === account).map((r) => ({ ...r }))
  }
  async remove(ids: number[]): Promise<void> {
    const gone = new Set(ids)
    this.rows = this.rows.filter((r) => !gone.has(r.id!))
  }
}

const dbName = 'zeren-outbox'
const storeName = 'entries'

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
    tx.onabort = () => reject(tx.error)
  })
}

/** The browser's store: one IndexedDB object store, indexed by account (ids ascend, so the order is kept). */
export class IdbOutboxStore implements OutboxStore {
  private db: Promise<IDBDatabase> | null = null

  private open(): Promise<IDBDatabase> {
    if (!this.db) {
      const r = indexedDB.open(dbName, 1)
      r.onupgradeneeded = () => {
        const s = r.result.createObjectStore(storeName, { keyPath: 'id', autoIncrement: true })
        s.createIndex('account', 'account')
        s.createIndex('replaces', ['account', 'replaces'])
      }
      this.db = req(r)
      this.db.catch(() => (this.db = null))
    }
    return this.db
  }

  async add(e: OutboxEntry): Promise<number> {
    const db = await this.open()
    const tx = db.transaction(storeName, 'readwrite')
    const s = tx.objectStore(storeName)
    if (e.replaces) {
      const old = await req(s.index('replaces').getAllKeys([e.account, e.replaces]))
      for (const k of old) s.delete(k)
    }
    const row = { ...e }
    delete row.id
    const id = (await req(s.add(row))) as number
    await done(tx)
    return id
  }

  async list(account: number): Promise<OutboxEntry[]> {
    const db = await this.open()
    const rows = (await req(db.transaction(storeName).objectStore(storeName).index('account').getAll(account))) as OutboxEntry[]
    return rows.sort((a, b) => a.id! - b.id!)
  }

  async remove(ids: number[]): Promise<void> {
    if (ids.length === 0) return
    const db = await this.open()
    const tx = db.transaction(storeName, 'readwrite')
    const s = tx.objectStore(storeName)
    for (const id of ids) s.delete(id)
    await done(tx)
  }
}

/** Sends a batch: one entry, or several 'answers' entries of one path (merged by the sender). */
export type OutboxSend = (batch: OutboxEntry[]) => Promise<unknown>

/** Whether a failed send may succeed later, so its entry stays queued. */
export function keepAfter(e: unknown): boolean {
  if (e instanceof ApiError) return e.status === 0 || e.status === 401 || e.status === 429 || e.status >= 500
  return true // not an answer of the server (a TypeError of fetch, a quota error): try again later
}

/**
 * The batches of a flush, in queue order: consecutive 'answers' entries of one
 * path go together (one PUT of all their answers), everything else alone.
 */
export function batches(entries: OutboxEntry[]): OutboxEntry[][] {
  const out: OutboxEntry[][] = []
  for (const e of entries) {
    const last = out[out.length - 1]
    if (e.kind === 'answers' && last && last[0].kind === 'answers' && last[0].path === e.path) last.push(e)
    else out.push([e])
  }
  return out
}

export interface FlushResult {
  /** Entries the server took. */
  sent: number
  /** Entries still queued (the network is down, the server busy). */
  pending: number
}

export interface OutboxHooks {
  /** An entry the server refused for good (dropped from the queue). */
  onDropped?: (entry: OutboxEntry, error: unknown) => void
  /** A batch the server took, and its answer. */
  onSent?: (batch: OutboxEntry[], answer: unknown) => void
  /** The number of queued entries changed. */
  onPending?: (n: number) => void
}

/** One account's queue. */
export class Outbox {
  private running: Promise<FlushResult> | null = null
  readonly hooks: OutboxHooks[] = []

  constructor(
    private readonly store: OutboxStore,
    readonly account: number,
    private readonly send: OutboxSend,
  ) {}

  /** Queues a write of this account (it is sent by the next flush). */
  async enqueue(e: Omit<OutboxEntry, 'account' | 'id'>): Promise<number> {
    // A plain copy of the body: IndexedDB cannot store a page's reactive
    // proxies (a DataCloneError), and a later change on the page must not
    // change what was queued. Files are Blobs, stored as they are.
    const body = JSON.parse(JSON.stringify(e.body ?? null)) as unknown
    const id = await this.store.add({ ...e, body, headers: e.headers && { ...e.headers }, account: this.account })
    this.emitPending(await this.pending())
    return id
  }

  async entries(): Promise<OutboxEntry[]> {
    return this.store.list(this.account)
  }

  async pending(): Promise<number> {
    return (await this.store.list(this.account)).length
  }

  /**
   * Sends what is queued, oldest first, until the queue is empty or a send
   * fails in a way that may pass (then the rest waits, in order). One flush at
   * a time: a flush asked for while one runs shares it, and entries queued
   * while it ran are sent before it ends, unless a send failed.
   */
  flush(): Promise<FlushResult> {
    if (!this.running) {
      this.running = (async () => {
        try {
          let sent = 0
          for (;;) {
            const r = await this.flushOnce()
            sent += r.sent
            if (r.stopped || r.pending === 0) return { sent, pending: r.pending }
          }
        } finally {
          this.running = null
        }
      })()
    }
    return this.running
  }

  private async flushOnce(): Promise<FlushResult & { stopped: boolean }> {
    let sent = 0
    const queued = await this.store.list(this.account)
    let left = queued.length
    for (const batch of batches(queued)) {
      let answer: unknown
      try {
        answer = await this.send(batch)
      } catch (e) {
        if (keepAfter(e)) {
          this.emitPending(left)
          return { sent, pending: left, stopped: true }
        }
        await this.store.remove(batch.map((b) => b.id!))
        left -= batch.length
        for (const b of batch) for (const h of this.hooks) h.onDropped?.(b, e)
        continue
      }
      await this.store.remove(batch.map((b) => b.id!))
      sent += batch.length
      left -= batch.length
      for (const h of this.hooks) h.onSent?.(batch, answer)
    }
    // Entries queued while this flush ran are sent by the next one.
    const pending = await this.pending()
    this.emitPending(pending)
    return { sent, pending, stopped: false }
  }

  private emitPending(n: number) {
    for (const h of this.hooks) h.onPending?.(n)
  }

  /** Adds hooks; answers a function that removes them. */
  on(h: OutboxHooks): () => void {
    this.hooks.push(h)
    return () => {
      const i = this.hooks.indexOf(h)
      if (i >= 0) this.hooks.splice(i, 1)
    }
  }
}
