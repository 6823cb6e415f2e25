package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the server's admin database

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Engines zbench knows.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Manifest describes a generated database, saved beside it (as JSON) so a
// later run can reuse it.
type Manifest struct {
	Engine           string            `json:"engine"`
	Config           Config            `json:"config"`
	GeneratorVersion int               `json:"generator_version"`
	DSN              string            `json:"dsn"` // file path or database name
	GeneratedAt      time.Time         `json:"generated_at"`
	Gen              GenReport         `json:"generation"`
	Total            Figure            `json:"total"` // every activity, every status
	Approved         Figure            `json:"approved"`
	RootID           int64             `json:"root_id"`
	Phases           []store.BulkPhase `json:"phases"`
}

// GenReport is how a dataset was generated.
type GenReport struct {
	Reused        bool          `json:"-"`
	Duration      time.Duration `json:"duration"`       // the whole bulk load, generator included
	GeneratorOnly time.Duration `json:"generator_only"` // producing the stream alone, no database
	Activities    int64         `json:"activities"`
	ClosureRows   int64         `json:"closure_rows"`
	RollupRows    int64         `json:"rollup_rows"`
	DBBytes       int64         `json:"db_bytes"`
	StartRSS      int64         `json:"start_rss"` // of this process when the load began (memory kept from earlier work included)
	PeakRSS       int64         `json:"peak_rss"`  // of this process, while loading
	PeakHeap      int64         `json:"peak_heap"` // Go heap objects, sampled while loading
}

// RowsPerSecond is the bulk load's activity throughput.
func (g GenReport) RowsPerSecond() float64 {
	if g.Duration <= 0 {
		return 0
	}
	return float64(g.Activities) / g.Duration.Seconds()
}

// Loaded is an open, loaded database.
type Loaded struct {
	Engine   string
	Store    *store.Store
	Data     *Dataset
	Manifest Manifest
	UnitIDs  []int64 // the id of each of Data.Units
	TypeIDs  []int64
	close    func() error
}

// Close closes the store (the database stays for reuse).
func (l *Loaded) Close() error { return l.close() }

// Target says where a dataset lives.
type Target struct {
	Engine string
	Dir    string // SQLite files and manifests
	PGURL  string // the PostgreSQL server (any database on it: the admin connection)
	Reuse  bool
	Tag    string // appended to database names, to keep apart datasets of the same size
	Log    func(format string, args ...any)
}

func (t Target) name(cfg Config) string {
	n := fmt.Sprintf("u%d_a%d_s%d", cfg.Units, cfg.Activities, cfg.Seed)
	if t.Tag != "" {
		n += "_" + t.Tag
	}
	return n
}

func (t Target) manifestPath(cfg Config) string {
	return filepath.Join(t.Dir, t.Engine+"-"+t.name(cfg)+".json")
}

// Load opens the dataset of cfg on the target, generating it unless a
// complete one of the same size, seed and generator version can be reused.
func Load(ctx context.Context, t Target, cfg Config) (*Loaded, error) {
	if t.Log == nil {
		t.Log = func(string, ...any) {}
	}
	if err := os.MkdirAll(t.Dir, 0o755); err != nil {
		return nil, err
	}
	data, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if t.Reuse {
		l, err := t.reuse(ctx, data)
		if err == nil {
			return l, nil
		}
		t.Log("%s: not reusing: %v", t.Engine, err)
	}
	return t.generate(ctx, data)
}

func (t Target) reuse(ctx context.Context, data *Dataset) (*Loaded, error) {
	b, err := os.ReadFile(t.manifestPath(data.Config))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m.GeneratorVersion != GeneratorVersion || m.Config != data.Config || m.Engine != t.Engine {
		return nil, errors.New("the saved dataset was made by another generator or for another size")
	}
	dsn := m.DSN
	if t.Engine == Postgres {
		if dsn, err = t.pgDatabaseURL(m.DSN); err != nil {
			return nil, err
		}
	}
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return nil, err
	}
	// A dataset saved by an older build lacks the newer tables (accounts,
	// audit): bring its schema up to date before measuring.
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	l, err := attach(ctx, t.Engine, st, data, m)
	if err != nil {
		st.Close()
		return nil, err
	}
	// Cheap proof the database is the one the manifest describes: the
	// bureau's total over the whole ledger, from the rollups.
	got, err := RootTotal(ctx, st, l.Manifest.RootID, domain.Statuses)
	if err != nil || got != m.Total {
		st.Close()
		return nil, fmt.Errorf("the database holds %+v, the manifest says %+v (%v)", got, m.Total, err)
	}
	l.Manifest.Gen.Reused = true
	t.Log("%s: reusing %s (generated %s)", t.Engine, m.DSN, m.GeneratedAt.Format(time.RFC3339))
	return l, nil
}

// attach finds the ids of the dataset's units and types in an open store, by
// code: a reused database needs no id list on disk.
func attach(ctx context.Context, engine string, st *store.Store, data *Dataset, m Manifest) (*Loaded, error) {
	l := &Loaded{Engine: engine, Store: st, Data: data, Manifest: m, close: st.Close}
	err := st.Read(ctx, func(tx *store.Tx) error {
		roots, err := tx.RootIDs(ctx)
		if err != nil {
			return err
		}
		scope := domain.Scope{Roots: roots}
		units, _, err := tx.ListOrgs(ctx, scope, store.OrgFilter{})
		if err != nil {
			return err
		}
		byCode := make(map[string]int64, len(units))
		for _, u := range units {
			byCode[u.Code] = u.ID
		}
		l.UnitIDs = make([]int64, len(data.Units))
		for i, u := range data.Units {
			id, ok := byCode[u.Code]
			if !ok {
				return fmt.Errorf("unit %s is missing", u.Code)
			}
			l.UnitIDs[i] = id
		}
		l.TypeIDs = make([]int64, len(data.Types))
		for i, ty := range data.Types {
			got, err := tx.TypeByCode(ctx, ty.Code)
			if err != nil {
				return err
			}
			l.TypeIDs[i] = got.ID
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.Manifest.RootID = l.UnitIDs[0]
	return l, nil
}

// RootTotal is the figure of a unit's subtree over the whole ledger, from the rollups.
func RootTotal(ctx context.Context, st *store.Store, root int64, statuses []domain.Status) (Figure, error) {
	var f Figure
	err := st.Read(ctx, func(tx *store.Tx) error {
		gs, err := tx.Aggregate(ctx, domain.Scope{Roots: []int64{root}},
			store.AggQuery{OrgID: root, Range: domain.Range{From: FirstDay, To: EndDay}, Statuses: statuses}, store.GroupNone)
		f = store.Total(gs)
		return err
	})
	return f, err
}

func (t Target) generate(ctx context.Context, data *Dataset) (*Loaded, error) {
	cfg := data.Config
	// The generator alone, to tell its share of the load time from the database's.
	t0 := time.Now()
	var n int64
	for range data.Activities(nil) {
		n++
	}
	genOnly := time.Since(t0)

	var dsn, dbName string
	switch t.Engine {
	case SQLite:
		dsn = filepath.Join(t.Dir, "sqlite-"+t.name(cfg)+".db")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(dsn + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, err
			}
		}
		dbName = dsn
	case Postgres:
		dbName = "zbench_" + t.name(cfg)
		if err := t.pgRecreate(ctx, dbName); err != nil {
			return nil, err
		}
		var err error
		if dsn, err = t.pgDatabaseURL(dbName); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown engine %q", t.Engine)
	}
	os.Remove(t.manifestPath(cfg)) // a manifest only ever describes a complete database
	st, err := store.Open(ctx, dsn, store.Options{Create: true})
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Loaded, error) {
		st.Close()
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		return fail(err)
	}

	var tally Tally
	debug.FreeOSMemory()
	startRSS := currentRSS()
	mem := watchMemory()
	lastLog := time.Now()
	t0 = time.Now()
	res, err := st.BulkLoad(ctx, data.Units, data.Types, data.Activities(&tally), store.BulkOptions{
		Progress: func(phase string, rows int64) {
			if phase == "activities" {
				if time.Since(lastLog) < 10*time.Second {
					return
				}
				lastLog = time.Now()
				el := time.Since(t0)
				t.Log("%s: %d/%d activities (%.0f%%), %s, %.0f rows/s", t.Engine, rows, cfg.Activities,
					100*float64(rows)/float64(max(1, cfg.Activities)), el.Round(time.Second), float64(rows)/el.Seconds())
				return
			}
			t.Log("%s: %s done (%s)", t.Engine, phase, time.Since(t0).Round(time.Millisecond))
		},
	})
	dur := time.Since(t0)
	peakRSS, peakHeap := mem()
	if err != nil {
		return fail(err)
	}
	size, err := st.DatabaseSize(ctx)
	if err != nil {
		return fail(err)
	}
	m := Manifest{
		Engine: t.Engine, Config: cfg, GeneratorVersion: GeneratorVersion, DSN: dbName, GeneratedAt: time.Now().UTC(),
		Gen: GenReport{Duration: dur, GeneratorOnly: genOnly, Activities: res.Activities, ClosureRows: res.ClosureRows,
			RollupRows: res.RollupRows, DBBytes: size, StartRSS: startRSS, PeakRSS: peakRSS, PeakHeap: peakHeap},
		Total: tally.Total(), Approved: tally.Total(domain.StatusApproved), Phases: res.Phases,
	}
	l := &Loaded{Engine: t.Engine, Store: st, Data: data, Manifest: m, UnitIDs: res.UnitIDs, TypeIDs: res.TypeIDs, close: st.Close}
	l.Manifest.RootID = res.UnitIDs[0]
	got, err := RootTotal(ctx, st, l.Manifest.RootID, domain.Statuses)
	if err != nil {
		return fail(err)
	}
	if got != m.Total {
		return fail(fmt.Errorf("after the load the bureau's rollups say %+v, the generator produced %+v", got, m.Total))
	}
	b, _ := json.MarshalIndent(l.Manifest, "", "  ")
	if err := os.WriteFile(t.manifestPath(cfg), b, 0o644); err != nil {
		return fail(err)
	}
	return l, nil
}

// --- PostgreSQL databases on the server ---------------------------------------------------

func (t Target) pgDatabaseURL(name string) (string, error) {
	u, err := url.Parse(t.PGURL)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func (t Target) admin(ctx context.Context) (*sql.DB, error) {
	db, err := sql.Open("pgx", t.PGURL)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("PostgreSQL server %s: %w", t.PGURL, err)
	}
	return db, nil
}

func (t Target) pgRecreate(ctx context.Context, name string) error {
	db, err := t.admin(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+name)
	return err
}

// Remove deletes the dataset of cfg from the target: the SQLite files or the
// PostgreSQL database, and the manifest.
func (t Target) Remove(ctx context.Context, cfg Config) error {
	if err := os.Remove(t.manifestPath(cfg)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if t.Engine == SQLite {
		dsn := filepath.Join(t.Dir, "sqlite-"+t.name(cfg)+".db")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(dsn + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		return nil
	}
	db, err := t.admin(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "DROP DATABASE IF EXISTS zbench_"+t.name(cfg)+" WITH (FORCE)")
	return err
}

// PGSettings returns the server settings that matter for the numbers.
func (t Target) PGSettings(ctx context.Context) (string, error) {
	db, err := t.admin(ctx)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var parts []string
	for _, s := range []string{"shared_buffers", "work_mem", "fsync", "synchronous_commit", "full_page_writes", "max_parallel_workers_per_gather"} {
		var v string
		if err := db.QueryRowContext(ctx, "SELECT current_setting($1)", s).Scan(&v); err != nil {
			return "", err
		}
		parts = append(parts, s+"="+v)
	}
	return strings.Join(parts, ", "), nil
}

// --- memory -------------------------------------------------------------------------------

// watchMemory resets the process's peak RSS (where Linux allows) and samples
// the Go heap until the returned function is called, which reports both peaks.
func watchMemory() func() (rss, heap int64) {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	var peak atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := int64(sample[0].Value.Uint64()); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() (int64, int64) {
		close(stop)
		<-done
		return peakRSS(), peak.Load()
	}
}

// peakRSS reads VmHWM from /proc/self/status (0 where there is none).
func peakRSS() int64 { return procStatus("VmHWM:") }

// currentRSS reads VmRSS from /proc/self/status (0 where there is none).
func currentRSS() int64 { return procStatus("VmRSS:") }

func procStatus(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}
