// Package store keeps zeren's records in SQLite (the embedded default) or
// PostgreSQL (the server option). SQL is written once, with $n placeholders that
// both engines accept; the few differences live in dialect.go.
//
// Every method that reads or writes org-scoped records takes the actor's
// domain.Scope and filters in SQL; an empty scope matches nothing.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/zeren-edu/zeren/internal/domain"
)

//go:embed migrations
var migrationsFS embed.FS

// Store is the database. It holds a writer pool and a reader pool: on SQLite
// the writer is a single connection (SQLite allows one writer at a time, and
// one connection avoids busy errors) and readers run in parallel under WAL;
// on PostgreSQL both are the same pool.
type Store struct {
	write *sql.DB
	read  *sql.DB
	// stmts serves ReadStatements: on PostgreSQL a pool whose sessions are
	// read-only (default_transaction_read_only, set when a connection
	// opens: no round trip per statement), so a statement there cannot
	// write outside a transaction; on SQLite the query_only read pool.
	stmts *sql.DB
	d     dialect
	dsn   string
	clock domain.Clock
}

// Options tune Open.
type Options struct {
	// Create allows Open to create a missing SQLite file. Without it a missing
	// file is an error, so a typo in --db does not silently start an empty system.
	Create bool
	// Now overrides the clock's instant source (tests); nil is the real time.
	Now func() time.Time
	// Zone is the bureau's time zone, in which every date is taken from an
	// instant (nil: China's). See domain.Clock.
	Zone *time.Location
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database named by dsn: a SQLite file path or a
// postgres:// URL. It checks that the database answers.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	s := &Store{dsn: dsn, clock: domain.NewClock(opt.Now, opt.Zone)}
	var err error
	if IsPostgres(dsn) {
		s.d = postgresDialect{}
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("database %s: %w", redact(dsn), err)
		}
		// pgx prepares and caches every statement per connection; after five
		// runs PostgreSQL may switch a prepared statement to a generic plan,
		// made without the parameters' values. For the ledger and report
		// queries, whose best plan depends on which unit (the province or one
		// school) and which period they read, that plan can be a thousand
		// times slower (the province's .docx, run after five previews, took
		// 30 s for a preview's 2 s). Plan every run with its values instead;
		// a DSN that sets plan_cache_mode keeps its own.
		if _, ok := cfg.RuntimeParams["plan_cache_mode"]; !ok {
			cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
		}
		s.write = stdlib.OpenDB(*cfg)
		s.write.SetMaxOpenConns(20)
		s.write.SetMaxIdleConns(10)
		s.write.SetConnMaxIdleTime(5 * time.Minute)
		s.read = s.write
		ro := cfg.Copy()
		ro.RuntimeParams["default_transaction_read_only"] = "on"
		s.stmts = stdlib.OpenDB(*ro)
		s.stmts.SetMaxOpenConns(10)
		s.stmts.SetMaxIdleConns(5)
		s.stmts.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		s.d = sqliteDialect{}
		if dsn == "" {
			return nil, errors.New("database: no path given")
		}
		if _, statErr := os.Stat(dsn); errors.Is(statErr, fs.ErrNotExist) && !opt.Create {
			return nil, fmt.Errorf("database file %s does not exist (create it with `zeren migrate --db %s`)", dsn, dsn)
		}
		s.write, err = sql.Open("sqlite", sqliteDSN(dsn, false))
		if err != nil {
			return nil, fmt.Errorf("database %s: %w", dsn, err)
		}
		s.write.SetMaxOpenConns(1)
		s.read, err = sql.Open("sqlite", sqliteDSN(dsn, true))
		if err != nil {
			s.write.Close()
			return nil, fmt.Errorf("database %s: %w", dsn, err)
		}
		s.read.SetMaxOpenConns(8)
		s.stmts = s.read
	}
	if err := s.check(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// check proves the database answers and is what it claims to be: a corrupt
// SQLite file fails here, not on the first request.
func (s *Store) check(ctx context.Context) error {
	var n int
	q := "SELECT COUNT(*) FROM sqlite_master"
	if s.d.name() == "postgres" {
		q = "SELECT 1"
	}
	if err := s.write.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return fmt.Errorf("database %s cannot be opened: %w", redact(s.dsn), err)
	}
	if s.d.name() == "sqlite" {
		var res string
		if err := s.write.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil || res != "ok" {
			return fmt.Errorf("database %s is damaged (quick_check: %v %s)", s.dsn, err, res)
		}
	}
	return nil
}

// Clock is the store's clock: the one "now" and "today" of the process, which
// the app takes from here.
func (s *Store) Clock() domain.Clock { return s.clock }

// Dialect names the engine: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name() }

// Close releases the pools.
func (s *Store) Close() error {
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	if s.stmts != s.read {
		err = errors.Join(err, s.stmts.Close())
	}
	return err
}

// Ping reports whether the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return domain.Unavailable(err)
	}
	return nil
}

// Tx is one transaction. All store methods live on Tx so that a use case can
// compose several of them, plus its audit row, into one atomic write.
type Tx struct {
	tx *sql.Tx
	// q runs the statements: tx, or the read pool itself for ReadStatements
	// (tx nil then).
	q   querier
	d   dialect
	now time.Time
	// today is now's date in the bureau's zone (not in UTC, in which now is
	// kept): the day member counts and other "as of today" reads use.
	today domain.Date
	// batch, when set, collects rollup deltas until FlushRollups.
	batch rollupBatch
	// treeLocked records that LockTree holds the shared tree lock.
	treeLocked bool
}

// Now is the transaction's clock: one instant for every row it writes.
func (tx *Tx) Now() time.Time { return tx.now }

// Today is the date of Now in the bureau's time zone.
func (tx *Tx) Today() domain.Date { return tx.today }

// Write runs fn in a read-write transaction, committing if fn returns nil.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, s.write, false, fn)
}

// Read runs fn in a read-only transaction: one consistent snapshot, so an
// export's pages, a list's total and its rows, a report's figures and their
// record lists all see the same moment (see dialect.readTx).
func (s *Store) Read(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, s.read, true, fn)
}

// querier is what runs a statement: a transaction or a pool.
type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// ReadStatements runs fn's reads outside any transaction: each statement
// is its own implicit read-only transaction and sees its own moment. It is
// for a read whose answer is one statement (an aggregate from the rollups):
// on PostgreSQL a Read costs BEGIN, the statement and COMMIT — three round
// trips for one answer — and this one. Anything that must see one moment
// across statements (a total and its rows, a figure and its split) uses
// Read. It cannot write or lock: its pool is read-only, and tx.LockTree, the
// audit chain and every exec need a transaction and fail here.
func (s *Store) ReadStatements(ctx context.Context, fn func(*Tx) error) error {
	now := s.clock.Now().UTC().Truncate(time.Millisecond)
	tx := &Tx{q: s.stmts, d: s.d, now: now, today: s.clock.DateOf(now)}
	return s.d.wrap(fn(tx))
}

// errNoTx: a write or lock asked for outside a transaction (in ReadStatements).
var errNoTx = errors.New("store: writes and locks need a transaction (Store.Write, Store.Read), not ReadStatements")

func (s *Store) run(ctx context.Context, db *sql.DB, readOnly bool, fn func(*Tx) error) (err error) {
	opts := &sql.TxOptions{}
	if readOnly {
		opts = s.d.readTx()
	}
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return s.d.wrap(err)
	}
	now := s.clock.Now().UTC().Truncate(time.Millisecond)
	tx := &Tx{tx: sqlTx, q: sqlTx, d: s.d, now: now, today: s.clock.DateOf(now)}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return s.d.wrap(err)
	}
	if err = sqlTx.Commit(); err != nil {
		return s.d.wrap(err)
	}
	return nil
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if tx.tx == nil {
		// ReadStatements: on PostgreSQL its pool could write, one
		// statement at a time, outside the transaction every write needs.
		return nil, errNoTx
	}
	r, err := tx.q.ExecContext(ctx, q, args...)
	return r, tx.d.wrap(err)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r, err := tx.q.QueryContext(ctx, q, args...)
	return r, tx.d.wrap(err)
}

// queryIDs runs q, which selects one integer column, and returns its values
// in order (an empty slice, never nil, when no row matches).
func (tx *Tx) queryIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, id)
	}
	return out, tx.d.wrap(rows.Err())
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.q.QueryRowContext(ctx, q, args...)
}

// timeText is how instants are stored: fixed-width UTC text, sortable as text.
const timeLayout = "2006-01-02T15:04:05.000Z"

func timeText(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

func dateText(d domain.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func parseDateText(s string) domain.Date {
	if s == "" {
		return domain.Date{}
	}
	d, _ := domain.ParseDate(s)
	return d
}

// redact hides a password in a URL for error messages.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		if at := strings.Index(rest, "@"); at >= 0 {
			cred := rest[:at]
			if c := strings.Index(cred, ":"); c >= 0 {
				return dsn[:i+3] + cred[:c] + ":***" + rest[at:]
			}
		}
	}
	return dsn
}

// placeholders appends args and returns "$k,$k+1,…" for an IN list.
func placeholders(args *[]any, vals ...any) string {
	var b strings.Builder
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		*args = append(*args, v)
		fmt.Fprintf(&b, "$%d", len(*args))
	}
	return b.String()
}

func int64s(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func strs[T ~string](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// ExecRaw runs one statement outside the application's rules. Only tests use
// it, to tamper with rows the way an attacker with database access would.
func (s *Store) ExecRaw(ctx context.Context, q string, args ...any) error {
	_, err := s.write.ExecContext(ctx, q, args...)
	return s.d.wrap(err)
}
