// The report API's shapes (docs: /tmp contract, internal/report/document.go).
// Written by hand while the engine's OpenAPI schemas land; the fields follow
// the JSON the engine writes.

export interface ReportSpan {
  text: string
  /** 0-based index into figures; absent for plain text. */
  figure?: number | null
}

export interface ReportBlock {
  kind: string // title, subtitle, heading1, heading2, paragraph, signature
  spans: ReportSpan[]
  slot?: string
  reminder?: boolean
}

export interface ReportFigure {
  index: number
  expr: string
  func?: string
  line?: number
  column?: number
  value: number
  display: string
  unit: string
  query: string
  records: string
  approx: boolean
  last_year?: number | null
  n_records?: number
}

export interface StaleActivity {
  id: number
  title: string
  change?: 'edited' | 'status' | 'deleted'
  status?: string
  changed_at?: string
}

export interface Report {
  id?: number
  org_id: number
  org_name: string
  period: string
  period_label: string
  template_id: number
  template_version: number
  title: string
  blocks: ReportBlock[]
  figures: ReportFigure[]
  created_at?: string
  created_by?: string
  stale?: { count: number; activities: StaleActivity[] }
}

export interface ReportSummary {
  id: number
  org_id: number
  org_name?: string
  period: string
  period_label?: string
  template_name: string
  template_version: number
  created_at: string
  created_by: string
  stale_count: number
}

export interface TemplateSummary {
  id: number
  name: string
  version: number
  is_default: boolean
  updated_at: string
  updated_by: string
}

export interface ReportTemplate extends TemplateSummary {
  source: string
}

export interface TemplateVersion {
  version: number
  updated_at: string
  updated_by: string
}

export interface FunctionArg {
  name: string
  kind: string
  required?: boolean
  doc?: string
}

export interface ReportFunction {
  name: string
  doc: string
  unit?: string
  args: FunctionArg[]
}

export type DownloadFormat = 'docx' | 'xlsx' | 'html'
