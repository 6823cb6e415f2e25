package store

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/zeren-edu/zeren/internal/domain"
)

// dialect holds everything that differs between SQLite and PostgreSQL at run
// time. The schema differences live in migrations/{sqlite,postgres}.
type dialect interface {
	name() string
	// wrap turns driver errors into domain errors: unique violations become
	// conflicts, lost connections become unavailable.
	wrap(err error) error
	// lockTree serialises unit moves against activity writes, whose rollup
	// deltas depend on the ancestors of a unit. SQLite has one writer, so
	// nothing is needed; PostgreSQL uses a transaction-scoped advisory lock,
	// shared for activity writes and exclusive for moves.
	lockTree(ctx context.Context, tx *sql.Tx, exclusive bool) error
	// forUpdate is the row-lock clause of a SELECT that precedes an update
	// of the same row: FOR UPDATE on PostgreSQL; nothing on SQLite, whose
	// single writer already serialises the transaction.
	forUpdate() string
	// forShare is the clause of a SELECT whose row must not change until
	// the transaction ends, while other readers may hold it too: FOR SHARE
	// on PostgreSQL; nothing on SQLite.
	forShare() string
	// readTx is how Store.Read begins: a read-only transaction that sees one
	// snapshot from its first statement to its end.
	readTx() *sql.TxOptions
	// walkSubtree is the FROM and the condition that read the activities
	// in the order of a sort index and keep those whose unit is among
	// units (a query of unit ids), with the ids read once into an in-memory
	// set: a join per row (a closure index probe each) costs ten times more
	// when a district's first page passes over thousands of rows.
	walkSubtree(units string) (from, cond string)
}

type sqliteDialect struct{}

func (sqliteDialect) name() string { return "sqlite" }

func (sqliteDialect) lockTree(context.Context, *sql.Tx, bool) error { return nil }

func (sqliteDialect) forUpdate() string { return "" }

func (sqliteDialect) forShare() string { return "" }

// A SQLite read transaction (on the query_only reader pool) already reads one
// WAL snapshot from its first statement to its end; the driver knows no
// isolation levels beyond the default.
func (sqliteDialect) readTx() *sql.TxOptions { return &sql.TxOptions{} }

// SQLite: a subquery that cannot be flattened (LIMIT -1 OFFSET 0) is
// materialised once and probed through an automatic index; CROSS JOIN keeps
// the activities the outer loop, in the sort index's order.
func (sqliteDialect) walkSubtree(units string) (string, string) {
	return "activities a CROSS JOIN (" + units + " LIMIT -1 OFFSET 0) sc", "sc.descendant_id = a.org_id"
}

func (sqliteDialect) wrap(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &domain.Error{Kind: domain.KindConflict, Field: uniqueField(se.Error()), Message: "already exists", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &domain.Error{Kind: domain.KindConflict, Message: "is still referenced by other records", Err: err}
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY:
			return domain.Unavailable(err)
		}
	}
	return classifyCommon(err)
}

// uniqueField extracts the column from "UNIQUE constraint failed: t.code".
func uniqueField(msg string) string {
	if i := strings.LastIndex(msg, "."); i >= 0 {
		f := msg[i+1:]
		if j := strings.IndexAny(f, " ,)"); j >= 0 {
			f = f[:j]
		}
		return f
	}
	return ""
}

// sqliteDSN builds a modernc DSN. WAL lets readers run beside the writer;
// busy_timeout absorbs short waits; the writer takes its lock at BEGIN
// (IMMEDIATE) so two writers never deadlock on lock upgrade.
func sqliteDSN(path string, readOnly bool) string {
	v := url.Values{}
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		v.Add("_pragma", "query_only(1)")
	} else {
		v.Add("_txlock", "immediate")
	}
	return "file:" + path + "?" + v.Encode()
}

type postgresDialect struct{}

func (postgresDialect) name() string { return "postgres" }

func (postgresDialect) forUpdate() string { return " FOR UPDATE" }

func (postgresDialect) forShare() string { return " FOR SHARE" }

// PostgreSQL's default READ COMMITTED takes a new snapshot for every
// statement; REPEATABLE READ keeps the first one for the whole transaction.
// A read-only transaction there never fails with a serialization error.
func (postgresDialect) readTx() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

// PostgreSQL: an IN that is not a plain condition of the WHERE (here under
// IS TRUE) is not turned into a semi-join, whose ordered form is a nested
// loop of index probes: it stays a hashed SubPlan, built once, tested per row
// of the backward index scan.
func (postgresDialect) walkSubtree(units string) (string, string) {
	return "activities a", "(a.org_id IN (" + units + ")) IS TRUE"
}

// treeLockKey is an arbitrary constant naming the org-tree advisory lock.
const treeLockKey = 7_001_2024

func (postgresDialect) lockTree(ctx context.Context, tx *sql.Tx, exclusive bool) error {
	q := "SELECT pg_advisory_xact_lock_shared($1)"
	if exclusive {
		q = "SELECT pg_advisory_xact_lock($1)"
	}
	_, err := tx.ExecContext(ctx, q, treeLockKey)
	return err
}

func (postgresDialect) wrap(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return &domain.Error{Kind: domain.KindConflict, Field: pgUniqueField(pe), Message: "already exists", Err: err}
		case pe.Code == "23503":
			return &domain.Error{Kind: domain.KindConflict, Message: "is still referenced by other records", Err: err}
		case pe.Code == "40001", pe.Code == "40P01", pe.Code == "55P03":
			// A serialization failure, a deadlock or a lock timeout: the
			// transaction was rolled back whole and the same request can
			// succeed when sent again.
			return &domain.Error{Kind: domain.KindConflict, Message: "another request changed the same records at the same moment; nothing was saved, try again", Err: err}
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "57P"), strings.HasPrefix(pe.Code, "53"):
			return domain.Unavailable(err)
		}
		return err
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return domain.Unavailable(err)
	}
	return classifyCommon(err)
}

func pgUniqueField(pe *pgconn.PgError) string {
	// Constraint names are <table>_<column>_key by PostgreSQL's convention.
	c := strings.TrimSuffix(pe.ConstraintName, "_key")
	if i := strings.LastIndex(c, "_"); i >= 0 {
		return c[i+1:]
	}
	return ""
}

// classifyCommon catches failures that look the same on both engines: a
// dropped connection or a network error means the database is away.
func classifyCommon(err error) error {
	var ne net.Error
	if errors.Is(err, sql.ErrConnDone) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) {
		return domain.Unavailable(err)
	}
	msg := err.Error()
	if strings.Contains(msg, "database is closed") || strings.Contains(msg, "connection refused") || strings.Contains(msg, "broken pipe") ||
		strings.Contains(msg, "unexpected EOF") || strings.Contains(msg, "conn closed") || strings.Contains(msg, "bad connection") {
		return domain.Unavailable(err)
	}
	return err
}
