package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// The work report (issue 5) on the generated province: the default
// template's figures for the whole province and for districts, as a preview
// (the rollups, plus a scoped query for each venue and units figure), as the
// .docx a download writes, and as a stored snapshot (every figure's record
// ids fetched and the records' state copied). Issue 5 asks for a county in at
// most 1 s and a province in at most 5 s.
func measureWorkReport(ctx context.Context, l *Loaded, p Plan) ([]LatRow, error) {
	a := app.New(l.Store, nil, app.DefaultConfig(), nil)
	op, err := a.OperatorActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.EnsureDefaultReportTemplate(ctx); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(p.Seed, 5))
	root := l.UnitIDs[0]
	districts := l.unitsOf(domain.OrgDistrict)
	n := max(1, p.ReportIterations)
	var out []LatRow
	run := func(name string, unit func() int64, f func(org int64) (int, error)) error {
		var ds []time.Duration
		figs := 0
		for range n {
			org := unit()
			start := time.Now()
			k, err := f(org)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			ds = append(ds, time.Since(start))
			figs = k
		}
		row := LatRow{Name: name, Lat: summarise(ds), Rows: float64(figs)}
		p.Log("%s: report: %s p50 %s", l.Engine, name, fmtDur(row.Lat.P50))
		out = append(out, row)
		return nil
	}
	province := func() int64 { return root }
	district := func() int64 { return districts[rng.IntN(len(districts))] }
	preview := func(org int64) (int, error) {
		d, err := a.PreviewReport(ctx, op, app.ReportRequest{OrgID: org, Period: "2025"})
		return len(d.Figures), err
	}
	docx := func(org int64) (int, error) {
		_, d, err := a.ExportReport(ctx, op, app.ReportRequest{OrgID: org, Period: "2025"}, app.FormatDOCX)
		return len(d.Figures), err
	}
	var stored []int64
	generate := func(org int64) (int, error) {
		v, err := a.GenerateReport(ctx, op, app.ReportRequest{OrgID: org, Period: "2025"})
		stored = append(stored, v.ID)
		return len(v.Figures), err
	}
	for _, s := range []struct {
		name string
		unit func() int64
		f    func(int64) (int, error)
	}{
		{"province, 2025: preview (default template)", province, preview},
		{"province, 2025: .docx (preview + document)", province, docx},
		{"district, 2025: preview", district, preview},
		{"district, 2025: .docx", district, docx},
		{"district, 2025: stored snapshot (record ids, records' state)", district, generate},
	} {
		if err := run(s.name, s.unit, s.f); err != nil {
			return out, err
		}
	}
	i := 0
	err = run("district report: read with staleness (one join)", district, func(int64) (int, error) {
		v, err := a.GetReport(ctx, op, stored[i%len(stored)], false)
		i++
		return len(v.Figures), err
	})
	return out, err
}
