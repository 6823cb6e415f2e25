package app

import (
	"context"
	"strconv"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store"
)

// Dashboard is everything the dashboard page shows for a unit and a period,
// read in one transaction so that the cards, the table by type, the heatmap
// and the trend all describe the same moment (the page used to ask fifteen
// times, and a write between two answers showed figures that did not add up).
// Every figure counts approved records and carries its records query.
type Dashboard struct {
	OrgID int64 `json:"org_id"`
	// Path is the unit's breadcrumbs: its ancestors the actor may read, from
	// the highest down, then the unit itself.
	Path   []OrgRef       `json:"path"`
	Period ResolvedPeriod `json:"period"`
	// LastYear is the period the cards compare with: the same period one year
	// earlier, cut at the same day while the period runs.
	LastYear ResolvedPeriod `json:"last_year"`
	store.Figure
	Records string `json:"records"`
	// Pillars are the cards, one per pillar in the fixed order.
	Pillars []DashboardPillar `json:"pillars"`
	// Types is the table by activity type: every type with a figure in the
	// period or the year before, in the catalogue's order.
	Types []DashboardType `json:"types"`
	// Children is the heatmap: the unit's direct children (each with its
	// subtree), and a last row for records filed on the unit itself when it has some.
	Children []DashboardChild `json:"children"`
	// Trend is the period's calendar year by month (months not begun are left out).
	Trend DashboardTrend `json:"trend"`
}

// OrgRef names a unit.
type OrgRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// DashboardPillar is one card: the pillar's figure and last year's.
type DashboardPillar struct {
	Pillar string `json:"pillar"`
	store.Figure
	LastYear store.Figure `json:"last_year"`
	Records  string       `json:"records"`
}

// DashboardType is one row of the table by type.
type DashboardType struct {
	TypeID int64  `json:"type_id"`
	Pillar string `json:"pillar"`
	store.Figure
	LastYear store.Figure `json:"last_year"`
	Records  string       `json:"records"`
}

// DashboardChild is one row of the heatmap: a child unit's subtree per pillar.
type DashboardChild struct {
	OrgID int64  `json:"org_id"`
	Name  string `json:"name"`
	// Own marks the row of records filed on the unit itself (not a child).
	Own bool `json:"own,omitempty"`
	store.Figure
	// Cells holds one figure per pillar, in the order of Pillars.
	Cells []store.Figure `json:"cells"`
	// Records lists the row's records; a cell's records are these with pillar=<code>.
	Records string `json:"records"`
}

// DashboardTrend is the monthly figures of a year.
type DashboardTrend struct {
	Year    string        `json:"year"`
	Months  []store.Group `json:"months"`
	Records string        `json:"records"`
}

// Dashboard answers the dashboard of a unit's subtree for a period.
func (a *App) Dashboard(ctx context.Context, ac domain.Actor, orgID int64, code string) (Dashboard, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return Dashboard{}, err
	}
	if orgID <= 0 {
		return Dashboard{}, domain.Invalid("org_id", "is required")
	}
	if code == "" {
		return Dashboard{}, domain.Invalid("period", "is required (e.g. 2024, 2024Q3, 2024-09, 2024-2025学年)")
	}
	p, err := period.Parse(code)
	if err != nil {
		return Dashboard{}, err
	}
	approved := []domain.Status{domain.StatusApproved}
	today := a.Today()
	var out Dashboard
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		unit, err := tx.GetOrg(ctx, ac.Scope, orgID)
		if err != nil {
			return fieldNotFound(err, "org_id")
		}
		if out.Path, err = a.readablePath(ctx, tx, ac.Scope, unit); err != nil {
			return err
		}
		cal, err := a.calendarOf(ctx, tx, orgID)
		if err != nil {
			return err
		}
		rp := resolved(p, cal)
		lp := resolved(p.SameLastYear(), cal)
		// A period still in progress is compared like with like (as Aggregate does).
		if rp.Range.Contains(today) {
			cut := domain.NewDate(today.Year-1, today.Month, today.Day).AddDays(1)
			if cut.Before(lp.Range.To) && lp.Range.From.Before(cut) {
				lp.Range.To = cut
			}
		}
		out.OrgID, out.Period, out.LastYear = orgID, rp, lp
		out.Records = recordsQuery(orgID, rp.Code, nil, "", approved)

		types, err := tx.ListTypes(ctx, "", false)
		if err != nil {
			return err
		}
		pillarOf := make(map[string]string, len(types))
		for _, t := range types {
			pillarOf[strconv.FormatInt(t.ID, 10)] = t.Pillar
		}
		q := store.AggQuery{OrgID: orgID, Range: rp.Range, Statuses: approved}
		now, err := tx.Aggregate(ctx, ac.Scope, q, store.GroupType)
		if err != nil {
			return err
		}
		q.Range = lp.Range
		before, err := tx.Aggregate(ctx, ac.Scope, q, store.GroupType)
		if err != nil {
			return err
		}
		out.Figure = store.Total(now)
		nowBy, beforeBy := byKey(now), byKey(before)

		out.Pillars = make([]DashboardPillar, 0, len(domain.Pillars))
		index := map[string]int{}
		for i, pl := range domain.Pillars {
			index[pl.Code] = i
			out.Pillars = append(out.Pillars, DashboardPillar{Pillar: pl.Code, Records: recordsQuery(orgID, rp.Code, nil, pl.Code, approved)})
		}
		out.Types = []DashboardType{}
		for _, t := range types {
			k := strconv.FormatInt(t.ID, 10)
			n, b := nowBy[k], beforeBy[k]
			if i, ok := index[t.Pillar]; ok {
				c := &out.Pillars[i]
				c.Count, c.Attendance = c.Count+n.Count, c.Attendance+n.Attendance
				c.LastYear.Count, c.LastYear.Attendance = c.LastYear.Count+b.Count, c.LastYear.Attendance+b.Attendance
			}
			if n == (store.Figure{}) && b == (store.Figure{}) {
				continue
			}
			out.Types = append(out.Types, DashboardType{TypeID: t.ID, Pillar: t.Pillar, Figure: n, LastYear: b,
				Records: recordsQuery(orgID, rp.Code, []int64{t.ID}, "", approved)})
		}

		if out.Children, err = a.dashboardChildren(ctx, tx, ac.Scope, unit, rp, pillarOf, index); err != nil {
			return err
		}

		year := strconv.Itoa(rp.Range.From.Year)
		yp, err := period.Parse(year)
		if err != nil {
			return err
		}
		yr := resolved(yp, cal)
		q.Range = yr.Range
		months, err := tx.Aggregate(ctx, ac.Scope, q, store.GroupMonth)
		if err != nil {
			return err
		}
		current := today.MonthKey()
		kept := make([]store.Group, 0, len(months))
		for _, m := range months {
			if m.Key <= current {
				kept = append(kept, m)
			}
		}
		out.Trend = DashboardTrend{Year: year, Months: kept, Records: recordsQuery(orgID, year, nil, "", approved)}
		return nil
	})
	return out, err
}

// dashboardChildren is the heatmap: one aggregate by child and type, folded
// into pillars, plus the unit's own share (the subtree less its children's).
func (a *App) dashboardChildren(ctx context.Context, tx *store.Tx, scope domain.Scope, unit domain.OrgUnit, rp ResolvedPeriod,
	pillarOf map[string]string, index map[string]int) ([]DashboardChild, error) {
	approved := []domain.Status{domain.StatusApproved}
	kids, _, err := tx.ListOrgs(ctx, scope, store.OrgFilter{Under: unit.ID, ParentID: unit.ID})
	if err != nil {
		return nil, err
	}
	rows := make([]DashboardChild, 0, len(kids)+1)
	at := map[string]int{}
	for _, k := range kids {
		at[strconv.FormatInt(k.ID, 10)] = len(rows)
		rows = append(rows, DashboardChild{OrgID: k.ID, Name: k.Name, Cells: make([]store.Figure, len(index)),
			Records: recordsQuery(k.ID, rp.Code, nil, "", approved)})
	}
	own := DashboardChild{OrgID: unit.ID, Name: unit.Name, Own: true, Cells: make([]store.Figure, len(index)),
		Records: recordsQuery(unit.ID, rp.Code, nil, "", approved)}
	// The own row is the subtree's figure per pillar (read once, by type)
	// less what the children's subtrees hold.
	whole, err := tx.Aggregate(ctx, scope, store.AggQuery{OrgID: unit.ID, Range: rp.Range, Statuses: approved}, store.GroupType)
	if err != nil {
		return nil, err
	}
	for _, g := range whole {
		if i, ok := index[pillarOf[g.Key]]; ok {
			own.Cells[i].Count += g.Count
			own.Cells[i].Attendance += g.Attendance
		}
	}
	for code, i := range index {
		ids := []int64{}
		for k, p := range pillarOf {
			if p == code {
				id, _ := strconv.ParseInt(k, 10, 64)
				ids = append(ids, id)
			}
		}
		groups, err := tx.Aggregate(ctx, scope, store.AggQuery{OrgID: unit.ID, TypeIDs: ids, Range: rp.Range, Statuses: approved}, store.GroupChild)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			r, ok := at[g.Key]
			if !ok {
				continue // a child out of the actor's scope is not listed
			}
			rows[r].Cells[i] = g.Figure
			own.Cells[i].Count -= g.Count
			own.Cells[i].Attendance -= g.Attendance
		}
	}
	for i := range rows {
		rows[i].Figure = sumFigures(rows[i].Cells)
	}
	if own.Figure = sumFigures(own.Cells); own.Figure != (store.Figure{}) {
		rows = append(rows, own)
	}
	return rows, nil
}

// readablePath is the unit's ancestors the scope can read, highest first, then the unit.
func (a *App) readablePath(ctx context.Context, tx *store.Tx, scope domain.Scope, unit domain.OrgUnit) ([]OrgRef, error) {
	ids, err := tx.Ancestors(ctx, unit.ID)
	if err != nil {
		return nil, err
	}
	path := make([]OrgRef, 0, len(ids))
	for _, id := range ids {
		if id == unit.ID {
			continue
		}
		o, err := tx.GetOrg(ctx, scope, id)
		if domain.IsKind(err, domain.KindNotFound) {
			continue // above the actor's scope
		}
		if err != nil {
			return nil, err
		}
		path = append(path, OrgRef{ID: o.ID, Name: o.Name})
	}
	return append(path, OrgRef{ID: unit.ID, Name: unit.Name}), nil
}

func byKey(gs []store.Group) map[string]store.Figure {
	m := make(map[string]store.Figure, len(gs))
	for _, g := range gs {
		m[g.Key] = g.Figure
	}
	return m
}

func sumFigures(fs []store.Figure) store.Figure {
	var t store.Figure
	for _, f := range fs {
		t.Count += f.Count
		t.Attendance += f.Attendance
	}
	return t
}
