package app

import (
	"context"
	"fmt"

	"github.com/zeren-edu/zeren/internal/catalog"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Pillars lists the six pillars.
func (a *App) Pillars() []domain.Pillar { return domain.Pillars }

// ListTypes lists the activity catalog; pillar "" lists every pillar.
func (a *App) ListTypes(ctx context.Context, pillar string, activeOnly bool) ([]domain.ActivityType, error) {
	if pillar != "" {
		if _, ok := domain.PillarByCode(pillar); !ok {
			return nil, domain.Invalid("pillar", "unknown pillar %q", pillar)
		}
	}
	var out []domain.ActivityType
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListTypes(ctx, pillar, activeOnly)
		return err
	})
	return out, err
}

// GetType returns one activity type.
func (a *App) GetType(ctx context.Context, id int64) (domain.ActivityType, error) {
	var out domain.ActivityType
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.GetType(ctx, id)
		return err
	})
	return out, err
}

// validType checks a type's fields the way the catalog package checks the default.
func validType(t domain.ActivityType) error {
	return catalog.ValidateType(t)
}

// CreateType adds an activity type to the catalog.
func (a *App) CreateType(ctx context.Context, ac domain.Actor, t domain.ActivityType) (domain.ActivityType, error) {
	if err := ac.Require(domain.PermCatalogManage); err != nil {
		return t, err
	}
	t.ID = 0
	if err := validType(t); err != nil {
		return t, err
	}
	var out domain.ActivityType
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.CreateType(ctx, t)
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "type.create", Target: fmt.Sprintf("type:%d", out.ID), After: out})
	})
	return out, err
}

// UpdateType changes an activity type. Its code is stable: records, reports
// and templates refer to it.
func (a *App) UpdateType(ctx context.Context, ac domain.Actor, t domain.ActivityType) (domain.ActivityType, error) {
	if err := ac.Require(domain.PermCatalogManage); err != nil {
		return t, err
	}
	var out domain.ActivityType
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := tx.GetType(ctx, t.ID)
		if err != nil {
			return err
		}
		if t.Code != "" && t.Code != old.Code {
			return domain.Invalid("code", "cannot be changed (records and reports refer to %q)", old.Code)
		}
		t.Code = old.Code
		if err := validType(t); err != nil {
			return err
		}
		out, err = tx.UpdateType(ctx, t)
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "type.update", Target: fmt.Sprintf("type:%d", out.ID), After: out})
	})
	return out, err
}

// SeedCatalog adds every type of the default catalog that is missing (by
// code) and leaves existing ones alone; it returns how many it added.
func (a *App) SeedCatalog(ctx context.Context, ac domain.Actor) (int, error) {
	if err := ac.Require(domain.PermCatalogManage); err != nil {
		return 0, err
	}
	added := 0
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		for _, t := range catalog.Default() {
			if _, err := tx.TypeByCode(ctx, t.Code); err == nil {
				continue
			} else if !domain.IsKind(err, domain.KindNotFound) {
				return err
			}
			if _, err := tx.CreateType(ctx, t); err != nil {
				return err
			}
			added++
		}
		if added == 0 {
			return nil
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "type.create", Target: "catalog", Detail: fmt.Sprintf("seeded %d default activity types", added)})
	})
	return added, err
}
