package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// The ledger at province size (issue 10, part 4): the first page of the
// ledger list through the application (app.ListActivities, 50 rows, the
// total included) for the province, a random district and a random school,
// for the default sort and every other one; and an Excel export of about
// 10⁵ rows (app.ExportActivities). Each page is its own read transaction.
func measureLedger(ctx context.Context, l *Loaded, p Plan) ([]LatRow, error) {
	cfg := app.DefaultConfig()
	cfg.MaxExportRows = 200_000
	a := app.New(l.Store, nil, cfg, nil)
	op, err := a.OperatorActor(ctx)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(p.Seed, 7))
	districts, schools := l.unitsOf(domain.OrgDistrict), l.unitsOf(domain.OrgSchool)
	levels := []struct {
		name string
		unit func() int64
	}{
		{"province", func() int64 { return 0 }},
		{"district", func() int64 { return districts[rng.IntN(len(districts))] }},
		{"school", func() int64 { return schools[rng.IntN(len(schools))] }},
	}
	var out []LatRow
	for _, lv := range levels {
		for _, sort := range store.ActivitySorts() {
			name := fmt.Sprintf("ledger, %s, first page by %s", lv.name, sort)
			if sort == "date" {
				name += " (default)"
			}
			page := func() (int, error) {
				items, _, err := a.ListActivities(ctx, op, app.ActivityQuery{OrgID: lv.unit(), Sort: sort, Limit: 50})
				return len(items), err
			}
			if _, err := page(); err != nil { // warm up
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			var ds []time.Duration
			rows := 0
			for range max(1, p.LedgerIterations) {
				t0 := time.Now()
				n, err := page()
				if err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
				ds = append(ds, time.Since(t0))
				rows += n
			}
			row := LatRow{Name: name, Lat: summarise(ds), Rows: float64(rows) / float64(len(ds))}
			p.Log("%s: %s p50 %s p99 %s", l.Engine, name, fmtDur(row.Lat.P50), fmtDur(row.Lat.P99))
			out = append(out, row)
		}
	}
	if p.ExportIterations <= 0 {
		return out, nil
	}
	// An export of about 10⁵ rows: the province from 2025-01-01 over as many
	// days as hold 10⁵ activities (all of them in a smaller dataset).
	from := domain.NewDate(2025, time.January, 1)
	to := from
	for to.Before(EndDay) {
		next := to.AddDays(7)
		f, err := l.count(ctx, domain.Range{From: from, To: next})
		if err != nil {
			return nil, err
		}
		to = next
		if f.Count >= 100_000 {
			break
		}
	}
	q := app.ActivityQuery{From: from, To: to.AddDays(-1)}
	var ds []time.Duration
	rows := 0
	for range p.ExportIterations {
		t0 := time.Now()
		e, err := a.ExportActivities(ctx, op, q)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		ds = append(ds, time.Since(t0))
		rows = e.Rows
		e.Close()
	}
	row := LatRow{Name: fmt.Sprintf("export to Excel: the province, %s..%s", from, to.AddDays(-1)), Lat: summarise(ds), Rows: float64(rows)}
	p.Log("%s: %s (%d rows) p50 %s", l.Engine, row.Name, rows, fmtDur(row.Lat.P50))
	return append(out, row), nil
}

// count is the figure of every status over r for the whole province.
func (l *Loaded) count(ctx context.Context, r domain.Range) (Figure, error) {
	var f Figure
	err := l.Store.Read(ctx, func(tx *store.Tx) error {
		gs, err := tx.Aggregate(ctx, l.Scope(), store.AggQuery{OrgID: l.UnitIDs[0], Range: r, Statuses: domain.Statuses}, store.GroupNone)
		f = store.Total(gs)
		return err
	})
	return f, err
}
