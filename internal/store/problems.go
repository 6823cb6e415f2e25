package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// The queries behind the problems zeren suggests from the ledger (see
// internal/app/problems.go for the rules). Each one reads either the rollups
// (cost independent of the number of activities) or the activities of one
// subtree and period through the (org_id, date) index.

// UnitMonthQuery asks for the monthly counts of every unit of a kind in a
// subtree, each unit's own subtree counted (a school's figure includes its
// party branches).
type UnitMonthQuery struct {
	Root       int64
	Kind       domain.OrgKind
	TypeIDs    []int64 // nil: every type
	Statuses   []domain.Status
	FromMonth  string // "YYYY-MM", inclusive
	UntilMonth string // "YYYY-MM", exclusive
}

// UnitMonthCount is one unit's count in one month.
type UnitMonthCount struct {
	OrgID int64
	Month string
	Count int64
}

// UnitMonthCounts answers a UnitMonthQuery from the monthly rollups: one
// indexed read per (unit, month, type, status) row, never per activity.
// Months without records are absent. A root outside the scope gives nothing.
func (tx *Tx) UnitMonthCounts(ctx context.Context, scope domain.Scope, q UnitMonthQuery) ([]UnitMonthCount, error) {
	ok, err := tx.InScope(ctx, scope.ReadRoots(), q.Root)
	if err != nil || !ok {
		return []UnitMonthCount{}, err
	}
	if q.TypeIDs != nil && len(q.TypeIDs) == 0 {
		return []UnitMonthCount{}, nil
	}
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = []domain.Status{domain.StatusApproved}
	}
	args := []any{q.Root, string(q.Kind), q.FromMonth, q.UntilMonth}
	cond := `r.org_id IN (SELECT o.id FROM org_units o JOIN org_closure c ON c.descendant_id = o.id WHERE c.ancestor_id = $1 AND o.kind = $2)
		AND r.grain = 'm' AND r.bucket >= $3 AND r.bucket < $4
		AND r.status IN (` + placeholders(&args, strs(statuses)...) + ")"
	if q.TypeIDs != nil {
		cond += " AND r.type_id IN (" + placeholders(&args, int64s(q.TypeIDs)...) + ")"
	}
	rows, err := tx.query(ctx, `SELECT r.org_id, r.bucket, CAST(SUM(r.n) AS BIGINT) FROM activity_rollup r WHERE `+cond+
		` GROUP BY r.org_id, r.bucket ORDER BY r.org_id, r.bucket`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []UnitMonthCount{}
	for rows.Next() {
		var c UnitMonthCount
		if err := rows.Scan(&c.OrgID, &c.Month, &c.Count); err != nil {
			return nil, tx.d.wrap(err)
		}
		if c.Count != 0 {
			out = append(out, c)
		}
	}
	return out, tx.d.wrap(rows.Err())
}

// SharedFile is an evidence file carried by several activities of a subtree
// and period.
type SharedFile struct {
	SHA256     string
	Filename   string // one of the names it was attached under
	Activities int64  // activities carrying it
	Units      int64  // distinct units of those activities
}

// SharedEvidence lists the files attached to at least min activities of
// root's subtree dated in r with one of statuses, most-shared first. It reads
// the subtree's activities of the period through the (org_id, date) index and
// their links through the activity_evidence primary key.
func (tx *Tx) SharedEvidence(ctx context.Context, scope domain.Scope, root int64, r domain.Range, statuses []domain.Status, min int) ([]SharedFile, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "a.org_id", root, &args)
	if err != nil || !ok {
		return []SharedFile{}, err
	}
	args = append(args, r.From.String(), r.To.String())
	cond += fmt.Sprintf(" AND a.date >= $%d AND a.date < $%d", len(args)-1, len(args))
	cond += " AND a.status IN (" + placeholders(&args, strs(statuses)...) + ")"
	args = append(args, min)
	rows, err := tx.query(ctx, `SELECT e.sha256, MIN(e.filename), COUNT(*), COUNT(DISTINCT a.org_id)
		FROM activity_evidence e JOIN activities a ON a.id = e.activity_id
		WHERE `+cond+fmt.Sprintf(` GROUP BY e.sha256 HAVING COUNT(*) >= $%d ORDER BY COUNT(*) DESC, e.sha256`, len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SharedFile{}
	for rows.Next() {
		var f SharedFile
		if err := rows.Scan(&f.SHA256, &f.Filename, &f.Activities, &f.Units); err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, f)
	}
	return out, tx.d.wrap(rows.Err())
}

// EntryRow is when and by whom one activity was entered, and its date.
type EntryRow struct {
	CreatedBy string
	CreatedAt time.Time
	Date      domain.Date
}

// EntryRows lists, for the activities of root's subtree dated in r with one
// of statuses, who entered them and when: three short columns per record,
// read through the (org_id, date) index. Records entered by skip (the
// system's own name) and records imported from an office's old workbooks
// (their entry day is the import's, not the recording's) are left out.
func (tx *Tx) EntryRows(ctx context.Context, scope domain.Scope, root int64, r domain.Range, statuses []domain.Status, skip string) ([]EntryRow, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "a.org_id", root, &args)
	if err != nil || !ok {
		return []EntryRow{}, err
	}
	args = append(args, r.From.String(), r.To.String(), skip)
	cond += fmt.Sprintf(" AND a.date >= $%d AND a.date < $%d AND a.created_by <> $%d AND a.import_batch_id IS NULL", len(args)-2, len(args)-1, len(args))
	cond += " AND a.status IN (" + placeholders(&args, strs(statuses)...) + ")"
	rows, err := tx.query(ctx, "SELECT a.created_by, a.created_at, a.date FROM activities a WHERE "+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []EntryRow{}
	for rows.Next() {
		var e EntryRow
		var created, date string
		if err := rows.Scan(&e.CreatedBy, &created, &date); err != nil {
			return nil, tx.d.wrap(err)
		}
		e.CreatedAt, e.Date = parseTime(created), parseDateText(date)
		out = append(out, e)
	}
	return out, tx.d.wrap(rows.Err())
}

// ProblemDecision is the office's decision on one suggested problem.
type ProblemDecision struct {
	OrgID     int64
	Period    string
	Key       string
	Kind      string
	Decision  string // "accepted" or "dropped"
	Note      string
	DecidedBy string
	DecidedAt time.Time
}

// ProblemDecisions returns the decisions taken for a unit and period, by key.
// The caller has checked the unit against the actor's scope.
func (tx *Tx) ProblemDecisions(ctx context.Context, org int64, period string) (map[string]ProblemDecision, error) {
	rows, err := tx.query(ctx, `SELECT problem_key, kind, decision, note, decided_by, decided_at FROM problem_decisions
		WHERE org_id = $1 AND period = $2`, org, period)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]ProblemDecision{}
	for rows.Next() {
		d := ProblemDecision{OrgID: org, Period: period}
		var at string
		if err := rows.Scan(&d.Key, &d.Kind, &d.Decision, &d.Note, &d.DecidedBy, &at); err != nil {
			return nil, tx.d.wrap(err)
		}
		d.DecidedAt = parseTime(at)
		out[d.Key] = d
	}
	return out, tx.d.wrap(rows.Err())
}

// LockProblemDecisions serialises the decisions on one unit's problems until
// the transaction ends (it locks the unit's row): a decision computes its
// audit "before" and its check that the data still suggests the problem from
// reads that a concurrent decision must not change in between. It takes the
// shared tree lock first, as every write that checks the write scope.
func (tx *Tx) LockProblemDecisions(ctx context.Context, org int64) error {
	if err := tx.LockTree(ctx); err != nil {
		return err
	}
	_, err := tx.queryIDs(ctx, "SELECT id FROM org_units WHERE id = $1"+tx.d.forUpdate(), org)
	return err
}

// SetProblemDecision records (or replaces) a decision, stamped with the
// transaction's clock.
func (tx *Tx) SetProblemDecision(ctx context.Context, d ProblemDecision) (ProblemDecision, error) {
	d.DecidedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO problem_decisions (org_id, period, problem_key, kind, decision, note, decided_by, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (org_id, period, problem_key) DO UPDATE SET kind = excluded.kind, decision = excluded.decision,
			note = excluded.note, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
		d.OrgID, d.Period, d.Key, d.Kind, d.Decision, d.Note, d.DecidedBy, timeText(d.DecidedAt))
	return d, err
}

// ClearProblemDecision removes a decision (the problem is undecided again).
func (tx *Tx) ClearProblemDecision(ctx context.Context, org int64, period, key string) error {
	_, err := tx.exec(ctx, "DELETE FROM problem_decisions WHERE org_id = $1 AND period = $2 AND problem_key = $3", org, period, key)
	return err
}

// createdRange is the condition of an entry-time filter on a.created_at.
func createdRange(from, to time.Time, args *[]any) string {
	var parts []string
	if !from.IsZero() {
		*args = append(*args, timeText(from))
		parts = append(parts, fmt.Sprintf("a.created_at >= $%d", len(*args)))
	}
	if !to.IsZero() {
		*args = append(*args, timeText(to))
		parts = append(parts, fmt.Sprintf("a.created_at < $%d", len(*args)))
	}
	return strings.Join(parts, " AND ")
}
