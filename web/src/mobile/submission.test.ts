import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/client'
import { FormKey, uuid4 } from '@/api/idempotency'
import { Submission, type Activity, type ActivityCreate, type Photo } from './submission'

const body = { org_id: 1, type_id: 2, date: '2026-11-29', title: '理论学习', attendance: 12, submit: true } as ActivityCreate
const activity = (id: number) => ({ id, title: '理论学习', status: 'submitted' }) as Activity
const net = () => new ApiError(0, { code: 'network', message: 'no answer' })

describe('uuid4', () => {
  it('is a version-4 UUID and differs each time', () => {
    const a = uuid4()
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(uuid4()).not.toBe(a)
  })
  it('sets the version and variant bits whatever the random bytes', () => {
    expect(uuid4((b) => b.fill(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff')
    expect(uuid4((b) => b.fill(0))).toBe('00000000-0000-4000-8000-000000000000')
  })
})

describe('the idempotency key of a form fill', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('is the same on every retry and a double tap, and new after success', async () => {
    let n = 0
    const key = new FormKey(() => `key-${++n}`)
    const keys: string[] = []
    let calls = 0
    const send = vi.fn(async (_b: ActivityCreate, k: string) => {
      keys.push(k)
      calls++
      if (calls <= 2) throw net() // the first two attempts lose their answer
      return activity(7)
    })
    const s = new Submission(send, vi.fn(), { attempts: 4, baseDelayMs: 10 }, key)
    const tap1 = s.create(body)
    const tap2 = s.create(body) // a double tap while sending shares the request
    await vi.advanceTimersByTimeAsync(10 + 20)
    await expect(tap1).resolves.toMatchObject({ id: 7 })
    await expect(tap2).resolves.toMatchObject({ id: 7 })
    expect(keys).toEqual(['key-1', 'key-1', 'key-1'])
    // Once created, another tap sends nothing.
    await expect(s.create(body)).resolves.toMatchObject({ id: 7 })
    expect(send).toHaveBeenCalledTimes(3)

    s.finish()
    send.mockImplementation(async (_b, k) => {
      keys.push(k)
      return activity(8)
    })
    await expect(s.create(body)).resolves.toMatchObject({ id: 8 })
    expect(keys.at(-1)).toBe('key-2')
  })

  it('resumes a saved key (a form fill restored after a reload)', async () => {
    const send = vi.fn(async (_b: ActivityCreate, _k: string) => activity(4))
    const s = new Submission(send, vi.fn(), {}, new FormKey(() => 'fresh', 'saved-key'))
    await s.create(body)
    expect(send.mock.calls[0][1]).toBe('saved-key')
    s.finish()
    expect(s.key.key).toBe('fresh')
  })

  it('keeps the key after a failure that exhausted the retries', async () => {
    const key = new FormKey(() => 'k')
    const send = vi.fn().mockRejectedValue(net())
    const s = new Submission(send, vi.fn(), { attempts: 2, baseDelayMs: 10 }, key)
    const first = s.create(body).catch((e) => e)
    await vi.advanceTimersByTimeAsync(10)
    expect(await first).toBeInstanceOf(ApiError)
    send.mockResolvedValue(activity(3))
    await expect(s.create(body)).resolves.toMatchObject({ id: 3 })
    expect(send.mock.calls.map((c) => c[1])).toEqual(['k', 'k', 'k'])
  })
})

describe('photo uploads', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  const photo = (id: number): Photo => ({ id, original: new File(['x'], `p${id}.jpg`, { type: 'image/jpeg' }), status: 'waiting', progress: 0, retry: 0 })

  it('retries a failed photo, and a later retry sends only the failed ones to the same activity', async () => {
    const sent: Array<[number, string]> = []
    let failP2 = 3
    const upload = vi.fn(async (id: number, f: File, progress: (x: number) => void) => {
      sent.push([id, f.name])
      if (f.name === 'p2.jpg' && failP2-- > 0) throw net()
      progress(1)
      return activity(id)
    })
    const s = new Submission(async () => activity(5), upload, { attempts: 3, baseDelayMs: 10 })
    await s.create(body)
    const photos = [photo(1), photo(2)]
    const prepare = vi.fn(async (f: File) => f)
    const run = s.uploadPhotos(photos, prepare)
    await vi.advanceTimersByTimeAsync(10 + 20)
    expect(await run).toBe(false)
    expect(photos.map((p) => p.status)).toEqual(['done', 'failed'])
    expect(photos[1].retry).toBe(2)

    const again = s.uploadPhotos(photos, prepare)
    await vi.advanceTimersByTimeAsync(0)
    expect(await again).toBe(true)
    expect(photos.map((p) => p.status)).toEqual(['done', 'done'])
    expect(sent).toEqual([[5, 'p1.jpg'], [5, 'p2.jpg'], [5, 'p2.jpg'], [5, 'p2.jpg'], [5, 'p2.jpg']])
    expect(prepare).toHaveBeenCalledTimes(2) // once per photo, not per attempt
  })

  it('does not retry a refused photo (4xx)', async () => {
    const upload = vi.fn().mockRejectedValue(new ApiError(413, { code: 'too_large', message: '' }))
    const s = new Submission(async () => activity(5), upload, { attempts: 4, baseDelayMs: 10 })
    await s.create(body)
    const photos = [photo(1)]
    expect(await s.uploadPhotos(photos, async (f) => f)).toBe(false)
    expect(upload).toHaveBeenCalledTimes(1)
    expect(photos[0].status).toBe('failed')
  })
})
