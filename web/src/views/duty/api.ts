// The duty API calls (责任清单), typed from the OpenAPI document.
import type { Schemas } from '@/api/client'
import { http } from '@/api/typed'

export type Duty = Schemas['Duty']
export type DutyProgress = Schemas['DutyProgress']
export type UnitDuties = Schemas['UnitDuties']
export type LeaderPage = Schemas['LeaderPage']
export type CopyResult = Schemas['CopyResult']

export const listDuties = (year: number) => http.get('/api/v1/duties', { query: { year } })
export const unitDuties = (org: number, year: number) => http.get('/api/v1/orgs/{id}/duties', { path: { id: org }, query: { year } })
export const leaderDuties = (year: number) => http.get('/api/v1/duties/leader', { query: { year } })
export const copyPlan = (fromYear: number, year: number) => http.post('/api/v1/duties/copy', { body: { from_year: fromYear, year } })

export type DutyInput = Schemas['DutyInput']
export type LeadingGroup = Schemas['LeadingGroup']
export type LeadingGroupInput = Schemas['LeadingGroupInput']
export type Seat = LeadingGroupInput['members'][number]
export type Evidence = NonNullable<Schemas['DutyCheckInput']['evidence']>[number]

export const createDuty = (body: DutyInput) => http.post('/api/v1/duties', { body })
export const updateDuty = (id: number, body: DutyInput) => http.put('/api/v1/duties/{id}', { path: { id }, body })
export const deleteDuty = (id: number) => http.delete('/api/v1/duties/{id}', { path: { id } })
export const getDuty = (id: number) => http.get('/api/v1/duties/{id}', { path: { id } })
export const submitCheck = (id: number, org: number, note: string, evidence: Evidence[]) =>
  http.post('/api/v1/duties/{id}/checks', { path: { id }, body: { org_id: org, note, evidence } })
export const signCheck = (id: number, org: number) => http.post('/api/v1/duties/{id}/sign', { path: { id }, body: { org_id: org } })
export const leadingGroup = (org: number) => http.get('/api/v1/orgs/{id}/leading-group', { path: { id: org } })
export const saveLeadingGroup = (org: number, body: LeadingGroupInput) => http.put('/api/v1/orgs/{id}/leading-group', { path: { id: org }, body })
/** A unit's ledger records that carry evidence, newest first: what a checklist note may point to. */
export const recordsWithEvidence = (org: number) =>
  http.get('/api/v1/activities', { query: { org_id: org, has_evidence: true, limit: 50, sort: 'date', order: 'desc' } })
