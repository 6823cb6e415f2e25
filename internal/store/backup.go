package store

import (
	"context"
	"database/sql"
	"fmt"
)

// BackupFacts are what a backup records of the database it copied — counts
// and the audit trail's head, read in the same snapshot as the copy — so a
// restore can prove it brought back that very state.
type BackupFacts struct {
	Engine        string `json:"engine"` // "sqlite" or "postgres"
	SchemaVersion int64  `json:"schema_version"`
	OrgUnits      int64  `json:"org_units"`
	Activities    int64  `json:"activities"`
	Accounts      int64  `json:"accounts"`
	Evidence      int64  `json:"evidence_files"`
	AuditEvents   int64  `json:"audit_events"`
	AuditHeadSeq  int64  `json:"audit_head_seq"`
	AuditHeadHash string `json:"audit_head_hash"`
}

// Engine names the database engine: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.d.name() }

// backupFacts reads the facts inside one transaction.
func backupFacts(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, engine string) (BackupFacts, error) {
	f := BackupFacts{Engine: engine}
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied),
		(SELECT COUNT(*) FROM org_units),
		(SELECT COUNT(*) FROM activities),
		(SELECT COUNT(*) FROM accounts),
		(SELECT COUNT(*) FROM evidence_blobs),
		(SELECT COUNT(*) FROM audit_events),
		(SELECT COALESCE(MAX(seq), 0) FROM audit_events),
		COALESCE((SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1), '')`).
		Scan(&f.SchemaVersion, &f.OrgUnits, &f.Activities, &f.Accounts, &f.Evidence, &f.AuditEvents, &f.AuditHeadSeq, &f.AuditHeadHash)
	if err != nil {
		return BackupFacts{}, fmt.Errorf("reading the database's facts: %w", err)
	}
	return f, nil
}

// BackupFacts reads the facts of the database as it is now.
func (s *Store) BackupFacts(ctx context.Context) (BackupFacts, error) {
	var f BackupFacts
	err := s.Read(ctx, func(tx *Tx) error {
		var err error
		f, err = backupFacts(ctx, tx.tx, s.d.name())
		return err
	})
	return f, err
}

// SnapshotSQLite writes a consistent copy of a SQLite database to dst (a
// file that must not exist) while the server keeps serving: VACUUM INTO
// reads one snapshot, so writes committed after it began are not in the copy
// and every write acknowledged before it is.
func (s *Store) SnapshotSQLite(ctx context.Context, dst string) error {
	if s.d.name() != "sqlite" {
		return fmt.Errorf("SnapshotSQLite: the database is %s", s.d.name())
	}
	// The read pool is query_only, which refuses VACUUM INTO, and the
	// writer must stay free for the server: a connection of its own reads
	// the snapshot (VACUUM INTO takes no write lock on the source).
	db, err := sql.Open("sqlite", sqliteDSN(s.dsn, false))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("copying the database to %s: %w", dst, err)
	}
	return nil
}

// WithExportedSnapshot holds a PostgreSQL REPEATABLE READ transaction open,
// exports its snapshot and calls fn with the snapshot's name and the facts
// read in it: pg_dump --snapshot=NAME then copies exactly the state the facts
// describe, however many writes land meanwhile.
func (s *Store) WithExportedSnapshot(ctx context.Context, fn func(snapshot string, facts BackupFacts) error) error {
	if s.d.name() != "postgres" {
		return fmt.Errorf("WithExportedSnapshot: the database is %s", s.d.name())
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return s.d.wrap(err)
	}
	defer func() { _ = tx.Rollback() }()
	var name string
	if err := tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&name); err != nil {
		return fmt.Errorf("exporting a snapshot: %w", err)
	}
	facts, err := backupFacts(ctx, tx, "postgres")
	if err != nil {
		return err
	}
	return fn(name, facts)
}

// HoldsData reports whether the database already has zeren's tables: a
// restore only goes into an empty database.
func (s *Store) HoldsData(ctx context.Context) (bool, error) {
	q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if s.d.name() == "postgres" {
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
	}
	var n int
	if err := s.read.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return false, s.d.wrap(err)
	}
	return n > 0, nil
}
