package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

func TestQuestionImportRoundTrip(t *testing.T) {
	e := storetest.Engines(t)[0]
	ctx := context.Background()
	w := newExamWorld(t, e)
	tpl, _, err := w.app.QuestionImportTemplate(ctx, w.mgr, w.bank.ID)
	if err != nil {
		t.Fatal(err)
	}
	pre, err := w.app.PreviewQuestionImport(ctx, w.mgr, w.bank.ID, tpl)
	if err != nil || pre.Rows != 4 || pre.QuestionsOK != 4 || len(pre.Errors) != 0 {
		t.Fatalf("template preview: %v %+v", err, pre)
	}
	// An export of the bank imports again, question for question.
	exp, _, err := w.app.ExportBank(ctx, w.mgr, w.bank.ID)
	if err != nil {
		t.Fatal(err)
	}
	pre, err = w.app.PreviewQuestionImport(ctx, w.mgr, w.bank.ID, exp)
	if err != nil || pre.QuestionsOK != len(w.questions) || len(pre.Errors) != 0 {
		t.Fatalf("export preview: %v %+v", err, pre.Errors)
	}
	for i, q := range pre.Questions {
		o := w.questions[i]
		if q.Stem != o.Stem || string(q.Answer) != string(o.Answer) || q.Kind != o.Kind || q.Points != o.Points || len(q.Options) != len(o.Options) {
			t.Fatalf("row %d: %+v vs %+v", i, q, o)
		}
	}
	res, err := w.app.ImportQuestions(ctx, w.mgr, w.bank.ID, exp)
	if err != nil || res.Imported != len(w.questions) {
		t.Fatalf("import: %v %+v", err, res)
	}
	b, _ := w.app.GetBank(ctx, w.mgr, w.bank.ID)
	if b.Questions != 2*len(w.questions) {
		t.Fatalf("bank holds %d", b.Questions)
	}
}

func TestQuestionImportRefusals(t *testing.T) {
	e := storetest.Engines(t)[0]
	ctx := context.Background()
	w := newExamWorld(t, e)
	book := func(edit func(f *excelize.File)) []byte {
		f := excelize.NewFile()
		rows := [][]string{{"题型*", "题干*", "选项A", "选项B", "答案*", "难度"},
			{"单选", "第一题", "甲", "乙", "A", "2"},
			{"判断", "=1+1", "", "", "对", ""},
			{"单选", "第三题", "甲", "乙", "C", ""},
			{"多选", "<b>粗体</b>", "甲", "乙", "AB", ""},
			{"判断", "第五题", "", "", "对", "2026-01-01"},
		}
		for i, r := range rows {
			for j, c := range r {
				name, _ := excelize.CoordinatesToCellName(j+1, i+1)
				_ = f.SetCellStr("Sheet1", name, c)
			}
		}
		if edit != nil {
			edit(f)
		}
		var buf bytes.Buffer
		_, _ = f.WriteTo(&buf)
		return buf.Bytes()
	}
	data := book(func(f *excelize.File) {
		_ = f.SetCellFormula("Sheet1", "B7", "CONCAT(\"a\",\"b\")")
		_ = f.SetCellStr("Sheet1", "A7", "判断")
		_ = f.SetCellStr("Sheet1", "E7", "对")
	})
	pre, err := w.app.PreviewQuestionImport(ctx, w.mgr, w.bank.ID, data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{4: "E（答案）", 5: "B（题干）", 6: "F（难度）", 7: "B（题干）"}
	got := map[int]string{}
	for _, e := range pre.Errors {
		got[e.Row] = e.Column
	}
	for row, col := range want {
		if got[row] != col {
			t.Errorf("row %d: error in %q, want %q (all: %+v)", row, got[row], col, pre.Errors)
		}
	}
	if pre.QuestionsOK != 2 || len(pre.Errors) != 4 { // row 2, and row 3 whose "=1+1" is text
		t.Fatalf("ok %d, errors %+v", pre.QuestionsOK, pre.Errors)
	}
	if pre.Questions[1].Stem != "=1+1" {
		t.Fatalf("a cell starting with = is kept as text: %q", pre.Questions[1].Stem)
	}
	before, _ := w.app.GetBank(ctx, w.mgr, w.bank.ID)
	_, err = w.app.ImportQuestions(ctx, w.mgr, w.bank.ID, data)
	wantKind(t, err, domain.KindInvalid, "file")
	if !strings.Contains(err.Error(), "第4行") {
		t.Fatalf("the refusal names the first row: %v", err)
	}
	after, _ := w.app.GetBank(ctx, w.mgr, w.bank.ID)
	if after.Questions != before.Questions {
		t.Fatal("a refused import wrote questions")
	}
	// A broken zip and a merged cell are refused whole.
	for name, data := range map[string][]byte{
		"broken": append([]byte("PK\x03\x04"), bytes.Repeat([]byte{1}, 50)...),
		"merged": book(func(f *excelize.File) { _ = f.MergeCell("Sheet1", "B2", "B3") }),
	} {
		pre, err := w.app.PreviewQuestionImport(ctx, w.mgr, w.bank.ID, data)
		if err != nil || len(pre.Errors) == 0 || pre.QuestionsOK != 0 && name == "broken" {
			t.Fatalf("%s: %v %+v", name, err, pre)
		}
	}
}
