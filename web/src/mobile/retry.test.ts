import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/client'
import { backoffDelay, retryable, withRetry, withTimeout } from './retry'

const net = () => new ApiError(0, { code: 'network', message: 'no answer' })
const http = (status: number) => new ApiError(status, { code: `http_${status}`, message: '' })

describe('withRetry', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('retries a network error with doubling delays, then succeeds', async () => {
    const op = vi.fn().mockRejectedValueOnce(net()).mockRejectedValueOnce(http(503)).mockResolvedValue('ok')
    const waits: number[] = []
    const p = withRetry(op, { attempts: 4, baseDelayMs: 1000, onRetry: (_n, _e, d) => waits.push(d) })
    await vi.advanceTimersByTimeAsync(0)
    expect(op).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(999)
    expect(op).toHaveBeenCalledTimes(1) // still waiting the first second
    await vi.advanceTimersByTimeAsync(1)
    expect(op).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(2000)
    await expect(p).resolves.toBe('ok')
    expect(op).toHaveBeenCalledTimes(3)
    expect(waits).toEqual([1000, 2000])
  })

  it('does not retry a 4xx', async () => {
    for (const status of [400, 401, 403, 404, 409, 413, 423, 429]) {
      const op = vi.fn().mockRejectedValue(http(status))
      await expect(withRetry(op, { attempts: 5 })).rejects.toMatchObject({ status })
      expect(op).toHaveBeenCalledTimes(1)
    }
  })

  it('gives up after the attempts, with the last error', async () => {
    const op = vi.fn().mockRejectedValueOnce(net()).mockRejectedValueOnce(net()).mockRejectedValue(http(502))
    const p = withRetry(op, { attempts: 3, baseDelayMs: 100 })
    const caught = p.catch((e) => e)
    await vi.advanceTimersByTimeAsync(100 + 200)
    const e = await caught
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).status).toBe(502)
    expect(op).toHaveBeenCalledTimes(3)
  })

  it('passes the attempt number to the operation', async () => {
    const seen: number[] = []
    const p = withRetry(
      async (n) => {
        seen.push(n)
        if (n < 3) throw net()
        return n
      },
      { attempts: 3, baseDelayMs: 10 },
    )
    await vi.advanceTimersByTimeAsync(30)
    await expect(p).resolves.toBe(3)
    expect(seen).toEqual([1, 2, 3])
  })
})

describe('retryable and backoff', () => {
  it('classifies failures', () => {
    expect(retryable(net())).toBe(true)
    expect(retryable(http(500))).toBe(true)
    expect(retryable(http(503))).toBe(true)
    expect(retryable(http(499))).toBe(false)
    expect(retryable(new TypeError('Failed to fetch'))).toBe(true)
    expect(retryable(new Error('bug'))).toBe(false)
  })
  it('doubles up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 1000, 8000))).toEqual([1000, 2000, 4000, 8000, 8000, 8000])
  })
})

describe('withTimeout', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('turns a stalled request into a retryable network error', async () => {
    const stalled = new Promise<string>(() => {})
    const p = withTimeout(stalled, 30_000).catch((e) => e)
    await vi.advanceTimersByTimeAsync(29_999)
    let settled = false
    void p.then(() => (settled = true))
    await vi.advanceTimersByTimeAsync(0)
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const e = await p
    expect(e).toBeInstanceOf(ApiError)
    expect(retryable(e)).toBe(true)
  })

  it('passes an answer or a refusal through unchanged', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000)).resolves.toBe(7)
    await expect(withTimeout(Promise.reject(http(409)), 1000)).rejects.toMatchObject({ status: 409 })
  })

  it('retried, a stalled attempt is followed by a new one', async () => {
    let n = 0
    const op = () => (++n === 1 ? withTimeout(new Promise<string>(() => {}), 5000) : Promise.resolve('ok'))
    const p = withRetry(op, { attempts: 2, baseDelayMs: 100 })
    await vi.advanceTimersByTimeAsync(5000 + 100)
    await expect(p).resolves.toBe('ok')
    expect(n).toBe(2)
  })
})
