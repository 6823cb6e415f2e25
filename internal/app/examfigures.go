package app

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/zeren-edu/zeren/internal/assess"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/report"
	"github.com/zeren-edu/zeren/internal/reporttpl"
	"github.com/zeren-edu/zeren/internal/store"
)

// Exam figures for the work report and the yearly assessment. They count
// the exams whose window closed in the period, held by the unit or a unit
// above or below it, over the candidates of the unit's subtree; a
// candidate counts once per exam, with its best finished attempt. Scores
// are taken on a 100-point scale (score ÷ the paper's total × 100), so
// "人均92分" means the same whatever an exam's total.
//
//   - exam_average: the mean of those scores, rounded (分);
//   - exam_participation: candidates with a finished attempt ÷ candidates (%);
//   - exam_pass_rate: those who passed ÷ those with a finished attempt (%).
//
// Each figure's records are the attempts counted.

// IndExamAverage is the assessment indicator of exam scores.
const IndExamAverage = "exam_average"

// examStanding is what the figures are computed from.
type examStanding struct {
	exams           []int64
	candidates, sat int
	passed          int
	sumPercent      float64
	attempts        []int64
}

func (s examStanding) average() float64 {
	if s.sat == 0 {
		return 0
	}
	return s.sumPercent / float64(s.sat)
}

func (a *App) examStanding(ctx context.Context, tx *store.Tx, unit int64, rng domain.Range) (examStanding, error) {
	var s examStanding
	from, to := a.clock.Instants(rng)
	exams, err := tx.ExamsClosedIn(ctx, unit, from, to)
	if err != nil {
		return s, err
	}
	s.exams = exams
	for _, id := range exams {
		rows, err := tx.ExamAttemptRows(ctx, id, unit)
		if err != nil {
			return s, err
		}
		cands, err := tx.CandidateUnits(ctx, id, unit)
		if err != nil {
			return s, err
		}
		for _, n := range cands {
			s.candidates += n
		}
		best := map[int64]store.ResultRow{}
		for _, r := range rows {
			if r.State == domain.AttemptOpen {
				continue
			}
			if b, ok := best[r.AccountID]; !ok || r.Score > b.Score {
				best[r.AccountID] = r
			}
		}
		for _, r := range best {
			s.sat++
			if r.Passed {
				s.passed++
			}
			if r.Max > 0 {
				s.sumPercent += 100 * float64(r.Score) / float64(r.Max)
			}
			s.attempts = append(s.attempts, r.ID)
		}
	}
	return s, nil
}

func examRecords(unit int64, exams []int64) string {
	if len(exams) == 1 {
		return fmt.Sprintf("/exams/%d/results?org_id=%d", exams[0], unit)
	}
	return fmt.Sprintf("/exams?org_id=%d", unit)
}

// registerExamFigures registers exam_average, exam_participation and exam_pass_rate.
func (a *App) registerExamFigures(r *report.Registry, _ domain.Actor) {
	fig := func(name, unit, label, doc, docZh string, value func(examStanding) int64) {
		r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: name, Unit: unit, Doc: doc, Label: label, DocZh: docZh},
			Eval: func(ctx context.Context, env *report.Env, _ reporttpl.Args) (reporttpl.Result, error) {
				var s examStanding
				err := a.st.Read(ctx, func(tx *store.Tx) error {
					var err error
					s, err = a.examStanding(ctx, tx, env.Unit.ID, env.Period.Range)
					return err
				})
				if err != nil {
					return reporttpl.Result{}, err
				}
				return reporttpl.Result{Value: value(s), Unit: unit, RecordIDs: s.attempts,
					Query:   fmt.Sprintf("%s unit=%s(%d) from=%s to=%s exams=%v", name, env.Unit.Code, env.Unit.ID, env.Period.Range.From, env.Period.Range.To, s.exams),
					Records: examRecords(env.Unit.ID, s.exams)}, nil
			}})
	}
	round := func(x float64) int64 { return int64(math.Round(x)) }
	fig("exam_average", "分", "考试人均得分",
		"mean best score (100-point scale) of the unit's subtree's candidates in the exams closed in the period",
		"本单位（含下级）考生在期间内结束的考试中的人均得分（百分制，取每人最好成绩）",
		func(s examStanding) int64 { return round(s.average()) })
	fig("exam_participation", "%", "考试参考率",
		"candidates of the unit's subtree with a finished attempt ÷ candidates, in the exams closed in the period",
		"本单位（含下级）应考人员中交卷的比例（期间内结束的考试）",
		func(s examStanding) int64 { return round(100 * share(s.sat, s.candidates)) })
	fig("exam_pass_rate", "%", "考试及格率",
		"candidates who passed ÷ candidates with a finished attempt, in the exams closed in the period",
		"本单位（含下级）交卷人员中及格的比例（期间内结束的考试）",
		func(s examStanding) int64 { return round(100 * share(s.passed, s.sat)) })
}

// measureExamAverage is the exam_average indicator: the mean best score
// (100-point scale) of each unit's candidates in the exams closed in the year.
func (a *App) measureExamAverage(ctx context.Context, m *measureEnv, _ assess.Item) (map[int64]IndicatorValue, error) {
	out := map[int64]IndicatorValue{}
	for _, u := range m.units {
		s, err := a.examStanding(ctx, m.tx, u, m.rng)
		if err != nil {
			return nil, err
		}
		out[u] = IndicatorValue{Value: math.Round(s.average()*100) / 100, Num: s.sat, Den: s.candidates, Records: examRecords(u, s.exams)}
	}
	return out, nil
}

// examTodo is the candidate's share of the 待办 list: each open exam it has
// not finished, due when the window closes.
func (a *App) examTodo(ctx context.Context, tx *store.Tx, ac domain.Actor) ([]domain.TodoItem, error) {
	if ac.AccountID == 0 || !ac.Can(domain.PermExamTake) {
		return nil, nil
	}
	exams, err := tx.CandidateExams(ctx, ac.AccountID)
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	var out []domain.TodoItem
	for _, e := range exams {
		if now.Before(e.OpensAt) || !now.Before(e.ClosesAt) {
			continue
		}
		atts, err := tx.AccountAttempts(ctx, e.ID, ac.AccountID)
		if err != nil {
			return nil, err
		}
		finished := false
		for _, r := range atts {
			finished = finished || r.State != domain.AttemptOpen
		}
		if finished {
			continue
		}
		due := a.clock.DateOf(e.ClosesAt.Add(-time.Nanosecond))
		out = append(out, domain.TodoItem{Kind: domain.TodoExam, Title: "参加考试：" + firstLine(e.Title), Count: 1, Due: &due, Ref: e.ID,
			OrgID: e.OrgID, OrgName: e.OrgName})
	}
	return out, nil
}
