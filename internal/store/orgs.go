package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
)

const orgCols = `o.id, COALESCE(o.parent_id, 0), o.kind, o.code, o.name, o.aliases, o.active, o.active_from, o.active_until, o.depth, o.created_at, o.updated_at`

func scanOrg(sc interface{ Scan(...any) error }) (domain.OrgUnit, error) {
	var o domain.OrgUnit
	var aliases, from, until, created, updated string
	err := sc.Scan(&o.ID, &o.ParentID, &o.Kind, &o.Code, &o.Name, &aliases, &o.Active, &from, &until, &o.Depth, &created, &updated)
	if err != nil {
		return o, err
	}
	if err := json.Unmarshal([]byte(aliases), &o.Aliases); err != nil || o.Aliases == nil {
		o.Aliases = []string{}
	}
	o.ActiveFrom, o.ActiveUntil = parseDateText(from), parseDateText(until)
	o.CreatedAt, o.UpdatedAt = parseTime(created), parseTime(updated)
	return o, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// scopeFilter returns an SQL condition limiting col (an org id column) to the
// subtrees of roots. With no roots it returns a condition that is always false:
// closed by default.
func scopeFilter(col string, roots []int64, args *[]any) string {
	if len(roots) == 0 {
		return "1=0"
	}
	// A correlated EXISTS probes the (descendant_id, ancestor_id) index: its cost is
	// the depth of the tree per row, where "col IN (subtree)" would materialise a
	// whole province's subtree (5·10⁴ ids) for every query.
	return fmt.Sprintf("EXISTS (SELECT 1 FROM org_closure sc WHERE sc.descendant_id = %s AND sc.ancestor_id IN (%s))", col, placeholders(args, int64s(roots)...))
}

// subtreeInScope returns the condition limiting col to root's subtree when
// root is given, or to the whole read scope when it is 0. A subtree inside
// the scope needs no per-row scope check: its root is checked once here, and
// ok is false when it lies outside the scope (the caller returns nothing).
func (tx *Tx) subtreeInScope(ctx context.Context, scope domain.Scope, col string, root int64, args *[]any) (cond string, ok bool, err error) {
	if root == 0 {
		return scopeFilter(col, scope.ReadRoots(), args), true, nil
	}
	if ok, err := tx.InScope(ctx, scope.ReadRoots(), root); err != nil || !ok {
		return "", false, err
	}
	*args = append(*args, root)
	return fmt.Sprintf("%s IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $%d)", col, len(*args)), true, nil
}

// InScope reports whether org id lies inside the subtrees of roots.
func (tx *Tx) InScope(ctx context.Context, roots []int64, id int64) (bool, error) {
	if len(roots) == 0 {
		return false, nil
	}
	args := []any{id}
	q := "SELECT COUNT(*) FROM org_closure WHERE descendant_id = $1 AND ancestor_id IN (" + placeholders(&args, int64s(roots)...) + ")"
	var n int
	if err := tx.queryRow(ctx, q, args...).Scan(&n); err != nil {
		return false, tx.d.wrap(err)
	}
	return n > 0, nil
}

// requireReadable answers not found unless unit id lies in the scope's read
// subtrees: the check every figure and record query of one unit starts with.
func (tx *Tx) requireReadable(ctx context.Context, scope domain.Scope, id int64) error {
	ok, err := tx.InScope(ctx, scope.ReadRoots(), id)
	if err != nil {
		return err
	}
	if !ok {
		return domain.NotFound("org unit %d", id)
	}
	return nil
}

// NewOrg is what CreateOrg stores.
type NewOrg struct {
	ParentID   int64
	Kind       domain.OrgKind
	Code       string
	Name       string
	Aliases    []string
	ActiveFrom domain.Date
}

// CreateOrg inserts a unit and its closure rows. The caller has validated the
// fields and checked that the parent may hold a unit of this kind.
func (tx *Tx) CreateOrg(ctx context.Context, n NewOrg) (domain.OrgUnit, error) {
	// The closure rows copy the parent's ancestors: a move of the parent
	// must not commit between that read and this commit.
	if err := tx.LockTree(ctx); err != nil {
		return domain.OrgUnit{}, err
	}
	now := timeText(tx.now)
	depth := 0
	var parent any
	if n.ParentID != 0 {
		parent = n.ParentID
		if err := tx.queryRow(ctx, "SELECT depth + 1 FROM org_units WHERE id = $1", n.ParentID).Scan(&depth); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return domain.OrgUnit{}, domain.NotFound("parent org unit %d", n.ParentID)
			}
			return domain.OrgUnit{}, tx.d.wrap(err)
		}
	}
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO org_units (parent_id, kind, code, name, aliases, active, active_from, active_until, depth, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, TRUE, $6, '', $7, $8, $8) RETURNING id`,
		parent, string(n.Kind), n.Code, n.Name, jsonText(n.Aliases), dateText(n.ActiveFrom), depth, now).Scan(&id)
	if err != nil {
		err = tx.d.wrap(err)
		if domain.IsKind(err, domain.KindConflict) {
			return domain.OrgUnit{}, domain.Conflict("code", "an org unit with code %q already exists", n.Code)
		}
		return domain.OrgUnit{}, err
	}
	// Closure: itself at depth 0, then every ancestor of the parent one deeper.
	if _, err := tx.exec(ctx, "INSERT INTO org_closure (ancestor_id, descendant_id, depth) VALUES ($1, $1, 0)", id); err != nil {
		return domain.OrgUnit{}, err
	}
	if n.ParentID != 0 {
		if _, err := tx.exec(ctx, `INSERT INTO org_closure (ancestor_id, descendant_id, depth)
			SELECT ancestor_id, $1, depth + 1 FROM org_closure WHERE descendant_id = $2`, id, n.ParentID); err != nil {
			return domain.OrgUnit{}, err
		}
	}
	return tx.getOrg(ctx, id)
}

// GetOrg returns one unit inside the read scope.
func (tx *Tx) GetOrg(ctx context.Context, scope domain.Scope, id int64) (domain.OrgUnit, error) {
	args := []any{id}
	q := "SELECT " + orgCols + " FROM org_units o WHERE o.id = $1 AND " + scopeFilter("o.id", scope.ReadRoots(), &args)
	o, err := scanOrg(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return o, domain.NotFound("org unit %d", id)
	}
	return o, tx.d.wrap(err)
}

// ShareOrg reads a unit inside the write scope for a write that depends on
// it staying as read — an activity filed on it checks that it is active —
// and holds it until the transaction ends: the shared tree lock first (the
// lock order: tree, then rows), then a share lock on the unit's row, so a
// deactivation (an update of the row) waits for this transaction, or this
// read waits for the deactivation and sees it. Several writers may share it.
func (tx *Tx) ShareOrg(ctx context.Context, scope domain.Scope, id int64) (domain.OrgUnit, error) {
	if err := tx.LockTree(ctx); err != nil {
		return domain.OrgUnit{}, err
	}
	args := []any{id}
	q := "SELECT " + orgCols + " FROM org_units o WHERE o.id = $1 AND " + scopeFilter("o.id", scope.Roots, &args) + tx.d.forShare()
	o, err := scanOrg(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return o, domain.NotFound("org unit %d", id)
	}
	return o, tx.d.wrap(err)
}

// getOrg reads a unit without scope: for internal use after a scoped check.
func (tx *Tx) getOrg(ctx context.Context, id int64) (domain.OrgUnit, error) {
	o, err := scanOrg(tx.queryRow(ctx, "SELECT "+orgCols+" FROM org_units o WHERE o.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, domain.NotFound("org unit %d", id)
	}
	return o, tx.d.wrap(err)
}

// OrgByCode finds a unit by its code inside the read scope.
func (tx *Tx) OrgByCode(ctx context.Context, scope domain.Scope, code string) (domain.OrgUnit, error) {
	args := []any{code}
	q := "SELECT " + orgCols + " FROM org_units o WHERE o.code = $1 AND " + scopeFilter("o.id", scope.ReadRoots(), &args)
	o, err := scanOrg(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return o, domain.NotFound("org unit %q", code)
	}
	return o, tx.d.wrap(err)
}

// OrgFilter narrows ListOrgs.
type OrgFilter struct {
	Under    int64          // only this unit's subtree (itself included); 0: the whole scope
	ParentID int64          // only direct children of this unit
	Kind     domain.OrgKind // only this kind
	Active   *bool
	Query    string // substring of code, name or an alias
	Limit    int
	Offset   int
}

// ListOrgs lists units in the read scope, in tree order (depth, then code).
func (tx *Tx) ListOrgs(ctx context.Context, scope domain.Scope, f OrgFilter) ([]domain.OrgUnit, int, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "o.id", f.Under, &args)
	if err != nil || !ok {
		return []domain.OrgUnit{}, 0, err
	}
	where := []string{cond}
	if f.ParentID != 0 {
		args = append(args, f.ParentID)
		where = append(where, fmt.Sprintf("o.parent_id = $%d", len(args)))
	}
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		where = append(where, fmt.Sprintf("o.kind = $%d", len(args)))
	}
	if f.Active != nil {
		args = append(args, *f.Active)
		where = append(where, fmt.Sprintf("o.active = $%d", len(args)))
	}
	if f.Query != "" {
		args = append(args, "%"+likeEscape(f.Query)+"%")
		k := len(args)
		where = append(where, fmt.Sprintf(`(o.code LIKE $%d ESCAPE '\' OR o.name LIKE $%d ESCAPE '\' OR o.aliases LIKE $%d ESCAPE '\')`, k, k, k))
	}
	cond = strings.Join(where, " AND ")
	var total int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM org_units o WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1 << 30
	}
	args = append(args, limit, f.Offset)
	rows, err := tx.query(ctx, fmt.Sprintf("SELECT %s FROM org_units o WHERE %s ORDER BY o.depth, o.code LIMIT $%d OFFSET $%d", orgCols, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []domain.OrgUnit{}
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, 0, tx.d.wrap(err)
		}
		out = append(out, o)
	}
	return out, total, tx.d.wrap(rows.Err())
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// OrgPatch changes a unit's names. Nil fields stay.
type OrgPatch struct {
	Name    *string
	Aliases *[]string
}

// UpdateOrg renames a unit or replaces its aliases, inside the write scope.
func (tx *Tx) UpdateOrg(ctx context.Context, scope domain.Scope, id int64, p OrgPatch) (domain.OrgUnit, error) {
	o, err := tx.GetOrg(ctx, domain.Scope{Roots: scope.Roots}, id)
	if err != nil {
		return o, err
	}
	if p.Name != nil {
		o.Name = *p.Name
	}
	if p.Aliases != nil {
		o.Aliases = *p.Aliases
	}
	if _, err := tx.exec(ctx, "UPDATE org_units SET name = $1, aliases = $2, updated_at = $3 WHERE id = $4",
		o.Name, jsonText(o.Aliases), timeText(tx.now), id); err != nil {
		return o, err
	}
	return tx.getOrg(ctx, id)
}

// SetOrgActive deactivates (active=false, until=date) or reactivates a unit.
func (tx *Tx) SetOrgActive(ctx context.Context, scope domain.Scope, id int64, active bool, until domain.Date) (domain.OrgUnit, error) {
	if _, err := tx.GetOrg(ctx, domain.Scope{Roots: scope.Roots}, id); err != nil {
		return domain.OrgUnit{}, err
	}
	if !active {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM org_units WHERE parent_id = $1 AND active = TRUE", id).Scan(&n); err != nil {
			return domain.OrgUnit{}, tx.d.wrap(err)
		}
		if n > 0 {
			return domain.OrgUnit{}, domain.Conflict("active", "the unit still has %d active child units; deactivate or move them first", n)
		}
	} else {
		until = domain.Date{}
	}
	if _, err := tx.exec(ctx, "UPDATE org_units SET active = $1, active_until = $2, updated_at = $3 WHERE id = $4",
		active, dateText(until), timeText(tx.now), id); err != nil {
		return domain.OrgUnit{}, err
	}
	return tx.getOrg(ctx, id)
}

// MoveOrg re-parents a unit with its whole subtree, rewiring the closure table
// and moving the subtree's rollups from the old ancestors to the new ones, so
// aggregates stay exact without touching any activity row.
func (tx *Tx) MoveOrg(ctx context.Context, scope domain.Scope, id, newParent int64) (domain.OrgUnit, error) {
	if tx.tx == nil {
		return domain.OrgUnit{}, errNoTx
	}
	if err := tx.d.lockTree(ctx, tx.tx, true); err != nil {
		return domain.OrgUnit{}, tx.d.wrap(err)
	}
	write := domain.Scope{Roots: scope.Roots}
	o, err := tx.GetOrg(ctx, write, id)
	if err != nil {
		return o, err
	}
	p, err := tx.GetOrg(ctx, write, newParent)
	if err != nil {
		if domain.IsKind(err, domain.KindNotFound) {
			return o, &domain.Error{Kind: domain.KindNotFound, Field: "parent_id", Message: fmt.Sprintf("org unit %d not found", newParent)}
		}
		return o, err
	}
	if o.ParentID == 0 {
		return o, domain.Invalid("parent_id", "a root unit (the bureau) cannot be moved")
	}
	if o.ParentID == newParent {
		return o, nil
	}
	var inside int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM org_closure WHERE ancestor_id = $1 AND descendant_id = $2", id, newParent).Scan(&inside); err != nil {
		return o, tx.d.wrap(err)
	}
	if inside > 0 {
		return o, domain.Invalid("parent_id", "cannot move %s under its own descendant %s", o.Name, p.Name)
	}
	if !p.Active {
		return o, domain.Invalid("parent_id", "%s is deactivated", p.Name)
	}
	if !p.Kind.CanParent(o.Kind) {
		return o, domain.Invalid("parent_id", "a %s cannot be placed under a %s", o.Kind, p.Kind)
	}
	// 1. Take the subtree's totals (the moved unit's own rollup rows) away from
	//    its old strict ancestors.
	if err := tx.shiftRollup(ctx, id, o.ParentID, -1); err != nil {
		return o, err
	}
	// 2. Rewire the closure: drop links from outside ancestors into the subtree,
	//    then link every new ancestor to every subtree node.
	if _, err := tx.exec(ctx, `DELETE FROM org_closure
		WHERE descendant_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1)
		  AND ancestor_id NOT IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1)`, id); err != nil {
		return o, err
	}
	if _, err := tx.exec(ctx, `INSERT INTO org_closure (ancestor_id, descendant_id, depth)
		SELECT a.ancestor_id, d.descendant_id, a.depth + d.depth + 1
		FROM org_closure a CROSS JOIN org_closure d
		WHERE a.descendant_id = $1 AND d.ancestor_id = $2`, newParent, id); err != nil {
		return o, err
	}
	shift := p.Depth + 1 - o.Depth
	if _, err := tx.exec(ctx, `UPDATE org_units SET depth = depth + $1, updated_at = $2
		WHERE id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $3)`, shift, timeText(tx.now), id); err != nil {
		return o, err
	}
	if _, err := tx.exec(ctx, "UPDATE org_units SET parent_id = $1 WHERE id = $2", newParent, id); err != nil {
		return o, err
	}
	// 3. Give the totals to the new ancestors.
	if err := tx.shiftRollup(ctx, id, newParent, +1); err != nil {
		return o, err
	}
	return tx.getOrg(ctx, id)
}

// LockTree takes the shared org-tree lock until the transaction ends: a
// write whose rows or checks depend on a unit's ancestors (rollup deltas,
// closure rows of a new unit, a write-scope check) takes it before reading
// them, so a unit move (which takes it exclusively) cannot change them
// between the read and the commit. Taking it again is free (no round trip).
func (tx *Tx) LockTree(ctx context.Context) error {
	if tx.treeLocked {
		return nil
	}
	if tx.tx == nil {
		return errNoTx
	}
	if err := tx.d.lockTree(ctx, tx.tx, false); err != nil {
		return tx.d.wrap(err)
	}
	tx.treeLocked = true
	return nil
}

// Ancestors returns the ids of id's ancestors, itself included, root first.
func (tx *Tx) Ancestors(ctx context.Context, id int64) ([]int64, error) {
	return tx.queryIDs(ctx, "SELECT ancestor_id FROM org_closure WHERE descendant_id = $1 ORDER BY depth DESC", id)
}

// RootIDs returns the ids of every root unit (bureaus). Used to build the
// scope of the loopback operator before accounts exist, and by the demo.
func (tx *Tx) RootIDs(ctx context.Context) ([]int64, error) {
	return tx.queryIDs(ctx, "SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id")
}
