// Evidence upload with progress, for the desktop ledger and the phone pages.
// fetch cannot report upload progress, so this one request uses XMLHttpRequest;
// its failures are ApiErrors like those of client.ts (status 0 when there was
// no answer), so the phone's withRetry treats both alike.
import { ApiError, getCsrfToken, withSessionRecovery, type ApiErrorBody, type Schemas } from './client'

export type Activity = Schemas['Activity']

/**
 * How long one upload may take before it counts as a network failure (and is
 * retried): a downscaled photo is at most a few MB, and a stalled connection
 * otherwise never ends.
 */
export const UPLOAD_TIMEOUT_MS = 120_000

/**
 * Posts one file to POST /api/v1/activities/{id}/evidence; onProgress gets 0..1.
 * An ended session or a stale CSRF token is recovered in place and the file sent again.
 */
export function uploadEvidence(activityId: number, file: File, onProgress?: (fraction: number) => void): Promise<Activity> {
  const path = `/api/v1/activities/${activityId}/evidence`
  return withSessionRecovery(path, () => uploadOnce(path, file, onProgress))
}

function uploadOnce(path: string, file: File, onProgress?: (fraction: number) => void): Promise<Activity> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.setRequestHeader('Accept', 'application/json')
    const csrf = getCsrfToken()
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf)
    xhr.withCredentials = true
    xhr.timeout = UPLOAD_TIMEOUT_MS
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && onProgress) onProgress(ev.loaded / ev.total)
    }
    const noAnswer = () => reject(new ApiError(0, { code: 'network', message: 'the server cannot be reached' }))
    xhr.onerror = noAnswer
    xhr.ontimeout = noAnswer
    xhr.onabort = noAnswer
    xhr.onload = () => {
      let data: unknown
      try {
        data = JSON.parse(xhr.responseText)
      } catch {
        data = undefined
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(1)
        resolve(data as Activity)
        return
      }
      const e = (data as { error?: ApiErrorBody } | undefined)?.error
      reject(new ApiError(xhr.status, e?.code ? e : { code: `http_${xhr.status}`, message: xhr.statusText }))
    }
    const form = new FormData()
    form.append('file', file, file.name)
    xhr.send(form)
  })
}
