package app

// Duty progress: every applicable unit's standing on each duty, computed in
// one read of the rollup rows (see duties.go for the rules), and the pages
// and tallies built from it.

import (
	"context"
	"sort"
	"strconv"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/duty"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store"
)

// DutyProgress is one unit's standing on one duty, with the ledger links.
type DutyProgress struct {
	DutyID  int64              `json:"duty_id"`
	Title   string             `json:"title"`
	Pillar  string             `json:"pillar"`
	Weight  int64              `json:"weight"`
	Measure domain.DutyMeasure `json:"measure"`
	Grain   domain.DutyGrain   `json:"grain"`
	AtLeast int64              `json:"at_least"`
	OrgID   int64              `json:"org_id"`
	OrgName string             `json:"org_name"`
	duty.Progress
	// Records lists, for the ledger, the records counted over the whole
	// period; each window carries its own (WindowRecords, same order).
	Records       string            `json:"records"`
	WindowRecords []string          `json:"window_records"`
	Check         *domain.DutyCheck `json:"check,omitempty"`
}

// UnitDuties is a unit's page: its duties and what is missing.
type UnitDuties struct {
	Org    domain.OrgUnit `json:"org"`
	Year   int            `json:"year"`
	Today  domain.Date    `json:"today"`
	Tally  DutyTally      `json:"tally"`
	Missed int            `json:"missed"` // duties with an ended window short
	Items  []DutyProgress `json:"items"`
}

// DutyTally counts a unit's duties that are due (some window has ended) and,
// of those, done (every ended window met). The assessment scores from it.
type DutyTally struct {
	Done int `json:"done"`
	Due  int `json:"due"`
}

// progressRun computes progress for units × duties inside one transaction.
type progressRun struct {
	a      *App
	tx     *store.Tx
	scope  domain.Scope
	today  domain.Date
	types  map[string][]int64        // pillar → its types
	cals   map[int64]period.Calendar // owner → calendar
	window map[int64][]duty.Window
	counts map[int64][]int64 // duty → the types it counts
}

func (a *App) newProgressRun(tx *store.Tx, scope domain.Scope) *progressRun {
	return &progressRun{a: a, tx: tx, scope: scope, today: a.Today(), types: map[string][]int64{},
		cals: map[int64]period.Calendar{}, window: map[int64][]duty.Window{}, counts: map[int64][]int64{}}
}

// prepare computes each duty's windows and counted types once.
func (r *progressRun) prepare(ctx context.Context, ds []domain.Duty) error {
	for _, d := range ds {
		if _, ok := r.window[d.ID]; ok {
			continue
		}
		cal, ok := r.cals[d.OwnerOrgID]
		if !ok {
			var err error
			if cal, err = r.a.calendarOf(ctx, r.tx, d.OwnerOrgID); err != nil {
				return err
			}
			r.cals[d.OwnerOrgID] = cal
		}
		ws, err := duty.Windows(d.Target.Grain, d.From, dutyEnd(d.To, d.Deadline), cal)
		if err != nil {
			// A calendar changed after the duty was set can make its period
			// too short; say which duty, rather than show a wrong figure.
			return domain.Invalid("duty", "duty %q (%d) cannot be judged: %v", d.Title, d.ID, err)
		}
		r.window[d.ID] = ws
		if d.Target.Measure == domain.MeasureChecklist {
			continue
		}
		if len(d.Target.TypeIDs) > 0 {
			r.counts[d.ID] = d.Target.TypeIDs
			continue
		}
		ts, ok := r.types[d.Target.Pillar]
		if !ok {
			list, err := r.tx.ListTypes(ctx, d.Target.Pillar, false)
			if err != nil {
				return err
			}
			ts = []int64{}
			for _, t := range list {
				ts = append(ts, t.ID)
			}
			r.types[d.Target.Pillar] = ts
		}
		r.counts[d.ID] = ts
	}
	return nil
}

// applicable pairs each unit with the duties that apply to it.
func (r *progressRun) applicable(ctx context.Context, units []domain.OrgUnit, ds []domain.Duty) (map[int64][]domain.Duty, error) {
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	anc, err := r.tx.Ancestry(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64][]domain.Duty{}
	for _, u := range units {
		for _, d := range ds {
			if d.Applies.AppliesTo(u, anc[u.ID]) {
				out[u.ID] = append(out[u.ID], d)
			}
		}
	}
	return out, nil
}

// measure returns the progress of every unit on every duty applying to it.
func (r *progressRun) measure(ctx context.Context, units []domain.OrgUnit, ds []domain.Duty) (map[int64][]DutyProgress, error) {
	if err := r.prepare(ctx, ds); err != nil {
		return nil, err
	}
	app, err := r.applicable(ctx, units, ds)
	if err != nil {
		return nil, err
	}
	// One read of the rollup rows covering every window of every duty.
	var from, until domain.Date
	var ragged []string
	seenRagged := map[string]bool{}
	var measured, checked []int64
	var orgs []int64
	for _, u := range units {
		if len(app[u.ID]) > 0 {
			orgs = append(orgs, u.ID)
		}
	}
	for _, d := range ds {
		if d.Target.Measure == domain.MeasureChecklist {
			checked = append(checked, d.ID)
			continue
		}
		measured = append(measured, d.ID)
		ws := r.window[d.ID]
		if from.IsZero() || ws[0].Range.From.Before(from) {
			from = ws[0].Range.From
		}
		if end := ws[len(ws)-1].Range.To; until.Before(end) {
			until = end
		}
		for _, m := range duty.RaggedMonths(ws) {
			if !seenRagged[m] {
				seenRagged[m] = true
				ragged = append(ragged, m)
			}
		}
	}
	series := map[int64]*duty.Series{}
	for _, o := range orgs {
		series[o] = duty.NewSeries()
	}
	if len(measured) > 0 && len(orgs) > 0 {
		untilMonth := until.MonthKey()
		if until.Day != 1 {
			untilMonth = domain.NewDate(until.Year, until.Month+1, 1).MonthKey()
		}
		bs, err := r.tx.UnitBuckets(ctx, r.scope, orgs, from.MonthKey(), untilMonth, ragged, []domain.Status{domain.StatusApproved})
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			f := duty.Figure{Count: b.Count, Attendance: b.Attendance}
			if b.Day {
				series[b.OrgID].AddDay(b.TypeID, b.Key, f)
			} else {
				series[b.OrgID].AddMonth(b.TypeID, b.Key, f)
			}
		}
	}
	checks, err := r.tx.DutyChecks(ctx, checked, orgs)
	if err != nil {
		return nil, err
	}
	out := map[int64][]DutyProgress{}
	for _, u := range units {
		for _, d := range app[u.ID] {
			ws := r.window[d.ID]
			p := DutyProgress{DutyID: d.ID, Title: d.Title, Pillar: d.Pillar, Weight: d.Weight, Measure: d.Target.Measure,
				Grain: d.Target.Grain, AtLeast: d.Target.AtLeast, OrgID: u.ID, OrgName: u.Name, WindowRecords: []string{}}
			if d.Target.Measure == domain.MeasureChecklist {
				c, ok := checks[d.ID][u.ID]
				if ok {
					p.Check = &c
				}
				p.Progress = duty.Checked(ws, ok && c.SignedAt != "", r.today)
				p.WindowRecords = append(p.WindowRecords, "") // no ledger record measures it
			} else {
				p.Progress = duty.Measure(d.Target, ws, r.counts[d.ID], series[u.ID], r.today)
				p.Records = dutyRecords(u.ID, d, ws[0].Range.From, ws[len(ws)-1].Range.To)
				for _, w := range ws {
					p.WindowRecords = append(p.WindowRecords, dutyRecords(u.ID, d, w.Range.From, w.Range.To))
				}
			}
			out[u.ID] = append(out[u.ID], p)
		}
	}
	return out, nil
}

// dutyRecords is the ledger filter listing the records a duty counts for a
// unit over [from, to): the unit's subtree, the types (or the pillar),
// approved, dated in the range.
func dutyRecords(org int64, d domain.Duty, from, to domain.Date) string {
	kv := []string{"from", from.String(), "to", to.AddDays(-1).String()}
	for _, t := range d.Target.TypeIDs {
		kv = append(kv, "type_id", strconv.FormatInt(t, 10))
	}
	if len(d.Target.TypeIDs) == 0 {
		kv = append(kv, "pillar", d.Target.Pillar)
	}
	kv = append(kv, "status", string(domain.StatusApproved))
	return link(org, kv...)
}

func tally(ps []DutyProgress) (DutyTally, int) {
	var t DutyTally
	missed := 0
	for _, p := range ps {
		if p.Due {
			t.Due++
			if p.Done {
				t.Done++
			}
		}
		if p.Missed > 0 {
			missed++
		}
	}
	return t, missed
}

// sortWorstFirst orders a unit's duties: missed, behind, pending, upcoming,
// met; then by what is missing, then by plan order.
func sortWorstFirst(ps []DutyProgress) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ri, rj := duty.Rank(ps[i].State), duty.Rank(ps[j].State); ri != rj {
			return ri < rj
		}
		if ps[i].Missing != ps[j].Missing {
			return ps[i].Missing > ps[j].Missing
		}
		return ps[i].DutyID < ps[j].DutyID
	})
}

// UnitDutyPage returns a unit's duties of a year and what each still misses.
func (a *App) UnitDutyPage(ctx context.Context, ac domain.Actor, orgID int64, year int) (UnitDuties, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return UnitDuties{}, err
	}
	if year < 2000 || year > 2100 {
		return UnitDuties{}, domain.Invalid("year", "%d is not a plan year", year)
	}
	var out UnitDuties
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		u, err := tx.GetOrg(ctx, ac.Scope, orgID)
		if err != nil {
			return fieldNotFound(err, "org_id")
		}
		// The duties concerning this one unit, whoever set them.
		ds, err := tx.ListDuties(ctx, domain.Scope{Roots: []int64{u.ID}}, store.DutyFilter{Year: year})
		if err != nil {
			return err
		}
		r := a.newProgressRun(tx, ac.Scope)
		m, err := r.measure(ctx, []domain.OrgUnit{u}, ds)
		if err != nil {
			return err
		}
		items := m[u.ID]
		if items == nil {
			items = []DutyProgress{}
		}
		sortWorstFirst(items)
		t, missed := tally(items)
		out = UnitDuties{Org: u, Year: year, Today: r.today, Tally: t, Missed: missed, Items: items}
		return nil
	})
	return out, err
}

// LeaderRow is one covered unit on a leader's page.
type LeaderRow struct {
	OrgID   int64          `json:"org_id"`
	OrgName string         `json:"org_name"`
	OrgKind domain.OrgKind `json:"org_kind"`
	Tally   DutyTally      `json:"tally"`
	Duties  int            `json:"duties"`
	Missed  int            `json:"missed"` // duties with an ended window short
	Behind  int            `json:"behind"` // duties whose current window is short
	// Worst lists the duties that lag (missed or behind), worst first.
	Worst []DutyProgress `json:"worst"`
}

// LeaderPage is a leader's view of the units they cover (分片包抓).
type LeaderPage struct {
	Year  int         `json:"year"`
	Today domain.Date `json:"today"`
	Rows  []LeaderRow `json:"rows"`
}

// LeaderDutyPage lists every unit the actor covers — or, for an actor who
// covers none, the units it manages — with its progress, worst first. Each
// unit's own subtree is counted.
func (a *App) LeaderDutyPage(ctx context.Context, ac domain.Actor, year int) (LeaderPage, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return LeaderPage{}, err
	}
	if year < 2000 || year > 2100 {
		return LeaderPage{}, domain.Invalid("year", "%d is not a plan year", year)
	}
	ids := ac.Scope.Covered
	if len(ids) == 0 {
		ids = ac.Scope.Roots
	}
	out := LeaderPage{Year: year, Rows: []LeaderRow{}}
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var units []domain.OrgUnit
		for _, id := range ids {
			u, err := tx.GetOrg(ctx, ac.Scope, id)
			if domain.IsKind(err, domain.KindNotFound) {
				continue // a unit merged away since the coverage was set
			}
			if err != nil {
				return err
			}
			units = append(units, u)
		}
		ds, err := tx.ListDuties(ctx, domain.Scope{Roots: ids}, store.DutyFilter{Year: year})
		if err != nil {
			return err
		}
		r := a.newProgressRun(tx, ac.Scope)
		out.Today = r.today
		m, err := r.measure(ctx, units, ds)
		if err != nil {
			return err
		}
		for _, u := range units {
			ps := m[u.ID]
			sortWorstFirst(ps)
			t, missed := tally(ps)
			row := LeaderRow{OrgID: u.ID, OrgName: u.Name, OrgKind: u.Kind, Tally: t, Duties: len(ps), Missed: missed, Worst: []DutyProgress{}}
			for _, p := range ps {
				if p.State == duty.StateBehind {
					row.Behind++
				}
				if p.State == duty.StateMissed || p.State == duty.StateBehind {
					row.Worst = append(row.Worst, p)
				}
			}
			out.Rows = append(out.Rows, row)
		}
		sort.SliceStable(out.Rows, func(i, j int) bool {
			x, y := out.Rows[i], out.Rows[j]
			if x.Missed != y.Missed {
				return x.Missed > y.Missed
			}
			if x.Behind != y.Behind {
				return x.Behind > y.Behind
			}
			// Lower share done first: done/due compared without division.
			if l, r := x.Tally.Done*y.Tally.Due, y.Tally.Done*x.Tally.Due; l != r {
				return l < r
			}
			return x.OrgName < y.OrgName
		})
		return nil
	})
	return out, err
}

// DutyCompletion tallies, for each unit, its duties of a year due and done as
// of today, each unit's own subtree counted — the assessment's indicator.
// The caller has checked the actor may read the units.
func (a *App) DutyCompletion(ctx context.Context, tx *store.Tx, orgIDs []int64, year int) (map[int64]DutyTally, error) {
	out := map[int64]DutyTally{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	scope := domain.Scope{Roots: orgIDs}
	var units []domain.OrgUnit
	for _, id := range orgIDs {
		u, err := tx.GetOrg(ctx, scope, id)
		if err != nil {
			return nil, fieldNotFound(err, "org_id")
		}
		units = append(units, u)
	}
	ds, err := tx.ListDuties(ctx, scope, store.DutyFilter{Year: year})
	if err != nil {
		return nil, err
	}
	m, err := a.newProgressRun(tx, scope).measure(ctx, units, ds)
	if err != nil {
		return nil, err
	}
	for _, id := range orgIDs {
		t, _ := tally(m[id])
		out[id] = t
	}
	return out, nil
}

// dutyUnits lists every unit some duty applies to, inside scope.
func (a *App) dutyUnits(ctx context.Context, tx *store.Tx, scope domain.Scope, ds []domain.Duty) ([]domain.OrgUnit, error) {
	seen := map[int64]bool{}
	var out []domain.OrgUnit
	add := func(us []domain.OrgUnit) {
		for _, u := range us {
			if !seen[u.ID] {
				seen[u.ID] = true
				out = append(out, u)
			}
		}
	}
	// A duty set above the scope (a bureau-wide duty seen from a district)
	// reaches the scope's own subtrees.
	above, err := tx.Ancestry(ctx, scope.ReadRoots())
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		switch d.Applies.Kind {
		case domain.AppliesSubtree, domain.AppliesKindIn:
			unders := []int64{d.Applies.Root}
			for _, r := range scope.ReadRoots() {
				if r != d.Applies.Root && above[r][d.Applies.Root] {
					unders = append(unders, r)
				}
			}
			for _, under := range unders {
				us, _, err := tx.ListOrgs(ctx, scope, store.OrgFilter{Under: under, Kind: d.Applies.OrgKind})
				if err != nil {
					return nil, err
				}
				add(us)
			}
		case domain.AppliesList:
			for _, id := range d.Applies.OrgIDs {
				u, err := tx.GetOrg(ctx, scope, id)
				if domain.IsKind(err, domain.KindNotFound) {
					continue
				}
				if err != nil {
					return nil, err
				}
				add([]domain.OrgUnit{u})
			}
		}
	}
	return out, nil
}
