// The exam API calls (在线考试): question banks, exams, sitting one, results,
// typed from the OpenAPI document (src/api/schema.d.ts).
import type { Schemas } from '@/api/client'
import { buildUrl, http } from '@/api/typed'

export type ExamBank = Schemas['ExamBank']
export type ExamBankInput = Schemas['ExamBankInput']
export type Question = Schemas['Question']
export type QuestionInput = Schemas['QuestionInput']
export type QuestionKind = Question['kind']
export type QuestionImport = Schemas['QuestionImport']
export type Exam = Schemas['Exam']
export type ExamInput = Schemas['ExamInput']
export type DrawRule = NonNullable<Exam['paper']['rules']>[number]
export type Attempt = Schemas['Attempt']
export type AttemptState = Attempt['state']
export type AttemptResult = Schemas['AttemptResult']
export type SaveResult = Schemas['AnswerSaveResult']
export type MyExams = Schemas['MyExams']
export type MyExam = MyExams['items'][number]
export type ExamResults = Schemas['ExamResults']
export type AttemptRow = Schemas['AttemptRow']

// Banks and questions (exam.manage).
export const listBanks = (orgId?: number) => http.get('/api/v1/exam-banks', { query: { org_id: orgId } })
export const createBank = (body: ExamBankInput) => http.post('/api/v1/exam-banks', { body })
export const getBank = (id: number) => http.get('/api/v1/exam-banks/{id}', { path: { id } })
export interface QuestionFilter {
  q?: string
  tag?: string
  kind?: QuestionKind
  difficulty?: number
  limit?: number
  offset?: number
}
export const listQuestions = (bank: number, f: QuestionFilter) => http.get('/api/v1/exam-banks/{id}/questions', { path: { id: bank }, query: f })
export const createQuestion = (bank: number, body: QuestionInput) => http.post('/api/v1/exam-banks/{id}/questions', { path: { id: bank }, body })
export const updateQuestion = (id: number, body: QuestionInput) => http.put('/api/v1/exam-questions/{id}', { path: { id }, body })
export const retireQuestion = (id: number) => http.delete('/api/v1/exam-questions/{id}', { path: { id } })
export const templateUrl = (bank: number) => buildUrl('/api/v1/exam-banks/{id}/import-template', { id: bank })
export const exportUrl = (bank: number) => buildUrl('/api/v1/exam-banks/{id}/export', { id: bank })
export const importPreviewPath = (bank: number) => buildUrl('/api/v1/exam-banks/{id}/import/preview', { id: bank })
export const importPath = (bank: number) => buildUrl('/api/v1/exam-banks/{id}/import', { id: bank })

// Exams (exam.manage).
export const listExams = (query: { state?: Exam['state']; org_id?: number }) => http.get('/api/v1/exams', { query })
export const getExam = (id: number) => http.get('/api/v1/exams/{id}', { path: { id } })
export const createExam = (body: ExamInput) => http.post('/api/v1/exams', { body })
export const updateExam = (id: number, body: ExamInput) => http.put('/api/v1/exams/{id}', { path: { id }, body })
export const publishExam = (id: number) => http.post('/api/v1/exams/{id}/publish', { path: { id } })
export const cancelExam = (id: number) => http.post('/api/v1/exams/{id}/cancel', { path: { id } })
export const examResults = (id: number, orgId?: number) => http.get('/api/v1/exams/{id}/results', { path: { id }, query: { org_id: orgId } })
export const resultsExportUrl = (id: number, orgId?: number) => buildUrl('/api/v1/exams/{id}/results/export', { id }, { org_id: orgId })
export const examAttempts = (id: number, query: { org_id?: number; limit?: number; offset?: number }) =>
  http.get('/api/v1/exams/{id}/attempts', { path: { id }, query })

// Sitting (exam.take).
export const myExams = () => http.get('/api/v1/my/exams')
export const startAttempt = (exam: number) => http.post('/api/v1/exams/{id}/attempts', { path: { id: exam } })
export const getAttempt = (id: number) => http.get('/api/v1/attempts/{id}', { path: { id } })
export const submitAttempt = (id: number, key: string) => http.post('/api/v1/attempts/{id}/submit', { path: { id }, headers: { 'Idempotency-Key': key } })
