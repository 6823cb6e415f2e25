// The report API's shapes, from the generated OpenAPI types
// (internal/httpapi/reports.go), named for the report pages.
import type { Schemas } from '@/api/client'

export type ReportFigure = Schemas['ReportFigure']
export type ReportBlock = Schemas['Report']['blocks'][number]
export type ReportSpan = ReportBlock['spans'][number]
/** A preview (no id, no stale) or a stored report (GET /reports/{id} adds stale). */
export type Report = Schemas['Report'] & { stale?: Schemas['ReportView']['stale'] }
export type StaleActivity = Schemas['ReportView']['stale']['activities'][number]
export type ReportSummary = Schemas['ReportSummary']
export type ReportSummaryPage = Schemas['ReportSummaryPage']
/** A template; source is present when one template is read, absent in lists. */
export type ReportTemplate = Schemas['ReportTemplate']
export type TemplateList = Schemas['ReportTemplateList']
export type TemplateVersion = Schemas['ReportTemplateVersionList']['items'][number]
export type ReportFunction = Schemas['ReportFunctionList']['items'][number]
export type FunctionArg = ReportFunction['args'][number]

export type DownloadFormat = 'docx' | 'pdf' | 'xlsx' | 'html'
