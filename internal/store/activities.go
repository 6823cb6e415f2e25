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

const activityCols = `a.id, a.org_id, a.type_id, a.date, a.title, a.description, a.attendance, a.venues, a.publication,
	a.status, a.return_reason, a.created_by, a.created_at, a.updated_at, a.version`

func scanActivity(sc interface{ Scan(...any) error }) (domain.Activity, error) {
	var a domain.Activity
	var date, venues, created, updated, status string
	err := sc.Scan(&a.ID, &a.OrgID, &a.TypeID, &date, &a.Title, &a.Description, &a.Attendance, &venues, &a.Publication,
		&status, &a.ReturnReason, &a.CreatedBy, &created, &updated, &a.Version)
	if err != nil {
		return a, err
	}
	a.Status = domain.Status(status)
	a.Date = parseDateText(date)
	if err := json.Unmarshal([]byte(venues), &a.Venues); err != nil || a.Venues == nil {
		a.Venues = []string{}
	}
	a.CreatedAt, a.UpdatedAt = parseTime(created), parseTime(updated)
	a.Evidence = []domain.Evidence{}
	return a, nil
}

func factOf(a domain.Activity) *fact {
	return &fact{org: a.OrgID, typ: a.TypeID, status: a.Status, date: a.Date, attendance: int64(a.Attendance), venues: factVenues(a.Venues)}
}

// CreateActivity stores a new activity (as a draft unless status says
// otherwise) and its rollups. The caller has validated the input.
func (tx *Tx) CreateActivity(ctx context.Context, scope domain.Scope, in domain.ActivityInput, status domain.Status, by string) (domain.Activity, error) {
	// The scope check and the rollup rows read the unit's ancestors: hold the
	// tree still until commit.
	if err := tx.LockTree(ctx); err != nil {
		return domain.Activity{}, err
	}
	ok, err := tx.InScope(ctx, scope.Roots, in.OrgID)
	if err != nil {
		return domain.Activity{}, err
	}
	if !ok {
		return domain.Activity{}, &domain.Error{Kind: domain.KindNotFound, Field: "org_id", Message: fmt.Sprintf("org unit %d not found", in.OrgID)}
	}
	now := timeText(tx.now)
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO activities (org_id, type_id, date, title, description, attendance, venues, publication,
		status, return_reason, evidence_count, created_by, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', 0, $10, $11, $11, 1) RETURNING id`,
		in.OrgID, in.TypeID, in.Date.String(), in.Title, in.Description, in.Attendance, jsonText(nonNil(in.Venues)), in.Publication,
		string(status), by, now).Scan(&id)
	if err != nil {
		return domain.Activity{}, tx.d.wrap(err)
	}
	a, err := tx.getActivity(ctx, id)
	if err != nil {
		return a, err
	}
	return a, tx.changeFacts(ctx, nil, factOf(a))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// GetActivity returns one activity inside the read scope, with its evidence.
func (tx *Tx) GetActivity(ctx context.Context, scope domain.Scope, id int64) (domain.Activity, error) {
	args := []any{id}
	q := "SELECT " + activityCols + " FROM activities a WHERE a.id = $1 AND " + scopeFilter("a.org_id", scope.ReadRoots(), &args)
	a, err := scanActivity(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, domain.NotFound("activity %d", id)
	}
	if err != nil {
		return a, tx.d.wrap(err)
	}
	a.Evidence, err = tx.activityEvidence(ctx, scope, id)
	return a, err
}

func (tx *Tx) getActivity(ctx context.Context, id int64) (domain.Activity, error) {
	a, err := scanActivity(tx.queryRow(ctx, "SELECT "+activityCols+" FROM activities a WHERE a.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, domain.NotFound("activity %d", id)
	}
	return a, tx.d.wrap(err)
}

// writable loads an activity inside the write scope for a change.
func (tx *Tx) writable(ctx context.Context, scope domain.Scope, id int64) (domain.Activity, error) {
	return tx.LockActivity(ctx, scope, id)
}

// LockActivity loads an activity inside the write scope (never a leader's
// coverage) and locks its row until the transaction ends, so the change a
// caller computes from it — a rollup delta, a status check, an evidence
// count — is computed from the row as it will be changed: a concurrent change
// of the same activity waits, then sees this one's result (on PostgreSQL,
// under READ COMMITTED, a plain SELECT would answer the row as it was before a
// write still in flight). It takes the shared tree lock first, so every
// activity write locks in one order: tree, activity rows, rollup rows.
func (tx *Tx) LockActivity(ctx context.Context, scope domain.Scope, id int64) (domain.Activity, error) {
	if err := tx.LockTree(ctx); err != nil {
		return domain.Activity{}, err
	}
	args := []any{id}
	q := "SELECT " + activityCols + " FROM activities a WHERE a.id = $1 AND " + scopeFilter("a.org_id", scope.Roots, &args) + tx.d.forUpdate()
	a, err := scanActivity(tx.queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, domain.NotFound("activity %d", id)
	}
	if err != nil {
		return a, tx.d.wrap(err)
	}
	a.Evidence, err = tx.activityEvidence(ctx, domain.Scope{Roots: scope.Roots}, id)
	return a, err
}

// LockActivities locks the rows of ids inside the write scope in ascending id
// order, before a transaction changes several of them in the caller's order
// (a bulk approval): two bulk actions over the same records then queue
// instead of deadlocking. Ids missing or out of scope are skipped; the change
// of each reports them.
func (tx *Tx) LockActivities(ctx context.Context, scope domain.Scope, ids []int64) error {
	if err := tx.LockTree(ctx); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	args := []any{}
	in := placeholders(&args, int64s(ids)...)
	_, err := tx.queryIDs(ctx, "SELECT a.id FROM activities a WHERE a.id IN ("+in+") AND "+
		scopeFilter("a.org_id", scope.Roots, &args)+" ORDER BY a.id"+tx.d.forUpdate(), args...)
	return err
}

// UpdateActivity replaces the client-set fields of an activity. version must
// match the stored one (optimistic locking), so two editors cannot silently
// overwrite each other.
func (tx *Tx) UpdateActivity(ctx context.Context, scope domain.Scope, id, version int64, in domain.ActivityInput) (domain.Activity, error) {
	old, err := tx.writable(ctx, scope, id)
	if err != nil {
		return old, err
	}
	if old.Version != version {
		return old, domain.Conflict("version", "the activity was changed by someone else (version %d, yours %d); reload and try again", old.Version, version)
	}
	if in.OrgID != old.OrgID {
		ok, err := tx.InScope(ctx, scope.Roots, in.OrgID)
		if err != nil {
			return old, err
		}
		if !ok {
			return old, &domain.Error{Kind: domain.KindNotFound, Field: "org_id", Message: fmt.Sprintf("org unit %d not found", in.OrgID)}
		}
	}
	res, err := tx.exec(ctx, `UPDATE activities SET org_id = $1, type_id = $2, date = $3, title = $4, description = $5,
		attendance = $6, venues = $7, publication = $8, updated_at = $9, version = version + 1
		WHERE id = $10 AND version = $11`,
		in.OrgID, in.TypeID, in.Date.String(), in.Title, in.Description, in.Attendance, jsonText(nonNil(in.Venues)), in.Publication,
		timeText(tx.now), id, version)
	if err != nil {
		return old, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return old, domain.Conflict("version", "the activity was changed by someone else (version %d, yours %d); reload and try again", old.Version, version)
	}
	a, err := tx.GetActivity(ctx, scope, id)
	if err != nil {
		return a, err
	}
	return a, tx.changeFacts(ctx, factOf(old), factOf(a))
}

// SetActivityStatus records a status change (and the return reason).
func (tx *Tx) SetActivityStatus(ctx context.Context, scope domain.Scope, id int64, from, to domain.Status, reason string) (domain.Activity, error) {
	old, err := tx.writable(ctx, scope, id)
	if err != nil {
		return old, err
	}
	if old.Status != from {
		return old, domain.Conflict("status", "the activity is %s, not %s", old.Status, from)
	}
	res, err := tx.exec(ctx, `UPDATE activities SET status = $1, return_reason = $2, updated_at = $3, version = version + 1
		WHERE id = $4 AND status = $5`, string(to), reason, timeText(tx.now), id, string(from))
	if err != nil {
		return old, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return old, domain.Conflict("status", "the activity is %s, not %s", old.Status, from)
	}
	a, err := tx.GetActivity(ctx, scope, id)
	if err != nil {
		return a, err
	}
	return a, tx.changeFacts(ctx, factOf(old), factOf(a))
}

// DeleteActivity removes an activity, its evidence links and its rollup share.
func (tx *Tx) DeleteActivity(ctx context.Context, scope domain.Scope, id int64) (domain.Activity, error) {
	old, err := tx.writable(ctx, scope, id)
	if err != nil {
		return old, err
	}
	if _, err := tx.exec(ctx, "DELETE FROM activity_evidence WHERE activity_id = $1", id); err != nil {
		return old, err
	}
	res, err := tx.exec(ctx, "DELETE FROM activities WHERE id = $1", id)
	if err != nil {
		return old, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Only reachable if the row lock did not hold; never subtract twice.
		return old, domain.NotFound("activity %d", id)
	}
	return old, tx.changeFacts(ctx, factOf(old), nil)
}

// ActivityFilter narrows ListActivities.
type ActivityFilter struct {
	OrgID       int64 // the unit's subtree; 0: the whole read scope
	TypeIDs     []int64
	Range       *domain.Range
	Statuses    []domain.Status
	HasEvidence *bool
	Query       string // substring of the title
	EvidenceSHA string // only activities carrying this blob
	Venue       string // only activities carrying this venue tag (a report figure's venue:)
	// CreatedBy and CreatedFrom/CreatedTo narrow by who entered a record and
	// when ([from, to), zero: unbounded): the records of a back-filled batch.
	CreatedBy   string
	CreatedFrom time.Time
	CreatedTo   time.Time
	// ImportBatch keeps the records one import brought in (0: any).
	ImportBatch int64
	Sort        string // date (default), created_at, updated_at, attendance, title, id
	Asc         bool
	Limit       int
	Offset      int
	// After continues the list after a row of an earlier page (keyset
	// paging); Count says what total the page carries.
	After *ActivityCursor
	Count CountMode
	// CountCap is where CountCapped stops counting (0: CountCap).
	CountCap int
	// NoSharedWith leaves out each file's other records (an export has no use for them).
	NoSharedWith bool
}

var activitySorts = map[string]string{
	"date": "a.date", "created_at": "a.created_at", "updated_at": "a.updated_at",
	"attendance": "a.attendance", "title": "a.title", "id": "a.id",
}

// ActivitySorts lists the accepted sort keys.
func ActivitySorts() []string {
	return []string{"date", "created_at", "updated_at", "attendance", "title", "id"}
}

// ListActivities returns a page of activities in the read scope and the
// total (see ListActivityPage; f.Count says how the total is counted).
func (tx *Tx) ListActivities(ctx context.Context, scope domain.Scope, f ActivityFilter) ([]domain.Activity, int, error) {
	p, err := tx.ListActivityPage(ctx, scope, f)
	return p.Items, p.Total, err
}

// InClosedPeriod reports the closed period (code) containing d, or "".
func (tx *Tx) InClosedPeriod(ctx context.Context, d domain.Date) (string, error) {
	var p string
	err := tx.queryRow(ctx, "SELECT period FROM period_closures WHERE from_date <= $1 AND to_date > $1 ORDER BY from_date LIMIT 1", d.String()).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return p, tx.d.wrap(err)
}

// PeriodClosure is a closed period.
type PeriodClosure struct {
	Period   string       `json:"period"`
	Range    domain.Range `json:"range"`
	ClosedAt string       `json:"closed_at"`
	ClosedBy string       `json:"closed_by"`
	// ClosedByName is the closing account's name ("" for the console
	// operator); the labels name the period (filled by the app).
	ClosedByName string `json:"closed_by_name"`
	LabelZH      string `json:"label_zh"`
	LabelEN      string `json:"label_en"`
}

// ClosePeriod records a closed period.
func (tx *Tx) ClosePeriod(ctx context.Context, code string, r domain.Range, by string) (PeriodClosure, error) {
	now := timeText(tx.now)
	if _, err := tx.exec(ctx, "INSERT INTO period_closures (period, from_date, to_date, closed_at, closed_by) VALUES ($1, $2, $3, $4, $5)",
		code, r.From.String(), r.To.String(), now, by); err != nil {
		if domain.IsKind(err, domain.KindConflict) {
			return PeriodClosure{}, domain.Conflict("period", "%s is already closed", code)
		}
		return PeriodClosure{}, err
	}
	return PeriodClosure{Period: code, Range: r, ClosedAt: now, ClosedBy: by}, nil
}

// ReopenPeriod removes a closure.
func (tx *Tx) ReopenPeriod(ctx context.Context, code string) error {
	res, err := tx.exec(ctx, "DELETE FROM period_closures WHERE period = $1", code)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound("closed period %s", code)
	}
	return nil
}

// ListClosures lists closed periods, newest first.
func (tx *Tx) ListClosures(ctx context.Context) ([]PeriodClosure, error) {
	rows, err := tx.query(ctx, `SELECT c.period, c.from_date, c.to_date, c.closed_at, c.closed_by, COALESCE(ac.name, '')
		FROM period_closures c LEFT JOIN accounts ac ON ac.username = c.closed_by ORDER BY c.from_date DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PeriodClosure{}
	for rows.Next() {
		var c PeriodClosure
		var from, to string
		if err := rows.Scan(&c.Period, &from, &to, &c.ClosedAt, &c.ClosedBy, &c.ClosedByName); err != nil {
			return nil, tx.d.wrap(err)
		}
		c.Range = domain.Range{From: parseDateText(from), To: parseDateText(to)}
		out = append(out, c)
	}
	return out, tx.d.wrap(rows.Err())
}
