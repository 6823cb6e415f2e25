package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// The Go benchmarks run on a smaller province than zbench (2 000 units,
// 200 000 activities), built on first use by a benchmark, so `go test` without
// -bench builds nothing. PostgreSQL is included when ZEREN_BENCH_PG (or
// ZEREN_TEST_PG) names a server.

var goBenchConfig = Config{Units: 2000, Activities: 200_000, Seed: DefaultSeed}

type shared struct {
	once sync.Once
	l    *Loaded
	err  error
}

var (
	benchDir    string
	benchMu     sync.Mutex
	benchLoaded = map[string]*shared{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	cleanup()
	os.Exit(code)
}

func pgURL() string {
	if u := os.Getenv("ZEREN_BENCH_PG"); u != "" {
		return u
	}
	return os.Getenv("ZEREN_TEST_PG")
}

func benchEngines() []string {
	if pgURL() != "" {
		return []string{SQLite, Postgres}
	}
	return []string{SQLite}
}

func benchTarget(engine string) Target {
	return Target{Engine: engine, Dir: benchDir, PGURL: pgURL(), Tag: fmt.Sprintf("gobench%d", os.Getpid())}
}

// loaded returns the engine's benchmark dataset, generating it on first use.
func loaded(b *testing.B, engine string) *Loaded {
	b.Helper()
	benchMu.Lock()
	if benchDir == "" {
		d, err := os.MkdirTemp("", "zeren-bench-")
		if err != nil {
			benchMu.Unlock()
			b.Fatal(err)
		}
		benchDir = d
	}
	s := benchLoaded[engine]
	if s == nil {
		s = &shared{}
		benchLoaded[engine] = s
	}
	benchMu.Unlock()
	s.once.Do(func() {
		t0 := time.Now()
		s.l, s.err = Load(context.Background(), benchTarget(engine), goBenchConfig)
		if s.err == nil {
			fmt.Fprintf(os.Stderr, "bench: %s dataset (%d units, %d activities) loaded in %s\n", engine, goBenchConfig.Units, goBenchConfig.Activities, time.Since(t0).Round(time.Millisecond))
		}
	})
	if s.err != nil {
		b.Fatalf("%s dataset: %v", engine, s.err)
	}
	return s.l
}

func cleanup() {
	for engine, s := range benchLoaded {
		if s.l != nil {
			s.l.Close()
			if err := benchTarget(engine).Remove(context.Background(), goBenchConfig); err != nil {
				fmt.Fprintf(os.Stderr, "bench: removing the %s dataset: %v\n", engine, err)
			}
		}
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
}

// BenchmarkAggregate answers random (unit, period) figures per level, from the
// rollups and by the naive GROUP BY.
func BenchmarkAggregate(b *testing.B) {
	ctx := context.Background()
	for _, engine := range benchEngines() {
		for _, lv := range Levels {
			for _, pd := range Periods {
				for _, method := range []string{"rollup", "naive"} {
					b.Run(engine+"/"+lv.Name+"/"+pd.Name+"/"+method, func(b *testing.B) {
						l := loaded(b, engine)
						units := l.unitsOf(lv.Kind)
						rng := rand.New(rand.NewPCG(1, 2))
						answer := l.AggregateRollup
						if method == "naive" {
							answer = l.AggregateNaive
						}
						var counted int64
						b.ResetTimer()
						for b.Loop() {
							f, err := answer(ctx, store.AggQuery{OrgID: units[rng.IntN(len(units))], Range: pd.Sample(rng)})
							if err != nil {
								b.Fatal(err)
							}
							counted += f.Count
						}
						b.ReportMetric(float64(counted)/float64(b.N), "activities/op")
					})
				}
			}
		}
	}
}

// BenchmarkSubtree lists subtrees and checks scope on the benchmark tree.
func BenchmarkSubtree(b *testing.B) {
	ctx := context.Background()
	for _, engine := range benchEngines() {
		b.Run(engine+"/ListOrgsUnderDistrict", func(b *testing.B) {
			l := loaded(b, engine)
			ds := l.unitsOf(domain.OrgDistrict)
			rng := rand.New(rand.NewPCG(1, 2))
			var rows int
			for b.Loop() {
				err := l.Store.Read(ctx, func(tx *store.Tx) error {
					us, _, err := tx.ListOrgs(ctx, l.Scope(), store.OrgFilter{Under: ds[rng.IntN(len(ds))]})
					rows += len(us)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)/float64(b.N), "units/op")
		})
		b.Run(engine+"/InScope", func(b *testing.B) {
			l := loaded(b, engine)
			ds, br := l.unitsOf(domain.OrgDistrict), l.unitsOf(domain.OrgBranch)
			rng := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				err := l.Store.Read(ctx, func(tx *store.Tx) error {
					_, err := tx.InScope(ctx, []int64{ds[rng.IntN(len(ds))]}, br[rng.IntN(len(br))])
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCreateActivity writes single activities through the application,
// one transaction each (they stay in the benchmark dataset: run it last).
func BenchmarkCreateActivity(b *testing.B) {
	ctx := context.Background()
	for _, engine := range benchEngines() {
		b.Run(engine, func(b *testing.B) {
			l := loaded(b, engine)
			fs, err := blob.NewFS(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			a := app.New(l.Store, fs, app.DefaultConfig(), nil)
			actor, err := a.OperatorActor(ctx)
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
			t0 := time.Now()
			for b.Loop() {
				in := domain.ActivityInput{OrgID: l.UnitIDs[rng.IntN(len(l.UnitIDs))], TypeID: l.TypeIDs[rng.IntN(len(l.TypeIDs))],
					Date: domain.NewDate(2025, 1, 1).AddDays(rng.IntN(365)), Title: "基准写入", Attendance: 1 + rng.IntN(80)}
				if _, err := a.CreateActivity(ctx, actor, in, true); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "activities/s")
		})
	}
}

// BenchmarkBulkLoad loads a small province (500 units, 50 000 activities)
// into a fresh database per iteration.
func BenchmarkBulkLoad(b *testing.B) {
	ctx := context.Background()
	cfg := Config{Units: 500, Activities: 50_000, Seed: DefaultSeed}
	for _, engine := range benchEngines() {
		b.Run(engine, func(b *testing.B) {
			t := Target{Engine: engine, Dir: b.TempDir(), PGURL: pgURL(), Tag: fmt.Sprintf("gobulk%d", os.Getpid())}
			var elapsed time.Duration
			for b.Loop() {
				l, err := Load(ctx, t, cfg)
				if err != nil {
					b.Fatal(err)
				}
				elapsed += l.Manifest.Gen.Duration
				l.Close()
			}
			b.ReportMetric(float64(cfg.Activities)*float64(b.N)/elapsed.Seconds(), "activities/s")
			if err := t.Remove(ctx, cfg); err != nil {
				b.Error(err)
			}
		})
	}
}

// --- tests: quick, no benchmark dataset ---------------------------------------------------

func TestTreeShape(t *testing.T) {
	d, err := New(Config{Units: 50_000, Seed: DefaultSeed})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Units) != 50_000 {
		t.Fatalf("%d units, want 50000", len(d.Units))
	}
	if n := len(d.ByKind[domain.OrgBureau]); n != 1 {
		t.Errorf("%d bureaus", n)
	}
	if n := len(d.ByKind[domain.OrgDistrict]); n != 100 {
		t.Errorf("%d districts, want 100", n)
	}
	if n := len(d.ByKind[domain.OrgSchool]); n < 4000 || n > 8000 {
		t.Errorf("%d schools", n)
	}
	codes := map[string]bool{}
	for i, u := range d.Units {
		if codes[u.Code] {
			t.Fatalf("duplicate code %s", u.Code)
		}
		codes[u.Code] = true
		if i == 0 {
			if u.Parent != -1 {
				t.Fatal("the first unit is not the root")
			}
			continue
		}
		if u.Parent < 0 || u.Parent >= i || !d.Units[u.Parent].Kind.CanParent(u.Kind) {
			t.Fatalf("unit %d (%s): bad parent %d", i, u.Code, u.Parent)
		}
	}
	for _, n := range []int{10, 37, 499, 2000} {
		d, err := New(Config{Units: n})
		if err != nil || len(d.Units) != n {
			t.Errorf("Units %d: got %d units, %v", n, len(d.Units), err)
		}
	}
}

func TestActivitiesStreamDeterministically(t *testing.T) {
	d, err := New(Config{Units: 400, Activities: 30_000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var t1, t2 Tally
	a := slices.Collect(d.Activities(&t1))
	b := slices.Collect(d.Activities(&t2))
	if len(a) != 30_000 || !slices.EqualFunc(a, b, func(x, y store.BulkActivity) bool {
		return x.Unit == y.Unit && x.Type == y.Type && x.Date == y.Date && x.Status == y.Status && x.Attendance == y.Attendance
	}) {
		t.Fatalf("two streams differ (%d, %d activities)", len(a), len(b))
	}
	if t1.Total() != t2.Total() || t1.Total().Count != 30_000 {
		t.Fatalf("tallies %+v, %+v", t1.Total(), t2.Total())
	}
	perUnit := make([]int, len(d.Units))
	approved := 0
	for i, x := range a {
		if x.Date.Before(FirstDay) || !x.Date.Before(EndDay) || (i > 0 && x.Date.Before(a[i-1].Date)) {
			t.Fatalf("activity %d on %s: out of range or order", i, x.Date)
		}
		perUnit[x.Unit]++
		if x.Status == domain.StatusApproved {
			approved++
		}
	}
	if approved < 27_000 {
		t.Errorf("only %d of 30000 approved", approved)
	}
	slices.Sort(perUnit)
	top := 0
	for _, n := range perUnit[len(perUnit)-len(perUnit)/10:] {
		top += n
	}
	if top < 30_000/3 {
		t.Errorf("the busiest tenth of the units hold %d of 30000 activities: not skewed", top)
	}
}

// The whole zbench pipeline at toy scale on SQLite: generate, measure, report,
// reuse.
func TestPipelineSmall(t *testing.T) {
	ctx := context.Background()
	cfg := Config{Units: 120, Activities: 4000, Seed: 3}
	target := Target{Engine: SQLite, Dir: t.TempDir()}
	l, err := Load(ctx, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan{Iterations: 5, NaiveIterations: 3, NaiveBureauIterations: 5, SubtreeIterations: 3, Writes: 15, Seed: 1}
	res, err := Measure(ctx, l, plan)
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range res.Agg {
		if a.Mismatches > 0 || a.Checked == 0 {
			t.Errorf("%s × %s: %d mismatches in %d checks", a.Level, a.Period, a.Mismatches, a.Checked)
		}
	}
	if !res.Writes.Exact || len(res.Subtree) == 0 {
		t.Errorf("writes %+v, %d subtree rows", res.Writes, len(res.Subtree))
	}
	md := (&Report{Command: "test", Config: cfg, Plan: plan, Machine: Machine(), Engines: []EngineResult{res}}).Markdown()
	for _, want := range []string{"| sqlite | bureau | year |", "rollup p50", "**Summary**", "rollups equal the recount in all 22 compared samples"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	target.Reuse = true
	l2, err := Load(ctx, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if !l2.Manifest.Gen.Reused || !slices.Equal(l2.UnitIDs, l.UnitIDs) {
		t.Errorf("the dataset was not reused (reused %v)", l2.Manifest.Gen.Reused)
	}
}

// The duty list's measurement runs on a small province: 200 duties, leader
// pages after writes, the naive recount, and its table; the records it wrote
// are gone again (the aggregates still equal the generator's tally).
func TestDutyPageSmall(t *testing.T) {
	ctx := context.Background()
	cfg := Config{Units: 120, Activities: 4000, Seed: 3}
	l, err := Load(ctx, Target{Engine: SQLite, Dir: t.TempDir()}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	before, err := RootTotal(ctx, l.Store, l.UnitIDs[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan{DutyIterations: 3, DutyNaiveIterations: 1, DutyOnly: true, Seed: 1}
	res, err := Measure(ctx, l, plan)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Duties) != 2 || res.Duties[0].Lat.N != 3 || res.Duties[0].Rows < 1 {
		t.Fatalf("duty rows %+v", res.Duties)
	}
	after, err := RootTotal(ctx, l.Store, l.UnitIDs[0], nil)
	if err != nil || after != before {
		t.Fatalf("the province's total moved from %+v to %+v (%v)", before, after, err)
	}
	md := (&Report{Command: "test", Config: cfg, Plan: plan, Machine: Machine(), Engines: []EngineResult{res}}).Markdown()
	if !strings.Contains(md, "**Duty list**") || !strings.Contains(md, "leader page after a write: 200 duties") {
		t.Errorf("report lacks the duty table:\n%s", md)
	}
}
