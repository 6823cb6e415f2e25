package store

import (
	"database/sql"
	"fmt"
)

// DSN is the database the store was opened on: the background job runner
// opens its own handle to the same database.
func (s *Store) DSN() string { return s.dsn }

// OpenSQLiteJobsHandle opens a handle on the store's SQLite file for the
// background job runner: the same pragmas as the store's writer (WAL, busy
// timeout, immediate write locks) and one connection, as the runner's SQLite
// driver needs (it runs its maintenance in parallel otherwise and meets
// SQLITE_BUSY). It is an error on PostgreSQL, where the runner opens a pgx pool.
func (s *Store) OpenSQLiteJobsHandle() (*sql.DB, error) {
	if s.d.name() != "sqlite" {
		return nil, fmt.Errorf("the jobs handle is for SQLite; on %s open a pool on DSN()", s.d.name())
	}
	db, err := sql.Open("sqlite", sqliteDSN(s.dsn, false))
	if err != nil {
		return nil, fmt.Errorf("jobs database %s: %w", s.dsn, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}
