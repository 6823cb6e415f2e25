package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Duties (责任清单) and their checklist sign-offs. A duty is visible to an
// actor when it concerns the actor's read scope: its owner unit is in the
// scope, its applicability's root lies inside the scope or above it (a
// bureau-wide duty concerns every school), or a listed unit is in the scope.
// Writes need the owner unit, and every unit it applies to, in the write
// scope; the app checks that before calling.

const dutyCols = `d.id, d.year, d.title, d.pillar, d.owner_org_id, o.name, d.owner_person, d.applies_kind,
	COALESCE(d.applies_root, 0), d.applies_org_kind, d.measure, d.grain, d.at_least, d.type_ids, d.target_pillar,
	d.from_date, d.to_date, d.deadline, d.weight, d.note, d.version, d.created_by, d.created_at, d.updated_at`

func scanDuty(sc interface{ Scan(...any) error }) (domain.Duty, error) {
	var d domain.Duty
	var appliesKind, orgKind, measure, grain, types, from, to, deadline, created, updated string
	err := sc.Scan(&d.ID, &d.Year, &d.Title, &d.Pillar, &d.OwnerOrgID, &d.OwnerOrgName, &d.OwnerPerson, &appliesKind,
		&d.Applies.Root, &orgKind, &measure, &grain, &d.Target.AtLeast, &types, &d.Target.Pillar,
		&from, &to, &deadline, &d.Weight, &d.Note, &d.Version, &d.CreatedBy, &created, &updated)
	if err != nil {
		return d, err
	}
	d.Applies.Kind, d.Applies.OrgKind = domain.AppliesKind(appliesKind), domain.OrgKind(orgKind)
	d.Target.Measure, d.Target.Grain = domain.DutyMeasure(measure), domain.DutyGrain(grain)
	d.Target.TypeIDs = []int64{}
	if err := json.Unmarshal([]byte(types), &d.Target.TypeIDs); err != nil {
		return d, fmt.Errorf("duty %d: type_ids: %w", d.ID, err)
	}
	d.From, d.To = parseDateText(from), parseDateText(to)
	if deadline != "" {
		dl := parseDateText(deadline)
		d.Deadline = &dl
	}
	d.CreatedAt, d.UpdatedAt = parseTime(created), parseTime(updated)
	return d, nil
}

// dutyVisible is the condition limiting duties d to those concerning the
// scope's read subtrees.
func dutyVisible(scope domain.Scope, args *[]any) string {
	roots := scope.ReadRoots()
	if len(roots) == 0 {
		return "1=0"
	}
	in := placeholders(args, int64s(roots)...)
	return fmt.Sprintf(`(%s OR %s
		OR d.applies_root IN (SELECT ancestor_id FROM org_closure WHERE descendant_id IN (%s))
		OR EXISTS (SELECT 1 FROM duty_units du WHERE du.duty_id = d.id AND %s))`,
		scopeFilter("d.owner_org_id", roots, args), scopeFilter("d.applies_root", roots, args), in,
		scopeFilter("du.org_id", roots, args))
}

// DutyFilter narrows ListDuties.
type DutyFilter struct {
	Year   int
	Pillar string
}

// ListDuties returns the duties of a year that concern the read scope, in
// plan order (pillar as the source orders them, then id).
func (tx *Tx) ListDuties(ctx context.Context, scope domain.Scope, f DutyFilter) ([]domain.Duty, error) {
	args := []any{f.Year}
	cond := "d.year = $1 AND " + dutyVisible(scope, &args)
	if f.Pillar != "" {
		args = append(args, f.Pillar)
		cond += fmt.Sprintf(" AND d.pillar = $%d", len(args))
	}
	rows, err := tx.query(ctx, "SELECT "+dutyCols+" FROM duties d JOIN org_units o ON o.id = d.owner_org_id WHERE "+cond+" ORDER BY d.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.Duty{}
	for rows.Next() {
		d, err := scanDuty(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.d.wrap(err)
	}
	return out, tx.fillDutyUnits(ctx, out)
}

func (tx *Tx) fillDutyUnits(ctx context.Context, ds []domain.Duty) error {
	idx := map[int64]int{}
	var ids []int64
	for i, d := range ds {
		if d.Applies.Kind == domain.AppliesList {
			idx[d.ID] = i
			ids = append(ids, d.ID)
			ds[i].Applies.OrgIDs = []int64{}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	args := []any{}
	rows, err := tx.query(ctx, "SELECT duty_id, org_id FROM duty_units WHERE duty_id IN ("+placeholders(&args, int64s(ids)...)+") ORDER BY duty_id, org_id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var d, o int64
		if err := rows.Scan(&d, &o); err != nil {
			return tx.d.wrap(err)
		}
		ds[idx[d]].Applies.OrgIDs = append(ds[idx[d]].Applies.OrgIDs, o)
	}
	return tx.d.wrap(rows.Err())
}

// GetDuty returns one duty concerning the read scope.
func (tx *Tx) GetDuty(ctx context.Context, scope domain.Scope, id int64) (domain.Duty, error) {
	args := []any{id}
	q := "SELECT " + dutyCols + " FROM duties d JOIN org_units o ON o.id = d.owner_org_id WHERE d.id = $1 AND " + dutyVisible(scope, &args)
	d, err := scanDuty(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return d, domain.NotFound("duty %d", id)
	}
	if err != nil {
		return d, tx.d.wrap(err)
	}
	ds := []domain.Duty{d}
	err = tx.fillDutyUnits(ctx, ds)
	return ds[0], err
}

func dutyArgs(in domain.DutyInput) []any {
	var root any
	if in.Applies.Root != 0 {
		root = in.Applies.Root
	}
	deadline := ""
	if in.Deadline != nil {
		deadline = in.Deadline.String()
	}
	types := in.Target.TypeIDs
	if types == nil {
		types = []int64{}
	}
	return []any{in.Year, in.Title, in.Pillar, in.OwnerOrgID, in.OwnerPerson, string(in.Applies.Kind), root,
		string(in.Applies.OrgKind), string(in.Target.Measure), string(in.Target.Grain), in.Target.AtLeast, jsonText(types),
		in.Target.Pillar, in.From.String(), in.To.String(), deadline, in.Weight, in.Note}
}

// CreateDuty stores a validated duty; the app has checked its units.
func (tx *Tx) CreateDuty(ctx context.Context, scope domain.Scope, in domain.DutyInput, by string) (domain.Duty, error) {
	now := timeText(tx.now)
	args := append(dutyArgs(in), by, now)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO duties (year, title, pillar, owner_org_id, owner_person, applies_kind, applies_root,
		applies_org_kind, measure, grain, at_least, type_ids, target_pillar, from_date, to_date, deadline, weight, note,
		version, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1, $19, $20, $20) RETURNING id`, args...).Scan(&id)
	if err != nil {
		return domain.Duty{}, tx.d.wrap(err)
	}
	if err := tx.setDutyUnits(ctx, id, in.Applies.OrgIDs); err != nil {
		return domain.Duty{}, err
	}
	return tx.GetDuty(ctx, scope, id)
}

func (tx *Tx) setDutyUnits(ctx context.Context, id int64, orgs []int64) error {
	if _, err := tx.exec(ctx, "DELETE FROM duty_units WHERE duty_id = $1", id); err != nil {
		return err
	}
	for _, o := range orgs {
		if _, err := tx.exec(ctx, "INSERT INTO duty_units (duty_id, org_id) VALUES ($1, $2)", id, o); err != nil {
			return err
		}
	}
	return nil
}

// UpdateDuty replaces a duty's fields when its version is still version.
func (tx *Tx) UpdateDuty(ctx context.Context, scope domain.Scope, id, version int64, in domain.DutyInput) (domain.Duty, error) {
	args := append(dutyArgs(in), timeText(tx.now), id, version)
	res, err := tx.exec(ctx, `UPDATE duties SET year = $1, title = $2, pillar = $3, owner_org_id = $4, owner_person = $5,
		applies_kind = $6, applies_root = $7, applies_org_kind = $8, measure = $9, grain = $10, at_least = $11, type_ids = $12,
		target_pillar = $13, from_date = $14, to_date = $15, deadline = $16, weight = $17, note = $18,
		version = version + 1, updated_at = $19 WHERE id = $20 AND version = $21`, args...)
	if err != nil {
		return domain.Duty{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Duty{}, domain.Conflict("version", "duty %d was changed by someone else; reload it", id)
	}
	if err := tx.setDutyUnits(ctx, id, in.Applies.OrgIDs); err != nil {
		return domain.Duty{}, err
	}
	return tx.GetDuty(ctx, scope, id)
}

// DeleteDuty removes a duty, its unit list and its sign-offs.
func (tx *Tx) DeleteDuty(ctx context.Context, id int64) error {
	for _, q := range []string{"DELETE FROM duty_checks WHERE duty_id = $1", "DELETE FROM duty_units WHERE duty_id = $1", "DELETE FROM duties WHERE id = $1"} {
		if _, err := tx.exec(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}

// DutyCheckCount returns how many units have submitted checklist evidence
// for the duty.
func (tx *Tx) DutyCheckCount(ctx context.Context, id int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM duty_checks WHERE duty_id = $1", id).Scan(&n)
	return n, tx.d.wrap(err)
}

// RubricsOverlapping returns the rubrics of year set at org, above it or
// below it: those whose units may include units of org's subtree.
func (tx *Tx) RubricsOverlapping(ctx context.Context, org int64, year int) ([]Rubric, error) {
	rows, err := tx.query(ctx, "SELECT "+rubricCols+` FROM rubrics b JOIN org_units o ON o.id = b.org_id WHERE b.year = $1
		AND (EXISTS (SELECT 1 FROM org_closure c WHERE c.ancestor_id = b.org_id AND c.descendant_id = $2)
		  OR EXISTS (SELECT 1 FROM org_closure c WHERE c.ancestor_id = $2 AND c.descendant_id = b.org_id))
		ORDER BY b.id`, year, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Rubric{}
	for rows.Next() {
		r, err := scanRubric(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, r)
	}
	return out, tx.d.wrap(rows.Err())
}

// DutyChecks returns the checks of the duties for the units, keyed by duty
// then unit.
func (tx *Tx) DutyChecks(ctx context.Context, duties, orgs []int64) (map[int64]map[int64]domain.DutyCheck, error) {
	out := map[int64]map[int64]domain.DutyCheck{}
	if len(duties) == 0 || len(orgs) == 0 {
		return out, nil
	}
	args := []any{}
	q := "SELECT duty_id, org_id, note, evidence, submitted_by, submitted_at, signed_by, signed_at FROM duty_checks WHERE duty_id IN (" +
		placeholders(&args, int64s(duties)...) + ") AND org_id IN (" + placeholders(&args, int64s(orgs)...) + ")"
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c domain.DutyCheck
		var ev string
		if err := rows.Scan(&c.DutyID, &c.OrgID, &c.Note, &ev, &c.SubmittedBy, &c.SubmittedAt, &c.SignedBy, &c.SignedAt); err != nil {
			return nil, tx.d.wrap(err)
		}
		if err := json.Unmarshal([]byte(ev), &c.Evidence); err != nil {
			return nil, err
		}
		if out[c.DutyID] == nil {
			out[c.DutyID] = map[int64]domain.DutyCheck{}
		}
		out[c.DutyID][c.OrgID] = c
	}
	return out, tx.d.wrap(rows.Err())
}

// SubmitDutyCheck stores (or replaces, clearing any sign-off) a unit's
// submission for a checklist duty.
func (tx *Tx) SubmitDutyCheck(ctx context.Context, c domain.DutyCheck) error {
	if c.Evidence == nil {
		c.Evidence = []domain.CheckEvidence{}
	}
	_, err := tx.exec(ctx, `INSERT INTO duty_checks (duty_id, org_id, note, evidence, submitted_by, submitted_at, signed_by, signed_at)
		VALUES ($1, $2, $3, $4, $5, $6, '', '')
		ON CONFLICT (duty_id, org_id) DO UPDATE SET note = excluded.note, evidence = excluded.evidence,
			submitted_by = excluded.submitted_by, submitted_at = excluded.submitted_at, signed_by = '', signed_at = ''`,
		c.DutyID, c.OrgID, c.Note, jsonText(c.Evidence), c.SubmittedBy, timeText(tx.now))
	return err
}

// SignDutyCheck records the reviewer's sign-off of a submitted check.
func (tx *Tx) SignDutyCheck(ctx context.Context, duty, org int64, by string) error {
	res, err := tx.exec(ctx, "UPDATE duty_checks SET signed_by = $1, signed_at = $2 WHERE duty_id = $3 AND org_id = $4 AND signed_at = ''",
		by, timeText(tx.now), duty, org)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Conflict("org_id", "unit %d has nothing awaiting sign-off for duty %d", org, duty)
	}
	return nil
}

// RollupBucket is one unit's approved figure of one type in one month or day.
type RollupBucket struct {
	OrgID      int64
	TypeID     int64
	Day        bool   // a day row; else a month row
	Key        string // "YYYY-MM" or "YYYY-MM-DD"
	Count      int64
	Attendance int64
}

// UnitBuckets reads, for the units given (each one's subtree totals), the
// month rows of [fromMonth, untilMonth) and the day rows of dayMonths, of
// the statuses. Its cost is units × months × types rollup rows, never the
// number of activities. Units outside the read scope give nothing.
func (tx *Tx) UnitBuckets(ctx context.Context, scope domain.Scope, orgs []int64, fromMonth, untilMonth string, dayMonths []string, statuses []domain.Status) ([]RollupBucket, error) {
	if len(orgs) == 0 {
		return []RollupBucket{}, nil
	}
	args := []any{}
	cond := "r.org_id IN (" + placeholders(&args, int64s(orgs)...) + ") AND " + scopeFilter("r.org_id", scope.ReadRoots(), &args) +
		" AND r.status IN (" + placeholders(&args, strs(statuses)...) + ")"
	args = append(args, fromMonth, untilMonth)
	grains := fmt.Sprintf("(r.grain = 'm' AND r.bucket >= $%d AND r.bucket < $%d)", len(args)-1, len(args))
	for _, m := range dayMonths {
		args = append(args, m+"-01", m+"-32")
		grains += fmt.Sprintf(" OR (r.grain = 'd' AND r.bucket >= $%d AND r.bucket < $%d)", len(args)-1, len(args))
	}
	rows, err := tx.query(ctx, `SELECT r.org_id, r.type_id, r.grain, r.bucket, CAST(SUM(r.n) AS BIGINT), CAST(SUM(r.attendance) AS BIGINT)
		FROM activity_rollup r WHERE `+cond+" AND ("+grains+") GROUP BY r.org_id, r.type_id, r.grain, r.bucket", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RollupBucket{}
	for rows.Next() {
		var b RollupBucket
		var grain string
		if err := rows.Scan(&b.OrgID, &b.TypeID, &grain, &b.Key, &b.Count, &b.Attendance); err != nil {
			return nil, tx.d.wrap(err)
		}
		b.Day = grain == "d"
		out = append(out, b)
	}
	return out, tx.d.wrap(rows.Err())
}

// Ancestry returns each unit's ancestors (itself included), for deciding
// which duties apply to it.
func (tx *Tx) Ancestry(ctx context.Context, orgs []int64) (map[int64]map[int64]bool, error) {
	out := map[int64]map[int64]bool{}
	if len(orgs) == 0 {
		return out, nil
	}
	args := []any{}
	rows, err := tx.query(ctx, "SELECT descendant_id, ancestor_id FROM org_closure WHERE descendant_id IN ("+placeholders(&args, int64s(orgs)...)+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d, a int64
		if err := rows.Scan(&d, &a); err != nil {
			return nil, tx.d.wrap(err)
		}
		if out[d] == nil {
			out[d] = map[int64]bool{}
		}
		out[d][a] = true
	}
	return out, tx.d.wrap(rows.Err())
}
