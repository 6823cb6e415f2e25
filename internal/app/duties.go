package app

// The duty list (责任清单 / 任务清单) and the year's plan (年度工作计划).
// Reading needs activity.read, changing needs duty.manage; the actor's scope
// limits both: a duty is read when it concerns a unit in the read scope, and
// changed when its owner and every unit it applies to lie in the write scope.
//
// Progress is computed, never typed in: for each unit a duty applies to, the
// unit's own subtree's APPROVED records of the target's types, per window,
// from the rollup rows (store.UnitBuckets: one read for all the units and
// duties of a page, cost units × months × types). Approved only, because a
// draft or a returned record is not yet a fact the bureau stands behind — the
// same rule as every figure of the report, so a duty and the report agree.

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/duty"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store"
)

// DutyDueSoonDays is how close a window's last day must be for a duty below
// target to appear in a person's to-do list: two weeks leave time to hold a
// session, and a list of every unmet month a year ahead would be noise.
const DutyDueSoonDays = 14

func dutyTarget(id int64) string { return fmt.Sprintf("duty:%d", id) }

// ListDuties returns a year's duties concerning the actor's read scope.
func (a *App) ListDuties(ctx context.Context, ac domain.Actor, year int, pillar string) ([]domain.Duty, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, err
	}
	if pillar != "" {
		if _, ok := domain.PillarByCode(pillar); !ok {
			return nil, domain.Invalid("pillar", "%q is not a pillar", pillar)
		}
	}
	var out []domain.Duty
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListDuties(ctx, ac.Scope, store.DutyFilter{Year: year, Pillar: pillar})
		return err
	})
	return out, err
}

// GetDuty returns one duty concerning the read scope.
func (a *App) GetDuty(ctx context.Context, ac domain.Actor, id int64) (domain.Duty, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return domain.Duty{}, err
	}
	var out domain.Duty
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetDuty(ctx, ac.Scope, id)
		return err
	})
	return out, err
}

// checkDuty validates a duty against the database: its units in the write
// scope, its types existing and in use, its period long enough for its grain.
func (a *App) checkDuty(ctx context.Context, tx *store.Tx, ac domain.Actor, in domain.DutyInput) (domain.DutyInput, error) {
	// Every unit named must be the actor's to manage, checked before the
	// rest so that another unit's id is "not found" whatever else is wrong.
	write := domain.Scope{Roots: ac.Scope.Roots}
	if in.OwnerOrgID != 0 {
		if _, err := tx.GetOrg(ctx, write, in.OwnerOrgID); err != nil {
			return in, fieldNotFound(err, "owner_org_id")
		}
	}
	if in.Applies.Root != 0 {
		if _, err := tx.GetOrg(ctx, write, in.Applies.Root); err != nil {
			return in, fieldNotFound(err, "applies.root")
		}
	}
	if err := domain.CheckCount("applies.org_ids", len(in.Applies.OrgIDs), domain.MaxDutyUnits, "units"); err != nil {
		return in, err
	}
	for i, id := range in.Applies.OrgIDs {
		if _, err := tx.GetOrg(ctx, write, id); err != nil {
			return in, fieldNotFound(err, fmt.Sprintf("applies.org_ids[%d]", i))
		}
	}
	in, err := in.Validate()
	if err != nil {
		return in, err
	}
	for i, id := range in.Target.TypeIDs {
		t, err := tx.GetType(ctx, id)
		if domain.IsKind(err, domain.KindNotFound) {
			return in, domain.Invalid(fmt.Sprintf("target.type_ids[%d]", i), "activity type %d does not exist", id)
		}
		if err != nil {
			return in, err
		}
		if !t.Active {
			return in, domain.Invalid(fmt.Sprintf("target.type_ids[%d]", i), "activity type %q is no longer in use, so no new record could meet the target", t.Name)
		}
	}
	cal, err := a.calendarOf(ctx, tx, in.OwnerOrgID)
	if err != nil {
		return in, err
	}
	if _, err := duty.Windows(in.Target.Grain, in.From, dutyEnd(in.To, in.Deadline), cal); err != nil {
		return in, err
	}
	return in, nil
}

// dutyEnd is the last day counted: the deadline, when it comes before the
// period's end.
func dutyEnd(to domain.Date, deadline *domain.Date) domain.Date {
	if deadline != nil && deadline.Before(to) {
		return *deadline
	}
	return to
}

// CreateDuty adds a duty to a year's plan.
func (a *App) CreateDuty(ctx context.Context, ac domain.Actor, in domain.DutyInput) (domain.Duty, error) {
	if err := ac.Require(domain.PermDutyManage); err != nil {
		return domain.Duty{}, err
	}
	var out domain.Duty
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		in, err := a.checkDuty(ctx, tx, ac, in)
		if err != nil {
			return err
		}
		if out, err = tx.CreateDuty(ctx, ac.Scope, in, ac.Name); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "duty.create", Target: dutyTarget(out.ID), After: out})
	})
	return out, err
}

// writableDuty reads a duty the actor may change: in the read scope, its
// owner in the write scope.
func (a *App) writableDuty(ctx context.Context, tx *store.Tx, ac domain.Actor, id int64) (domain.Duty, error) {
	d, err := tx.GetDuty(ctx, ac.Scope, id)
	if err != nil {
		return d, err
	}
	ok, err := tx.InScope(ctx, ac.Scope.Roots, d.OwnerOrgID)
	if err != nil {
		return d, err
	}
	if !ok {
		return d, domain.Forbidden("duty %d is set by %s, outside the units you manage", id, d.OwnerOrgName)
	}
	return d, nil
}

// UpdateDuty changes a duty when version is still current.
func (a *App) UpdateDuty(ctx context.Context, ac domain.Actor, id, version int64, in domain.DutyInput) (domain.Duty, error) {
	if err := ac.Require(domain.PermDutyManage); err != nil {
		return domain.Duty{}, err
	}
	var out domain.Duty
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := a.writableDuty(ctx, tx, ac, id)
		if err != nil {
			return err
		}
		in, err := a.checkDuty(ctx, tx, ac, in)
		if err != nil {
			return err
		}
		if out, err = tx.UpdateDuty(ctx, ac.Scope, id, version, in); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "duty.update", Target: dutyTarget(id), Before: old, After: out})
	})
	return out, err
}

// DeleteDuty removes a duty from its plan.
func (a *App) DeleteDuty(ctx context.Context, ac domain.Actor, id int64) error {
	if err := ac.Require(domain.PermDutyManage); err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := a.writableDuty(ctx, tx, ac, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteDuty(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "duty.delete", Target: dutyTarget(id), Before: old})
	})
}

// CopyResult is the answer of CopyPlan.
type CopyResult struct {
	FromYear int           `json:"from_year"`
	Year     int           `json:"year"`
	Duties   []domain.Duty `json:"duties"` // the copies made
	// Skipped counts the duties already in year (same owner and title).
	Skipped int `json:"skipped"`
}

// shiftYear moves a date by whole years; 29 February becomes the 28th.
func shiftYear(d domain.Date, years int) domain.Date {
	if d.Month == time.February && d.Day == 29 {
		return domain.NewDate(d.Year+years, time.February, 28)
	}
	return domain.NewDate(d.Year+years, d.Month, d.Day)
}

// CopyPlan copies last year's plan — the duties of fromYear the actor may
// change — into year, dates shifted, in one transaction with one audit row
// each. A duty whose owner already has one of the same title in year is
// skipped (a district that copied its own plan first, a second click), so
// copying twice never doubles the plan; the answer says what it did.
func (a *App) CopyPlan(ctx context.Context, ac domain.Actor, fromYear, year int) (CopyResult, error) {
	if err := ac.Require(domain.PermDutyManage); err != nil {
		return CopyResult{}, err
	}
	if year <= fromYear {
		return CopyResult{}, domain.Invalid("year", "copy forward: %d is not after %d", year, fromYear)
	}
	out := CopyResult{FromYear: fromYear, Year: year, Duties: []domain.Duty{}}
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		owned := func(y int) ([]domain.Duty, error) {
			ds, err := tx.ListDuties(ctx, ac.Scope, store.DutyFilter{Year: y})
			if err != nil {
				return nil, err
			}
			var mine []domain.Duty
			for _, d := range ds {
				ok, err := tx.InScope(ctx, ac.Scope.Roots, d.OwnerOrgID)
				if err != nil {
					return nil, err
				}
				if ok {
					mine = append(mine, d)
				}
			}
			return mine, nil
		}
		exist, err := owned(year)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, d := range exist {
			have[fmt.Sprintf("%d\x00%s", d.OwnerOrgID, d.Title)] = true
		}
		all, err := owned(fromYear)
		if err != nil {
			return err
		}
		var src []domain.Duty
		for _, d := range all {
			if !have[fmt.Sprintf("%d\x00%s", d.OwnerOrgID, d.Title)] {
				src = append(src, d)
			} else {
				out.Skipped++
			}
		}
		shift := year - fromYear
		for i, d := range src {
			in := domain.DutyInput{Year: year, Title: d.Title, Pillar: d.Pillar, OwnerOrgID: d.OwnerOrgID, OwnerPerson: d.OwnerPerson,
				Applies: d.Applies, Target: d.Target, From: shiftYear(d.From, shift), To: shiftYear(d.To, shift), Weight: d.Weight, Note: d.Note}
			if d.Deadline != nil {
				dl := shiftYear(*d.Deadline, shift)
				in.Deadline = &dl
			}
			in, err := a.checkDuty(ctx, tx, ac, in)
			if err != nil {
				// Name the duty: a type retired since last year stops the copy.
				if de, ok := err.(*domain.Error); ok {
					c := *de
					c.Field = fmt.Sprintf("duties[%d].%s", i, de.Field)
					c.Message = fmt.Sprintf("%s (duty %q)", de.Message, d.Title)
					return &c
				}
				return err
			}
			nd, err := tx.CreateDuty(ctx, ac.Scope, in, ac.Name)
			if err != nil {
				return err
			}
			if err := a.record(ctx, tx, ac, AuditEntry{Type: "duty.create", Target: dutyTarget(nd.ID), After: nd,
				Detail: fmt.Sprintf("copied from duty %d of %d", d.ID, fromYear)}); err != nil {
				return err
			}
			out.Duties = append(out.Duties, nd)
		}
		return nil
	})
	return out, err
}

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

// SubmitDutyCheck records a unit's evidence for a checklist duty: a note and
// evidence files already in the evidence store (uploaded with a record of
// the actor's units). Needs activity.write and the unit in the write scope.
func (a *App) SubmitDutyCheck(ctx context.Context, ac domain.Actor, dutyID, orgID int64, note string, evidence []domain.CheckEvidence) error {
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return err
	}
	if err := domain.TextBlock("note", note); err != nil {
		return err
	}
	if len([]rune(note)) > domain.MaxCheckNoteLen {
		return domain.Invalid("note", "at most %d characters", domain.MaxCheckNoteLen)
	}
	if err := domain.CheckCount("evidence", len(evidence), domain.MaxCheckEvidences, "files"); err != nil {
		return err
	}
	for i, e := range evidence {
		if err := domain.TextLine(fmt.Sprintf("evidence[%d].filename", i), e.Filename); err != nil {
			return err
		}
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		d, u, err := a.checkTarget(ctx, tx, ac, dutyID, orgID, domain.Scope{Roots: ac.Scope.Roots})
		if err != nil {
			return err
		}
		for i, e := range evidence {
			// Evidence is reused from the ledger's store, and only files the
			// actor can read: another unit's photo is not this unit's proof.
			if _, err := tx.GetEvidence(ctx, ac.Scope, e.SHA256); domain.IsKind(err, domain.KindNotFound) {
				return domain.Invalid(fmt.Sprintf("evidence[%d].sha256", i), "no evidence file %q among your units' records", e.SHA256)
			} else if err != nil {
				return err
			}
		}
		c := domain.DutyCheck{DutyID: d.ID, OrgID: u.ID, Note: note, Evidence: evidence, SubmittedBy: ac.Name}
		if err := tx.SubmitDutyCheck(ctx, c); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "duty.check.submit", Target: fmt.Sprintf("duty:%d/org:%d", d.ID, u.ID), After: c})
	})
}

// SignDutyCheck is the reviewer's sign-off of a unit's checklist evidence.
// Needs duty.manage and the duty's owner in the write scope.
func (a *App) SignDutyCheck(ctx context.Context, ac domain.Actor, dutyID, orgID int64) error {
	if err := ac.Require(domain.PermDutyManage); err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := a.writableDuty(ctx, tx, ac, dutyID); err != nil {
			return err
		}
		d, u, err := a.checkTarget(ctx, tx, ac, dutyID, orgID, ac.Scope)
		if err != nil {
			return err
		}
		if err := tx.SignDutyCheck(ctx, d.ID, u.ID, ac.Name); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "duty.check.sign", Target: fmt.Sprintf("duty:%d/org:%d", d.ID, u.ID)})
	})
}

// checkTarget reads a checklist duty and a unit (in unitScope) it applies to.
func (a *App) checkTarget(ctx context.Context, tx *store.Tx, ac domain.Actor, dutyID, orgID int64, unitScope domain.Scope) (domain.Duty, domain.OrgUnit, error) {
	d, err := tx.GetDuty(ctx, ac.Scope, dutyID)
	if err != nil {
		return d, domain.OrgUnit{}, err
	}
	if d.Target.Measure != domain.MeasureChecklist {
		return d, domain.OrgUnit{}, domain.Invalid("duty_id", "duty %q is measured from the ledger; record activities instead", d.Title)
	}
	u, err := tx.GetOrg(ctx, unitScope, orgID)
	if err != nil {
		return d, u, fieldNotFound(err, "org_id")
	}
	anc, err := tx.Ancestry(ctx, []int64{u.ID})
	if err != nil {
		return d, u, err
	}
	if !d.Applies.AppliesTo(u, anc[u.ID]) {
		return d, u, domain.Invalid("org_id", "duty %q does not apply to %s", d.Title, u.Name)
	}
	return d, u, nil
}

// dutyTodo is the duties' share of a person's 待办: for the units the actor
// records for (activity.write over its own scope), each duty below target
// whose current window ends within DutyDueSoonDays, or whose window ended
// short within the last DutyDueSoonDays (overdue: records dated in it can
// still be entered or approved). One line per unit and duty.
func (a *App) dutyTodo(ctx context.Context, tx *store.Tx, ac domain.Actor) ([]domain.TodoItem, error) {
	if !ac.Can(domain.PermActivityWrite) || len(ac.Scope.Roots) == 0 {
		return nil, nil
	}
	today := a.Today()
	var units []domain.OrgUnit
	for _, id := range ac.Scope.Roots {
		u, err := tx.GetOrg(ctx, ac.Scope, id)
		if err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	ds, err := tx.ListDuties(ctx, domain.Scope{Roots: ac.Scope.Roots}, store.DutyFilter{Year: today.Year})
	if err != nil {
		return nil, err
	}
	m, err := a.newProgressRun(tx, ac.Scope).measure(ctx, units, ds)
	if err != nil {
		return nil, err
	}
	var out []domain.TodoItem
	for _, u := range units {
		for _, p := range m[u.ID] {
			if item, ok := dutyTodoItem(p, today); ok {
				out = append(out, item)
			}
		}
	}
	return out, nil
}

// dutyTodoItem is the to-do line of one unit's duty, if it needs one.
func dutyTodoItem(p DutyProgress, today domain.Date) (domain.TodoItem, bool) {
	soon, recent := today.AddDays(DutyDueSoonDays), today.AddDays(-DutyDueSoonDays)
	var current, ended *duty.WindowProgress
	for i := range p.Windows {
		w := &p.Windows[i]
		if w.Current && !w.Met && !soon.Before(w.Last()) {
			current = w
		}
		// A window that ended short in the last days: records dated in it
		// may still be entered (or approved) and count.
		if w.Ended && !w.Met && !w.Last().Before(recent) {
			ended = w
		}
	}
	pick, overdue := current, false
	if ended != nil {
		pick, overdue = ended, true
	}
	if p.Measure == domain.MeasureChecklist && p.State == duty.StateMissed {
		return domain.TodoItem{Kind: domain.TodoDutyDue, Title: fmt.Sprintf("%s：待提交佐证并审核", p.Title), Count: 1,
			Overdue: true, OrgID: p.OrgID, OrgName: p.OrgName, Ref: p.DutyID}, true
	}
	if pick == nil {
		return domain.TodoItem{}, false
	}
	due := pick.Last()
	unit := "次"
	if p.Measure == domain.MeasureAttendance {
		unit = "人次"
	}
	return domain.TodoItem{Kind: domain.TodoDutyDue, Title: fmt.Sprintf("%s：%s还差%d%s", p.Title, pick.LabelZH, pick.Missing, unit),
		Count: int(pick.Missing), Due: &due, Overdue: overdue, OrgID: p.OrgID, OrgName: p.OrgName, Ref: p.DutyID}, true
}

// DutySweepLookbackDays bounds how far back the deadline sweep looks for
// windows that ended short: it runs hourly, so a week covers any outage of
// the job runner without flooding a first run with a year of notices.
const DutySweepLookbackDays = 7

// sweepDutyDeadlines notifies each unit (its members who record) of every
// duty window that ended below target in the last week, once per duty, unit
// and window (the DedupKey).
func (a *App) sweepDutyDeadlines(ctx context.Context) error {
	op, err := a.OperatorActor(ctx)
	if err != nil {
		return err
	}
	today := a.Today()
	return a.st.Write(ctx, func(tx *store.Tx) error {
		var notices []domain.Notice
		years := []int{today.Year}
		if today.AddDays(-DutySweepLookbackDays).Year != today.Year {
			years = append(years, today.Year-1)
		}
		for _, y := range years {
			ds, err := tx.ListDuties(ctx, op.Scope, store.DutyFilter{Year: y})
			if err != nil {
				return err
			}
			if len(ds) == 0 {
				continue
			}
			units, err := a.dutyUnits(ctx, tx, op.Scope, ds)
			if err != nil {
				return err
			}
			m, err := a.newProgressRun(tx, op.Scope).measure(ctx, units, ds)
			if err != nil {
				return err
			}
			for _, u := range units {
				for _, p := range m[u.ID] {
					notices = append(notices, dutyMissedNotices(p, today, a.clock.Now())...)
				}
			}
		}
		if len(notices) == 0 {
			return nil
		}
		return a.notify(ctx, tx, notices...)
	})
}

// dutyMissedNotices are the notices of a unit's windows that ended short in
// the lookback.
func dutyMissedNotices(p DutyProgress, today domain.Date, now time.Time) []domain.Notice {
	var out []domain.Notice
	from := today.AddDays(-DutySweepLookbackDays)
	for i, w := range p.Windows {
		if !w.Ended || w.Met || w.Range.To.Before(from) {
			continue
		}
		link := fmt.Sprintf("/duty/unit?org_id=%d&year=%d", p.OrgID, w.Range.From.Year)
		if i < len(p.WindowRecords) && p.WindowRecords[i] != "" {
			link = "/ledger?" + p.WindowRecords[i]
		}
		out = append(out, domain.Notice{Kind: "duty.missed", Units: []int64{p.OrgID}, Perm: domain.PermActivityWrite,
			Subject:  fmt.Sprintf("%s %s未达标：%d/%d", p.OrgName, w.LabelZH, w.Got, w.Need),
			Body:     fmt.Sprintf("任务“%s”要求%s不少于%d，实际%d，差%d。", p.Title, w.LabelZH, w.Need, w.Got, w.Missing),
			Link:     link,
			DedupKey: fmt.Sprintf("duty.missed:%d:%d:%s", p.DutyID, p.OrgID, w.Code), At: now})
	}
	return out
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
