package app

import (
	"context"
	"errors"

	"github.com/zeren-edu/zeren/internal/domain"
)

// QuestionQuery narrows ListQuestions.
type QuestionQuery struct {
	Q, Tag        string
	Kind          domain.QuestionKind
	Difficulty    int
	Retired       bool
	Limit, Offset int
}

// ExamQuery narrows ListExams.
type ExamQuery struct {
	State domain.ExamState
	OrgID int64
}

var errExamTODO = domain.Unavailable(errors.New("exams: not built yet"))

func (a *App) ListBanks(ctx context.Context, ac domain.Actor, orgID int64) ([]domain.QuestionBank, error) {
	return nil, errExamTODO
}
func (a *App) CreateBank(ctx context.Context, ac domain.Actor, in domain.BankInput) (domain.QuestionBank, error) {
	return domain.QuestionBank{}, errExamTODO
}
func (a *App) GetBank(ctx context.Context, ac domain.Actor, id int64) (domain.QuestionBank, error) {
	return domain.QuestionBank{}, errExamTODO
}
func (a *App) UpdateBank(ctx context.Context, ac domain.Actor, id int64, in domain.BankInput) (domain.QuestionBank, error) {
	return domain.QuestionBank{}, errExamTODO
}
func (a *App) ListQuestions(ctx context.Context, ac domain.Actor, bankID int64, q QuestionQuery) ([]domain.Question, int, error) {
	return nil, 0, errExamTODO
}
func (a *App) CreateQuestion(ctx context.Context, ac domain.Actor, bankID int64, in domain.QuestionInput) (domain.Question, error) {
	return domain.Question{}, errExamTODO
}
func (a *App) UpdateQuestion(ctx context.Context, ac domain.Actor, id int64, in domain.QuestionInput) (domain.Question, error) {
	return domain.Question{}, errExamTODO
}
func (a *App) RetireQuestion(ctx context.Context, ac domain.Actor, id int64) error { return errExamTODO }
func (a *App) QuestionImportTemplate(ctx context.Context, ac domain.Actor, bankID int64) ([]byte, string, error) {
	return nil, "", errExamTODO
}
func (a *App) PreviewQuestionImport(ctx context.Context, ac domain.Actor, bankID int64, file []byte) (domain.QuestionImport, error) {
	return domain.QuestionImport{}, errExamTODO
}
func (a *App) ImportQuestions(ctx context.Context, ac domain.Actor, bankID int64, file []byte) (domain.QuestionImport, error) {
	return domain.QuestionImport{}, errExamTODO
}
func (a *App) ExportBank(ctx context.Context, ac domain.Actor, bankID int64) ([]byte, string, error) {
	return nil, "", errExamTODO
}
func (a *App) ListExams(ctx context.Context, ac domain.Actor, q ExamQuery) ([]domain.Exam, error) {
	return nil, errExamTODO
}
func (a *App) CreateExam(ctx context.Context, ac domain.Actor, in domain.ExamInput) (domain.Exam, error) {
	return domain.Exam{}, errExamTODO
}
func (a *App) GetExam(ctx context.Context, ac domain.Actor, id int64) (domain.Exam, error) {
	return domain.Exam{}, errExamTODO
}
func (a *App) UpdateExam(ctx context.Context, ac domain.Actor, id int64, in domain.ExamInput) (domain.Exam, error) {
	return domain.Exam{}, errExamTODO
}
func (a *App) PublishExam(ctx context.Context, ac domain.Actor, id int64) (domain.Exam, error) {
	return domain.Exam{}, errExamTODO
}
func (a *App) CancelExam(ctx context.Context, ac domain.Actor, id int64) (domain.Exam, error) {
	return domain.Exam{}, errExamTODO
}
func (a *App) MyExams(ctx context.Context, ac domain.Actor) (domain.MyExams, error) {
	return domain.MyExams{}, errExamTODO
}
func (a *App) StartAttempt(ctx context.Context, ac domain.Actor, examID int64) (domain.Attempt, error) {
	return domain.Attempt{}, errExamTODO
}
func (a *App) GetAttempt(ctx context.Context, ac domain.Actor, id int64) (domain.Attempt, error) {
	return domain.Attempt{}, errExamTODO
}
func (a *App) SaveAnswers(ctx context.Context, ac domain.Actor, id int64, saves []domain.AnswerSave) (domain.SaveResult, error) {
	return domain.SaveResult{}, errExamTODO
}
func (a *App) SubmitAttempt(ctx context.Context, ac domain.Actor, id int64) (domain.AttemptResult, error) {
	return domain.AttemptResult{}, errExamTODO
}
func (a *App) ExamResults(ctx context.Context, ac domain.Actor, id, orgID int64) (domain.ExamResults, error) {
	return domain.ExamResults{}, errExamTODO
}
func (a *App) ExportExamResults(ctx context.Context, ac domain.Actor, id, orgID int64) ([]byte, string, error) {
	return nil, "", errExamTODO
}
func (a *App) ListExamAttempts(ctx context.Context, ac domain.Actor, id, orgID int64, limit, offset int) ([]domain.AttemptRow, int, error) {
	return nil, 0, errExamTODO
}
