package app

import (
	"context"
	"fmt"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// OrgInput creates a unit.
type OrgInput struct {
	ParentID   int64          `json:"parent_id"`
	Kind       domain.OrgKind `json:"kind"`
	Code       string         `json:"code"`
	Name       string         `json:"name"`
	Aliases    []string       `json:"aliases"`
	ActiveFrom domain.Date    `json:"active_from"`
}

// CreateOrg adds a unit under a parent in the actor's write scope, or a root
// bureau (operator only).
func (a *App) CreateOrg(ctx context.Context, ac domain.Actor, in OrgInput) (domain.OrgUnit, error) {
	if err := ac.Require(domain.PermOrgManage); err != nil {
		return domain.OrgUnit{}, err
	}
	if !in.Kind.Valid() {
		return domain.OrgUnit{}, domain.Invalid("kind", "must be one of bureau, district, school, branch")
	}
	if err := domain.ValidateCode("code", in.Code); err != nil {
		return domain.OrgUnit{}, err
	}
	if err := domain.ValidateName("name", in.Name, domain.MaxNameLen); err != nil {
		return domain.OrgUnit{}, err
	}
	aliases, err := domain.NormalizeAliases(in.Aliases)
	if err != nil {
		return domain.OrgUnit{}, err
	}
	if !in.ActiveFrom.IsZero() && in.ActiveFrom.After(a.Today()) {
		return domain.OrgUnit{}, domain.Invalid("active_from", "cannot be in the future")
	}
	var out domain.OrgUnit
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		// The parent's scope check and its closure rows must see the tree
		// as it will be at commit: no move in between.
		if err := tx.LockTree(ctx); err != nil {
			return err
		}
		if in.ParentID == 0 {
			if in.Kind != domain.OrgBureau {
				return domain.Invalid("parent_id", "a %s needs a parent unit; only a bureau is a root", in.Kind)
			}
			if !ac.Operator {
				return domain.Forbidden("only the system operator creates a root bureau")
			}
		} else {
			p, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, in.ParentID)
			if err != nil {
				return fieldNotFound(err, "parent_id")
			}
			if !p.Active {
				return domain.Invalid("parent_id", "%s is deactivated", p.Name)
			}
			if !p.Kind.CanParent(in.Kind) {
				return domain.Invalid("kind", "a %s cannot be placed under a %s", in.Kind, p.Kind)
			}
		}
		out, err = tx.CreateOrg(ctx, store.NewOrg{ParentID: in.ParentID, Kind: in.Kind, Code: in.Code, Name: in.Name,
			Aliases: aliases, ActiveFrom: in.ActiveFrom})
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "org.create", Target: orgTarget(out.ID), After: out})
	})
	return out, err
}

// fieldNotFound names the field when a referenced record is missing.
func fieldNotFound(err error, field string) error {
	if e, ok := err.(*domain.Error); ok && e.Kind == domain.KindNotFound && e.Field == "" {
		c := *e
		c.Field = field
		return &c
	}
	return err
}

// GetOrg returns a unit in the actor's read scope.
func (a *App) GetOrg(ctx context.Context, ac domain.Actor, id int64) (domain.OrgUnit, error) {
	var out domain.OrgUnit
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetOrg(ctx, ac.Scope, id)
		return err
	})
	return out, err
}

// ListOrgs lists units in the actor's read scope.
func (a *App) ListOrgs(ctx context.Context, ac domain.Actor, f store.OrgFilter) ([]domain.OrgUnit, int, error) {
	if f.Kind != "" && !f.Kind.Valid() {
		return nil, 0, domain.Invalid("kind", "must be one of bureau, district, school, branch")
	}
	var out []domain.OrgUnit
	var total int
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, total, err = tx.ListOrgs(ctx, ac.Scope, f)
		return err
	})
	return out, total, err
}

// OrgPatch renames a unit or replaces its aliases.
type OrgPatch struct {
	Name    *string   `json:"name"`
	Aliases *[]string `json:"aliases"`
}

// UpdateOrg renames a unit or changes its aliases.
func (a *App) UpdateOrg(ctx context.Context, ac domain.Actor, id int64, p OrgPatch) (domain.OrgUnit, error) {
	if err := ac.Require(domain.PermOrgManage); err != nil {
		return domain.OrgUnit{}, err
	}
	sp := store.OrgPatch{Name: p.Name}
	if p.Name != nil {
		if err := domain.ValidateName("name", *p.Name, domain.MaxNameLen); err != nil {
			return domain.OrgUnit{}, err
		}
	}
	if p.Aliases != nil {
		al, err := domain.NormalizeAliases(*p.Aliases)
		if err != nil {
			return domain.OrgUnit{}, err
		}
		sp.Aliases = &al
	}
	var out domain.OrgUnit
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.UpdateOrg(ctx, ac.Scope, id, sp)
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "org.update", Target: orgTarget(id), After: out})
	})
	return out, err
}

// MoveOrg moves a unit and its subtree under a new parent.
func (a *App) MoveOrg(ctx context.Context, ac domain.Actor, id, parent int64) (domain.OrgUnit, error) {
	if err := ac.Require(domain.PermOrgManage); err != nil {
		return domain.OrgUnit{}, err
	}
	if parent <= 0 {
		return domain.OrgUnit{}, domain.Invalid("parent_id", "is required")
	}
	var out domain.OrgUnit
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.MoveOrg(ctx, ac.Scope, id, parent)
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "org.move", Target: orgTarget(id), After: out})
	})
	return out, err
}

// DeactivateOrg ends a unit's active life on date (today when zero).
func (a *App) DeactivateOrg(ctx context.Context, ac domain.Actor, id int64, date domain.Date) (domain.OrgUnit, error) {
	if err := ac.Require(domain.PermOrgManage); err != nil {
		return domain.OrgUnit{}, err
	}
	if date.IsZero() {
		date = a.Today()
	}
	if date.After(a.Today()) {
		return domain.OrgUnit{}, domain.Invalid("date", "cannot be in the future")
	}
	var out domain.OrgUnit
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		o, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, id)
		if err != nil {
			return err
		}
		if !o.Active {
			return domain.Conflict("active", "%s is already deactivated", o.Name)
		}
		if !o.ActiveFrom.IsZero() && date.Before(o.ActiveFrom) {
			return domain.Invalid("date", "is before the unit became active (%s)", o.ActiveFrom)
		}
		out, err = tx.SetOrgActive(ctx, ac.Scope, id, false, date)
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "org.deactivate", Target: orgTarget(id), After: out})
	})
	return out, err
}

// ReactivateOrg makes a deactivated unit active again.
func (a *App) ReactivateOrg(ctx context.Context, ac domain.Actor, id int64) (domain.OrgUnit, error) {
	if err := ac.Require(domain.PermOrgManage); err != nil {
		return domain.OrgUnit{}, err
	}
	var out domain.OrgUnit
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		o, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, id)
		if err != nil {
			return err
		}
		if o.Active {
			return domain.Conflict("active", "%s is already active", o.Name)
		}
		if o.ParentID != 0 {
			p, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, o.ParentID)
			if err == nil && !p.Active {
				return domain.Conflict("active", "its parent %s is deactivated; reactivate the parent first", p.Name)
			}
		}
		out, err = tx.SetOrgActive(ctx, ac.Scope, id, true, domain.Date{})
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "org.reactivate", Target: orgTarget(id), After: out})
	})
	return out, err
}

func orgTarget(id int64) string { return fmt.Sprintf("org:%d", id) }
