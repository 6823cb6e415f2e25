package app

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/assess"
	"github.com/zeren-edu/zeren/internal/casework"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/report"
	"github.com/zeren-edu/zeren/internal/reporttpl"
	"github.com/zeren-edu/zeren/internal/store"
)

// Report figures of public-concern cases (issue 14 item 8) and the
// assessment indicator cases_on_time. Every figure counts the cases of the
// unit's subtree OPENED in the period (in the bureau's zone), returns their
// ids, and links the cases page listing exactly them (by ids), so a figure
// recounts to its records:
//
//   - cases(severity, kind, outcome): how many;
//   - cases_within(deadline): how many met that deadline (triage, response,
//     resolution), and cases_within_pct(deadline) the share, rounded down,
//     of those whose deadline has fallen or whose step was done;
//   - case_response_minutes(): the median minutes from opening to the
//     public response, over those responded to;
//   - concern_incidents(kinds): the claim "未发生意识形态方面的各类问题" as a
//     figure — zero cases of the chosen kinds (default ideology) in the
//     period, linked to that (empty) list.

// IndCasesOnTime is the assessment indicator of cases handled on time.
const IndCasesOnTime = "cases_on_time"

// periodCases returns the cases of org's subtree opened in the range, judged now.
func (a *App) periodCases(ctx context.Context, tx *store.Tx, scope domain.Scope, org int64, r domain.Range, f store.CaseFilter) ([]casework.Case, error) {
	loc := a.clock.Location()
	f.OrgID = org
	f.OpenedFrom = time.Date(r.From.Year, r.From.Month, r.From.Day, 0, 0, 0, 0, loc)
	f.OpenedTo = time.Date(r.To.Year, r.To.Month, r.To.Day, 0, 0, 0, 0, loc)
	f.Now = a.now()
	cs, _, err := tx.ListCases(ctx, scope, f)
	for i := range cs {
		cs[i].Judge(f.Now)
	}
	return cs, err
}

// caseOutcomes are the outcome argument's values.
var caseOutcomes = map[string][]casework.State{
	"":         nil,
	"open":     {casework.StateNew, casework.StateAssessing, casework.StateResponding},
	"resolved": {casework.StateResolved, casework.StateClosed},
}

func caseIDs(cs []casework.Case) []int64 {
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

// casesLink is the cases page listing exactly ids (or, for none, the
// filtered list that shows them to be none).
func casesLink(org int64, r domain.Range, ids []int64, extra url.Values) string {
	q := url.Values{}
	q.Set("org_id", fmt.Sprint(org))
	q.Set("from", r.From.String())
	q.Set("to", r.To.String())
	for k, vs := range extra {
		q[k] = vs
	}
	if len(ids) > 0 {
		for _, id := range ids {
			q.Add("ids", fmt.Sprint(id))
		}
	}
	return "/cases?" + q.Encode()
}

// registerCaseFigures adds the case figure functions to a report registry.
func (a *App) registerCaseFigures(r *report.Registry, ac domain.Actor) {
	// A report's reader (activity.read, checked by the report) gets the
	// counts of the cases of its scope, like every other figure's.
	read := func(ctx context.Context, env *report.Env, f store.CaseFilter) ([]casework.Case, error) {
		var cs []casework.Case
		err := a.st.Read(ctx, func(tx *store.Tx) error {
			var err error
			cs, err = a.periodCases(ctx, tx, ac.Scope, env.Unit.ID, env.Period.Range, f)
			return err
		})
		return cs, err
	}
	query := func(what string, env *report.Env) string {
		return fmt.Sprintf("%s unit=%s(%d) from=%s to=%s", what, env.Unit.Code, env.Unit.ID, env.Period.Range.From, env.Period.Range.To)
	}
	deadlineArg := reporttpl.ArgSpec{Name: "deadline", Kind: reporttpl.KindString, Doc: "triage (default), response or resolution",
		Label: "时限", DocZh: "triage 研判（默认）、response 回应、resolution 处置"}
	deadlineOf := func(args reporttpl.Args) (casework.Deadline, error) {
		d := casework.Deadline(args["deadline"].Str)
		if d == "" {
			return casework.DeadlineTriage, nil
		}
		if !slices.Contains(casework.Deadlines, d) {
			return d, domain.Invalid("deadline", "%q: triage, response or resolution", d)
		}
		return d, nil
	}

	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "cases", Unit: "起",
		Doc:   "public-concern cases of the unit's subtree opened in the period, optionally of one severity, kind and outcome",
		Label: "舆情事件数", DocZh: "本单位（含下级）期间内登记的舆情事件数，可按严重程度、类别、结果筛选",
		Args: []reporttpl.ArgSpec{
			{Name: "severity", Kind: reporttpl.KindString, Doc: "major, significant or general (default: all)", Label: "严重程度", DocZh: "major 重大、significant 较大、general 一般（默认：全部）"},
			{Name: "kind", Kind: reporttpl.KindString, Doc: "ideology, safety, ethics, service or other (default: all)", Label: "类别", DocZh: "ideology 意识形态、safety 校园安全、ethics 师德师风、service 教育服务、other 其他（默认：全部）"},
			{Name: "outcome", Kind: reporttpl.KindString, Doc: "open or resolved (resolved or closed; default: all)", Label: "结果", DocZh: "open 处置中、resolved 已处置（含已结案；默认：全部）"},
		}},
		Eval: func(ctx context.Context, env *report.Env, args reporttpl.Args) (reporttpl.Result, error) {
			var f store.CaseFilter
			extra := url.Values{}
			if s := args["severity"].Str; s != "" {
				if !casework.Severity(s).Valid() {
					return reporttpl.Result{}, domain.Invalid("severity", "%q: major, significant or general", s)
				}
				f.Severities = []casework.Severity{casework.Severity(s)}
				extra.Set("severity", s)
			}
			if s := args["kind"].Str; s != "" {
				ks, err := casework.ParseKinds("kind", []string{s})
				if err != nil {
					return reporttpl.Result{}, err
				}
				f.Kinds = ks
				extra.Set("kind", s)
			}
			states, ok := caseOutcomes[args["outcome"].Str]
			if !ok {
				return reporttpl.Result{}, domain.Invalid("outcome", "%q: open or resolved", args["outcome"].Str)
			}
			f.States = states
			for _, s := range states {
				extra.Add("state", string(s))
			}
			cs, err := read(ctx, env, f)
			if err != nil {
				return reporttpl.Result{}, err
			}
			ids := caseIDs(cs)
			return reporttpl.Result{Value: int64(len(ids)), Unit: "起", RecordIDs: ids,
				Query:   query("cases "+strings.TrimSpace(args["severity"].Str+" "+args["kind"].Str+" "+args["outcome"].Str), env),
				Records: casesLink(env.Unit.ID, env.Period.Range, ids, extra)}, nil
		}})

	within := func(pct bool) func(context.Context, *report.Env, reporttpl.Args) (reporttpl.Result, error) {
		return func(ctx context.Context, env *report.Env, args reporttpl.Args) (reporttpl.Result, error) {
			d, err := deadlineOf(args)
			if err != nil {
				return reporttpl.Result{}, err
			}
			cs, err := read(ctx, env, store.CaseFilter{})
			if err != nil {
				return reporttpl.Result{}, err
			}
			var judged, met []int64
			for _, c := range cs {
				switch c.DueOf(d).Standing {
				case casework.Met:
					met = append(met, c.ID)
					judged = append(judged, c.ID)
				case casework.Missed, casework.Overdue:
					judged = append(judged, c.ID)
				}
			}
			if !pct {
				return reporttpl.Result{Value: int64(len(met)), Unit: "起", RecordIDs: met, Query: query("cases_within "+string(d), env),
					Records: casesLink(env.Unit.ID, env.Period.Range, met, nil)}, nil
			}
			res := reporttpl.Result{Unit: "%", RecordIDs: judged, Query: query("cases_within_pct "+string(d), env),
				Records: casesLink(env.Unit.ID, env.Period.Range, judged, nil)}
			if len(judged) > 0 {
				res.Value = int64(len(met) * 100 / len(judged)) // rounded down: never over-claiming
			}
			return res, nil
		}
	}
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "cases_within", Unit: "起",
		Doc:   "of the cases opened in the period, those whose step met the deadline (triage, response or resolution)",
		Label: "按时处置事件数", DocZh: "期间内登记的舆情事件中，在时限内完成该环节（研判、回应或处置）的起数",
		Args: []reporttpl.ArgSpec{deadlineArg}},
		Eval: within(false)})
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "cases_within_pct", Unit: "%",
		Doc:   "the share (percent, rounded down) of the cases opened in the period whose deadline has fallen or whose step was done that met it",
		Label: "按时处置率", DocZh: "期间内登记、该时限已到或该环节已完成的舆情事件中按时完成的比例（百分数，向下取整）",
		Args: []reporttpl.ArgSpec{deadlineArg}},
		Eval: within(true)})
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "case_response_minutes", Unit: "分钟",
		Doc:   "the median minutes from a case's opening to its public response, over the cases opened in the period that were responded to",
		Label: "回应用时中位数", DocZh: "期间内登记并已回应的舆情事件，从登记到公开回应用时的中位数（分钟）"},
		Eval: func(ctx context.Context, env *report.Env, _ reporttpl.Args) (reporttpl.Result, error) {
			cs, err := read(ctx, env, store.CaseFilter{})
			if err != nil {
				return reporttpl.Result{}, err
			}
			var ids []int64
			var ds []time.Duration
			for _, c := range cs {
				if done := c.DueOf(casework.DeadlineResponse).DoneAt; !done.IsZero() {
					ids = append(ids, c.ID)
					ds = append(ds, done.Sub(c.OpenedAt))
				}
			}
			res := reporttpl.Result{Unit: "分钟", RecordIDs: ids, Query: query("case_response_minutes", env),
				Records: casesLink(env.Unit.ID, env.Period.Range, ids, nil)}
			if m := minutesAt(ds, 50); m != nil {
				res.Value = *m
			}
			return res, nil
		}})
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "concern_incidents", Unit: "起",
		Doc: "cases of the chosen kinds (comma-separated; default ideology) of the unit's subtree opened in the period: zero backs the claim " +
			"that no such problem occurred (未发生意识形态方面的各类问题), linked to that empty list",
		Label: "意识形态问题事件数", DocZh: "本单位（含下级）期间内登记的所选类别（逗号分隔，默认 ideology 意识形态）舆情事件数；为 0 即“未发生意识形态方面的各类问题”，链接到该（空）列表",
		Args: []reporttpl.ArgSpec{{Name: "kinds", Kind: reporttpl.KindString, Doc: "kinds, comma-separated (default ideology)",
			Label: "类别", DocZh: "类别，逗号分隔（默认 ideology）"}}},
		Eval: func(ctx context.Context, env *report.Env, args reporttpl.Args) (reporttpl.Result, error) {
			list := []string{string(casework.KindIdeology)}
			if s := strings.TrimSpace(args["kinds"].Str); s != "" {
				list = strings.Split(s, ",")
				for i := range list {
					list[i] = strings.TrimSpace(list[i])
				}
			}
			ks, err := casework.ParseKinds("kinds", list)
			if err != nil {
				return reporttpl.Result{}, err
			}
			cs, err := read(ctx, env, store.CaseFilter{Kinds: ks})
			if err != nil {
				return reporttpl.Result{}, err
			}
			ids := caseIDs(cs)
			extra := url.Values{}
			for _, k := range ks {
				extra.Add("kind", string(k))
			}
			return reporttpl.Result{Value: int64(len(ids)), Unit: "起", RecordIDs: ids,
				Query:   query("concern_incidents "+strings.Join(list, ","), env),
				Records: casesLink(env.Unit.ID, env.Period.Range, ids, extra)}, nil
		}})
}

// measureCasesOnTime scores each unit by its subtree's cases opened in the
// year: the share handled on time — every deadline that has fallen (or
// whose step was done) met — of those with any deadline fallen or done; 1
// when there were none.
func (a *App) measureCasesOnTime(ctx context.Context, m *measureEnv, _ assess.Item) (map[int64]IndicatorValue, error) {
	all := domain.Scope{Roots: m.units}
	out := map[int64]IndicatorValue{}
	for _, u := range m.units {
		cs, err := a.periodCases(ctx, m.tx, all, u, m.rng, store.CaseFilter{})
		if err != nil {
			return nil, err
		}
		num, den := 0, 0
		for _, c := range cs {
			judged, late := false, false
			for _, d := range c.Deadlines {
				switch d.Standing {
				case casework.Met:
					judged = true
				case casework.Missed, casework.Overdue:
					judged, late = true, true
				}
			}
			if judged {
				den++
				if !late {
					num++
				}
			}
		}
		v := 1.0 // no case: nothing handled late
		if den > 0 {
			v = share(num, den)
		}
		out[u] = IndicatorValue{Value: v, Num: num, Den: den,
			Records: fmt.Sprintf("/cases?org_id=%d&from=%s&to=%s", u, m.rng.From, m.rng.To)}
	}
	return out, nil
}
