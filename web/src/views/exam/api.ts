// The exam API calls (在线考试): question banks, exams, sitting one, results.
import { request } from '@/api/client'
import { buildUrl } from '@/api/typed'

export type QuestionKind = 'single' | 'multiple' | 'judge' | 'fill'
export interface ExamOption {
  key: string
  text: string
}
export interface ExamBank {
  id: number
  org_id: number
  org_name: string
  name: string
  description: string
  questions: number
  version: number
  created_by: string
  created_at: string
  updated_at: string
}
export interface ExamBankInput {
  org_id: number
  name: string
  description: string
  version: number
}
export interface Question {
  id: number
  bank_id: number
  version: number
  kind: QuestionKind
  stem: string
  options: ExamOption[]
  answer: unknown
  tags: string[]
  difficulty: number
  explanation: string
  points: number
  retired: boolean
  updated_at: string
}
export type QuestionInput = Pick<Question, 'kind' | 'stem' | 'options' | 'answer' | 'tags' | 'difficulty' | 'explanation' | 'points'>
export interface QuestionPage {
  items: Question[]
  total: number
}
export interface ImportError {
  row: number
  column: string
  message: string
}
export interface QuestionImport {
  rows: number
  questions_ok: number
  errors: ImportError[]
  questions: QuestionInput[]
  imported: number
}
export type ExamState = 'draft' | 'published' | 'cancelled'
export type Reveal = 'score' | 'answers' | 'explanations'
export type RevealAfter = 'submit' | 'close'
export interface Audience {
  org_ids: number[]
  roles: string[]
  account_ids: number[]
}
export interface DrawRule {
  bank_id: number
  tag: string
  difficulty: number
  count: number
  points: number
}
export interface Paper {
  fixed_question_ids?: number[]
  rules?: DrawRule[]
}
export interface ExamInput {
  title: string
  org_id: number
  audience: Audience
  opens_at: string
  closes_at: string
  duration_minutes: number
  pass_mark: number
  attempts_allowed: number
  paper: Paper
  shuffle_options: boolean
  reveal: Reveal
  reveal_after: RevealAfter
  version: number
}
export interface Exam extends ExamInput {
  id: number
  org_name: string
  state: ExamState
  candidates: number
  max_score: number
  created_by: string
  created_at: string
  updated_at: string
}
export interface PaperQuestion {
  id: number
  kind: QuestionKind
  stem: string
  options: ExamOption[]
  blanks?: number
  points: number
}
export type AttemptState = 'open' | 'submitted' | 'expired'
export interface QuestionResult {
  id: number
  stem: string
  kind: QuestionKind
  options: ExamOption[]
  points: number
  given: unknown
  score?: number
  correct?: boolean
  answer?: unknown
  explanation?: string
}
export interface AttemptResult {
  attempt_id: number
  state: AttemptState
  submitted_at: string
  revealed: boolean
  reveal_at?: string
  score?: number
  max: number
  passed?: boolean
  questions: QuestionResult[]
}
export interface Attempt {
  id: number
  exam_id: number
  exam_title: string
  started_at: string
  deadline: string
  server_now: string
  questions: PaperQuestion[]
  answers: Record<string, unknown>
  state: AttemptState
  result?: AttemptResult
}
export interface SaveResult {
  saved: { question_id: number; seq: number }[]
  server_now: string
  deadline: string
}
export interface MyExam {
  id: number
  title: string
  org_name: string
  opens_at: string
  closes_at: string
  duration_minutes: number
  pass_mark: number
  max_score: number
  attempts_allowed: number
  attempts_used: number
  phase: 'upcoming' | 'open' | 'finished'
  open_attempt_id?: number
  can_start: boolean
  results: AttemptResult[]
}
export interface MyExams {
  server_now: string
  items: MyExam[]
}
export interface Bucket {
  from: number
  to: number
  count: number
}
export interface UnitResult {
  org_id: number
  name: string
  candidates: number
  submitted: number
  average: number
  pass_rate: number
}
export interface QuestionStat {
  id: number
  stem: string
  kind: QuestionKind
  attempts: number
  difficulty_index: number
  discrimination: number
}
export interface AttemptRow {
  id: number
  account_id: number
  name: string
  org_id: number
  org_name: string
  state: AttemptState
  started_at: string
  submitted_at?: string
  duration_seconds: number
  score: number
  max: number
  passed: boolean
  short: boolean
}
export interface ExamResults {
  exam_id: number
  org_id: number
  candidates: number
  started: number
  submitted: number
  participation: number
  average: number
  pass_rate: number
  max_score: number
  median_seconds: number
  distribution: Bucket[]
  duration_distribution: Bucket[]
  short_attempts: AttemptRow[]
  units: UnitResult[]
  questions: QuestionStat[]
}

const v1 = '/api/v1'

// Banks and questions (exam.manage).
export const listBanks = (orgId?: number) => request<{ items: ExamBank[] }>('GET', buildUrl(`${v1}/exam-banks`, {}, { org_id: orgId }))
export const createBank = (body: ExamBankInput) => request<ExamBank>('POST', `${v1}/exam-banks`, body)
export const getBank = (id: number) => request<ExamBank>('GET', `${v1}/exam-banks/${id}`)
export const updateBank = (id: number, body: ExamBankInput) => request<ExamBank>('PUT', `${v1}/exam-banks/${id}`, body)
export interface QuestionFilter {
  q?: string
  tag?: string
  kind?: string
  difficulty?: number
  limit?: number
  offset?: number
}
export const listQuestions = (bank: number, f: QuestionFilter) =>
  request<QuestionPage>('GET', buildUrl(`${v1}/exam-banks/${bank}/questions`, {}, { ...f }))
export const createQuestion = (bank: number, body: QuestionInput) => request<Question>('POST', `${v1}/exam-banks/${bank}/questions`, body)
export const updateQuestion = (id: number, body: QuestionInput) => request<Question>('PUT', `${v1}/exam-questions/${id}`, body)
export const retireQuestion = (id: number) => request<void>('DELETE', `${v1}/exam-questions/${id}`)
export const templateUrl = (bank: number) => `${v1}/exam-banks/${bank}/import-template`
export const exportUrl = (bank: number) => `${v1}/exam-banks/${bank}/export`
export const importPreviewPath = (bank: number) => `${v1}/exam-banks/${bank}/import/preview`
export const importPath = (bank: number) => `${v1}/exam-banks/${bank}/import`

// Exams (exam.manage).
export const listExams = (q: { state?: string; org_id?: number }) => request<{ items: Exam[] }>('GET', buildUrl(`${v1}/exams`, {}, q))
export const getExam = (id: number) => request<Exam>('GET', `${v1}/exams/${id}`)
export const createExam = (body: ExamInput) => request<Exam>('POST', `${v1}/exams`, body)
export const updateExam = (id: number, body: ExamInput) => request<Exam>('PUT', `${v1}/exams/${id}`, body)
export const publishExam = (id: number) => request<Exam>('POST', `${v1}/exams/${id}/publish`, {})
export const cancelExam = (id: number) => request<Exam>('POST', `${v1}/exams/${id}/cancel`, {})
export const examResults = (id: number, orgId?: number) => request<ExamResults>('GET', buildUrl(`${v1}/exams/${id}/results`, {}, { org_id: orgId }))
export const resultsExportUrl = (id: number, orgId?: number) => buildUrl(`${v1}/exams/${id}/results/export`, {}, { org_id: orgId })
export const examAttempts = (id: number, q: { org_id?: number; limit?: number; offset?: number }) =>
  request<{ items: AttemptRow[]; total: number }>('GET', buildUrl(`${v1}/exams/${id}/attempts`, {}, q))

// Sitting (exam.take).
export const myExams = () => request<MyExams>('GET', `${v1}/my/exams`)
export const startAttempt = (exam: number) => request<Attempt>('POST', `${v1}/exams/${exam}/attempts`, {})
export const getAttempt = (id: number) => request<Attempt>('GET', `${v1}/attempts/${id}`)
export const submitAttempt = (id: number, key: string) =>
  request<AttemptResult>('POST', `${v1}/attempts/${id}/submit`, {}, { 'Idempotency-Key': key })
