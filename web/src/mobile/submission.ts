// One form fill of "记一笔": create the activity (submitted at once) with the
// form's idempotency key, retrying on network errors and 5xx, then upload each
// photo to it, each with its own retries. If the activity was created but a
// photo failed for good, the activity is kept and only the photos are retried.
import type { Schemas } from '@/api/client'
import { http } from '@/api/typed'
import { FormKey } from '@/api/idempotency'
import { withRetry, withTimeout, type RetryOptions } from './retry'
import { uploadEvidence } from '@/api/upload'

export type Activity = Schemas['Activity']
export type ActivityCreate = Schemas['ActivityCreate']

export type Send = (body: ActivityCreate, key: string) => Promise<Activity>
export type Upload = (activityId: number, file: File, onProgress: (f: number) => void) => Promise<Activity>

/** How long a creation may go unanswered before it counts as a network failure (and is retried). */
export const CREATE_TIMEOUT_MS = 30_000

export const sendCreate: Send = (body, key) =>
  withTimeout(http.post('/api/v1/activities', { body, headers: { 'Idempotency-Key': key } }), CREATE_TIMEOUT_MS)

export type PhotoStatus = 'waiting' | 'preparing' | 'uploading' | 'retrying' | 'done' | 'failed'

export interface Photo {
  id: number
  original: File
  /** What is sent: the downscaled photo, once prepared. */
  prepared?: File
  status: PhotoStatus
  /** 0..1 of the current attempt. */
  progress: number
  /** The retry in progress (1 = the first retry). */
  retry: number
  error?: unknown
}

export class Submission {
  readonly key: FormKey
  /** The created activity, once the server confirmed it. */
  activity: Activity | null = null
  private inflight: Promise<Activity> | null = null

  constructor(
    private readonly send: Send = sendCreate,
    private readonly upload: Upload = uploadEvidence,
    private readonly retry: RetryOptions = {},
    key = new FormKey(),
  ) {
    this.key = key
  }

  /**
   * Creates the activity once: a second call while the first is in flight
   * (a double tap) shares it, and after success the created activity is
   * returned without a request. Every attempt carries the same key.
   */
  create(body: ActivityCreate, onRetry?: RetryOptions['onRetry']): Promise<Activity> {
    if (this.activity) return Promise.resolve(this.activity)
    if (!this.inflight) {
      const key = this.key.key
      this.inflight = withRetry(() => this.send(body, key), { ...this.retry, onRetry })
        .then((a) => {
          this.activity = a
          return a
        })
        .finally(() => {
          this.inflight = null
        })
    }
    return this.inflight
  }

  /**
   * Uploads the photos not yet done, one after another, each with retries;
   * prepare (the downscale) runs once per photo. Resolves to true when every
   * photo is attached. onChange is called whenever a photo's state changes.
   */
  async uploadPhotos(photos: Photo[], prepare: (f: File) => Promise<File>, onChange: () => void = () => {}): Promise<boolean> {
    const activity = this.activity
    if (!activity) throw new Error('uploadPhotos before the activity was created')
    let ok = true
    for (const p of photos) {
      if (p.status === 'done') continue
      p.error = undefined
      p.retry = 0
      try {
        if (!p.prepared) {
          p.status = 'preparing'
          onChange()
          p.prepared = await prepare(p.original)
        }
        p.status = 'uploading'
        p.progress = 0
        onChange()
        const file = p.prepared
        await withRetry(
          () =>
            this.upload(activity.id, file, (f) => {
              p.progress = f
              onChange()
            }),
          {
            ...this.retry,
            onRetry: (n) => {
              p.status = 'retrying'
              p.retry = n
              p.progress = 0
              onChange()
            },
          },
        )
        p.status = 'done'
        p.progress = 1
      } catch (e) {
        p.status = 'failed'
        p.error = e
        ok = false
      }
      onChange()
    }
    return ok
  }

  /** The form fill is complete: the next one is a new activity with a new key. */
  finish(): void {
    this.activity = null
    this.key.succeeded()
  }
}
