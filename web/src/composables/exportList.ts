// useExport downloads a list's Excel export (GET /api/v1/<list>/export with
// the list's filter): the file is saved under the name the server gives it,
// and a filter over the export's cap says so in words rather than as a code.
// Each list page adds a 导出 button calling run with its own filter.
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage } from 'element-plus'
import { ApiError } from '@/api/client'
import { useErrorMessage } from '@/i18n'

// filenameOf reads the RFC 5987 file name of a Content-Disposition header.
export function filenameOf(disposition: string | null, fallback = 'export.xlsx'): string {
  const m = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '')
  if (m) {
    try {
      return decodeURIComponent(m[1])
    } catch {
      /* fall through */
    }
  }
  return fallback
}

type Query = Record<string, string | number | boolean | undefined | null>

// exportURL is the export of a list: path (which may carry a query string,
// as a list's own URL builder makes it) plus query, without empty values and
// without the paging.
export function exportURL(path: string, query: Query = {}): string {
  const [base, search] = path.split('?', 2)
  const q = new URLSearchParams(search ?? '')
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    q.set(k, String(v))
  }
  q.delete('limit')
  q.delete('offset')
  const qs = q.toString()
  return qs ? `${base}?${qs}` : base
}

export function useExport() {
  const { t } = useI18n()
  const describe = useErrorMessage()
  const exporting = ref(false)
  async function run(path: string, query: Query = {}) {
    exporting.value = true
    try {
      const res = await fetch(exportURL(path, query), { credentials: 'same-origin' })
      if (!res.ok) {
        let body: { error?: { code: string; message: string; field?: string } } | undefined
        try {
          body = await res.json()
        } catch {
          body = undefined
        }
        throw new ApiError(res.status, body?.error ?? { code: `http_${res.status}`, message: res.statusText })
      }
      const blob = await res.blob()
      const url = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = url
      a.download = filenameOf(res.headers.get('Content-Disposition'))
      document.body.appendChild(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
      ElMessage.success(t('exportList.done', { name: a.download }))
    } catch (e) {
      ElMessage.error(e instanceof ApiError && e.code === 'too_large' ? t('exportList.tooLarge') : describe(e))
    } finally {
      exporting.value = false
    }
  }
  return { exporting, run }
}
