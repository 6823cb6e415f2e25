package app

// Checklist duties: a duty no record can measure is met by a unit's
// evidence and a reviewer's sign-off.

import (
	"context"
	"fmt"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

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
