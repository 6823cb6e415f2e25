package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Plan says how many samples to take.
type Plan struct {
	Iterations            int // rollup samples per (level, period)
	NaiveIterations       int // naive samples per (level, period) at district and school level
	NaiveBureauIterations int // naive samples per period at bureau level (each scans the ledger)
	SubtreeIterations     int // samples per subtree query
	Writes                int // single-row writes through the application
	ReportIterations      int // work reports per scenario (0: none)
	ReportOnly            bool
	LedgerIterations      int // samples per ledger first page (level × sort); 0: no ledger measurements
	ExportIterations      int // exports of about 10⁵ rows (0: none)
	LedgerOnly            bool
	DutyIterations        int // leader pages after a write (duties.go); 0: no duty measurements
	DutyNaiveIterations   int // naive recounts of a leader page
	DutyOnly              bool
	Seed                  uint64
	Log                   func(format string, args ...any)
}

// DefaultPlan is zbench's default.
func DefaultPlan() Plan {
	return Plan{Iterations: 200, NaiveIterations: 20, NaiveBureauIterations: 5, SubtreeIterations: 200, Writes: 2000, ReportIterations: 5, LedgerIterations: 100, ExportIterations: 3, DutyIterations: 100, DutyNaiveIterations: 2, Seed: DefaultSeed}
}

// Latency summarises samples.
type Latency struct {
	P50, P99 time.Duration
	N        int
}

func summarise(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return Latency{P50: percentile(s, 0.50), P99: percentile(s, 0.99), N: len(s)}
}

// percentile is the nearest-rank percentile of sorted samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// Level is a level of the tree whose units are sampled.
type Level struct {
	Name string
	Kind domain.OrgKind
}

// Levels are the rows of the aggregate table.
var Levels = []Level{{"bureau", domain.OrgBureau}, {"district", domain.OrgDistrict}, {"school", domain.OrgSchool}}

// Period is a kind of period whose instances are sampled.
type Period struct {
	Name   string
	Sample func(*rand.Rand) domain.Range
}

// Periods are the columns of the aggregate table: a calendar year or a month
// of the ledger.
var Periods = []Period{
	{"year", func(r *rand.Rand) domain.Range {
		y := 2024 + r.IntN(2)
		return domain.Range{From: domain.NewDate(y, time.January, 1), To: domain.NewDate(y+1, time.January, 1)}
	}},
	{"month", func(r *rand.Rand) domain.Range {
		m := r.IntN(24)
		from := domain.NewDate(2024+m/12, time.Month(m%12+1), 1)
		return domain.Range{From: from, To: domain.NewDate(from.Year, from.Month+1, 1)}
	}},
}

// AggRow is one row of the aggregate table.
type AggRow struct {
	Level, Period string
	Rollup, Naive Latency
	Counted       float64 // activities counted per query, on average (naive samples)
	Checked       int     // naive samples whose figure was compared with the rollups'
	Mismatches    int
}

// Ratio is how many times faster the rollups answer (p50).
func (r AggRow) Ratio() float64 {
	if r.Rollup.P50 <= 0 {
		return 0
	}
	return float64(r.Naive.P50) / float64(r.Rollup.P50)
}

// LatRow is one row of the subtree table.
type LatRow struct {
	Name string
	Lat  Latency
	Rows float64 // rows returned per call, on average
}

// WriteReport is the single-row write throughput.
type WriteReport struct {
	N             int
	Elapsed       time.Duration
	Lat           Latency
	DeleteElapsed time.Duration
	Exact         bool // the bureau's rollups equal the generator's tally after writing and deleting again
}

// PerSecond is the write throughput.
func (w WriteReport) PerSecond() float64 { return float64(w.N) / w.Elapsed.Seconds() }

// DeletesPerSecond is the delete throughput.
func (w WriteReport) DeletesPerSecond() float64 { return float64(w.N) / w.DeleteElapsed.Seconds() }

// EngineResult is everything measured on one engine.
type EngineResult struct {
	Engine   string
	Version  string
	Settings string
	Manifest Manifest
	Agg      []AggRow
	Subtree  []LatRow
	Writes   WriteReport
	Report   []LatRow // the work report (workreport.go)
	Ledger   []LatRow // ledger pages and the export (ledger.go)
	Duties   []LatRow // the leader's duty page (duties.go)
}

// Measure runs the plan on a loaded database. It leaves the database as it
// found it: the activities it writes are deleted again.
func Measure(ctx context.Context, l *Loaded, p Plan) (EngineResult, error) {
	if p.Log == nil {
		p.Log = func(string, ...any) {}
	}
	res := EngineResult{Engine: l.Engine, Manifest: l.Manifest}
	var err error
	if res.Version, err = l.Store.EngineVersion(ctx); err != nil {
		return res, err
	}
	if p.DutyIterations > 0 && !p.ReportOnly && !p.LedgerOnly {
		if res.Duties, err = measureDuties(ctx, l, p); err != nil {
			return res, err
		}
	}
	if p.DutyOnly {
		return res, nil
	}
	if p.LedgerIterations > 0 && !p.ReportOnly {
		if res.Ledger, err = measureLedger(ctx, l, p); err != nil {
			return res, err
		}
	}
	if p.LedgerOnly {
		return res, nil
	}
	if p.ReportIterations > 0 {
		if res.Report, err = measureWorkReport(ctx, l, p); err != nil {
			return res, err
		}
	}
	if p.ReportOnly {
		return res, nil
	}
	for _, lv := range Levels {
		for _, pd := range Periods {
			row, err := measureAgg(ctx, l, p, lv, pd)
			if err != nil {
				return res, err
			}
			p.Log("%s: %s × %s: rollup p50 %s, naive p50 %s (×%.0f)", l.Engine, lv.Name, pd.Name, fmtDur(row.Rollup.P50), fmtDur(row.Naive.P50), row.Ratio())
			res.Agg = append(res.Agg, row)
		}
	}
	if res.Subtree, err = measureSubtree(ctx, l, p); err != nil {
		return res, err
	}
	p.Log("%s: subtree queries done", l.Engine)
	if p.Writes > 0 {
		if res.Writes, err = measureWrites(ctx, l, p); err != nil {
			return res, err
		}
		p.Log("%s: %d writes, %.0f/s", l.Engine, res.Writes.N, res.Writes.PerSecond())
	}
	return res, nil
}

// unitsOf returns the ids of the dataset's units of a kind.
func (l *Loaded) unitsOf(k domain.OrgKind) []int64 {
	idx := l.Data.ByKind[k]
	out := make([]int64, len(idx))
	for i, u := range idx {
		out[i] = l.UnitIDs[u]
	}
	return out
}

// Scope is the whole province.
func (l *Loaded) Scope() domain.Scope { return domain.Scope{Roots: []int64{l.UnitIDs[0]}} }

// AggregateRollup answers one figure from the rollups, as app.Aggregate
// does: one statement, outside a transaction (Store.ReadStatements).
func (l *Loaded) AggregateRollup(ctx context.Context, q store.AggQuery) (Figure, error) {
	var f Figure
	err := l.Store.ReadStatements(ctx, func(tx *store.Tx) error {
		gs, err := tx.Aggregate(ctx, l.Scope(), q, store.GroupNone)
		f = store.Total(gs)
		return err
	})
	return f, err
}

// AggregateNaive answers one figure by a GROUP BY over the raw activities.
func (l *Loaded) AggregateNaive(ctx context.Context, q store.AggQuery) (Figure, error) {
	var f Figure
	err := l.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		f, err = tx.NaiveAggregate(ctx, q)
		return err
	})
	return f, err
}

func measureAgg(ctx context.Context, l *Loaded, p Plan, lv Level, pd Period) (AggRow, error) {
	row := AggRow{Level: lv.Name, Period: pd.Name}
	units := l.unitsOf(lv.Kind)
	if len(units) == 0 {
		return row, fmt.Errorf("the dataset has no %s", lv.Name)
	}
	rng := rand.New(rand.NewPCG(p.Seed, uint64(len(lv.Name)*31+len(pd.Name))))
	sample := func() store.AggQuery {
		return store.AggQuery{OrgID: units[rng.IntN(len(units))], Range: pd.Sample(rng)}
	}
	for range 3 { // warm up
		if _, err := l.AggregateRollup(ctx, sample()); err != nil {
			return row, err
		}
	}
	var ds []time.Duration
	for range p.Iterations {
		q := sample()
		t0 := time.Now()
		if _, err := l.AggregateRollup(ctx, q); err != nil {
			return row, err
		}
		ds = append(ds, time.Since(t0))
	}
	row.Rollup = summarise(ds)

	n := p.NaiveIterations
	if lv.Kind == domain.OrgBureau {
		n = p.NaiveBureauIterations
	}
	if n <= 0 {
		return row, nil
	}
	// Warm up with a month of the level: it reads the same indexes as a
	// year without costing a whole-ledger scan at bureau level.
	warm := store.AggQuery{OrgID: units[0], Range: Periods[len(Periods)-1].Sample(rng)}
	if _, err := l.AggregateNaive(ctx, warm); err != nil {
		return row, err
	}
	ds = ds[:0]
	var counted int64
	for range n {
		q := sample()
		t0 := time.Now()
		naive, err := l.AggregateNaive(ctx, q)
		if err != nil {
			return row, err
		}
		ds = append(ds, time.Since(t0))
		rolled, err := l.AggregateRollup(ctx, q)
		if err != nil {
			return row, err
		}
		row.Checked++
		if rolled != naive {
			row.Mismatches++
			p.Log("%s: MISMATCH unit %d %v: rollups %+v, recount %+v", l.Engine, q.OrgID, q.Range, rolled, naive)
		}
		counted += naive.Count
	}
	row.Naive = summarise(ds)
	row.Counted = float64(counted) / float64(n)
	return row, nil
}

func measureSubtree(ctx context.Context, l *Loaded, p Plan) ([]LatRow, error) {
	rng := rand.New(rand.NewPCG(p.Seed, 3))
	districts, schools := l.unitsOf(domain.OrgDistrict), l.unitsOf(domain.OrgSchool)
	branches := l.unitsOf(domain.OrgBranch)
	pick := func(ids []int64) int64 { return ids[rng.IntN(len(ids))] }
	scope := l.Scope()
	blobs, err := os.MkdirTemp("", "zbench-blobs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(blobs)
	fs, err := blob.NewFS(blobs)
	if err != nil {
		return nil, err
	}
	a := app.New(l.Store, fs, app.DefaultConfig(), nil)
	actor, err := a.OperatorActor(ctx)
	if err != nil {
		return nil, err
	}

	type query struct {
		name string
		run  func() (rows int, err error)
	}
	read := func(fn func(tx *store.Tx) (int, error)) (int, error) {
		var n int
		err := l.Store.Read(ctx, func(tx *store.Tx) error {
			var err error
			n, err = fn(tx)
			return err
		})
		return n, err
	}
	queries := []query{
		{"ListOrgs: a district's whole subtree", func() (int, error) {
			return read(func(tx *store.Tx) (int, error) {
				us, _, err := tx.ListOrgs(ctx, scope, store.OrgFilter{Under: pick(districts)})
				return len(us), err
			})
		}},
		{"ListOrgs: a school's subtree", func() (int, error) {
			return read(func(tx *store.Tx) (int, error) {
				us, _, err := tx.ListOrgs(ctx, scope, store.OrgFilter{Under: pick(schools)})
				return len(us), err
			})
		}},
		{"ListOrgs: the province, first page of 50 (with total)", func() (int, error) {
			return read(func(tx *store.Tx) (int, error) {
				us, _, err := tx.ListOrgs(ctx, scope, store.OrgFilter{Limit: 50})
				return len(us), err
			})
		}},
		{"InScope: is a unit inside a district's subtree", func() (int, error) {
			return read(func(tx *store.Tx) (int, error) {
				ok, err := tx.InScope(ctx, []int64{pick(districts)}, pick(branches))
				if ok {
					return 1, err
				}
				return 0, err
			})
		}},
		{"GetOrg in the province scope", func() (int, error) {
			return read(func(tx *store.Tx) (int, error) {
				_, err := tx.GetOrg(ctx, scope, pick(branches))
				return 1, err
			})
		}},
		{"Ancestors of a branch", func() (int, error) {
			return read(func(tx *store.Tx) (int, error) {
				anc, err := tx.Ancestors(ctx, pick(branches))
				return len(anc), err
			})
		}},
		{"app.Aggregate: a district, a year, by type (the whole use case)", func() (int, error) {
			r, err := a.Aggregate(ctx, actor, app.AggRequest{OrgID: pick(districts), Period: fmt.Sprint(2024 + rng.IntN(2)), GroupBy: store.GroupType})
			return len(r.Groups), err
		}},
	}
	var out []LatRow
	for _, q := range queries {
		if _, err := q.run(); err != nil { // warm up
			return nil, fmt.Errorf("%s: %w", q.name, err)
		}
		var ds []time.Duration
		var rows int
		for range max(1, p.SubtreeIterations) {
			t0 := time.Now()
			n, err := q.run()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", q.name, err)
			}
			ds = append(ds, time.Since(t0))
			rows += n
		}
		out = append(out, LatRow{Name: q.name, Lat: summarise(ds), Rows: float64(rows) / float64(len(ds))})
	}
	// The round trips of an aggregate: the same district-year figures in a
	// read transaction (BEGIN, the statement, COMMIT) and as one statement
	// (Store.ReadStatements, what app.Aggregate and the table above use),
	// sample by sample in turn, so a loaded machine weighs on both alike.
	var inTx, one []time.Duration
	for i := range max(1, p.SubtreeIterations) * 2 {
		q := store.AggQuery{OrgID: pick(districts), Range: Periods[0].Sample(rng)}
		for j, read := range []func(context.Context, func(*store.Tx) error) error{l.Store.Read, l.Store.ReadStatements} {
			t0 := time.Now()
			if err := read(ctx, func(tx *store.Tx) error {
				_, err := tx.Aggregate(ctx, scope, q, store.GroupNone)
				return err
			}); err != nil {
				return nil, err
			}
			if d := time.Since(t0); i == 0 {
				continue // warm-up
			} else if j == 0 {
				inTx = append(inTx, d)
			} else {
				one = append(one, d)
			}
		}
	}
	out = append(out,
		LatRow{Name: "tx.Aggregate, a district's year, in a read transaction (BEGIN … COMMIT)", Lat: summarise(inTx), Rows: 1},
		LatRow{Name: "tx.Aggregate, the same, one statement (Store.ReadStatements), in turn with the row above", Lat: summarise(one), Rows: 1})
	return out, nil
}

// measureWrites creates p.Writes activities through app.CreateActivity, each
// its own transaction (validation, insert and rollups for every ancestor), on
// random units, then deletes them again the same way.
func measureWrites(ctx context.Context, l *Loaded, p Plan) (WriteReport, error) {
	w := WriteReport{N: p.Writes}
	blobs, err := os.MkdirTemp("", "zbench-blobs-")
	if err != nil {
		return w, err
	}
	defer os.RemoveAll(blobs)
	fs, err := blob.NewFS(blobs)
	if err != nil {
		return w, err
	}
	a := app.New(l.Store, fs, app.DefaultConfig(), nil)
	actor, err := a.OperatorActor(ctx)
	if err != nil {
		return w, err
	}
	rng := rand.New(rand.NewPCG(p.Seed, 4))
	ids := make([]int64, 0, p.Writes)
	var ds []time.Duration
	start := time.Now()
	for i := range p.Writes {
		ti := rng.IntN(len(l.TypeIDs))
		in := domain.ActivityInput{
			OrgID:      l.UnitIDs[rng.IntN(len(l.UnitIDs))],
			TypeID:     l.TypeIDs[ti],
			Date:       domain.NewDate(2025, time.January, 1).AddDays(rng.IntN(365)),
			Title:      fmt.Sprintf("基准写入 %d", i),
			Attendance: 1 + rng.IntN(100),
		}
		t0 := time.Now()
		act, err := a.CreateActivity(ctx, actor, in, true)
		if err != nil {
			return w, fmt.Errorf("write %d: %w", i, err)
		}
		ds = append(ds, time.Since(t0))
		ids = append(ids, act.ID)
	}
	w.Elapsed = time.Since(start)
	w.Lat = summarise(ds)
	start = time.Now()
	for _, id := range ids {
		if err := a.DeleteActivity(ctx, actor, id); err != nil {
			return w, fmt.Errorf("delete %d: %w", id, err)
		}
	}
	w.DeleteElapsed = time.Since(start)
	got, err := RootTotal(ctx, l.Store, l.Manifest.RootID, domain.Statuses)
	if err != nil {
		return w, err
	}
	w.Exact = got == l.Manifest.Total
	if !w.Exact {
		return w, fmt.Errorf("after writing and deleting %d activities the bureau's rollups say %+v, not %+v", p.Writes, got, l.Manifest.Total)
	}
	return w, nil
}
