package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Yearly assessment (考核): rubrics, manual adjustments, and the facts the
// indicators score (records and rectifications of each assessed unit's
// subtree in the year). The scoring itself is internal/assess.

// Rubric is a stored rubric; Items is the JSON of its scored items, which
// the app reads with internal/assess.
type Rubric struct {
	ID        int64          `json:"id"`
	OrgID     int64          `json:"org_id"`
	OrgName   string         `json:"org_name"`
	Year      int            `json:"year"`
	Name      string         `json:"name"`
	UnitKind  domain.OrgKind `json:"unit_kind"`
	Total     float64        `json:"total"`
	Items     json.RawMessage
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

const rubricCols = `b.id, b.org_id, o.name, b.year, b.name, b.unit_kind, b.total, b.items, b.created_by, b.created_at, b.updated_at, b.version`

func scanRubric(sc interface{ Scan(...any) error }) (Rubric, error) {
	var r Rubric
	var items, created, updated string
	err := sc.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.Year, &r.Name, &r.UnitKind, &r.Total, &items, &r.CreatedBy, &created, &updated, &r.Version)
	r.Items = json.RawMessage(items)
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	return r, err
}

// SaveRubric inserts (ID 0) or replaces a rubric. The caller has validated it
// and checked its unit against the write scope.
func (tx *Tx) SaveRubric(ctx context.Context, r Rubric) (int64, error) {
	now := timeText(tx.now)
	if r.ID == 0 {
		var id int64
		err := tx.queryRow(ctx, `INSERT INTO rubrics (org_id, year, name, unit_kind, total, items, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			r.OrgID, r.Year, r.Name, string(r.UnitKind), r.Total, string(r.Items), r.CreatedBy, now).Scan(&id)
		return id, tx.d.wrap(err)
	}
	_, err := tx.exec(ctx, `UPDATE rubrics SET name = $2, unit_kind = $3, total = $4, items = $5, updated_at = $6, version = version + 1 WHERE id = $1`,
		r.ID, r.Name, string(r.UnitKind), r.Total, string(r.Items), now)
	return r.ID, err
}

// rubricVisible limits rubrics to those of units in the scope's subtrees
// and, when above, those of the units above them (a rubric of the bureau
// scores the schools, which read their own scores under it).
func rubricVisible(roots []int64, above bool, args *[]any) string {
	cond := scopeFilter("b.org_id", roots, args)
	if !above || len(roots) == 0 {
		return cond
	}
	return "(" + cond + " OR EXISTS (SELECT 1 FROM org_closure vc WHERE vc.ancestor_id = b.org_id AND vc.descendant_id IN (" +
		placeholders(args, int64s(roots)...) + ")))"
}

// GetRubric returns a rubric whose unit is in the scope (for a change: the
// write scope, above false), or above it (for reading scores: above true).
func (tx *Tx) GetRubric(ctx context.Context, scope domain.Scope, id int64, above bool) (Rubric, error) {
	args := []any{id}
	q := "SELECT " + rubricCols + " FROM rubrics b JOIN org_units o ON o.id = b.org_id WHERE b.id = $1 AND " +
		rubricVisible(scope.ReadRoots(), above, &args)
	r, err := scanRubric(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, domain.NotFound("rubric %d", id)
	}
	return r, tx.d.wrap(err)
}

// ListRubrics lists the rubrics of units in the read scope or above it, of
// one year when year is set, newest year first.
func (tx *Tx) ListRubrics(ctx context.Context, scope domain.Scope, year int) ([]Rubric, error) {
	args := []any{}
	cond := rubricVisible(scope.ReadRoots(), true, &args)
	if year != 0 {
		args = append(args, year)
		cond += fmt.Sprintf(" AND b.year = $%d", len(args))
	}
	rows, err := tx.query(ctx, "SELECT "+rubricCols+" FROM rubrics b JOIN org_units o ON o.id = b.org_id WHERE "+cond+
		" ORDER BY b.year DESC, b.id", args...)
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

// Adjustment is a manual change of one unit's score, with its reason.
type Adjustment struct {
	ID       int64     `json:"id"`
	RubricID int64     `json:"rubric_id"`
	OrgID    int64     `json:"org_id"`
	Points   float64   `json:"points"`
	Reason   string    `json:"reason"`
	Author   string    `json:"author"`
	At       time.Time `json:"at"`
}

// AddAdjustment stores an adjustment stamped with the transaction's clock.
func (tx *Tx) AddAdjustment(ctx context.Context, a Adjustment) (Adjustment, error) {
	a.At = tx.now
	err := tx.queryRow(ctx, `INSERT INTO rubric_adjustments (rubric_id, org_id, points, reason, author, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		a.RubricID, a.OrgID, a.Points, a.Reason, a.Author, timeText(a.At)).Scan(&a.ID)
	return a, tx.d.wrap(err)
}

// Adjustments lists a rubric's adjustments, oldest first.
func (tx *Tx) Adjustments(ctx context.Context, rubric int64) ([]Adjustment, error) {
	rows, err := tx.query(ctx, "SELECT id, org_id, points, reason, author, at FROM rubric_adjustments WHERE rubric_id = $1 ORDER BY id", rubric)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Adjustment{}
	for rows.Next() {
		a := Adjustment{RubricID: rubric}
		var at string
		if err := rows.Scan(&a.ID, &a.OrgID, &a.Points, &a.Reason, &a.Author, &at); err != nil {
			return nil, tx.d.wrap(err)
		}
		a.At = parseTime(at)
		out = append(out, a)
	}
	return out, tx.d.wrap(rows.Err())
}

// UnitRecord is one non-draft record of an assessed unit's subtree.
type UnitRecord struct {
	Unit      int64 // the assessed unit (an ancestor of the record's unit, or itself)
	TypeID    int64
	Date      domain.Date
	CreatedAt time.Time
	Status    domain.Status
}

// SubtreeRecords reads, for each of units, the non-draft records of its
// subtree dated in r: five short columns a record, through the closure and
// the (org_id, date) index. A county year is about 10⁴ rows. The caller has
// checked units against the actor's scope.
func (tx *Tx) SubtreeRecords(ctx context.Context, units []int64, r domain.Range) ([]UnitRecord, error) {
	if len(units) == 0 {
		return []UnitRecord{}, nil
	}
	args := []any{r.From.String(), r.To.String()}
	q := `SELECT c.ancestor_id, a.type_id, a.date, a.created_at, a.status FROM activities a JOIN org_closure c ON c.descendant_id = a.org_id
		WHERE a.date >= $1 AND a.date < $2 AND a.status <> 'draft' AND c.ancestor_id IN (` + placeholders(&args, int64s(units)...) + ")"
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []UnitRecord{}
	for rows.Next() {
		var u UnitRecord
		var date, created string
		if err := rows.Scan(&u.Unit, &u.TypeID, &date, &created, &u.Status); err != nil {
			return nil, tx.d.wrap(err)
		}
		u.Date, u.CreatedAt = parseDateText(date), parseTime(created)
		out = append(out, u)
	}
	return out, tx.d.wrap(rows.Err())
}

// UnitRect is one rectification of an assessed unit's subtree.
type UnitRect struct {
	Unit int64
	domain.Rectification
}

// SubtreeRectifications reads, for each of units, the rectifications of its
// subtree whose deadline falls in r. The caller has checked the units.
func (tx *Tx) SubtreeRectifications(ctx context.Context, units []int64, r domain.Range) ([]UnitRect, error) {
	if len(units) == 0 {
		return []UnitRect{}, nil
	}
	args := []any{r.From.String(), r.To.String()}
	q := `SELECT c.ancestor_id, r.id, r.opened_on, r.deadline, r.state, r.submitted_on FROM rectifications r
		JOIN org_closure c ON c.descendant_id = r.org_id
		WHERE r.deadline >= $1 AND r.deadline < $2 AND c.ancestor_id IN (` + placeholders(&args, int64s(units)...) + ")"
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []UnitRect{}
	for rows.Next() {
		var u UnitRect
		var opened, deadline, submitted string
		if err := rows.Scan(&u.Unit, &u.ID, &opened, &deadline, &u.State, &submitted); err != nil {
			return nil, tx.d.wrap(err)
		}
		u.OpenedOn, u.Deadline, u.SubmittedOn = parseDateText(opened), parseDateText(deadline), parseDateText(submitted)
		out = append(out, u)
	}
	return out, tx.d.wrap(rows.Err())
}
