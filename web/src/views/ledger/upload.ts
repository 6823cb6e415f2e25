// Evidence upload with progress: fetch cannot report upload progress, so the
// file goes by XMLHttpRequest, with the session cookie and the CSRF header the
// API client would send.
import { ApiError, getCsrfToken, type Schemas } from '@/api/client'

type Activity = Schemas['Activity']

/**
 * POSTs file to /api/v1/activities/{id}/evidence as multipart field "file";
 * onProgress gets 0…1 as the bytes leave. Rejects with ApiError like the client.
 */
export function uploadEvidence(activityId: number, file: File, onProgress: (fraction: number) => void): Promise<Activity> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/v1/activities/${activityId}/evidence`)
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json')
    const csrf = getCsrfToken()
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total)
    }
    xhr.onerror = () => reject(new ApiError(0, { code: 'network', message: 'the server cannot be reached' }))
    xhr.onload = () => {
      let data: unknown
      try {
        data = JSON.parse(xhr.responseText)
      } catch {
        data = undefined
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1)
        resolve(data as Activity)
        return
      }
      const e = (data as { error?: { code: string; message: string; field?: string } } | undefined)?.error
      reject(new ApiError(xhr.status, e?.code ? e : { code: `http_${xhr.status}`, message: xhr.statusText }))
    }
    const body = new FormData()
    body.append('file', file, file.name)
    xhr.send(body)
  })
}
