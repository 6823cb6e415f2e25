// Retries for a flaky phone network: an operation is tried again, with
// exponential backoff, when the network failed (ApiError status 0) or the
// server answered 5xx — never on 4xx, whose answer a retry cannot change.
import { ApiError } from '@/api/client'

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number
  /** Delay before the second attempt; doubled each time, up to maxDelayMs. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** Called before each wait, e.g. to show "retrying (2/4)". */
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void
  /** The wait; tests pass fake timers through the default. */
  sleep?: (ms: number) => Promise<void>
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Whether a failure may succeed when tried again: no answer, or a 5xx. */
export function retryable(e: unknown): boolean {
  if (e instanceof ApiError) return e.status === 0 || e.status >= 500
  // A TypeError from fetch is a network failure too.
  return e instanceof TypeError
}

/** The wait before attempt n+1 (n ≥ 1): base·2^(n-1), at most max. */
export function backoffDelay(n: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1))
}

/**
 * Rejects with a network ApiError when p has not settled within ms: a stalled
 * mobile connection fails no request, it just never answers. The request is
 * not cancelled; a retry of an idempotent request (same key, same photo) is
 * harmless even if the stalled one arrives later.
 */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ApiError(0, { code: 'network', message: `no answer within ${ms / 1000} s` })), ms)
    p.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}

/** Runs op until it succeeds, fails for good, or the attempts run out (the last error is thrown). */
export async function withRetry<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 4
  const base = opts.baseDelayMs ?? 1000
  const max = opts.maxDelayMs ?? 8000
  const sleep = opts.sleep ?? defaultSleep
  for (let n = 1; ; n++) {
    try {
      return await op(n)
    } catch (e) {
      if (n >= attempts || !retryable(e)) throw e
      const delay = backoffDelay(n, base, max)
      opts.onRetry?.(n, e, delay)
      await sleep(delay)
    }
  }
}
