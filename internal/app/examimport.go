package app

import (
	"context"
	"errors"

	"github.com/zeren-edu/zeren/internal/domain"
)

var errExamTODO = domain.Unavailable(errors.New("exams: not built yet"))

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
