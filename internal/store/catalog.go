package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/zeren-edu/zeren/internal/domain"
)

// The catalog is shared configuration, not org-scoped data: every unit logs
// activities against the same types, so these methods take no scope.

const typeCols = `id, code, pillar, name, name_en, venues, expects_attendance, expects_evidence, tracks_publication, active, sort_order, description`

func scanType(sc interface{ Scan(...any) error }) (domain.ActivityType, error) {
	var t domain.ActivityType
	var venues string
	err := sc.Scan(&t.ID, &t.Code, &t.Pillar, &t.Name, &t.NameEN, &venues, &t.ExpectsAttendance, &t.ExpectsEvidence,
		&t.TracksPublication, &t.Active, &t.Order, &t.Description)
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal([]byte(venues), &t.Venues); err != nil || t.Venues == nil {
		t.Venues = []string{}
	}
	return t, nil
}

// CreateType adds an activity type.
func (tx *Tx) CreateType(ctx context.Context, t domain.ActivityType) (domain.ActivityType, error) {
	now := timeText(tx.now)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO activity_types (code, pillar, name, name_en, venues, expects_attendance, expects_evidence,
		tracks_publication, active, sort_order, description, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
		t.Code, t.Pillar, t.Name, t.NameEN, jsonText(nonNil(t.Venues)), t.ExpectsAttendance, t.ExpectsEvidence,
		t.TracksPublication, t.Active, t.Order, t.Description, now).Scan(&id)
	if err != nil {
		err = tx.d.wrap(err)
		if domain.IsKind(err, domain.KindConflict) {
			return t, domain.Conflict("code", "an activity type with code %q already exists", t.Code)
		}
		return t, err
	}
	return tx.GetType(ctx, id)
}

// UpdateType replaces an activity type's fields (its code stays).
func (tx *Tx) UpdateType(ctx context.Context, t domain.ActivityType) (domain.ActivityType, error) {
	res, err := tx.exec(ctx, `UPDATE activity_types SET pillar = $1, name = $2, name_en = $3, venues = $4, expects_attendance = $5,
		expects_evidence = $6, tracks_publication = $7, active = $8, sort_order = $9, description = $10, updated_at = $11 WHERE id = $12`,
		t.Pillar, t.Name, t.NameEN, jsonText(nonNil(t.Venues)), t.ExpectsAttendance, t.ExpectsEvidence, t.TracksPublication,
		t.Active, t.Order, t.Description, timeText(tx.now), t.ID)
	if err != nil {
		return t, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return t, domain.NotFound("activity type %d", t.ID)
	}
	return tx.GetType(ctx, t.ID)
}

// GetType returns one activity type.
func (tx *Tx) GetType(ctx context.Context, id int64) (domain.ActivityType, error) {
	t, err := scanType(tx.queryRow(ctx, "SELECT "+typeCols+" FROM activity_types WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, domain.NotFound("activity type %d", id)
	}
	return t, tx.d.wrap(err)
}

// TypeByCode returns the activity type with the code.
func (tx *Tx) TypeByCode(ctx context.Context, code string) (domain.ActivityType, error) {
	t, err := scanType(tx.queryRow(ctx, "SELECT "+typeCols+" FROM activity_types WHERE code = $1", code))
	if errors.Is(err, sql.ErrNoRows) {
		return t, domain.NotFound("activity type %q", code)
	}
	return t, tx.d.wrap(err)
}

// ListTypes lists activity types in catalog order; pillar "" lists all.
func (tx *Tx) ListTypes(ctx context.Context, pillar string, activeOnly bool) ([]domain.ActivityType, error) {
	q := "SELECT " + typeCols + " FROM activity_types WHERE ($1 = '' OR pillar = $1)"
	if activeOnly {
		q += " AND active = TRUE"
	}
	rows, err := tx.query(ctx, q+" ORDER BY sort_order, id", pillar)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.ActivityType{}
	for rows.Next() {
		t, err := scanType(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, t)
	}
	return out, tx.d.wrap(rows.Err())
}

// CalendarDays is a bureau's semester boundaries as "MM-DD" text; the period
// engine parses them.
type CalendarDays struct {
	SpringStart string
	AutumnStart string
}

// SemesterCalendar returns the semester boundaries of the bureau at the root of
// org's tree; ok is false when none are set (the defaults apply).
func (tx *Tx) SemesterCalendar(ctx context.Context, org int64) (c CalendarDays, ok bool, err error) {
	err = tx.queryRow(ctx, `SELECT s.spring_start, s.autumn_start FROM semester_calendars s
		JOIN org_closure c ON c.ancestor_id = s.org_id WHERE c.descendant_id = $1 ORDER BY c.depth DESC LIMIT 1`, org).
		Scan(&c.SpringStart, &c.AutumnStart)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, tx.d.wrap(err)
	}
	return c, true, nil
}

// SetSemesterCalendar stores a bureau's semester boundaries.
func (tx *Tx) SetSemesterCalendar(ctx context.Context, scope domain.Scope, bureau int64, c CalendarDays) error {
	o, err := tx.GetOrg(ctx, domain.Scope{Roots: scope.Roots}, bureau)
	if err != nil {
		return err
	}
	if o.Kind != domain.OrgBureau {
		return domain.Invalid("org_id", "semester boundaries are set on a bureau, not on a %s", o.Kind)
	}
	_, err = tx.exec(ctx, `INSERT INTO semester_calendars (org_id, spring_start, autumn_start) VALUES ($1, $2, $3)
		ON CONFLICT (org_id) DO UPDATE SET spring_start = excluded.spring_start, autumn_start = excluded.autumn_start`,
		bureau, c.SpringStart, c.AutumnStart)
	if err != nil {
		return fmt.Errorf("semester calendar: %w", err)
	}
	return nil
}
