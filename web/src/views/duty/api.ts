// The duty API calls (责任清单), typed from the OpenAPI document.
import { api, type Schemas } from '@/api/client'

export type Duty = Schemas['Duty']
export type DutyProgress = Schemas['DutyProgress']
export type UnitDuties = Schemas['UnitDuties']
export type LeaderPage = Schemas['LeaderPage']
export type CopyResult = Schemas['CopyResult']

export const listDuties = (year: number) => api.get<{ items: Duty[] }>(`/api/v1/duties?year=${year}`)
export const unitDuties = (org: number, year: number) => api.get<UnitDuties>(`/api/v1/orgs/${org}/duties?year=${year}`)
export const leaderDuties = (year: number) => api.get<LeaderPage>(`/api/v1/duties/leader?year=${year}`)
export const copyPlan = (fromYear: number, year: number) => api.post<CopyResult>('/api/v1/duties/copy', { from_year: fromYear, year })
