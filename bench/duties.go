package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/duty"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store"
)

// The duty list (issue 13) on the generated province: 200 duties of 2025 set
// at the root for the whole province (every grain; half counting named
// types, half a whole pillar), and the leader page (分片包抓) — the progress
// of every duty for each covered unit, worst first — read right after a
// write (an approved record in a covered subtree, so the page must show it:
// the rollups are fresh at commit), beside a naive recount of every window of
// every duty from the activity rows in the same run. Issue 13 asks for a p99
// of at most 50 ms per leader page at 10⁷ activities.

// dutyCount is the size of the benchmark's plan.
const dutyCount = 200

// naiveDuties is the sample of duties the naive recount counts.
const naiveDuties = 10

// dutyYear is the plan year: the generated ledger covers 2024–2025.
const dutyYear = 2025

func measureDuties(ctx context.Context, l *Loaded, p Plan) (_ []LatRow, err error) {
	a := app.New(l.Store, nil, app.DefaultConfig(), nil)
	op, err := a.OperatorActor(ctx)
	if err != nil {
		return nil, err
	}
	root := l.UnitIDs[0]
	types, err := a.ListTypes(ctx, "", false)
	if err != nil {
		return nil, err
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("duties: the dataset has no activity types")
	}
	byPillar := map[string][]int64{}
	for _, t := range types {
		byPillar[string(t.Pillar)] = append(byPillar[string(t.Pillar)], t.ID)
	}
	// The plan: reuse one made by an earlier run on this dataset (-reuse).
	duties, err := a.ListDuties(ctx, op, dutyYear, "")
	if err != nil {
		return nil, err
	}
	grains := []domain.DutyGrain{domain.GrainMonth, domain.GrainQuarter, domain.GrainSemester, domain.GrainYear}
	for i := len(duties); i < dutyCount; i++ {
		t := types[i%len(types)]
		in := domain.DutyInput{Year: dutyYear, Title: fmt.Sprintf("基准任务%03d", i), Pillar: string(t.Pillar), OwnerOrgID: root,
			Applies: domain.Applies{Kind: domain.AppliesSubtree, Root: root},
			Target:  domain.Target{Measure: domain.MeasureCount, Grain: grains[i%len(grains)], AtLeast: int64(1 + i%5)}}
		if i%2 == 0 {
			in.Target.TypeIDs = []int64{t.ID}
		}
		d, err := a.CreateDuty(ctx, op, in)
		if err != nil {
			return nil, fmt.Errorf("duties: creating duty %d: %w", i, err)
		}
		duties = append(duties, d)
	}
	rng := rand.New(rand.NewPCG(p.Seed, 13))
	districts := l.unitsOf(domain.OrgDistrict)
	schools := l.unitsOf(domain.OrgSchool)
	// A leader covering three districts; the page's rows are their subtrees.
	leaderOf := func() domain.Actor {
		cov := make([]int64, 0, 3)
		for len(cov) < min(3, len(districts)) {
			d := districts[rng.IntN(len(districts))]
			if !contains(cov, d) {
				cov = append(cov, d)
			}
		}
		return domain.Actor{Name: "bench-leader", Scope: domain.Scope{Covered: cov}, Permissions: []domain.Permission{domain.PermActivityRead}}
	}
	// A write first: an approved record in a school under a covered district
	// (deleted again at the end, so the dataset's tally stays the
	// generator's for the measurements that follow).
	var written []int64
	defer func() {
		for _, id := range written {
			if derr := a.DeleteActivity(context.WithoutCancel(ctx), op, id); derr != nil && err == nil {
				err = fmt.Errorf("duties: deleting the benchmark's record %d: %w", id, derr)
			}
		}
	}()
	write := func(ac domain.Actor, i int) error {
		org := schools[rng.IntN(len(schools))]
		under, err := l.underAny(ctx, org, ac.Scope.Covered)
		if err != nil {
			return err
		}
		if !under {
			org = ac.Scope.Covered[0]
		}
		in := domain.ActivityInput{OrgID: org, TypeID: types[i%len(types)].ID, Date: domain.NewDate(dutyYear, time.Month(1+i%12), 1+i%28),
			Title: fmt.Sprintf("基准活动%d", i), Attendance: 10}
		act, err := a.CreateActivity(ctx, op, in, true)
		if err != nil {
			return err
		}
		written = append(written, act.ID)
		_, err = a.Transition(ctx, op, act.ID, domain.ActApprove, "")
		return err
	}
	n := max(1, p.DutyIterations)
	var out []LatRow
	var ds []time.Duration
	rows := 0
	for i := range n {
		ac := leaderOf()
		if err := write(ac, i); err != nil {
			return out, fmt.Errorf("duties: write: %w", err)
		}
		start := time.Now()
		pg, err := a.LeaderDutyPage(ctx, ac, dutyYear)
		if err != nil {
			return out, fmt.Errorf("duties: leader page: %w", err)
		}
		ds = append(ds, time.Since(start))
		rows = len(pg.Rows)
		if len(pg.Rows) > 0 && pg.Rows[0].Duties != len(duties) {
			return out, fmt.Errorf("duties: the page counts %d duties, want %d", pg.Rows[0].Duties, len(duties))
		}
	}
	row := LatRow{Name: fmt.Sprintf("leader page after a write: %d duties × 3 covered districts (rollups)", len(duties)), Lat: summarise(ds), Rows: float64(rows)}
	p.Log("%s: duties: %s p50 %s p99 %s", l.Engine, row.Name, fmtDur(row.Lat.P50), fmtDur(row.Lat.P99))
	out = append(out, row)

	// The naive recount: every window of a sample of the duties for one
	// covered district, counted from the activity rows. A whole page (every
	// duty, three districts) this way took more than 14 minutes at 10⁶
	// activities, so the sample is timed and the page is that many times it.
	ds = ds[:0]
	windows := 0
	sample := duties[:min(naiveDuties, len(duties))]
	for range max(1, p.DutyNaiveIterations) {
		ac := leaderOf()
		start := time.Now()
		windows = 0
		err := l.Store.Read(ctx, func(tx *store.Tx) error {
			for _, u := range ac.Scope.Covered[:1] {
				for _, d := range sample {
					ws, err := duty.Windows(d.Target.Grain, d.From, d.To, period.DefaultCalendar())
					if err != nil {
						return err
					}
					ids := d.Target.TypeIDs
					if len(ids) == 0 {
						ids = byPillar[d.Target.Pillar]
					}
					for _, w := range ws {
						windows++
						if _, err := tx.NaiveAggregate(ctx, store.AggQuery{OrgID: u, TypeIDs: ids, Range: w.Range}); err != nil {
							return err
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			return out, fmt.Errorf("duties: naive recount: %w", err)
		}
		ds = append(ds, time.Since(start))
	}
	times := len(duties) * len(leaderOf().Scope.Covered) / len(sample)
	row = LatRow{Name: fmt.Sprintf("naive recount of %d duties × 1 district (%d windows from the activity rows; the page is %d× this)", len(sample), windows, times),
		Lat: summarise(ds), Rows: float64(rows)}
	p.Log("%s: duties: %s p50 %s", l.Engine, row.Name, fmtDur(row.Lat.P50))
	return append(out, row), nil
}

func contains(xs []int64, x int64) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// underAny reports whether org lies in the subtree of one of roots.
func (l *Loaded) underAny(ctx context.Context, org int64, roots []int64) (bool, error) {
	var ok bool
	err := l.Store.Read(ctx, func(tx *store.Tx) error {
		var err error
		ok, err = tx.InScope(ctx, roots, org)
		return err
	})
	return ok, err
}
