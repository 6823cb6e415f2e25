package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/zeren-edu/zeren/internal/domain"
)

// The bulk path loads a generated dataset (benchmarks, tools) far faster than
// the transactional path can: org units, closure rows and activities streamed
// in (SQLite: prepared multi-row INSERTs, one transaction per batch of
// activities; PostgreSQL: COPY) with the activities' secondary indexes (and on
// PostgreSQL their foreign keys) dropped and rebuilt afterwards, and the
// rollups recomputed once in SQL for the whole ledger. The result is the same
// database the transactional path would have built, rollup row for rollup row.
//
// It is not an import feature: it skips the application's validation (only
// structural checks remain) and must not run beside other writers.

// BulkUnit is one org unit of a bulk load. Parent is the index, in the slice
// passed to BulkLoad, of the unit's parent, which must come earlier; -1 makes
// the unit a root.
type BulkUnit struct {
	Parent     int
	Kind       domain.OrgKind
	Code       string
	Name       string
	Aliases    []string
	ActiveFrom domain.Date
}

// BulkActivity is one activity of a bulk load. Unit and Type index the units
// and types passed to BulkLoad.
type BulkActivity struct {
	Unit        int
	Type        int
	Date        domain.Date
	Title       string
	Attendance  int
	Venues      []string
	Publication string
	Status      domain.Status
	CreatedAt   time.Time // zero: the time of the load
}

// BulkOptions tune BulkLoad.
type BulkOptions struct {
	// Batch is the number of activities per SQLite transaction (default 50 000).
	Batch int
	// CreatedBy is stored as every activity's author (default "bulk").
	CreatedBy string
	// Progress, if set, is called after every batch of activities with the
	// number loaded so far, and once per later phase with the phase's name.
	Progress func(phase string, rows int64)
}

// BulkPhase is one timed step of a bulk load.
type BulkPhase struct {
	Name     string
	Rows     int64 // rows written by the step, when it counts them
	Duration time.Duration
}

// BulkResult reports what BulkLoad wrote.
type BulkResult struct {
	UnitIDs     []int64 // the id of every unit, in the order given
	TypeIDs     []int64 // the id of every type, in the order given
	Activities  int64
	ClosureRows int64
	RollupRows  int64
	Phases      []BulkPhase
}

// sqliteRowsPerInsert is the number of rows one prepared multi-row INSERT
// carries on SQLite (11 parameters a row stays far below its limit of 32 766).
const sqliteRowsPerInsert = 200

// BulkLoad adds units (with their closure rows) and activities, then rebuilds
// every rollup from the activity table, so the aggregates count the whole
// ledger, old rows and new. Types are matched by code: an existing type is
// reused, a missing one created.
//
// On PostgreSQL everything after the types is one transaction. On SQLite the
// activities are committed in batches; if the load fails part-way, the rows it
// added are deleted again and the indexes restored, so the database is as it
// was (apart from the types).
func (s *Store) BulkLoad(ctx context.Context, units []BulkUnit, types []domain.ActivityType, acts iter.Seq[BulkActivity], opt BulkOptions) (BulkResult, error) {
	if opt.Batch <= 0 {
		opt.Batch = 50_000
	}
	if opt.CreatedBy == "" {
		opt.CreatedBy = "bulk"
	}
	if opt.Progress == nil {
		opt.Progress = func(string, int64) {}
	}
	depths, err := checkBulkUnits(units)
	if err != nil {
		return BulkResult{}, err
	}
	l := &bulkLoad{s: s, units: units, depths: depths, acts: acts, opt: opt, now: timeText(s.clock.Now())}
	if err := l.phase("types", func() (int64, error) { return l.putTypes(ctx, types) }); err != nil {
		return l.res, err
	}
	if s.d.name() == "postgres" {
		err = l.postgres(ctx)
	} else {
		err = l.sqlite(ctx)
	}
	return l.res, err
}

// checkBulkUnits checks the tree's shape and returns each unit's depth.
func checkBulkUnits(units []BulkUnit) ([]int, error) {
	depths := make([]int, len(units))
	for i, u := range units {
		if !u.Kind.Valid() {
			return nil, domain.Invalid("units", "unit #%d (%s) has no valid kind", i, u.Code)
		}
		if u.Code == "" || u.Name == "" {
			return nil, domain.Invalid("units", "unit #%d needs a code and a name", i)
		}
		switch {
		case u.Parent == -1:
			depths[i] = 0
		case u.Parent < 0 || u.Parent >= i:
			return nil, domain.Invalid("units", "unit #%d (%s): parent #%d must come before it", i, u.Code, u.Parent)
		default:
			if !units[u.Parent].Kind.CanParent(u.Kind) {
				return nil, domain.Invalid("units", "unit #%d (%s): a %s cannot be placed under a %s", i, u.Code, u.Kind, units[u.Parent].Kind)
			}
			depths[i] = depths[u.Parent] + 1
		}
	}
	return depths, nil
}

type bulkLoad struct {
	s      *Store
	units  []BulkUnit
	depths []int
	acts   iter.Seq[BulkActivity]
	opt    BulkOptions
	now    string
	res    BulkResult
}

// phase times fn and records it.
func (l *bulkLoad) phase(name string, fn func() (int64, error)) error {
	t0 := time.Now()
	n, err := fn()
	if err != nil {
		return fmt.Errorf("bulk load, %s: %w", name, err)
	}
	l.res.Phases = append(l.res.Phases, BulkPhase{Name: name, Rows: n, Duration: time.Since(t0)})
	l.opt.Progress(name, n)
	return nil
}

func (l *bulkLoad) putTypes(ctx context.Context, types []domain.ActivityType) (int64, error) {
	l.res.TypeIDs = make([]int64, len(types))
	var added int64
	err := l.s.Write(ctx, func(tx *Tx) error {
		for i, t := range types {
			old, err := tx.TypeByCode(ctx, t.Code)
			if err == nil {
				l.res.TypeIDs[i] = old.ID
				continue
			}
			if !domain.IsKind(err, domain.KindNotFound) {
				return err
			}
			nt, err := tx.CreateType(ctx, t)
			if err != nil {
				return err
			}
			l.res.TypeIDs[i] = nt.ID
			added++
		}
		return nil
	})
	return added, err
}

// execFn runs one statement and returns the rows it affected: the common
// ground of *sql.Tx and pgx.Tx for the SQL both engines share.
type execFn func(ctx context.Context, q string, args ...any) (int64, error)

func sqlExec(tx *sql.Tx) execFn {
	return func(ctx context.Context, q string, args ...any) (int64, error) {
		r, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return 0, err
		}
		return r.RowsAffected()
	}
}

func pgxExec(tx pgx.Tx) execFn {
	return func(ctx context.Context, q string, args ...any) (int64, error) {
		tag, err := tx.Exec(ctx, q, args...)
		return tag.RowsAffected(), err
	}
}

// sqliteTuples returns rows comma-separated tuples of cols "?" each. The
// placeholders are anonymous: SQLite looks a numbered one ($n) up by a linear
// scan per bound value, which makes binding thousands of them quadratic.
func sqliteTuples(rows, cols int) string {
	tuple := "(?" + strings.Repeat(",?", cols-1) + ")"
	return tuple + strings.Repeat(","+tuple, rows-1)
}

// rowsFn writes rows of cols into a table: multi-row INSERTs on SQLite,
// COPY on PostgreSQL. It returns the number of rows written.
type rowsFn func(ctx context.Context, table string, cols []string, rows iter.Seq[[]any]) (int64, error)

// insertRows is the rowsFn of SQLite: INSERTs of up to 500 rows.
func (l *bulkLoad) insertRows(exec execFn) rowsFn {
	return func(ctx context.Context, table string, cols []string, rows iter.Seq[[]any]) (int64, error) {
		const batch = 500
		var n int64
		args := make([]any, 0, batch*len(cols))
		flush := func() error {
			if len(args) == 0 {
				return nil
			}
			q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + sqliteTuples(len(args)/len(cols), len(cols))
			_, err := exec(ctx, q, args...)
			args = args[:0]
			return err
		}
		for r := range rows {
			args = append(args, r...)
			n++
			if len(args) == cap(args) {
				if err := flush(); err != nil {
					return n, err
				}
			}
		}
		return n, flush()
	}
}

// copyRows is the rowsFn of PostgreSQL: one COPY per table.
func copyRows(tx pgx.Tx) rowsFn {
	return func(ctx context.Context, table string, cols []string, rows iter.Seq[[]any]) (int64, error) {
		next, stop := iter.Pull(rows)
		defer stop()
		return tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
			r, ok := next()
			if !ok {
				return nil, nil
			}
			return r, nil
		}))
	}
}

// insertTree assigns ids after the largest existing one and writes the units
// and their closure rows.
func (l *bulkLoad) insertTree(ctx context.Context, write rowsFn, maxID int64) (int64, error) {
	ids := make([]int64, len(l.units))
	for i := range l.units {
		ids[i] = maxID + 1 + int64(i)
	}
	l.res.UnitIDs = ids
	units := func(yield func([]any) bool) {
		row := make([]any, 12)
		for i, u := range l.units {
			var parent any
			if u.Parent >= 0 {
				parent = ids[u.Parent]
			}
			aliases := u.Aliases
			if aliases == nil {
				aliases = []string{}
			}
			row[0], row[1], row[2], row[3], row[4], row[5] = ids[i], parent, string(u.Kind), u.Code, u.Name, jsonText(aliases)
			row[6], row[7], row[8], row[9], row[10], row[11] = true, dateText(u.ActiveFrom), "", l.depths[i], l.now, l.now
			if !yield(row) {
				return
			}
		}
	}
	n, err := write(ctx, "org_units", []string{"id", "parent_id", "kind", "code", "name", "aliases", "active", "active_from", "active_until", "depth", "created_at", "updated_at"}, units)
	if err != nil {
		return 0, err
	}
	// Closure: every unit with itself and each ancestor, walking up the parents.
	closure := func(yield func([]any) bool) {
		row := make([]any, 3)
		for i := range l.units {
			for a, d := i, 0; a >= 0; a, d = l.units[a].Parent, d+1 {
				row[0], row[1], row[2] = ids[a], ids[i], d
				if !yield(row) {
					return
				}
			}
		}
	}
	if l.res.ClosureRows, err = write(ctx, "org_closure", []string{"ancestor_id", "descendant_id", "depth"}, closure); err != nil {
		return 0, err
	}
	return n, nil
}

// activityRow checks one streamed activity and puts its column values, in the
// order of activityInsertCols, into row.
func (l *bulkLoad) activityRow(n int64, a BulkActivity, row []any) error {
	if a.Unit < 0 || a.Unit >= len(l.res.UnitIDs) {
		return domain.Invalid("activities", "activity #%d: unit #%d is not one of the %d units", n, a.Unit, len(l.res.UnitIDs))
	}
	if a.Type < 0 || a.Type >= len(l.res.TypeIDs) {
		return domain.Invalid("activities", "activity #%d: type #%d is not one of the %d types", n, a.Type, len(l.res.TypeIDs))
	}
	if a.Date.IsZero() || !a.Status.Valid() || a.Attendance < 0 || a.Title == "" {
		return domain.Invalid("activities", "activity #%d needs a date, a title, a valid status and a non-negative attendance", n)
	}
	created := l.now
	if !a.CreatedAt.IsZero() {
		created = timeText(a.CreatedAt)
	}
	row[0], row[1], row[2], row[3] = l.res.UnitIDs[a.Unit], l.res.TypeIDs[a.Type], a.Date.String(), a.Title
	row[4], row[5], row[6], row[7] = int64(a.Attendance), venuesText(a.Venues), a.Publication, string(a.Status)
	row[8], row[9], row[10] = created, created, l.opt.CreatedBy
	return nil
}

// activityInsertCols are the columns a bulk load writes; the others keep their
// defaults (no description, no return reason, no evidence, version 1).
const activityInsertCols = "org_id, type_id, date, title, attendance, venues, publication, status, created_at, updated_at, created_by"

const bulkActivityCols = 11 // the values of one row: every column of activityInsertCols

// venuesText is jsonText for the venue list, without reflection for the
// common cases (no venue, or one plain code).
func venuesText(v []string) string {
	switch len(v) {
	case 0:
		return "[]"
	case 1:
		plain := true
		for _, r := range v[0] {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
				plain = false
				break
			}
		}
		if plain {
			return `["` + v[0] + `"]`
		}
	}
	return jsonText(v)
}

// Rollup rebuild: day rows from the activities joined to the closure (one row
// per ancestor, itself included), then month rows summed from the day rows.
// Zero rows never appear, which is also what the transactional path writes
// for a ledger that only grew. The CROSS JOIN fixes SQLite's join order:
// activities scanned in table order, each looked up in the closure's
// descendant index (PostgreSQL plans it as a hash join either way).
const (
	rollupDaysSQL = `INSERT INTO activity_rollup (org_id, grain, bucket, type_id, status, n, attendance)
		SELECT c.ancestor_id, 'd', a.date, a.type_id, a.status, COUNT(*), CAST(SUM(a.attendance) AS BIGINT)
		FROM activities a CROSS JOIN org_closure c WHERE c.descendant_id = a.org_id
		GROUP BY c.ancestor_id, a.date, a.type_id, a.status`
	rollupMonthsSQL = `INSERT INTO activity_rollup (org_id, grain, bucket, type_id, status, n, attendance)
		SELECT org_id, 'm', substr(bucket, 1, 7), type_id, status, CAST(SUM(n) AS BIGINT), CAST(SUM(attendance) AS BIGINT)
		FROM activity_rollup WHERE grain = 'd'
		GROUP BY org_id, substr(bucket, 1, 7), type_id, status`
)

// Venue rollup rebuild: the same, one row per venue tag an activity carries
// (the test of venueCond, against every known venue), for activities with a
// venue. Migration 00011 backfills with the same query.
var (
	rollupVenueDaysSQL = `INSERT INTO activity_venue_rollup (org_id, venue, grain, bucket, type_id, status, n, attendance)
		SELECT c.ancestor_id, v.venue, 'd', a.date, a.type_id, a.status, COUNT(*), CAST(SUM(a.attendance) AS BIGINT)
		FROM activities a CROSS JOIN (` + venueList() + `) v CROSS JOIN org_closure c
		WHERE a.venues <> '[]' AND a.venues LIKE ('%"' || v.venue || '"%') AND c.descendant_id = a.org_id
		GROUP BY c.ancestor_id, v.venue, a.date, a.type_id, a.status`
	rollupVenueMonthsSQL = `INSERT INTO activity_venue_rollup (org_id, venue, grain, bucket, type_id, status, n, attendance)
		SELECT org_id, venue, 'm', substr(bucket, 1, 7), type_id, status, CAST(SUM(n) AS BIGINT), CAST(SUM(attendance) AS BIGINT)
		FROM activity_venue_rollup WHERE grain = 'd'
		GROUP BY org_id, venue, substr(bucket, 1, 7), type_id, status`
)

// venueList is every known venue tag as a one-column table (venue).
func venueList() string {
	vs := make([]string, 0, len(domain.VenueNames))
	for v := range domain.VenueNames {
		vs = append(vs, v)
	}
	slices.Sort(vs)
	for i, v := range vs {
		vs[i] = "SELECT '" + v + "'"
	}
	vs[0] += " AS venue"
	return strings.Join(vs, " UNION ALL ")
}

// rollupOrder is the ORDER BY of each rebuild step (a dialect's fastest way
// to write the rows in key order).
type rollupOrder struct{ days, months, venueDays, venueMonths string }

// rebuildRollups empties the rollup tables and fills them from the
// activities, timing each step as a phase of its own. clear is the statement
// that empties a table, without the table's name.
func (l *bulkLoad) rebuildRollups(ctx context.Context, exec execFn, clear string, order rollupOrder) error {
	for _, t := range []string{"activity_rollup", "activity_venue_rollup"} {
		if _, err := exec(ctx, clear+t); err != nil {
			return err
		}
	}
	l.res.RollupRows = 0
	for _, step := range []struct{ name, q string }{
		{"rollups: days", rollupDaysSQL + order.days},
		{"rollups: months", rollupMonthsSQL + order.months},
		{"rollups: venue days", rollupVenueDaysSQL + order.venueDays},
		{"rollups: venue months", rollupVenueMonthsSQL + order.venueMonths},
	} {
		err := l.phase(step.name, func() (int64, error) {
			n, err := exec(ctx, step.q)
			l.res.RollupRows += n
			return n, err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// --- SQLite ------------------------------------------------------------------------------

// sqlite loads on the one writer connection with foreign keys off (every
// reference was checked above), synchronous off and a large page cache for
// the sorts, restoring the connection's settings at the end.
func (l *bulkLoad) sqlite(ctx context.Context) (err error) {
	conn, err := l.s.write.Conn(ctx)
	if err != nil {
		return l.s.d.wrap(err)
	}
	defer conn.Close()
	pragmas := func(ps ...string) error {
		for _, p := range ps {
			if _, err := conn.ExecContext(ctx, "PRAGMA "+p); err != nil {
				return fmt.Errorf("PRAGMA %s: %w", p, err)
			}
		}
		return nil
	}
	if err := pragmas("foreign_keys = OFF", "synchronous = OFF", "cache_size = -524288", "threads = 2"); err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, pragmas("foreign_keys = ON", "synchronous = NORMAL", "cache_size = -2000", "threads = 0"))
	}()
	inTx := func(fn func(*sql.Tx) error) error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			_ = tx.Rollback()
			return err
		}
		return tx.Commit()
	}

	var maxUnit, maxAct int64
	var indexes [][2]string // name, CREATE statement
	err = l.phase("units and closure", func() (int64, error) {
		var n int64
		err := inTx(func(tx *sql.Tx) error {
			// The units get explicit ids: start past every id ever handed
			// out (sqlite_sequence), not past the largest left, so a unit
			// deleted by an earlier load's undo never lends its id again.
			if err := tx.QueryRowContext(ctx, `SELECT MAX(COALESCE((SELECT MAX(id) FROM org_units), 0),
				COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'org_units'), 0))`).Scan(&maxUnit); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM activities").Scan(&maxAct); err != nil {
				return err
			}
			var err error
			n, err = l.insertTree(ctx, l.insertRows(sqlExec(tx)), maxUnit)
			return err
		})
		return n, err
	})
	if err != nil {
		return l.s.d.wrap(err)
	}
	restored := false
	restoreIndexes := func() error {
		if restored {
			return nil
		}
		restored = true
		for _, ix := range indexes {
			if _, err := conn.ExecContext(ctx, ix[1]); err != nil {
				return fmt.Errorf("recreating index %s: %w", ix[0], err)
			}
		}
		return nil
	}
	undo := func(cause error) error {
		// Take back what this load added, so a failed load leaves no
		// activities without rollups behind.
		err := inTx(func(tx *sql.Tx) error {
			for _, q := range []string{
				"DELETE FROM activities WHERE id > $1",
				"DELETE FROM org_closure WHERE descendant_id > $2",
				"DELETE FROM org_units WHERE id > $2",
			} {
				if _, err := tx.ExecContext(ctx, q, maxAct, maxUnit); err != nil {
					return err
				}
			}
			return nil
		})
		return l.s.d.wrap(errors.Join(cause, err, restoreIndexes()))
	}

	err = l.phase("drop indexes", func() (int64, error) {
		rows, err := conn.QueryContext(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'activities' AND sql IS NOT NULL ORDER BY name")
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var ix [2]string
			if err := rows.Scan(&ix[0], &ix[1]); err != nil {
				rows.Close()
				return 0, err
			}
			indexes = append(indexes, ix)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
		for _, ix := range indexes {
			if _, err := conn.ExecContext(ctx, `DROP INDEX "`+ix[0]+`"`); err != nil {
				return 0, err
			}
		}
		return int64(len(indexes)), nil
	})
	if err != nil {
		return undo(err)
	}

	if err := l.phase("activities", func() (int64, error) { return l.sqliteActivities(ctx, inTx) }); err != nil {
		return undo(err)
	}
	// Rollups before the indexes: without them SQLite scans the activities in
	// table order (with the (org_id, date) index it would walk that instead
	// and fetch every row at random). The ORDER BY matches the GROUP BY, so
	// SQLite sorts once and the rows arrive in primary-key order.
	rebuild := func() error {
		return inTx(func(tx *sql.Tx) error {
			return l.rebuildRollups(ctx, sqlExec(tx), "DELETE FROM ", rollupOrder{days: " ORDER BY 1, 3, 4, 5", venueDays: " ORDER BY 1, 2, 4, 5, 6"})
		})
	}
	if err := rebuild(); err != nil {
		return undo(err)
	}
	if err := l.phase("create indexes", func() (int64, error) { return int64(len(indexes)), restoreIndexes() }); err != nil {
		// The rollups already count this load's activities: recount after undoing it.
		return errors.Join(undo(err), rebuild())
	}
	err = l.phase("analyze", func() (int64, error) {
		for _, q := range []string{"PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return 0, err
			}
		}
		return 0, nil
	})
	return l.s.d.wrap(err)
}

// sqliteActivities streams the activities in transactions of opt.Batch rows,
// each a run of prepared multi-row INSERTs.
func (l *bulkLoad) sqliteActivities(ctx context.Context, inTx func(func(*sql.Tx) error) error) (int64, error) {
	insertSQL := func(rows int) string {
		return "INSERT INTO activities (" + activityInsertCols + ") VALUES " + sqliteTuples(rows, bulkActivityCols)
	}
	full := insertSQL(sqliteRowsPerInsert)
	args := make([]any, 0, bulkActivityCols*sqliteRowsPerInsert)
	row := make([]any, bulkActivityCols)

	// Rows collect into the multi-row argument list; a statement runs every
	// sqliteRowsPerInsert rows and a transaction commits every opt.Batch rows.
	var total int64
	var loadErr error
	next, stop := iter.Pull(l.acts)
	defer stop()
	done := false
	for !done && loadErr == nil {
		loadErr = inTx(func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(ctx, full)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for inBatch := 0; inBatch < l.opt.Batch; inBatch++ {
				a, ok := next()
				if !ok {
					done = true
					break
				}
				if err := l.activityRow(total, a, row); err != nil {
					return err
				}
				args = append(args, row...)
				total++
				if len(args) == cap(args) {
					if _, err := stmt.ExecContext(ctx, args...); err != nil {
						return err
					}
					args = args[:0]
				}
			}
			if rest := len(args) / bulkActivityCols; rest > 0 {
				if _, err := tx.ExecContext(ctx, insertSQL(rest), args...); err != nil {
					return err
				}
				args = args[:0]
			}
			return ctx.Err()
		})
		if loadErr == nil {
			l.opt.Progress("activities", total)
		}
	}
	l.res.Activities = total
	return total, loadErr
}

// --- PostgreSQL --------------------------------------------------------------------------

// postgres loads in one transaction on one pgx connection: the tree with
// multi-row INSERTs, the activities with COPY into a table stripped of its
// foreign keys and secondary indexes (rebuilt and re-validated afterwards),
// and the rollups into a table without its primary key (rebuilt by one sort
// afterwards). VACUUM ANALYZE follows the commit.
func (l *bulkLoad) postgres(ctx context.Context) error {
	conn, err := l.s.write.Conn(ctx)
	if err != nil {
		return l.s.d.wrap(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("bulk load: the PostgreSQL driver is %T, not pgx", dc)
		}
		pc := sc.Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		if err := l.postgresTx(ctx, tx); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		return l.phase("vacuum analyze", func() (int64, error) {
			_, err := pc.Exec(ctx, "VACUUM (ANALYZE) org_units, org_closure, activities, activity_rollup, activity_venue_rollup")
			return 0, err
		})
	})
	return l.s.d.wrap(err)
}

// pgDDL is a constraint or index removed for the load and its re-creation.
type pgDDL struct{ drop, create string }

func pgSaveDDL(ctx context.Context, tx pgx.Tx, table string, constraintTypes string, indexes bool) ([]pgDDL, error) {
	var out []pgDDL
	rows, err := tx.Query(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = $1::regclass AND strpos($2, contype::text) > 0 ORDER BY conname`, table, constraintTypes)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		q := pgx.Identifier{name}.Sanitize()
		out = append(out, pgDDL{
			drop:   "ALTER TABLE " + table + " DROP CONSTRAINT " + q,
			create: "ALTER TABLE " + table + " ADD CONSTRAINT " + q + " " + def,
		})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !indexes {
		return out, nil
	}
	rows, err = tx.Query(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename = $1
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.conname = i.indexname)
		ORDER BY i.indexname`, table)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, pgDDL{drop: "DROP INDEX " + pgx.Identifier{name}.Sanitize(), create: def})
	}
	rows.Close()
	return out, rows.Err()
}

func (l *bulkLoad) postgresTx(ctx context.Context, tx pgx.Tx) error {
	exec := pgxExec(tx)
	for _, q := range []string{
		"SET LOCAL work_mem = '1GB'",
		"SET LOCAL maintenance_work_mem = '1GB'",
		fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", treeLockKey), // no move or write runs beside the load
	} {
		if _, err := exec(ctx, q); err != nil {
			return err
		}
	}
	err := l.phase("units and closure", func() (int64, error) {
		var maxID int64
		// Past every id the identity ever handed out, not just the largest left.
		if err := tx.QueryRow(ctx, `SELECT GREATEST(COALESCE(MAX(id), 0),
			COALESCE(pg_sequence_last_value(pg_get_serial_sequence('org_units', 'id')), 0)) FROM org_units`).Scan(&maxID); err != nil {
			return 0, err
		}
		n, err := l.insertTree(ctx, copyRows(tx), maxID)
		if err != nil {
			return 0, err
		}
		// The ids were given explicitly: move the identity past them (never back).
		if len(l.units) > 0 {
			_, err = exec(ctx, "SELECT setval(pg_get_serial_sequence('org_units', 'id'), $1)", maxID+int64(len(l.units)))
		}
		return n, err
	})
	if err != nil {
		return err
	}
	var actDDL, rollupDDL []pgDDL
	err = l.phase("drop indexes", func() (int64, error) {
		var err error
		if actDDL, err = pgSaveDDL(ctx, tx, "activities", "f", true); err != nil {
			return 0, err
		}
		for _, t := range []string{"activity_rollup", "activity_venue_rollup"} {
			ddl, err := pgSaveDDL(ctx, tx, t, "p", true)
			if err != nil {
				return 0, err
			}
			rollupDDL = append(rollupDDL, ddl...)
		}
		for _, d := range append(append([]pgDDL{}, actDDL...), rollupDDL...) {
			if _, err := exec(ctx, d.drop); err != nil {
				return 0, err
			}
		}
		return int64(len(actDDL) + len(rollupDDL)), nil
	})
	if err != nil {
		return err
	}
	if err := l.phase("activities", func() (int64, error) { return l.pgCopyActivities(ctx, tx) }); err != nil {
		return err
	}
	err = l.phase("create indexes", func() (int64, error) {
		for _, d := range actDDL {
			if _, err := exec(ctx, d.create); err != nil {
				return 0, err
			}
		}
		return int64(len(actDDL)), nil
	})
	if err != nil {
		return err
	}
	// Rows go in in key order, so the rows an aggregate reads share a few
	// heap pages instead of one page each. Text sorts bytewise ("C"), the
	// same order as the index for these ASCII keys, and much faster.
	if err := l.rebuildRollups(ctx, exec, "TRUNCATE ", rollupOrder{
		days:        ` ORDER BY c.ancestor_id, a.date COLLATE "C", a.type_id, a.status COLLATE "C"`,
		months:      ` ORDER BY org_id, substr(bucket, 1, 7) COLLATE "C", type_id, status COLLATE "C"`,
		venueDays:   ` ORDER BY c.ancestor_id, v.venue COLLATE "C", a.date COLLATE "C", a.type_id, a.status COLLATE "C"`,
		venueMonths: ` ORDER BY org_id, venue COLLATE "C", substr(bucket, 1, 7) COLLATE "C", type_id, status COLLATE "C"`,
	}); err != nil {
		return err
	}
	return l.phase("rollups: primary key", func() (int64, error) {
		for _, d := range rollupDDL {
			if _, err := exec(ctx, d.create); err != nil {
				return 0, err
			}
		}
		return int64(len(rollupDDL)), nil
	})
}

func (l *bulkLoad) pgCopyActivities(ctx context.Context, tx pgx.Tx) (int64, error) {
	next, stop := iter.Pull(l.acts)
	defer stop()
	row := make([]any, bulkActivityCols)
	var n int64
	var srcErr error // the source's own error: COPY reports it only as text
	src := pgx.CopyFromFunc(func() ([]any, error) {
		a, ok := next()
		if !ok {
			return nil, nil
		}
		if srcErr = l.activityRow(n, a, row); srcErr != nil {
			return nil, srcErr
		}
		n++
		if n%100_000 == 0 {
			if srcErr = ctx.Err(); srcErr != nil {
				return nil, srcErr
			}
			l.opt.Progress("activities", n)
		}
		return row, nil
	})
	cols := strings.Split(activityInsertCols, ", ")
	copied, err := tx.CopyFrom(ctx, pgx.Identifier{"activities"}, cols, src)
	if err != nil && srcErr != nil {
		err = srcErr
	}
	l.res.Activities = copied
	return copied, err
}

// --- for tests and tools -----------------------------------------------------------------

// RollupRow is one row of the rollup tables (Venue "": activity_rollup).
type RollupRow struct {
	OrgID      int64
	Venue      string
	Grain      string
	Bucket     string
	TypeID     int64
	Status     string
	N          int64
	Attendance int64
}

// RollupRows returns every rollup row that carries a figure, activity_rollup's
// first, each table's in key order. It reads both whole tables: for tests
// comparing a rebuilt table with an incrementally maintained one, and for tools.
func (tx *Tx) RollupRows(ctx context.Context) ([]RollupRow, error) {
	rows, err := tx.query(ctx, `SELECT org_id, '', grain, bucket, type_id, status, n, attendance, 0 FROM activity_rollup
		WHERE n <> 0 OR attendance <> 0
		UNION ALL
		SELECT org_id, venue, grain, bucket, type_id, status, n, attendance, 1 FROM activity_venue_rollup
		WHERE n <> 0 OR attendance <> 0
		ORDER BY 9, 1, 2, 3, 4, 5, 6`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RollupRow
	for rows.Next() {
		var r RollupRow
		var table int
		if err := rows.Scan(&r.OrgID, &r.Venue, &r.Grain, &r.Bucket, &r.TypeID, &r.Status, &r.N, &r.Attendance, &table); err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, r)
	}
	return out, tx.d.wrap(rows.Err())
}

// DatabaseSize returns the bytes the database takes on disk: the file plus its
// write-ahead log on SQLite, pg_database_size on PostgreSQL.
func (s *Store) DatabaseSize(ctx context.Context) (int64, error) {
	if s.d.name() == "postgres" {
		var n int64
		err := s.read.QueryRowContext(ctx, "SELECT pg_database_size(current_database())").Scan(&n)
		return n, s.d.wrap(err)
	}
	var total int64
	for _, suffix := range []string{"", "-wal"} {
		fi, err := os.Stat(s.dsn + suffix)
		if err == nil {
			total += fi.Size()
		} else if !errors.Is(err, os.ErrNotExist) {
			return 0, err
		}
	}
	return total, nil
}

// EngineVersion returns the database engine's version string.
func (s *Store) EngineVersion(ctx context.Context) (string, error) {
	q := "SELECT 'SQLite ' || sqlite_version()"
	if s.d.name() == "postgres" {
		q = "SELECT version()"
	}
	var v string
	err := s.read.QueryRowContext(ctx, q).Scan(&v)
	return v, s.d.wrap(err)
}
