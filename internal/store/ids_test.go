package store

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// idTables are the SQLite tables whose ids are stored elsewhere (snapshots,
// audit events, idempotency keys, links) and so must never be handed out twice.
var idTables = []string{"org_units", "activity_types", "activities", "roles", "accounts", "teams", "team_members",
	"report_templates", "reports"}

// TestMigration00008 takes a database at version 7 holding an id already
// reused (the state: a report counted activity 2, which was deleted,
// and a later record got id 2), migrates it, and checks that nothing was
// lost — foreign keys were off, so dropping a table cascaded nowhere —, that
// foreign keys are on again, that every id table now uses AUTOINCREMENT, and
// that the report counts the reused id as deleted.
func TestMigration00008(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "z.db"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	exec := func(q string) {
		t.Helper()
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	const t0, t1, t2 = "2025-01-01T00:00:00.000Z", "2025-02-01T00:00:00.000Z", "2025-03-01T00:00:00.000Z"
	exec(`INSERT INTO org_units (id, kind, code, name, created_at, updated_at) VALUES (1, 'bureau', 'B', '局', '` + t0 + `', '` + t0 + `')`)
	exec(`INSERT INTO org_units (id, parent_id, kind, code, name, created_at, updated_at) VALUES (2, 1, 'school', 'S', '校', '` + t0 + `', '` + t0 + `')`)
	exec(`INSERT INTO org_closure VALUES (1, 1, 0), (2, 2, 0), (1, 2, 1)`)
	exec(`INSERT INTO activity_types (id, code, pillar, name, created_at, updated_at) VALUES (1, 'study', 'theory', '学习', '` + t0 + `', '` + t0 + `')`)
	exec(`INSERT INTO activities (id, org_id, type_id, date, title, status, created_at, updated_at) VALUES
		(1, 2, 1, '2025-01-05', '甲', 'approved', '` + t0 + `', '` + t0 + `'),
		(2, 2, 1, '2025-01-06', '乙（后来的）', 'approved', '` + t2 + `', '` + t2 + `')`)
	exec(`INSERT INTO evidence_blobs VALUES ('aa', 3, 'image/png', '` + t0 + `')`)
	exec(`INSERT INTO activity_evidence VALUES (1, 'aa', 'a.png', '` + t0 + `')`)
	exec(`INSERT INTO activity_idempotency VALUES ('acct:1', 'k', 1, '{}', '` + t0 + `')`)
	exec(`INSERT INTO report_templates (id, name, version, created_at, updated_at) VALUES (1, 't', 1, '` + t0 + `', '` + t0 + `')`)
	exec(`INSERT INTO reports (id, org_id, period, template_id, template_version, rendered, created_at) VALUES (1, 1, '2025', 1, 1, '{}', '` + t1 + `')`)
	exec(`INSERT INTO report_records (report_id, activity_id, version, status, title) VALUES (1, 1, 1, 'approved', '甲'), (1, 2, 1, 'approved', '乙'), (1, 3, 1, 'approved', '丙')`)

	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := s.write.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	for q, want := range map[string]int{
		"SELECT COUNT(*) FROM activity_evidence":        1,
		"SELECT COUNT(*) FROM activity_idempotency":     1,
		"SELECT COUNT(*) FROM org_units":                2,
		"SELECT COUNT(*) FROM org_closure":              3,
		"SELECT COUNT(*) FROM activities":               2,
		"SELECT COUNT(*) FROM report_records":           3,
		"PRAGMA foreign_keys":                           1,
		"SELECT COUNT(*) FROM pragma_foreign_key_check": 0,
		"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('activities_org_date', 'activities_date_id', 'activities_type_date', 'org_units_parent', 'teams_org_name', 'teams_kind_org', 'team_members_team', 'team_members_current', 'reports_org', 'accounts_org')": 10,
	} {
		if got := count(q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	checkAutoincrement(t, s)

	// The snapshot: 1 unchanged; 2 now names another record (created after
	// the report): deleted, with the title the report saw; 3 deleted.
	var stale []StaleRecord
	if err := s.Read(ctx, func(tx *Tx) error {
		var err error
		stale, err = tx.StaleRecords(ctx, 1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(stale) != 2 || stale[0].ID != 2 || stale[0].Change != "deleted" || stale[0].Title != "乙" || stale[1].ID != 3 || stale[1].Change != "deleted" {
		t.Fatalf("stale records after the migration: %+v", stale)
	}

	// Deleting the newest activity and recording another: a new id.
	exec(`DELETE FROM activities WHERE id = 2`)
	exec(`INSERT INTO activities (org_id, type_id, date, title, status, created_at, updated_at) VALUES (2, 1, '2025-01-07', '丁', 'draft', '` + t2 + `', '` + t2 + `')`)
	if got := count("SELECT MAX(id) FROM activities"); got != 3 {
		t.Errorf("the next activity after deleting id 2 got id %d, want 3", got)
	}
}

// checkAutoincrement fails unless every SQLite table with an integer id
// column as its primary key declares AUTOINCREMENT — a table added by a later
// migration included: a new table declares it from the start.
func checkAutoincrement(t *testing.T, s *Store) {
	t.Helper()
	rows, err := s.write.QueryContext(context.Background(), "SELECT name, sql FROM sqlite_master WHERE type = 'table'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	rowid := regexp.MustCompile(`(?i)\n\s*(id|seq)\s+INTEGER\s+PRIMARY\s+KEY\b`)
	var found []string
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			t.Fatal(err)
		}
		if !rowid.MatchString(sql) || name == "audit_events" || name == "goose_db_version" {
			// audit_events.seq is given by the hash chain (previous + 1),
			// never by SQLite, and no event is ever deleted; goose's table
			// is its own.
			continue
		}
		found = append(found, name)
		if !strings.Contains(strings.ToUpper(sql), "AUTOINCREMENT") {
			t.Errorf("table %s reuses the id of its newest deleted row: declare it INTEGER PRIMARY KEY AUTOINCREMENT", name)
		}
	}
	for _, name := range idTables {
		if !slices.Contains(found, name) {
			t.Errorf("table %s has no integer id any more: update idTables", name)
		}
	}
}

// TestIDsAutoincrement: a freshly migrated database has AUTOINCREMENT on every id table.
func TestIDsAutoincrement(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "z.db"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	checkAutoincrement(t, s)
}
