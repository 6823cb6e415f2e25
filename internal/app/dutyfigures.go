package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/report"
	"github.com/zeren-edu/zeren/internal/reporttpl"
	"github.com/zeren-edu/zeren/internal/store"
)

// The duty list's figures in the work report (任务清单完成情况), for the
// report's unit and period:
//
//   - duties_due: duties concerning the unit's subtree with a window that lies
//     inside the period and has ended (as of today);
//   - duties_done: of those, the duties every unit they apply to (in the
//     subtree) met in every such window;
//   - units_below_target: units of the subtree short in at least one such
//     window — the units problem rule 2 names.
//
// Each figure's records are the duties (or units) it counts; its link opens
// the duty page of the unit and year, where every window links to its ledger
// records. The judgement is the same as rule 2's (duties.go), so the report's
// sentence and its suggested problem agree.

// dutyStanding is the judgement of a unit's subtree over a period.
type dutyStanding struct {
	due, done []int64 // duty ids
	below     []int64 // unit ids
}

func (a *App) dutyStanding(ctx context.Context, ac domain.Actor, unit int64, rg domain.Range) (dutyStanding, error) {
	var out dutyStanding
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetOrg(ctx, ac.Scope, unit); err != nil {
			return fieldNotFound(err, "unit")
		}
		sub := domain.Scope{Roots: []int64{unit}}
		var ds []domain.Duty
		for y := rg.From.Year; y <= rg.To.AddDays(-1).Year; y++ {
			got, err := tx.ListDuties(ctx, sub, store.DutyFilter{Year: y})
			if err != nil {
				return err
			}
			ds = append(ds, got...)
		}
		if len(ds) == 0 {
			return nil
		}
		units, err := a.dutyUnits(ctx, tx, sub, ds)
		if err != nil {
			return err
		}
		m, err := a.newProgressRun(tx, sub).measure(ctx, units, ds)
		if err != nil {
			return err
		}
		due, short, below := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
		for _, u := range units {
			for _, p := range m[u.ID] {
				for _, w := range p.Windows {
					if w.Range.From.Before(rg.From) || rg.To.Before(w.Range.To) || !w.Ended {
						continue
					}
					due[p.DutyID] = true
					if !w.Met {
						short[p.DutyID], below[u.ID] = true, true
					}
				}
			}
		}
		for id := range due {
			out.due = append(out.due, id)
			if !short[id] {
				out.done = append(out.done, id)
			}
		}
		for id := range below {
			out.below = append(out.below, id)
		}
		for _, s := range [][]int64{out.due, out.done, out.below} {
			sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		}
		return nil
	})
	return out, err
}

// registerDutyFigures adds the duty list's figure functions to a report's
// registry.
func (a *App) registerDutyFigures(r *report.Registry, ac domain.Actor) {
	fig := func(pick func(dutyStanding) []int64, unit, what string) func(context.Context, *report.Env, reporttpl.Args) (reporttpl.Result, error) {
		return func(ctx context.Context, env *report.Env, _ reporttpl.Args) (reporttpl.Result, error) {
			st, err := a.dutyStanding(ctx, ac, env.Unit.ID, env.Period.Range)
			if err != nil {
				return reporttpl.Result{}, err
			}
			ids := pick(st)
			return reporttpl.Result{Value: int64(len(ids)), Unit: unit, RecordIDs: ids,
				Query:   fmt.Sprintf("%s unit=%s(%d) period=%s", what, env.Unit.Code, env.Unit.ID, env.Period.Code),
				Records: "/duty/unit?org_id=" + strconv.FormatInt(env.Unit.ID, 10) + "&year=" + strconv.Itoa(env.Period.Range.From.Year)}, nil
		}
	}
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "duties_due", Unit: "项",
		Doc:   "duties of the duty list concerning the unit's subtree with a window inside the period that has ended",
		Label: "到期任务数", DocZh: "责任清单中涉及本单位（含下级）、在本期间内已到期的任务项数"},
		Eval: fig(func(s dutyStanding) []int64 { return s.due }, "项", "duties_due")})
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "duties_done", Unit: "项",
		Doc:   "of those, the duties every unit they apply to met in every ended window",
		Label: "完成任务数", DocZh: "其中各适用单位在各已到期时段全部达标的任务项数"},
		Eval: fig(func(s dutyStanding) []int64 { return s.done }, "项", "duties_done")})
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "units_below_target", Unit: "个",
		Doc:   "units of the subtree below a duty's target in at least one ended window of the period",
		Label: "未达标单位数", DocZh: "本期间内至少一个已到期时段未达到任务目标的单位个数"},
		Eval: fig(func(s dutyStanding) []int64 { return s.below }, "个", "units_below_target")})
}
