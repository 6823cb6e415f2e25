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
	"encoding/json"
	"fmt"
	"time"

	"github.com/zeren-edu/zeren/internal/assess"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/duty"
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
		if err := a.dutyDeletable(ctx, tx, old); err != nil {
			return err
		}
		if err := tx.DeleteDuty(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "duty.delete", Target: dutyTarget(id), Before: old})
	})
}

// dutyDeletable refuses to delete a duty that carries work or a score: units'
// checklist evidence (deleting it would throw their submissions away), or a
// year whose assessment of the duty's units scores duty completion (the
// scores would move under a rubric already set). Such a duty is changed
// instead — its title, target or units — not deleted; a duty nobody has
// worked on yet is deleted outright (a wrong entry), so no archived state is
// needed.
func (a *App) dutyDeletable(ctx context.Context, tx *store.Tx, d domain.Duty) error {
	n, err := tx.DutyCheckCount(ctx, d.ID)
	if err != nil {
		return err
	}
	if n > 0 {
		return domain.Conflict("checks", "%d units have submitted checklist evidence for duty %d; change the duty instead of deleting it", n, d.ID)
	}
	rubrics, err := tx.RubricsOverlapping(ctx, d.OwnerOrgID, d.Year)
	if err != nil {
		return err
	}
	for _, r := range rubrics {
		var items []assess.Item
		if err := json.Unmarshal(r.Items, &items); err != nil {
			return fmt.Errorf("rubric %d: %w", r.ID, err)
		}
		for _, it := range items {
			if it.Indicator == IndDutyCompletion {
				return domain.Conflict("rubric", "the %d assessment %q scores duty completion of these units; change the duty instead of deleting it", d.Year, r.Name)
			}
		}
	}
	return nil
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
