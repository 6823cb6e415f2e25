import { describe, expect, it } from 'vitest'
import { ApiError } from './client'
import { MemoryOutboxStore, Outbox, batches, keepAfter, type OutboxEntry } from './outbox'

const net = () => new ApiError(0, { code: 'network', message: 'no answer' })
const answer = (attempt: number, q: number, value: unknown, seq: number): Omit<OutboxEntry, 'account' | 'id'> => ({
  kind: 'answers',
  method: 'PUT',
  path: `/api/v1/attempts/${attempt}/answers`,
  body: { answers: [{ question_id: q, value, seq }] },
  replaces: `answer:${attempt}:${q}`,
})
const record = (key: string, title: string): Omit<OutboxEntry, 'account' | 'id'> => ({
  kind: 'activity',
  method: 'POST',
  path: '/api/v1/activities',
  body: { title },
  headers: { 'Idempotency-Key': key },
})

/** A server that records what reached it; `down` makes every send fail like a lost network. */
function server() {
  const got: OutboxEntry[][] = []
  const s = {
    down: false,
    refuse: null as ApiError | null,
    got,
    send: async (batch: OutboxEntry[]) => {
      if (s.down) throw net()
      if (s.refuse) throw s.refuse
      got.push(batch)
      return { ok: true }
    },
  }
  return s
}

describe('the outbox', () => {
  it('keeps writes made offline and replays them in order once the network is back', async () => {
    const store = new MemoryOutboxStore()
    const srv = server()
    const box = new Outbox(store, 7, srv.send)
    srv.down = true
    await box.enqueue(answer(1, 10, 'A', 1))
    await box.enqueue(record('k1', '记录一'))
    await box.enqueue(record('k2', '记录二'))
    expect(await box.flush()).toEqual({ sent: 0, pending: 3 })
    expect(srv.got).toEqual([])

    srv.down = false
    expect(await box.flush()).toEqual({ sent: 3, pending: 0 })
    expect(srv.got.map((b) => b.map((e) => (e.headers?.['Idempotency-Key'] ?? e.path)))).toEqual([
      ['/api/v1/attempts/1/answers'],
      ['k1'],
      ['k2'],
    ])
    // Nothing is sent twice.
    expect(await box.flush()).toEqual({ sent: 0, pending: 0 })
    expect(srv.got).toHaveLength(3)
  })

  it('stops at the first failure that may pass, so a later write never overtakes an earlier one', async () => {
    const srv = server()
    let calls = 0
    const box = new Outbox(new MemoryOutboxStore(), 7, async (b) => {
      calls++
      if (calls === 2) throw new ApiError(503, { code: 'unavailable', message: 'busy' })
      return srv.send(b)
    })
    await box.enqueue(record('k1', 'one'))
    await box.enqueue(record('k2', 'two'))
    await box.enqueue(record('k3', 'three'))
    expect(await box.flush()).toEqual({ sent: 1, pending: 2 })
    expect(await box.flush()).toEqual({ sent: 2, pending: 0 })
    expect(srv.got.map((b) => b[0].headers!['Idempotency-Key'])).toEqual(['k1', 'k2', 'k3'])
  })

  it('drops what the server refuses for good and reports it', async () => {
    const srv = server()
    const box = new Outbox(new MemoryOutboxStore(), 7, srv.send)
    const dropped: unknown[] = []
    box.on({ onDropped: (_e, err) => dropped.push(err) })
    await box.enqueue(answer(1, 10, 'A', 1))
    srv.refuse = new ApiError(409, { code: 'conflict', message: 'the exam has closed' })
    expect(await box.flush()).toEqual({ sent: 0, pending: 0 })
    expect(dropped).toHaveLength(1)
  })

  it('is per account: one account never sends another’s queue', async () => {
    const store = new MemoryOutboxStore()
    const a = server()
    const b = server()
    await new Outbox(store, 1, a.send).enqueue(record('ka', 'A 的记录'))
    await new Outbox(store, 2, b.send).enqueue(record('kb', 'B 的记录'))
    expect(await new Outbox(store, 2, b.send).flush()).toEqual({ sent: 1, pending: 0 })
    expect(b.got.flat().map((e) => e.headers!['Idempotency-Key'])).toEqual(['kb'])
    expect(a.got).toEqual([])
    expect(await store.list(1)).toHaveLength(1)
  })

  it('lets a newer save of a question supersede a queued older one, and merges one attempt’s saves', async () => {
    const srv = server()
    const box = new Outbox(new MemoryOutboxStore(), 7, srv.send)
    srv.down = true
    await box.enqueue(answer(1, 10, 'A', 1))
    await box.enqueue(answer(1, 11, true, 2))
    await box.enqueue(answer(1, 10, 'B', 3))
    await box.flush()
    srv.down = false
    await box.flush()
    expect(srv.got).toHaveLength(1)
    expect(srv.got[0].map((e) => (e.body as { answers: unknown[] }).answers[0])).toEqual([
      { question_id: 11, value: true, seq: 2 },
      { question_id: 10, value: 'B', seq: 3 },
    ])
  })

  it('sends an entry queued while a flush runs before that flush ends, and runs one flush at a time', async () => {
    const got: string[] = []
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let inFlight = 0
    let most = 0
    const box = new Outbox(new MemoryOutboxStore(), 7, async (b) => {
      inFlight++
      most = Math.max(most, inFlight)
      if (got.length === 0) await gate
      got.push(b[0].headers!['Idempotency-Key'])
      inFlight--
    })
    await box.enqueue(record('k1', 'one'))
    const f1 = box.flush()
    await box.enqueue(record('k2', 'two'))
    const f2 = box.flush() // shares the running flush
    release()
    expect(await f1).toEqual({ sent: 2, pending: 0 })
    expect(await f2).toEqual({ sent: 2, pending: 0 })
    expect(got).toEqual(['k1', 'k2'])
    expect(most).toBe(1)
  })
})

describe('what is queued', () => {
  it('is a plain copy of the body: a later change on the page does not change it, and a reactive proxy can be stored', async () => {
    const { reactive } = await import('vue')
    const form = reactive({ title: '记录', venues: ['campus'] })
    const store = new MemoryOutboxStore()
    const box = new Outbox(store, 7, async () => undefined)
    await box.enqueue({ kind: 'activity', method: 'POST', path: '/api/v1/activities', body: { title: form.title, venues: form.venues } })
    form.venues.push('class')
    const [e] = await store.list(7)
    expect(e.body).toEqual({ title: '记录', venues: ['campus'] })
    // structuredClone is what IndexedDB applies: it refuses a Proxy.
    expect(() => structuredClone(e.body)).not.toThrow()
    expect(() => structuredClone({ venues: form.venues })).toThrow()
  })
})

describe('batches', () => {
  it('merges consecutive saves of one attempt only', () => {
    const e = (id: number, kind: OutboxEntry['kind'], path: string) => ({ id, account: 1, kind, method: 'PUT', path, body: {} }) as OutboxEntry
    const b = batches([e(1, 'answers', '/a/1'), e(2, 'answers', '/a/1'), e(3, 'answers', '/a/2'), e(4, 'activity', '/x'), e(5, 'answers', '/a/2')])
    expect(b.map((x) => x.map((y) => y.id))).toEqual([[1, 2], [3], [4], [5]])
  })
})

describe('keepAfter', () => {
  it('keeps an entry after no answer, a 5xx, a 429 or an ended session, and drops it after another 4xx', () => {
    expect(keepAfter(net())).toBe(true)
    expect(keepAfter(new ApiError(502, { code: 'x', message: '' }))).toBe(true)
    expect(keepAfter(new ApiError(429, { code: 'x', message: '' }))).toBe(true)
    expect(keepAfter(new ApiError(401, { code: 'unauthorized', message: '' }))).toBe(true)
    expect(keepAfter(new ApiError(409, { code: 'conflict', message: '' }))).toBe(false)
    expect(keepAfter(new ApiError(422, { code: 'invalid', message: '' }))).toBe(false)
    expect(keepAfter(new TypeError('Failed to fetch'))).toBe(true)
  })
})
