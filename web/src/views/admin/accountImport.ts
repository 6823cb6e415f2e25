// The account import of 用户管理: upload a workbook for a preview, then for
// the import itself (POST /api/v1/accounts/import/preview, /import).
import { ApiError, getCsrfToken, withSessionRecovery, type Schemas } from '@/api/client'

export type ImportPreview = Schemas['AccountImportPreview']
export type ImportResult = Schemas['AccountImportResult']
export const accountTemplateURL = '/api/v1/accounts/import-template'

type Translate = (key: string, params?: Record<string, unknown>) => string

/** Posts the workbook in the multipart field "file" (the typed wrapper sends JSON only); rejects with ApiError like the client. */
export function postWorkbook<T>(path: string, file: File): Promise<T> {
  return withSessionRecovery(path, async () => {
    const body = new FormData()
    body.append('file', file, file.name)
    const headers: Record<string, string> = { Accept: 'application/json' }
    const csrf = getCsrfToken()
    if (csrf) headers['X-CSRF-Token'] = csrf
    let res: Response
    try {
      res = await fetch(path, { method: 'POST', body, headers, credentials: 'same-origin' })
    } catch {
      throw new ApiError(0, { code: 'network', message: 'the server cannot be reached' })
    }
    let data: unknown
    try {
      data = await res.json()
    } catch {
      data = undefined
    }
    if (!res.ok) {
      const e = (data as { error?: { code: string; message: string; field?: string } } | undefined)?.error
      throw new ApiError(res.status, e?.code ? e : { code: `http_${res.status}`, message: res.statusText })
    }
    return data as T
  })
}

const cjk = /[\u3400-\u9fff]/

/**
 * Why a workbook was refused as a whole, in the user's words: the server's
 * row-by-row lines (第 3 行 用户名：…) are Chinese and shown as they are; a
 * file it could not read at all is said here.
 */
export function workbookError(e: unknown, t: Translate, describe: (e: unknown) => string): string {
  if (e instanceof ApiError && e.status === 400 && e.field?.startsWith('file')) return t('admin.users.importFileBad')
  if (e instanceof ApiError && e.status === 413) return t('admin.users.importTooLarge')
  if (e instanceof ApiError && e.status === 400 && e.field?.startsWith('rows[') && cjk.test(e.message)) return e.message
  return describe(e)
}

/** The new accounts and their one-time passwords as tab-separated lines, to paste into a sheet. */
export function passwordsText(created: ImportResult['created'], t: Translate): string {
  const head = [t('admin.users.username'), t('admin.users.name'), t('admin.users.oneTimePassword')].join('\t')
  return [head, ...created.map((c) => [c.account.username, c.account.name, c.initial_password].join('\t'))].join('\n')
}
