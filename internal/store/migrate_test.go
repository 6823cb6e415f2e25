package store

import (
	"github.com/zeren-edu/zeren/internal/domain"
	"io/fs"
	"regexp"
	"testing"
)

// Both dialects must have the same migration versions, so a database moved
// from SQLite to PostgreSQL (or the reverse) is at the same schema.
func TestMigrationVersionsMatchAcrossDialects(t *testing.T) {
	versions := func(dialect string) []string {
		entries, err := fs.ReadDir(migrationsFS, "migrations/"+dialect)
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(`^(\d+)_.*\.sql$`)
		var out []string
		for _, e := range entries {
			m := re.FindStringSubmatch(e.Name())
			if m == nil {
				t.Fatalf("%s/%s is not a migration file name", dialect, e.Name())
			}
			out = append(out, m[0])
		}
		return out
	}
	s, p := versions("sqlite"), versions("postgres")
	if len(s) == 0 || len(s) != len(p) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(s), len(p))
	}
	for i := range s {
		if s[i] != p[i] {
			t.Fatalf("migration %d: sqlite %s, postgres %s", i, s[i], p[i])
		}
	}
}

func TestRangeParts(t *testing.T) {
	d := func(s string) string { return s }
	cases := []struct {
		from, to string
		want     []rangePart
	}{
		{"2024-01-01", "2025-01-01", []rangePart{{"m", "2024-01", "2025-01"}}},
		{"2024-03-05", "2024-03-20", []rangePart{{"d", "2024-03-05", "2024-03-20"}}},
		{"2024-03-05", "2024-05-10", []rangePart{{"d", "2024-03-05", "2024-04-01"}, {"m", "2024-04", "2024-05"}, {"d", "2024-05-01", "2024-05-10"}}},
		{"2024-08-01", "2025-02-01", []rangePart{{"m", "2024-08", "2025-02"}}},
		{"2024-12-30", "2025-01-06", []rangePart{{"d", "2024-12-30", "2025-01-06"}}},
	}
	for _, c := range cases {
		got := rangeParts(rng(t, d(c.from), d(c.to)))
		if len(got) != len(c.want) {
			t.Fatalf("%s..%s: %v", c.from, c.to, got)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Fatalf("%s..%s part %d: %v, want %v", c.from, c.to, i, got[i], c.want[i])
			}
		}
	}
}

func rng(t *testing.T, from, to string) domain.Range {
	t.Helper()
	f, err := domain.ParseDate(from)
	if err != nil {
		t.Fatal(err)
	}
	g, err := domain.ParseDate(to)
	if err != nil {
		t.Fatal(err)
	}
	return domain.Range{From: f, To: g}
}
