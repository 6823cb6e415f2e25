package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// The to-do line of an open exam goes once the candidate submits; after
// the window closes the report's figures count the best attempts.
func TestExamTodoAndFigures(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			w := newExamWorld(t, e)
			ex := w.fixedExam(t, nil)
			todoOf := func(ac domain.Actor) int {
				items, err := w.app.Todo(ctx, ac)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, it := range items {
					if it.Kind == domain.TodoExam && it.Ref == ex.ID {
						n++
					}
				}
				return n
			}
			if todoOf(w.members[0]) != 1 {
				t.Fatal("no to-do line for an open exam")
			}
			// Members 0 and 1 (district 1) sit: all right, and all wrong.
			for i, m := range w.members[:2] {
				at, err := w.app.StartAttempt(ctx, m, ex.ID)
				if err != nil {
					t.Fatal(err)
				}
				saves := rightAnswers(t, w, at)
				if i == 1 {
					for k := range saves {
						saves[k].Value = json.RawMessage("null")
					}
				}
				if _, err := w.app.SaveAnswers(ctx, m, at.ID, saves); err != nil {
					t.Fatal(err)
				}
				if _, err := w.app.SubmitAttempt(ctx, m, at.ID); err != nil {
					t.Fatal(err)
				}
			}
			if todoOf(w.members[0]) != 0 || todoOf(w.members[2]) != 1 {
				t.Fatal("the to-do line stays after submission, or left one who has not sat")
			}
			w.clock.advance(3 * time.Hour)
			doc, err := w.app.PreviewReport(ctx, w.op, app.ReportRequest{OrgID: w.districts[0].ID, Period: "2026",
				Source: "# 考试\n\n人均{{ exam_average() }}分，参考率{{ exam_participation() }}，及格率{{ exam_pass_rate() }}。\n"})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for _, f := range doc.Figures {
				got[f.Func] = f.Value
				if f.NRecords != 2 && f.Func == "exam_average" {
					t.Errorf("%s counts %d attempts", f.Func, f.NRecords)
				}
			}
			// District 1: two candidates, both sat: 100 and 0.
			if got["exam_average"] != 50 || got["exam_participation"] != 100 || got["exam_pass_rate"] != 50 {
				t.Fatalf("figures %v", got)
			}
			doc, err = w.app.PreviewReport(ctx, w.op, app.ReportRequest{OrgID: w.bureau.ID, Period: "2026", Source: "# 考试\n\n{{ exam_participation() }}\n"})
			if err != nil || doc.Figures[0].Value != 40 { // 2 of 5 (the manager sits too)
				t.Fatalf("county participation: %v %+v", err, doc.Figures)
			}
		})
	}
}
