package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// Concurrent writers and unit moves must leave every rollup exact: on
// PostgreSQL this exercises the tree lock and the ordered upserts (no lost
// update, no deadlock); on SQLite the single writer.
func TestConcurrentWritesAndMovesKeepAggregatesExact(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make(chan error, 100)
			for w := 0; w < 4; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; i < 25; i++ {
						u := f.branches[(w+i)%len(f.branches)]
						d := fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+w)
						a, err := f.app.CreateActivity(ctx, f.op, f.lecture(u.ID, d, 10+i), true)
						if err != nil {
							errs <- err
							return
						}
						if i%2 == 0 {
							if _, err := f.app.Transition(ctx, f.op, a.ID, domain.ActApprove, ""); err != nil {
								errs <- err
								return
							}
						}
					}
				}(w)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					s := f.schools[i%len(f.schools)]
					d := f.districts[i%2]
					if _, err := f.app.MoveOrg(ctx, f.op, s.ID, d.ID); err != nil {
						errs <- err
						return
					}
				}
			}()
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			year := period.Period{Kind: period.Year, Year: 2025}.Range(period.DefaultCalendar())
			units, _, _ := f.app.ListOrgs(ctx, f.op, store.OrgFilter{})
			err := f.st.Read(ctx, func(tx *store.Tx) error {
				for _, u := range units {
					for _, st := range [][]domain.Status{nil, domain.Statuses} {
						q := store.AggQuery{OrgID: u.ID, Range: year, Statuses: st}
						want, err := tx.NaiveAggregate(ctx, q)
						if err != nil {
							return err
						}
						gs, err := tx.Aggregate(ctx, f.op.Scope, q, store.GroupNone)
						if err != nil {
							return err
						}
						if got := store.Total(gs); got != want {
							t.Errorf("%s statuses %v: rollup %+v, recount %+v", u.Code, st, got, want)
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			res, _ := f.app.Aggregate(ctx, f.op, appAll(f.bureau.ID))
			if res.Count != 100 {
				t.Fatalf("bureau counts %d activities, want 100", res.Count)
			}
		})
	}
}
