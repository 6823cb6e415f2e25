package app

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/report"
	"github.com/zeren-edu/zeren/internal/reporttpl"
	"github.com/zeren-edu/zeren/internal/store"
)

// reportSource is the ledger as a report reads it: one read transaction, one
// actor's scope. Counts come from the rollups (the aggregate use case's
// query; a venue figure from the venue rollups); the record ids a snapshot
// keeps come from the records.
type reportSource struct {
	a  *App
	tx *store.Tx
	ac domain.Actor
	// records caches FigureRecords by filter, so a venue figure's tally and
	// its ids cost one query.
	records map[string][]store.RecordRow
	names   map[int64]report.Unit
	// pools hold every activity of a (unit, range), read once when there
	// are few enough, so each figure over it filters in memory.
	pools map[poolKey][]store.PeriodRecord
	// byVenue holds the records of a filter without its venue, by query.
	byVenue map[string][]store.PeriodRecord
	// units caches UnitsWith's units by kind and filter.
	units map[string][]int64
}

type poolKey struct {
	org      int64
	from, to domain.Date
}

// DefaultReportPool is the default Config.ReportPoolRecords: about 30 MB of
// records at most; above it every figure queries on its own.
const DefaultReportPool = 300_000

func (a *App) newReportSource(tx *store.Tx, ac domain.Actor) *reportSource {
	return &reportSource{a: a, tx: tx, ac: ac, records: map[string][]store.RecordRow{}, names: map[int64]report.Unit{}, pools: map[poolKey][]store.PeriodRecord{},
		byVenue: map[string][]store.PeriodRecord{}, units: map[string][]int64{}}
}

func unitOf(o domain.OrgUnit) report.Unit {
	return report.Unit{ID: o.ID, Code: o.Code, Name: o.Name, Kind: o.Kind}
}

func (s *reportSource) UnitByCode(ctx context.Context, code string) (report.Unit, error) {
	o, err := s.tx.OrgByCode(ctx, s.ac.Scope, code)
	if err != nil {
		return report.Unit{}, err
	}
	return unitOf(o), nil
}

func (s *reportSource) unitByID(ctx context.Context, id int64) (report.Unit, error) {
	o, err := s.tx.GetOrg(ctx, s.ac.Scope, id)
	if err != nil {
		return report.Unit{}, err
	}
	return unitOf(o), nil
}

// unitName names a unit for the appendix (by id; the id when out of scope).
func (s *reportSource) unitName(ctx context.Context, id int64) (code, name string) {
	u, ok := s.names[id]
	if !ok {
		var err error
		if u, err = s.unitByID(ctx, id); err != nil {
			u = report.Unit{Code: strconv.FormatInt(id, 10), Name: strconv.FormatInt(id, 10)}
		}
		s.names[id] = u
	}
	return u.Code, u.Name
}

func (s *reportSource) Period(ctx context.Context, u report.Unit, code string, lastYear bool) (report.Period, error) {
	p, err := period.Parse(code)
	if err != nil {
		return report.Period{}, err
	}
	cal, err := s.a.calendarOf(ctx, s.tx, u.ID)
	if err != nil {
		return report.Period{}, err
	}
	cur := resolved(p, cal)
	if !lastYear {
		return report.Period{Code: cur.Code, Label: cur.LabelZH, Year: p.Year, Range: cur.Range, Exact: true}, nil
	}
	lp := p.SameLastYear()
	last := resolved(lp, cal)
	out := report.Period{Code: last.Code, Label: last.LabelZH, Year: lp.Year, Range: last.Range, Exact: true}
	// A period still in progress is compared like with like, as the
	// aggregate use case does: last year's period up to the same day.
	if today := s.a.Today(); cur.Range.Contains(today) {
		cut := domain.NewDate(today.Year-1, today.Month, today.Day).AddDays(1)
		if cut.Before(out.Range.To) && out.Range.From.Before(cut) {
			out.Range.To, out.Exact = cut, false
		}
	}
	return out, nil
}

func (s *reportSource) TypeIDs(ctx context.Context, codes []string, pillar string) ([]int64, error) {
	var ids []int64
	if codes != nil {
		ids = []int64{}
		seen := map[int64]bool{}
		for _, c := range codes {
			t, err := s.tx.TypeByCode(ctx, c)
			if domain.IsKind(err, domain.KindNotFound) {
				return nil, domain.Invalid("type", "unknown activity type %q", c)
			}
			if err != nil {
				return nil, err
			}
			if !seen[t.ID] {
				seen[t.ID] = true
				ids = append(ids, t.ID)
			}
		}
	}
	return s.a.resolveTypes(ctx, s.tx, ids, pillar)
}

func recordFilter(f report.Filter) store.RecordFilter {
	return store.RecordFilter{OrgID: f.Unit.ID, TypeIDs: f.TypeIDs, Range: f.Period.Range, Statuses: f.Statuses, Venue: f.Venue}
}

// aggQuery is the rollup query of a figure's filter.
func aggQuery(f report.Filter) store.AggQuery {
	return store.AggQuery{OrgID: f.Unit.ID, TypeIDs: f.TypeIDs, Range: f.Period.Range, Statuses: f.Statuses, Venue: f.Venue}
}

func (s *reportSource) rows(ctx context.Context, f report.Filter) ([]store.RecordRow, error) {
	key := report.Query("records", f)
	if r, ok := s.records[key]; ok {
		return r, nil
	}
	pool, ok, err := s.pool(ctx, f)
	if err != nil {
		return nil, err
	}
	var r []store.RecordRow
	switch {
	case ok:
		r = filterPool(pool, f)
	case f.Venue != "":
		// Too many to hold the whole period: read the records of the
		// filter without its venue once, for every venue asked.
		base := f
		base.Venue = ""
		bk := report.Query("venues", base)
		recs, ok := s.byVenue[bk]
		if !ok {
			if recs, err = s.tx.FigureRecordsWithVenues(ctx, s.ac.Scope, recordFilter(base)); err != nil {
				return nil, err
			}
			s.byVenue[bk] = recs
		}
		r = filterPool(recs, f)
	default:
		if r, err = s.tx.FigureRecords(ctx, s.ac.Scope, recordFilter(f)); err != nil {
			return nil, err
		}
	}
	s.records[key] = r
	return r, nil
}

// pool returns every activity of f's unit and range when there are at most
// Config.ReportPoolRecords of them (counted from the rollups first).
func (s *reportSource) pool(ctx context.Context, f report.Filter) ([]store.PeriodRecord, bool, error) {
	limit := s.a.cfg.ReportPoolRecords
	if limit == 0 {
		limit = DefaultReportPool
	}
	k := poolKey{f.Unit.ID, f.Period.Range.From, f.Period.Range.To}
	if p, ok := s.pools[k]; ok || limit < 0 {
		return p, p != nil, nil
	}
	groups, err := s.tx.Aggregate(ctx, s.ac.Scope, store.AggQuery{OrgID: f.Unit.ID, Range: f.Period.Range, Statuses: domain.Statuses}, store.GroupNone)
	if err != nil {
		return nil, false, err
	}
	if store.Total(groups).Count > int64(limit) {
		s.pools[k] = nil
		return nil, false, nil
	}
	p, err := s.tx.PeriodRecords(ctx, s.ac.Scope, f.Unit.ID, f.Period.Range)
	if err != nil {
		return nil, false, err
	}
	s.pools[k] = p
	return p, true, nil
}

// filterPool keeps the records f counts: the same conditions as the store's
// figure query (types, statuses, venue).
func filterPool(pool []store.PeriodRecord, f report.Filter) []store.RecordRow {
	var types map[int64]bool
	if f.TypeIDs != nil {
		types = make(map[int64]bool, len(f.TypeIDs))
		for _, id := range f.TypeIDs {
			types[id] = true
		}
	}
	statuses := f.Statuses
	if statuses == nil {
		statuses = []domain.Status{domain.StatusApproved}
	}
	out := []store.RecordRow{}
	for _, p := range pool {
		if types != nil && !types[p.TypeID] || !slices.Contains(statuses, p.Status) {
			continue
		}
		if f.Venue != "" && !slices.Contains(p.Venues, f.Venue) {
			continue
		}
		out = append(out, p.RecordRow)
	}
	return out
}

func (s *reportSource) Tally(ctx context.Context, f report.Filter) (report.Tally, error) {
	groups, err := s.tx.Aggregate(ctx, s.ac.Scope, aggQuery(f), store.GroupNone)
	if err != nil {
		return report.Tally{}, err
	}
	t := store.Total(groups)
	return report.Tally{Count: t.Count, Attendance: t.Attendance}, nil
}

func (s *reportSource) RecordIDs(ctx context.Context, f report.Filter) ([]int64, error) {
	rows, err := s.rows(ctx, f)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, nil
}

func (s *reportSource) ByChild(ctx context.Context, f report.Filter) ([]report.Group, error) {
	// The same split as the aggregate use case's group_by=child: the
	// children's subtrees, plus the unit's own records as its own group.
	q := aggQuery(f)
	groups, err := s.tx.Aggregate(ctx, s.ac.Scope, q, store.GroupChild)
	if err == nil {
		var whole []store.Group
		whole, err = s.tx.Aggregate(ctx, s.ac.Scope, q, store.GroupNone)
		all, part := store.Total(whole), store.Total(groups)
		if own := (store.Figure{Count: all.Count - part.Count, Attendance: all.Attendance - part.Attendance}); own != (store.Figure{}) {
			groups = append(groups, store.Group{Key: strconv.FormatInt(f.Unit.ID, 10), Figure: own})
		}
	}
	if err != nil {
		return nil, err
	}
	out := make([]report.Group, 0, len(groups))
	for _, g := range groups {
		id, err := strconv.ParseInt(g.Key, 10, 64)
		if err != nil {
			return nil, errors.New("report: a child group without a unit id: " + g.Key)
		}
		out = append(out, report.Group{UnitID: id, Tally: report.Tally{Count: g.Count, Attendance: g.Attendance}})
	}
	return out, nil
}

func (s *reportSource) UnitsWith(ctx context.Context, kind domain.OrgKind, f report.Filter, ids bool) ([]int64, []int64, error) {
	// A template asks the same count in a condition and in its text: one query.
	key := report.Query("units "+string(kind), f)
	units, ok := s.units[key]
	if !ok {
		var err error
		if units, err = s.tx.UnitsWithRollup(ctx, s.ac.Scope, kind, recordFilter(f)); err != nil {
			return nil, nil, err
		}
		s.units[key] = units
	}
	if !ids {
		return units, nil, nil
	}
	recs, err := s.RecordIDs(ctx, f)
	return units, recs, err
}

// reportRegistry is the figure functions of this application: the ledger's,
// plus the rosters' and the problems' (the modules that own the data answer
// through their own use cases, with the same actor).
func (a *App) reportRegistry(ac domain.Actor) *report.Registry {
	r := report.NewRegistry()
	kindArg := func(doc, docZh string) reporttpl.ArgSpec {
		return reporttpl.ArgSpec{Name: "kind", Kind: reporttpl.KindString, Doc: doc, Label: "队伍类别", DocZh: docZh}
	}
	unitArg := reporttpl.ArgSpec{Name: "unit", Kind: reporttpl.KindString, Doc: "org unit code (default: the report's unit); teams of its whole subtree count",
		Label: "单位", DocZh: "单位代码（默认：本报告的单位），含其全部下级单位的队伍"}
	periodArg := reporttpl.ArgSpec{Name: "period", Kind: reporttpl.KindString, Doc: "period whose last day the roster is counted on (default: the report's period)",
		Label: "期间", DocZh: "按此期间最后一天的名册计数（默认：本报告的期间）"}
	roster := func(members bool) func(context.Context, *report.Env, reporttpl.Args) (reporttpl.Result, error) {
		return func(ctx context.Context, env *report.Env, args reporttpl.Args) (reporttpl.Result, error) {
			u, p := env.Unit, env.Period
			if v, ok := args["unit"]; ok {
				var err error
				if u, err = env.Src.UnitByCode(ctx, v.Str); err != nil {
					return reporttpl.Result{}, fieldErr(err, "unit")
				}
			}
			if v, ok := args["period"]; ok || u.ID != env.Unit.ID {
				code := p.Code
				if ok {
					code = v.Str
				}
				var err error
				if p, err = env.Src.Period(ctx, u, code, false); err != nil {
					return reporttpl.Result{}, fieldErr(err, "period")
				}
			}
			if args[reporttpl.CompareArg].Str == reporttpl.CompareLastYear {
				var err error
				if p, err = env.Src.Period(ctx, u, p.Code, true); err != nil {
					return reporttpl.Result{}, err
				}
			}
			at := p.Range.To.AddDays(-1)
			if today := a.Today(); today.Before(at) {
				at = today
			}
			rc, err := a.RosterCounts(ctx, ac, RosterQuery{OrgID: u.ID, Kind: args["kind"].Str, Role: args["role"].Str, At: at})
			if err != nil {
				return reporttpl.Result{}, err
			}
			q := "teams"
			res := reporttpl.Result{Value: rc.Teams, Unit: "支", Records: rc.Records, RecordIDs: rc.TeamIDs}
			if members {
				q = "members"
				res.Value, res.Unit, res.RecordIDs = rc.Members, "人", rc.MemberIDs
			}
			res.Query = q + " unit=" + u.Code + "(" + strconv.FormatInt(u.ID, 10) + ") at=" + at.String() + " kind=" + args["kind"].Str
			if role := args["role"].Str; members && role != "" {
				res.Query += " role=" + role
			}
			return res, nil
		}
	}
	cmp := reporttpl.ArgSpec{Name: reporttpl.CompareArg, Kind: reporttpl.KindString, Doc: "last_year (added by | vs_last_year)",
		Label: "同比", DocZh: "上年同期的同一数字（由 | vs_last_year 自动加上，不必手写）"}
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "teams", Unit: "支",
		Doc:   "number of teams (宣讲队, 监督员队伍 …) of the unit's subtree standing on the period's last day (or today)",
		Label: "队伍数", DocZh: "单位（含下级）在期间最后一天（或今天）在册的队伍支数",
		Args: []reporttpl.ArgSpec{kindArg("team kind: outreach, commentator, monitor, information, volunteer (default: all)",
			"队伍类别：outreach 宣讲队伍、commentator 网评员队伍、monitor 舆情监督员队伍、information 信息员队伍、volunteer 志愿服务队伍（默认：全部）"), unitArg, periodArg, cmp}},
		Eval: roster(false)})
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "members", Unit: "人",
		Doc:   "number of members of those teams on that day (a person in two teams counts in each)",
		Label: "队员人数", DocZh: "上述队伍当天的队员人数（一人在两支队伍中各计一次）",
		Args: []reporttpl.ArgSpec{kindArg("team kind (default: all)", "队伍类别（默认：全部），取值同“队伍数”"),
			{Name: "role", Kind: reporttpl.KindString, Doc: "only members with this role: leader, deputy, member, liaison",
				Label: "队内职务", DocZh: "只计此职务的队员：leader 队长、deputy 副队长、member 成员、liaison 联络员"}, unitArg, periodArg, cmp}},
		Eval: roster(true)})
	r.MustRegister(report.Provider{Spec: reporttpl.FuncSpec{Name: "problems", Unit: "个",
		Doc:   "number of problems the office accepted for the report's unit and period (listed by {% problems %})",
		Label: "问题数", DocZh: "办公室为本报告单位和期间采纳的问题个数（由 {% problems %} 逐条列出）"},
		Eval: func(ctx context.Context, env *report.Env, args reporttpl.Args) (reporttpl.Result, error) {
			ps, err := a.reportProblems(ctx, ac, env.Unit.ID, env.Period.Code)
			if err != nil {
				return reporttpl.Result{}, err
			}
			return reporttpl.Result{Value: int64(len(ps)), Unit: "个",
				Query:   "problems accepted unit=" + env.Unit.Code + " period=" + env.Period.Code,
				Records: "/problems?org_id=" + strconv.FormatInt(env.Unit.ID, 10) + "&period=" + env.Period.Code}, nil
		}})
	a.registerDutyFigures(r, ac)
	a.registerExamFigures(r, ac)
	a.registerRectFigures(r, ac)
	a.registerCaseFigures(r, ac)
	return r
}
