package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store"
)

// calendarOf returns the semester calendar of org's bureau (the default when
// none is set, or when org is 0).
func (a *App) calendarOf(ctx context.Context, tx *store.Tx, org int64) (period.Calendar, error) {
	cal := period.DefaultCalendar()
	if org == 0 {
		return cal, nil
	}
	days, ok, err := tx.SemesterCalendar(ctx, org)
	if err != nil || !ok {
		return cal, err
	}
	if cal.SpringStart, err = period.ParseMonthDay(days.SpringStart); err != nil {
		return period.DefaultCalendar(), nil
	}
	if cal.AutumnStart, err = period.ParseMonthDay(days.AutumnStart); err != nil {
		return period.DefaultCalendar(), nil
	}
	return cal, nil
}

// resolveRange turns a period code, or an inclusive from/to pair, into a
// half-open range; nil when neither is given.
func (a *App) resolveRange(ctx context.Context, tx *store.Tx, org int64, code string, from, to domain.Date) (*domain.Range, error) {
	if code != "" {
		p, err := period.Parse(code)
		if err != nil {
			return nil, err
		}
		cal, err := a.calendarOf(ctx, tx, org)
		if err != nil {
			return nil, err
		}
		r := p.Range(cal)
		return &r, nil
	}
	if from.IsZero() && to.IsZero() {
		return nil, nil
	}
	r := domain.Range{From: from, To: to.AddDays(1)}
	if from.IsZero() {
		r.From = domain.NewDate(1900, 1, 1)
	}
	if to.IsZero() {
		r.To = domain.NewDate(9999, 12, 31)
	}
	if r.To.Before(r.From) || r.To == r.From {
		return nil, domain.Invalid("to", "is before from")
	}
	return &r, nil
}

// resolveTypes intersects explicit type ids with a pillar's types. nil means
// every type.
func (a *App) resolveTypes(ctx context.Context, tx *store.Tx, ids []int64, pillar string) ([]int64, error) {
	for i, id := range ids {
		if _, err := tx.GetType(ctx, id); err != nil {
			if domain.IsKind(err, domain.KindNotFound) {
				return nil, domain.Invalid("type_id", "activity type %d does not exist (position %d)", id, i)
			}
			return nil, err
		}
	}
	if pillar == "" {
		return ids, nil
	}
	if _, ok := domain.PillarByCode(pillar); !ok {
		return nil, domain.Invalid("pillar", "unknown pillar %q", pillar)
	}
	types, err := tx.ListTypes(ctx, pillar, false)
	if err != nil {
		return nil, err
	}
	in := map[int64]bool{}
	for _, id := range ids {
		in[id] = true
	}
	out := []int64{}
	for _, t := range types {
		if ids == nil || in[t.ID] {
			out = append(out, t.ID)
		}
	}
	return out, nil
}

// ResolvedPeriod is a period with its range under a bureau's calendar.
type ResolvedPeriod struct {
	Code    string       `json:"code"`
	Kind    period.Kind  `json:"kind"`
	LabelZH string       `json:"label_zh"`
	LabelEN string       `json:"label_en"`
	Range   domain.Range `json:"range"`
}

func resolved(p period.Period, cal period.Calendar) ResolvedPeriod {
	return ResolvedPeriod{Code: p.Code(), Kind: p.Kind, LabelZH: p.Label("zh"), LabelEN: p.Label("en"), Range: p.Range(cal)}
}

// ResolvePeriod parses a period for a unit's bureau calendar.
func (a *App) ResolvePeriod(ctx context.Context, ac domain.Actor, org int64, code string) (ResolvedPeriod, error) {
	p, err := period.Parse(code)
	if err != nil {
		return ResolvedPeriod{}, err
	}
	var out ResolvedPeriod
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		if org != 0 {
			if _, err := tx.GetOrg(ctx, ac.Scope, org); err != nil {
				return fieldNotFound(err, "org_id")
			}
		}
		cal, err := a.calendarOf(ctx, tx, org)
		out = resolved(p, cal)
		return err
	})
	return out, err
}

// CurrentPeriod returns the period of a kind containing today for a unit.
func (a *App) CurrentPeriod(ctx context.Context, ac domain.Actor, org int64, kind string) (ResolvedPeriod, error) {
	k, err := period.ParseKind(kind)
	if err != nil {
		return ResolvedPeriod{}, err
	}
	var out ResolvedPeriod
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		if org != 0 {
			if _, err := tx.GetOrg(ctx, ac.Scope, org); err != nil {
				return fieldNotFound(err, "org_id")
			}
		}
		cal, err := a.calendarOf(ctx, tx, org)
		out = resolved(period.Containing(k, a.Today(), cal), cal)
		return err
	})
	return out, err
}

// SemesterCalendar is a bureau's semester boundaries.
type SemesterCalendar struct {
	SpringStart string `json:"spring_start"` // MM-DD
	AutumnStart string `json:"autumn_start"` // MM-DD
}

// GetSemesterCalendar returns the calendar that applies to a unit.
func (a *App) GetSemesterCalendar(ctx context.Context, ac domain.Actor, org int64) (SemesterCalendar, error) {
	var out SemesterCalendar
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetOrg(ctx, ac.Scope, org); err != nil {
			return err
		}
		cal, err := a.calendarOf(ctx, tx, org)
		out = SemesterCalendar{cal.SpringStart.String(), cal.AutumnStart.String()}
		return err
	})
	return out, err
}

// SetSemesterCalendar sets a bureau's semester boundaries.
func (a *App) SetSemesterCalendar(ctx context.Context, ac domain.Actor, bureau int64, c SemesterCalendar) (SemesterCalendar, error) {
	if err := ac.Require(domain.PermPeriodClose); err != nil {
		return c, err
	}
	var cal period.Calendar
	var err error
	if cal.SpringStart, err = period.ParseMonthDay(c.SpringStart); err != nil {
		return c, withField(err, "spring_start")
	}
	if cal.AutumnStart, err = period.ParseMonthDay(c.AutumnStart); err != nil {
		return c, withField(err, "autumn_start")
	}
	if err := cal.Validate(); err != nil {
		return c, err
	}
	out := SemesterCalendar{cal.SpringStart.String(), cal.AutumnStart.String()}
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetSemesterCalendar(ctx, ac.Scope, bureau, store.CalendarDays{SpringStart: out.SpringStart, AutumnStart: out.AutumnStart}); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "config.calendar", Target: orgTarget(bureau), After: out})
	})
	return out, err
}

func withField(err error, field string) error {
	if e, ok := err.(*domain.Error); ok {
		c := *e
		c.Field = field
		return &c
	}
	return domain.Invalid(field, "%v", err)
}

// checkOpen refuses a write that touches a date inside a closed period:
// creating, editing, deleting, reviewing a record or changing its evidence
// there, and moving a record into or out of it. A closed period is a closed
// book whatever a record's status (DHIS2's approval locks work the same way);
// the message names the period and who may reopen it.
func (a *App) checkOpen(ctx context.Context, tx *store.Tx, dates ...domain.Date) error {
	for _, d := range dates {
		if d.IsZero() {
			continue
		}
		code, err := tx.InClosedPeriod(ctx, d)
		if err != nil {
			return err
		}
		if code != "" {
			return closedError(code)
		}
	}
	return nil
}

// closedError is the Locked error of a write into the closed period code.
// Its message is Chinese, the users' language, and names the built-in roles
// that may reopen the period (domain.PermPeriodClose).
func closedError(code string) *domain.Error {
	label := code
	if p, err := period.Parse(code); err == nil {
		label = p.Label("zh")
	}
	return &domain.Error{Kind: domain.KindLocked, Field: "date",
		Message: fmt.Sprintf("%s已关账，如需修改请联系%s重新开放", label, reopenRoles())}
}

// reopenRoles names, in Chinese, the built-in roles holding the permission
// to reopen a period.
func reopenRoles() string {
	var names []string
	for _, r := range domain.BuiltinRoles() {
		if slices.Contains(r.Permissions, domain.PermPeriodClose) {
			names = append(names, r.Name)
		}
	}
	return strings.Join(names, "或")
}

// ClosePeriod closes a period: nothing dated in it can be created, edited,
// deleted, submitted, approved or returned until it is reopened.
// Closures use the default calendar for semesters and school years: a closed
// period is a fact about dates, the same for every unit.
func (a *App) ClosePeriod(ctx context.Context, ac domain.Actor, code string) (store.PeriodClosure, error) {
	if err := ac.Require(domain.PermPeriodClose); err != nil {
		return store.PeriodClosure{}, err
	}
	p, err := period.Parse(code)
	if err != nil {
		return store.PeriodClosure{}, err
	}
	var out store.PeriodClosure
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ClosePeriod(ctx, p.Code(), p.Range(period.DefaultCalendar()), ac.Name)
		if err != nil {
			return err
		}
		out.LabelZH, out.LabelEN = p.Label("zh"), p.Label("en")
		cs, err := tx.ListClosures(ctx)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Period == out.Period {
				out.ClosedByName = c.ClosedByName
			}
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "period.close", Target: "period:" + p.Code(), After: out})
	})
	return out, err
}

// ReopenPeriod removes a closure (period.close, audited with the closure it
// removes), so records dated in the period can change again.
func (a *App) ReopenPeriod(ctx context.Context, ac domain.Actor, code string) error {
	if err := ac.Require(domain.PermPeriodClose); err != nil {
		return err
	}
	p, err := period.Parse(code)
	if err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		closures, err := tx.ListClosures(ctx)
		if err != nil {
			return err
		}
		var before *store.PeriodClosure
		for i := range closures {
			if closures[i].Period == p.Code() {
				before = &closures[i]
			}
		}
		if err := tx.ReopenPeriod(ctx, p.Code()); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "period.reopen", Target: "period:" + p.Code(), Before: before})
	})
}

// ListClosures lists closed periods.
func (a *App) ListClosures(ctx context.Context) ([]store.PeriodClosure, error) {
	var out []store.PeriodClosure
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListClosures(ctx)
		return err
	})
	for i, c := range out {
		if p, perr := period.Parse(c.Period); perr == nil {
			out[i].LabelZH, out[i].LabelEN = p.Label("zh"), p.Label("en")
		}
	}
	return out, err
}
