package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// concurrentWriters is how many clients BenchmarkConcurrentWriters runs at once.
const concurrentWriters = 8

// BenchmarkConcurrentWriters runs 8 clients through the application layer,
// each a mix of creations, edits, status changes and deletions drawn from one
// shared pool of records, so the clients keep changing the same records and
// the same rollup rows. It reports writes per second and the share that lost
// a race (a typed conflict or not found, as a client would see), and fails on
// any other error or if any rollup differs from the recount at the end.
//
//	ZEREN_TEST_PG=postgres://… go test ./internal/app -run '^$' -bench ConcurrentWriters -benchtime 2000x
func BenchmarkConcurrentWriters(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			f := newFixture(b, e)
			ctx := context.Background()
			var mu sync.Mutex
			pool := []int64{}
			for i := 0; i < 32; i++ {
				a, err := f.app.CreateActivity(ctx, f.op, f.lecture(f.branches[i%len(f.branches)].ID, fmt.Sprintf("2025-%02d-10", 1+i%12), 20+i), true)
				if err != nil {
					b.Fatal(err)
				}
				pool = append(pool, a.ID)
			}
			pick := func(r *rand.Rand) (int64, bool) {
				mu.Lock()
				defer mu.Unlock()
				if len(pool) == 0 {
					return 0, false
				}
				return pool[r.IntN(len(pool))], true
			}
			var next, lost atomic.Int64
			var wg sync.WaitGroup
			fail := make(chan error, concurrentWriters)
			b.ResetTimer()
			start := time.Now()
			for w := 0; w < concurrentWriters; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					r := rand.New(rand.NewPCG(uint64(w), 7))
					for next.Add(1) <= int64(b.N) {
						err := concurrentOp(ctx, f, r, pick, func(id int64) {
							mu.Lock()
							pool = append(pool, id)
							mu.Unlock()
						}, func(id int64) {
							mu.Lock()
							pool = slices.DeleteFunc(pool, func(x int64) bool { return x == id })
							mu.Unlock()
						})
						switch {
						case err == nil:
						case domain.IsKind(err, domain.KindConflict), domain.IsKind(err, domain.KindNotFound):
							lost.Add(1)
						default:
							fail <- err
							return
						}
					}
				}(w)
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			close(fail)
			for err := range fail {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
			b.ReportMetric(float64(lost.Load())/float64(b.N), "lost/op")
			if n := rollupMismatches(b, f); n > 0 {
				b.Fatalf("%d rollup figures differ from the recount after %d concurrent writes", n, b.N)
			}
		})
	}
}

// concurrentOp is one client request: 30% create, 25% edit, 25% a status
// step (submit, approve or return), 20% delete, on a record of the pool.
func concurrentOp(ctx context.Context, f *fixture, r *rand.Rand, pick func(*rand.Rand) (int64, bool), add, remove func(int64)) error {
	unit := f.branches[r.IntN(len(f.branches))].ID
	day := fmt.Sprintf("2025-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))
	n := r.IntN(100)
	id, ok := pick(r)
	if n < 30 || !ok {
		a, err := f.app.CreateActivity(ctx, f.op, f.lecture(unit, day, 1+r.IntN(300)), r.IntN(2) == 0)
		if err == nil {
			add(a.ID)
		}
		return err
	}
	a, err := f.app.GetActivity(ctx, f.op, id)
	if err != nil {
		return err
	}
	switch {
	case n < 55:
		_, err = f.app.UpdateActivity(ctx, f.op, id, a.Version, f.lecture(unit, day, 1+r.IntN(300)))
	case n < 80:
		switch a.Status {
		case domain.StatusDraft, domain.StatusReturned:
			_, err = f.app.Transition(ctx, f.op, id, domain.ActSubmit, "")
		case domain.StatusSubmitted:
			if r.IntN(4) == 0 {
				_, err = f.app.Transition(ctx, f.op, id, domain.ActReturn, "请补充照片")
			} else {
				_, err = f.app.Transition(ctx, f.op, id, domain.ActApprove, "")
			}
		}
	default:
		if err = f.app.DeleteActivity(ctx, f.op, id); err == nil {
			remove(id)
		}
	}
	return err
}

// rollupMismatches counts the (unit, status) figures over 2025 whose rollup
// answer differs from the brute-force recount.
func rollupMismatches(tb testing.TB, f *fixture) int {
	tb.Helper()
	ctx := context.Background()
	year := period.Period{Kind: period.Year, Year: 2025}.Range(period.DefaultCalendar())
	units, _, err := f.app.ListOrgs(ctx, f.op, store.OrgFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	bad := 0
	err = f.st.Read(ctx, func(tx *store.Tx) error {
		for _, u := range units {
			for _, st := range domain.Statuses {
				q := store.AggQuery{OrgID: u.ID, Range: year, Statuses: []domain.Status{st}}
				want, err := tx.NaiveAggregate(ctx, q)
				if err != nil {
					return err
				}
				gs, err := tx.Aggregate(ctx, f.op.Scope, q, store.GroupNone)
				if err != nil {
					return err
				}
				if got := store.Total(gs); got != want {
					tb.Logf("%s %s: rollup %+v, recount %+v", u.Code, st, got, want)
					bad++
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return bad
}
