package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/backup"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/demo"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// county is a demo county on one engine with its evidence directory.
type county struct {
	st      *store.Store
	a       *app.App
	dataDir string
	keyFile string
	bureau  int64
}

var clock = storetest.Clock("2025-03-31")

func buildCounty(t *testing.T, e storetest.Engine) county {
	t.Helper()
	ctx := context.Background()
	st := e.Open(t, clock)
	dataDir := t.TempDir()
	blobs, err := blob.NewFS(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(st, blobs, app.DefaultConfig(), clock)
	sum, err := demo.Build(ctx, a, demo.Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	// An anchors file, as serve writes it, and a key beside the data.
	if err := os.WriteFile(filepath.Join(dataDir, audit.AnchorFileName), []byte(`{"seq":1}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dataDir, "secret.key")
	if err := os.WriteFile(key, []byte("k1:0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return county{st: st, a: a, dataDir: dataDir, keyFile: key, bureau: sum.BureauID}
}

func take(t *testing.T, c county) ([]byte, backup.Manifest) {
	t.Helper()
	var buf bytes.Buffer
	m, err := backup.Create(context.Background(), c.st, backup.Options{
		DataDir: c.dataDir, KeyFiles: []string{c.keyFile}, Zeren: "test", Now: clock(), TempDir: t.TempDir(),
	}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

// target returns an empty database of the engine and an empty data directory.
func target(t *testing.T, engine string) (db, dataDir string) {
	t.Helper()
	if engine == "postgres" {
		return storetest.PGDatabase(t, os.Getenv(storetest.EnvPG)), t.TempDir()
	}
	return filepath.Join(t.TempDir(), "restored.db"), filepath.Join(t.TempDir(), "data")
}

func openRestored(t *testing.T, db string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestBackup builds one demo county per engine and, in order, backs it up
// and restores it, refuses damaged archives, and backs it up under write
// load (last: it adds records).
func TestBackup(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src := buildCounty(t, e)
			t.Run("round trip", func(t *testing.T) { roundTrip(t, e, src) })
			t.Run("damaged archives refused", func(t *testing.T) { damaged(t, e, src) })
			t.Run("under write load", func(t *testing.T) { underLoad(t, e, src) })
		})
	}
}

// roundTrip backs a demo county up and restores it into an empty
// instance of the same engine: the same facts, the same rollup rows, every
// figure equal to a recount of the restored records, every evidence file and
// the anchors byte for byte.
func roundTrip(t *testing.T, e storetest.Engine, src county) {
	{
		{
			ctx := context.Background()
			archive, m := take(t, src)
			if m.Facts.Activities == 0 || m.Facts.Evidence == 0 || m.Facts.AuditHeadSeq == 0 {
				t.Fatalf("the manifest's facts are empty: %+v", m.Facts)
			}
			if _, ok := m.Keys["secret.key"]; !ok {
				t.Errorf("the key's fingerprint is missing from the manifest: %v", m.Keys)
			}
			for _, f := range m.Files {
				if strings.Contains(f.Name, "secret.key") {
					t.Fatalf("the archive holds the secret key: %s", f.Name)
				}
			}

			db, dataDir := target(t, e.Name)
			res, err := backup.Restore(ctx, bytes.NewReader(archive), backup.RestoreOptions{DB: db, DataDir: dataDir,
				KeyFiles: []string{filepath.Join(dataDir, "secret.key")}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "missing") {
				t.Errorf("the restore should warn that the key is missing beside the data: %v", res.Warnings)
			}
			dst := openRestored(t, db)
			want, err := src.st.BackupFacts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, err := dst.BackupFacts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("restored facts %+v, source %+v", got, want)
			}
			if a, b := rollups(t, src.st), rollups(t, dst); !equalRollups(a, b) {
				t.Fatalf("rollups differ: source %d rows, restored %d", len(a), len(b))
			}
			recount(t, dst)
			sameFiles(t, src.dataDir, dataDir)
		}
	}
}

func rollups(t *testing.T, st *store.Store) []store.RollupRow {
	t.Helper()
	var rows []store.RollupRow
	if err := st.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		rows, err = tx.RollupRows(context.Background())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return rows
}

func equalRollups(a, b []store.RollupRow) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// recount compares every unit's figure for each demo year, answered by the
// restored rollups, with a count of the restored records themselves.
func recount(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	err := st.Read(ctx, func(tx *store.Tx) error {
		var roots []int64
		orgs, _, err := tx.ListOrgs(ctx, domain.Scope{Roots: []int64{1}}, store.OrgFilter{Limit: 100000})
		if err != nil {
			return err
		}
		if len(orgs) == 0 {
			return errors.New("the restored tree is empty")
		}
		roots = append(roots, orgs[0].ID)
		checked := 0
		for _, o := range orgs {
			for _, y := range []int{2024, 2025} {
				r := domain.Range{From: domain.Date{Year: y, Month: 1, Day: 1}, To: domain.Date{Year: y + 1, Month: 1, Day: 1}}
				q := store.AggQuery{OrgID: o.ID, Range: r}
				g, err := tx.Aggregate(ctx, domain.Scope{Roots: roots}, q, store.GroupNone)
				if err != nil {
					return err
				}
				n, err := tx.NaiveAggregate(ctx, q)
				if err != nil {
					return err
				}
				var fig store.Figure
				if len(g) > 0 {
					fig = g[0].Figure
				}
				if fig != n {
					t.Errorf("unit %s %d: rollups %+v, records %+v", o.Name, y, fig, n)
				}
				checked++
			}
		}
		if checked < 20 {
			t.Errorf("only %d figures recounted", checked)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sameFiles checks that every evidence file and the anchors of src are in
// dst with the same bytes (keys excepted: they are never archived).
func sameFiles(t *testing.T, src, dst string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if rel == "secret.key" || strings.HasPrefix(rel, "tmp"+string(filepath.Separator)) {
			return nil
		}
		a, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(filepath.Join(dst, rel))
		if err != nil {
			t.Errorf("%s was not restored: %v", rel, err)
			return nil
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs after the restore", rel)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 2 {
		t.Fatalf("only %d files compared", n)
	}
}

// underLoad takes a backup while writers keep creating records:
// the restore holds every record acknowledged before the backup began.
func underLoad(t *testing.T, e storetest.Engine, src county) {
	{
		{
			ctx := context.Background()
			ac, err := src.a.OperatorActor(ctx)
			if err != nil {
				t.Fatal(err)
			}
			types, err := src.a.ListTypes(ctx, "", false)
			if err != nil || len(types) == 0 {
				t.Fatal("no types", err)
			}
			var (
				mu    sync.Mutex
				acked []int64
				stop  atomic.Bool
				wg    sync.WaitGroup
			)
			for w := 0; w < 3; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; !stop.Load(); i++ {
						act, err := src.a.CreateActivity(ctx, ac, domain.ActivityInput{OrgID: src.bureau, TypeID: types[0].ID,
							Date: domain.Date{Year: 2025, Month: 3, Day: 1}, Title: "备份期间写入", Attendance: 10}, false)
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						acked = append(acked, act.ID)
						mu.Unlock()
					}
				}()
			}
			// Let the writers run, note what is acknowledged, then back up.
			for {
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n >= 20 {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			mu.Lock()
			before := append([]int64(nil), acked...)
			mu.Unlock()
			archive, m := take(t, src)
			stop.Store(true)
			wg.Wait()

			db, dataDir := target(t, e.Name)
			if _, err := backup.Restore(ctx, bytes.NewReader(archive), backup.RestoreOptions{DB: db, DataDir: dataDir}); err != nil {
				t.Fatal(err)
			}
			dst := openRestored(t, db)
			got, _ := dst.BackupFacts(ctx)
			if got != m.Facts {
				t.Fatalf("restored %+v, manifest %+v", got, m.Facts)
			}
			for _, id := range before {
				err := dst.Read(ctx, func(tx *store.Tx) error {
					_, err := tx.GetActivity(ctx, domain.Scope{Roots: []int64{src.bureau}}, id)
					return err
				})
				if err != nil {
					t.Fatalf("record %d, acknowledged before the backup began, is not in the restore: %v", id, err)
				}
			}
			recount(t, dst)
		}
	}
}

// corrupt rewrites an archive through fn, which may change an entry's
// bytes or skip it.
func corrupt(t *testing.T, archive []byte, fn func(hdr *tar.Header, body []byte) ([]byte, bool)) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var out bytes.Buffer
	gw := gzip.NewWriter(&out)
	tw := tar.NewWriter(gw)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		body, keep := fn(hdr, body)
		if !keep {
			continue
		}
		hdr.Size = int64(len(body))
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	gw.Close()
	return out.Bytes()
}

// damaged: every kind of damage is refused, naming the
// file, and nothing is written to the target.
func damaged(t *testing.T, e storetest.Engine, src county) {
	archive, m := take(t, src)
	var evidence string
	for _, f := range m.Files {
		if strings.HasPrefix(f.Name, "evidence/") {
			evidence = f.Name
			break
		}
	}
	cases := []struct {
		name    string
		archive []byte
		want    string
	}{
		{"flipped byte in evidence", corrupt(t, archive, func(h *tar.Header, b []byte) ([]byte, bool) {
			if h.Name == evidence {
				b = append([]byte(nil), b...)
				b[len(b)/2] ^= 0xff
			}
			return b, true
		}), evidence},
		{"flipped byte in the database", corrupt(t, archive, func(h *tar.Header, b []byte) ([]byte, bool) {
			if strings.HasPrefix(h.Name, "database/") {
				b = append([]byte(nil), b...)
				b[len(b)-100] ^= 0x01
			}
			return b, true
		}), "database/"},
		{"evidence file missing", corrupt(t, archive, func(h *tar.Header, b []byte) ([]byte, bool) {
			return b, h.Name != evidence
		}), evidence},
		{"manifest missing", corrupt(t, archive, func(h *tar.Header, b []byte) ([]byte, bool) {
			return b, h.Name != backup.ManifestName
		}), backup.ManifestName},
		{"an entry outside the archive's parts", corrupt(t, archive, func(h *tar.Header, b []byte) ([]byte, bool) {
			if h.Name == evidence {
				h.Name = "../../etc/evil"
			}
			return b, true
		}), "../../etc/evil"},
		{"truncated", archive[:len(archive)*2/3], "damaged"},
		{"not an archive", []byte("hello"), "gzip"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, dataDir := target(t, e.Name)
			_, err := backup.Restore(context.Background(), bytes.NewReader(c.archive), backup.RestoreOptions{DB: db, DataDir: dataDir})
			if err == nil {
				t.Fatal("a damaged archive was restored")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name %q", err, c.want)
			}
			if e.Name == "postgres" {
				if holdsData(t, db) {
					t.Error("the target database was written")
				}
			} else if _, serr := os.Stat(db); serr == nil {
				t.Errorf("the database %s was written", db)
			}
			if files, _ := os.ReadDir(dataDir); len(files) > 0 {
				var names []string
				for _, f := range files {
					names = append(names, f.Name())
				}
				t.Errorf("the data directory holds %v after a refused restore", names)
			}
			if _, err := backup.Verify(context.Background(), bytes.NewReader(c.archive), t.TempDir()); err == nil {
				t.Error("Verify passed a damaged archive")
			}
		})
	}
	t.Run("intact archive verifies", func(t *testing.T) {
		if _, err := backup.Verify(context.Background(), bytes.NewReader(archive), t.TempDir()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("target not empty", func(t *testing.T) {
		_, err := backup.Restore(context.Background(), bytes.NewReader(archive), backup.RestoreOptions{DB: filepath.Join(t.TempDir(), "x.db"), DataDir: src.dataDir})
		if err == nil || !strings.Contains(err.Error(), "empty data directory") {
			t.Fatalf("restored over existing evidence: %v", err)
		}
	})
}

func holdsData(t *testing.T, db string) bool {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	holds, err := st.HoldsData(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return holds
}
