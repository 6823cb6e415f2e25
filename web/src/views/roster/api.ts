// The roster API calls (队伍名册), typed from the OpenAPI document.
import { ApiError, getCsrfToken, type Schemas } from '@/api/client'
import { http } from '@/api/typed'
import { teamsQuery, type RosterFilter } from './helpers'

export type Team = Schemas['Team']
export type TeamInput = Schemas['TeamInput']
export type Member = Schemas['Member']
export type MemberInput = Schemas['MemberInput']
export type ImportResult = Schemas['MemberImportResult']

export const templateURL = '/api/v1/teams/import-template'

export const listTeams = (f: RosterFilter, active: '' | 'true' | 'false', q: string, limit: number, offset: number) =>
  http.get('/api/v1/teams', { query: teamsQuery(f, active, q, limit, offset) })
export const createTeam = (b: TeamInput) => http.post('/api/v1/teams', { body: b })
export const updateTeam = (id: number, b: TeamInput) => http.put('/api/v1/teams/{id}', { path: { id }, body: b })
export const setTeamActive = (id: number, active: boolean) =>
  active ? http.post('/api/v1/teams/{id}/activate', { path: { id } }) : http.post('/api/v1/teams/{id}/deactivate', { path: { id } })
export const listMembers = (team: number, all: boolean) =>
  http.get('/api/v1/teams/{id}/members', { path: { id: team }, query: all ? { all: true } : {} })
export const getMember = (team: number, id: number) => http.get('/api/v1/teams/{id}/members/{member_id}', { path: { id: team, member_id: id } })
export const addMember = (team: number, b: MemberInput) => http.post('/api/v1/teams/{id}/members', { path: { id: team }, body: b })
export const updateMember = (team: number, id: number, b: MemberInput) =>
  http.put('/api/v1/teams/{id}/members/{member_id}', { path: { id: team, member_id: id }, body: b })
export const removeMember = (team: number, id: number) => http.delete('/api/v1/teams/{id}/members/{member_id}', { path: { id: team, member_id: id } })

/** Uploads a workbook to the team's import; rejects with ApiError like the client.
 * A multipart upload, which the typed wrapper (JSON bodies only) does not send. */
export async function importMembers(team: number, file: File): Promise<ImportResult> {
  const body = new FormData()
  body.append('file', file, file.name)
  const headers: Record<string, string> = { Accept: 'application/json' }
  const csrf = getCsrfToken()
  if (csrf) headers['X-CSRF-Token'] = csrf
  let res: Response
  try {
    res = await fetch(`/api/v1/teams/${team}/members/import`, { method: 'POST', body, headers, credentials: 'same-origin' })
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
  return data as ImportResult
}
