package app

import (
	"context"
	"fmt"
	"strconv"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/report"
	"github.com/zeren-edu/zeren/internal/reporttpl"
	"github.com/zeren-edu/zeren/internal/store"
)

// Report figures of rectification and the assessment (issue 13 item 7), each
// traceable: rectifications list the items counted (their ids, and the
// rectifications page filtered alike), the assessment links its scores page.

// Which rectifications a figure counts.
const (
	RectFigOpened    = "opened"    // opened in the period
	RectFigClosed    = "closed"    // closed (signed off) in the period
	RectFigOnTime    = "on_time"   // of those closed, done by their deadline
	RectFigImmediate = "immediate" // of those closed, done within RectImmediateDays of opening (立行立改)
)

// RectCount counts the rectifications of a unit's subtree a figure names,
// with their ids.
func (a *App) RectCount(ctx context.Context, ac domain.Actor, org int64, r domain.Range, which string) ([]int64, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, err
	}
	f := store.RectFilter{OrgID: org, Today: a.Today()}
	switch which {
	case "", RectFigOpened:
		f.OpenedFrom, f.OpenedTo = r.From, r.To
	case RectFigClosed, RectFigOnTime, RectFigImmediate:
		f.ClosedFrom, f.ClosedTo = r.From, r.To
		f.States = []domain.RectState{domain.RectClosed}
	default:
		return nil, domain.Invalid("which", "%q: opened, closed, on_time or immediate", which)
	}
	var ids []int64
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		items, _, err := tx.ListRectifications(ctx, ac.Scope, f)
		for i := range items {
			a.judged(&items[i])
			it := items[i]
			if (which == RectFigOnTime && !it.OnTime) || (which == RectFigImmediate && !it.Immediate) {
				continue
			}
			ids = append(ids, it.ID)
		}
		return err
	})
	return ids, err
}

// registerRectFigures adds the figure functions rectifications() and
// assessed() to a report registry.
func (a *App) registerRectFigures(r *report.Registry, ac domain.Actor) {
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "rectifications", Unit: "个",
		Doc:   "rectifications of the unit's subtree: opened in the period (default), or closed, closed on time, closed as 立行立改 in it",
		Label: "整改事项数", DocZh: "本单位（含下级）的整改事项：期间内新开的（默认），或期间内销号的、按期销号的、立行立改的",
		Args: []reporttpl.ArgSpec{{Name: "which", Kind: reporttpl.KindString, Doc: "opened (default), closed, on_time, immediate",
			Label: "口径", DocZh: "opened 新开（默认）、closed 销号、on_time 按期销号、immediate 立行立改"}}},
		Eval: func(ctx context.Context, env *report.Env, args reporttpl.Args) (reporttpl.Result, error) {
			which := args["which"].Str
			ids, err := a.RectCount(ctx, ac, env.Unit.ID, env.Period.Range, which)
			if err != nil {
				return reporttpl.Result{}, fieldErr(err, "which")
			}
			if which == "" {
				which = RectFigOpened
			}
			return reporttpl.Result{Value: int64(len(ids)), Unit: "个", RecordIDs: ids,
				Query: fmt.Sprintf("rectifications %s unit=%s(%d) from=%s to=%s", which, env.Unit.Code, env.Unit.ID, env.Period.Range.From, env.Period.Range.To),
				Records: fmt.Sprintf("/rectifications?org_id=%d&%s_from=%s&%s_to=%s", env.Unit.ID, rectDateField(which), env.Period.Range.From,
					rectDateField(which), env.Period.Range.To) + rectWhichParam(which)}, nil // the page passes these to GET /api/v1/rectifications
		}})
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "assessed", Unit: "个",
		Doc:   "units scored by the unit's own rubric of the period's year, with a total of at least min (default 0: all)",
		Label: "考核单位数", DocZh: "本单位当年考核细则所考核的单位中，总分不低于 min 的个数（默认 0：全部）",
		Args: []reporttpl.ArgSpec{{Name: "min", Kind: reporttpl.KindString, Doc: "the lowest total counted, e.g. 90",
			Label: "最低分", DocZh: "计入的最低总分，如 90"}}},
		Eval: func(ctx context.Context, env *report.Env, args reporttpl.Args) (reporttpl.Result, error) {
			min := 0.0
			if s := args["min"].Str; s != "" {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return reporttpl.Result{}, domain.Invalid("min", "%q is not a number", s)
				}
				min = v
			}
			year := env.Period.Range.From.Year
			res := reporttpl.Result{Unit: "个", Query: fmt.Sprintf("assessed unit=%s(%d) year=%d min=%g", env.Unit.Code, env.Unit.ID, year, min),
				Records: fmt.Sprintf("/assessment?org_id=%d&year=%d", env.Unit.ID, year)}
			rubrics, err := a.ListRubrics(ctx, ac, year)
			if err != nil {
				return res, err
			}
			for _, rb := range rubrics {
				if rb.OrgID != env.Unit.ID {
					continue
				}
				sc, err := a.Scores(ctx, ac, rb.ID)
				if err != nil {
					return res, err
				}
				for _, u := range sc.Units {
					if u.Total >= min {
						res.Value++
						res.RecordIDs = append(res.RecordIDs, u.OrgID)
					}
				}
				res.Records = fmt.Sprintf("/assessment?year=%d&rubric=%d", year, rb.ID)
				break // the unit's first rubric of the year
			}
			return res, nil
		}})
}

func rectDateField(which string) string {
	if which == RectFigOpened || which == "" {
		return "opened"
	}
	return "closed"
}

func rectWhichParam(which string) string {
	switch which {
	case RectFigOnTime, RectFigImmediate:
		return "&" + which + "=true"
	}
	return ""
}
