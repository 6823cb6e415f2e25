package app

import (
	"context"
	"net/url"
	"strconv"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store"
)

// AggRequest asks for a figure: a unit's subtree, a period, a set of types or
// a pillar, the statuses counted (approved by default), and a grouping.
type AggRequest struct {
	OrgID       int64
	Period      string
	TypeIDs     []int64
	Pillar      string
	Statuses    []domain.Status
	GroupBy     store.GroupBy
	CompareLast bool // also answer the same period last year
}

// AggResult is a figure that knows its query: Records is the ledger filter
// (query string for GET /api/v1/activities) listing exactly the records counted.
type AggResult struct {
	OrgID    int64           `json:"org_id"`
	Period   ResolvedPeriod  `json:"period"`
	Pillar   string          `json:"pillar,omitempty"`
	TypeIDs  []int64         `json:"type_ids"`
	Statuses []domain.Status `json:"statuses"`
	store.Figure
	Groups   []store.Group `json:"groups,omitempty"`
	Records  string        `json:"records"`
	LastYear *LastYear     `json:"last_year,omitempty"`
}

// LastYear is the same figure one year earlier.
type LastYear struct {
	Period ResolvedPeriod `json:"period"`
	store.Figure
}

// Aggregate answers a figure from the rollups.
func (a *App) Aggregate(ctx context.Context, ac domain.Actor, r AggRequest) (AggResult, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return AggResult{}, err
	}
	if r.OrgID <= 0 {
		return AggResult{}, domain.Invalid("org_id", "is required")
	}
	if r.Period == "" {
		return AggResult{}, domain.Invalid("period", "is required (e.g. 2024, 2024Q3, 2024-09, 2024-2025学年)")
	}
	switch r.GroupBy {
	case store.GroupNone, store.GroupType, store.GroupChild, store.GroupMonth, store.GroupStatus:
	default:
		return AggResult{}, domain.Invalid("group_by", "must be one of type, child, month, status")
	}
	statuses := r.Statuses
	if len(statuses) == 0 {
		statuses = []domain.Status{domain.StatusApproved}
	}
	for _, s := range statuses {
		if !s.Valid() {
			return AggResult{}, domain.Invalid("status", "%q is not a status (draft, submitted, approved, returned)", s)
		}
	}
	p, err := period.Parse(r.Period)
	if err != nil {
		return AggResult{}, err
	}
	var out AggResult
	// A figure that is one rollup statement needs no snapshot shared with
	// another statement (the unit, type and calendar lookups read settings,
	// not the ledger): run it without BEGIN and COMMIT, two of the three
	// round trips an aggregate costs on PostgreSQL. A split by child (the
	// unit's own share is the whole minus the children's) or a comparison
	// with last year reads the rollups twice and keeps one snapshot.
	read := a.st.ReadStatements
	if r.GroupBy == store.GroupChild || r.CompareLast {
		read = a.st.Read
	}
	err = read(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetOrg(ctx, ac.Scope, r.OrgID); err != nil {
			return fieldNotFound(err, "org_id")
		}
		types, err := a.resolveTypes(ctx, tx, r.TypeIDs, r.Pillar)
		if err != nil {
			return err
		}
		cal, err := a.calendarOf(ctx, tx, r.OrgID)
		if err != nil {
			return err
		}
		rp := resolved(p, cal)
		q := store.AggQuery{OrgID: r.OrgID, TypeIDs: types, Range: rp.Range, Statuses: statuses}
		groups, err := tx.Aggregate(ctx, ac.Scope, q, r.GroupBy)
		if err != nil {
			return err
		}
		total := store.Total(groups)
		if r.GroupBy == store.GroupChild {
			// Children's subtrees leave out records filed on the unit itself:
			// the figure is the whole subtree, as its records link lists, and
			// the unit's own share is a group keyed by its own id.
			whole, err := tx.Aggregate(ctx, ac.Scope, q, store.GroupNone)
			if err != nil {
				return err
			}
			all := store.Total(whole)
			if own := (store.Figure{Count: all.Count - total.Count, Attendance: all.Attendance - total.Attendance}); own != (store.Figure{}) {
				groups = append(groups, store.Group{Key: strconv.FormatInt(r.OrgID, 10), Figure: own})
			}
			total = all
		}
		out = AggResult{OrgID: r.OrgID, Period: rp, Pillar: r.Pillar, TypeIDs: r.TypeIDs, Statuses: statuses,
			Figure: total, Records: recordsQuery(r.OrgID, rp.Code, r.TypeIDs, r.Pillar, statuses)}
		if out.TypeIDs == nil {
			out.TypeIDs = []int64{}
		}
		if r.GroupBy != store.GroupNone {
			out.Groups = groups
		}
		if r.CompareLast {
			lp := resolved(p.SameLastYear(), cal)
			// A period still in progress is compared like with like: last
			// year's period up to the same day, not all of it.
			if today := a.Today(); rp.Range.Contains(today) {
				cut := domain.NewDate(today.Year-1, today.Month, today.Day).AddDays(1)
				if cut.Before(lp.Range.To) && lp.Range.From.Before(cut) {
					lp.Range.To = cut
				}
			}
			q.Range = lp.Range
			lg, err := tx.Aggregate(ctx, ac.Scope, q, store.GroupNone)
			if err != nil {
				return err
			}
			out.LastYear = &LastYear{Period: lp, Figure: store.Total(lg)}
		}
		return nil
	})
	return out, err
}

// recordsQuery is the ledger filter behind a figure, so one click shows the
// records counted.
func recordsQuery(org int64, periodCode string, types []int64, pillar string, statuses []domain.Status) string {
	v := url.Values{}
	v.Set("org_id", strconv.FormatInt(org, 10))
	v.Set("period", periodCode)
	for _, t := range types {
		v.Add("type_id", strconv.FormatInt(t, 10))
	}
	if pillar != "" {
		v.Set("pillar", pillar)
	}
	for _, s := range statuses {
		v.Add("status", string(s))
	}
	return v.Encode()
}
