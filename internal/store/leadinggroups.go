package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Leading groups (领导小组): one per unit, scoped by the unit like every
// org-owned row. Members are one JSON list, replaced as a whole.

const groupCols = `g.id, g.org_id, o.name, g.name, g.members, g.version, g.updated_at`

func scanGroup(sc interface{ Scan(...any) error }) (domain.LeadingGroup, error) {
	var g domain.LeadingGroup
	var members, updated string
	if err := sc.Scan(&g.ID, &g.OrgID, &g.OrgName, &g.Name, &members, &g.Version, &updated); err != nil {
		return g, err
	}
	g.Members = []domain.GroupMember{}
	if err := json.Unmarshal([]byte(members), &g.Members); err != nil {
		return g, err
	}
	g.UpdatedAt = parseTime(updated)
	return g, nil
}

// ListLeadingGroups returns the groups of the units in root's subtree (0: the
// whole read scope), in tree order.
func (tx *Tx) ListLeadingGroups(ctx context.Context, scope domain.Scope, root int64) ([]domain.LeadingGroup, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "g.org_id", root, &args)
	if err != nil || !ok {
		return []domain.LeadingGroup{}, err
	}
	rows, err := tx.query(ctx, "SELECT "+groupCols+" FROM leading_groups g JOIN org_units o ON o.id = g.org_id WHERE "+cond+" ORDER BY o.depth, o.code", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.LeadingGroup{}
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, g)
	}
	return out, tx.d.wrap(rows.Err())
}

// LeadingGroupOf returns a unit's group in the read scope.
func (tx *Tx) LeadingGroupOf(ctx context.Context, scope domain.Scope, org int64) (domain.LeadingGroup, error) {
	args := []any{org}
	q := "SELECT " + groupCols + " FROM leading_groups g JOIN org_units o ON o.id = g.org_id WHERE g.org_id = $1 AND " + scopeFilter("g.org_id", scope.ReadRoots(), &args)
	g, err := scanGroup(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return g, domain.NotFound("leading group of org unit %d", org)
	}
	return g, tx.d.wrap(err)
}

// PutLeadingGroup creates or replaces a unit's group. version 0 creates (a
// conflict if one exists); otherwise it must match the stored version.
func (tx *Tx) PutLeadingGroup(ctx context.Context, scope domain.Scope, in domain.LeadingGroupInput, version int64, by string) (domain.LeadingGroup, error) {
	ok, err := tx.InScope(ctx, scope.Roots, in.OrgID)
	if err != nil {
		return domain.LeadingGroup{}, err
	}
	if !ok {
		return domain.LeadingGroup{}, orgOutOfScope("org_id", in.OrgID)
	}
	now := timeText(tx.now)
	if version == 0 {
		_, err = tx.exec(ctx, "INSERT INTO leading_groups (org_id, name, members, version, updated_by, updated_at) VALUES ($1, $2, $3, 1, $4, $5)",
			in.OrgID, in.Name, jsonText(in.Members), by, now)
		if domain.IsKind(err, domain.KindConflict) {
			return domain.LeadingGroup{}, domain.Conflict("org_id", "the unit already has a leading group; edit it instead")
		}
	} else {
		var res sql.Result
		res, err = tx.exec(ctx, "UPDATE leading_groups SET name = $1, members = $2, version = version + 1, updated_by = $3, updated_at = $4 WHERE org_id = $5 AND version = $6",
			in.Name, jsonText(in.Members), by, now, in.OrgID, version)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return domain.LeadingGroup{}, domain.Conflict("version", "the leading group was changed by someone else; reload it")
			}
		}
	}
	if err != nil {
		return domain.LeadingGroup{}, err
	}
	return tx.LeadingGroupOf(ctx, scope, in.OrgID)
}
