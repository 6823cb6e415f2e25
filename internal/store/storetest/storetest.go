// Package storetest opens real databases for tests: a fresh SQLite file always,
// and a fresh PostgreSQL database when ZEREN_TEST_PG names a server. Tests that
// take Engines run once per engine, as subtests named after it.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/store"
)

// EnvPG names the environment variable holding the PostgreSQL server URL.
const EnvPG = "ZEREN_TEST_PG"

// Engine opens a fresh, migrated store of one kind.
type Engine struct {
	Name string
	Open func(t testing.TB, now func() time.Time) *store.Store
}

var announce sync.Once

// Engines returns SQLite, plus PostgreSQL when ZEREN_TEST_PG is set. When
// CI=true, a missing ZEREN_TEST_PG fails the test instead of silently running
// SQLite alone.
func Engines(t testing.TB) []Engine {
	es := []Engine{{Name: "sqlite", Open: openSQLite}}
	pg := os.Getenv(EnvPG)
	announce.Do(func() {
		if pg == "" {
			fmt.Fprintln(os.Stderr, "storetest: PostgreSQL tests skipped: "+EnvPG+" is not set")
		}
	})
	if pg == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set on CI: the store suite must run on PostgreSQL too", EnvPG)
		}
		return es
	}
	return append(es, Engine{Name: "postgres", Open: func(t testing.TB, now func() time.Time) *store.Store { return openPG(t, pg, now) }})
}

func openSQLite(t testing.TB, now func() time.Time) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "zeren.db")
	return openMigrated(t, path, now)
}

func openMigrated(t testing.TB, dsn string, now func() time.Time) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, store.Options{Create: true, Now: now})
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return st
}

// openPG creates a database of its own on the server and drops it after the test.
func openPG(t testing.TB, server string, now func() time.Time) *store.Store {
	t.Helper()
	st := openMigrated(t, PGDatabase(t, server), now)
	t.Cleanup(func() { st.Close() }) // runs before the database is dropped
	return st
}

// PGDatabase creates an empty database on the PostgreSQL server and returns its
// URL; the database is dropped (with any connections left) after the test.
func PGDatabase(t testing.TB, server string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("postgres %s: %v", server, err)
	}
	defer admin.Close()
	name := fmt.Sprintf("zt_%d_%d", time.Now().UnixNano(), rand.IntN(1<<30))
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database on %s: %v", server, err)
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("postgres url: %v", err)
	}
	u.Path = "/" + name
	t.Cleanup(func() {
		a, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer a.Close()
		if _, err := a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil && !strings.Contains(err.Error(), "does not exist") {
			t.Logf("drop %s: %v", name, err)
		}
	})
	return u.String()
}

// Clock returns a fixed clock at the given date, noon in China.
func Clock(date string) func() time.Time {
	t, err := time.Parse("2006-01-02 15:04", date+" 04:00")
	if err != nil {
		panic(err)
	}
	return func() time.Time { return t }
}

// Midnight is one instant a clock test pins, and the date it is in the
// bureau's zone (Asia/Shanghai).
type Midnight struct {
	Name  string
	At    time.Time
	Today string // the date in Beijing, YYYY-MM-DD
}

// Midnights are the four instants around the new year 2026 that every test
// of "today" runs at: one minute before and after midnight in Beijing and in
// UTC. Between 16:00 and 24:00 UTC the two zones disagree about the date
// (23:59 UTC is 07:59 the next day in Beijing); zeren must follow Beijing.
func Midnights() []Midnight {
	cst := time.FixedZone("UTC+8", 8*3600)
	return []Midnight{
		{"23:59 Beijing", time.Date(2025, 12, 31, 23, 59, 0, 0, cst), "2025-12-31"},
		{"00:01 Beijing", time.Date(2026, 1, 1, 0, 1, 0, 0, cst), "2026-01-01"},
		{"23:59 UTC", time.Date(2025, 12, 31, 23, 59, 0, 0, time.UTC), "2026-01-01"},
		{"00:01 UTC", time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC), "2026-01-01"},
	}
}

// Exec runs raw SQL on a store, for tests that tamper behind the application.
func Exec(t testing.TB, st *store.Store, q string, args ...any) error {
	t.Helper()
	return st.ExecRaw(context.Background(), q, args...)
}
