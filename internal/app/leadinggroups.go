package app

// Leading groups (领导小组): the group that owns the duty system at one unit —
// 组长, 副组长, 成员 and the group's 办公室, each seat with its term. Reading
// needs activity.read and the unit in the read scope; setting the group needs
// duty.manage and the unit in the write scope. A member who is an account
// must belong to a unit the actor manages; a named person needs no account.

import (
	"context"
	"fmt"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// ListLeadingGroups returns the groups of a unit's subtree (0: the whole read
// scope).
func (a *App) ListLeadingGroups(ctx context.Context, ac domain.Actor, orgID int64) ([]domain.LeadingGroup, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, err
	}
	var out []domain.LeadingGroup
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if orgID != 0 {
			if _, err := tx.GetOrg(ctx, ac.Scope, orgID); err != nil {
				return fieldNotFound(err, "org_id")
			}
		}
		var err error
		out, err = tx.ListLeadingGroups(ctx, ac.Scope, orgID)
		return err
	})
	return out, err
}

// GetLeadingGroup returns a unit's group; a unit without one gets an empty
// group of version 0.
func (a *App) GetLeadingGroup(ctx context.Context, ac domain.Actor, orgID int64) (domain.LeadingGroup, error) {
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return domain.LeadingGroup{}, err
	}
	var out domain.LeadingGroup
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		o, err := tx.GetOrg(ctx, ac.Scope, orgID)
		if err != nil {
			return fieldNotFound(err, "org_id")
		}
		out, err = tx.LeadingGroupOf(ctx, ac.Scope, orgID)
		if domain.IsKind(err, domain.KindNotFound) {
			// None set yet: an empty group (version 0), which the form fills.
			out, err = domain.LeadingGroup{OrgID: o.ID, OrgName: o.Name, Members: []domain.GroupMember{}}, nil
		}
		return err
	})
	return out, err
}

// PutLeadingGroup sets a unit's group. The first group of a unit is created
// whatever version is sent; after that, version must be the one read (0 or
// a stale one is a conflict), so two offices never overwrite each other.
func (a *App) PutLeadingGroup(ctx context.Context, ac domain.Actor, in domain.LeadingGroupInput, version int64) (domain.LeadingGroup, error) {
	if err := ac.Require(domain.PermDutyManage); err != nil {
		return domain.LeadingGroup{}, err
	}
	in, err := in.Validate()
	if err != nil {
		return domain.LeadingGroup{}, err
	}
	var out domain.LeadingGroup
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		write := domain.Scope{Roots: ac.Scope.Roots}
		if _, err := tx.GetOrg(ctx, write, in.OrgID); err != nil {
			return fieldNotFound(err, "org_id")
		}
		for i := range in.Members {
			m := &in.Members[i]
			if m.AccountID == 0 {
				continue
			}
			acct, err := tx.GetAccount(ctx, m.AccountID)
			if err != nil && !domain.IsKind(err, domain.KindNotFound) {
				return err
			}
			if err != nil || !inScope(ctx, tx, write, acct.OrgID) {
				return domain.Invalid(fmt.Sprintf("members[%d].account_id", i), "account %d is not one of your units' accounts", m.AccountID)
			}
			if m.Name == "" {
				m.Name = acct.Name
			}
		}
		var old *domain.LeadingGroup
		g, err := tx.LeadingGroupOf(ctx, ac.Scope, in.OrgID)
		switch {
		case domain.IsKind(err, domain.KindNotFound):
			version = 0 // the first group of the unit: nothing to be stale against
		case err != nil:
			return err
		case version == 0:
			return domain.Conflict("version", "the unit already has a leading group (version %d); edit that one", g.Version)
		default:
			old = &g
		}
		if out, err = tx.PutLeadingGroup(ctx, ac.Scope, in, version, ac.Name); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "leading_group.set", Target: fmt.Sprintf("org:%d/leading_group", in.OrgID), Before: old, After: out})
	})
	return out, err
}

func inScope(ctx context.Context, tx *store.Tx, s domain.Scope, org int64) bool {
	ok, err := tx.InScope(ctx, s.Roots, org)
	return err == nil && ok
}
