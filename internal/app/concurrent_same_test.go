package app_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// sameRecordRounds is how many rounds of races TestConcurrentChangesOfSameRecords
// runs per engine: a race is lost or won by scheduling, so one round proves little.
const sameRecordRounds = 30

// TestConcurrentChangesOfSameRecordsMatchRecount races requests that change
// the *same* activities and units — a double-clicked delete, an approval
// against a delete, an edit against an approval, two bulk approvals of the
// same records in opposite orders, a move of a school against the creation of
// a branch under it — and checks after every round that each unit's rollup
// (and its venue rollup) equals the brute-force recount, that each unit's closure rows are its parent
// chain, that exactly one of two deletes succeeded, and that every loser got a
// typed conflict or not-found (never a 500). On SQLite the one writer
// serialises everything; on PostgreSQL it is the row and tree locks.
func TestConcurrentChangesOfSameRecordsMatchRecount(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			year := period.Period{Kind: period.Year, Year: 2025}.Range(period.DefaultCalendar())
			school, dists := f.schools[0], f.districts
			var (
				drift, badClosure, doubleDelete, untyped int
				firstDrift, firstUntyped, firstDouble    string
			)
			for round := 0; round < sameRecordRounds; round++ {
				b := f.branches[round%len(f.branches)]
				d := fmt.Sprintf("2025-%02d-%02d", 1+round%12, 1+round%28)
				ids := make([]int64, 6)
				for i := range ids {
					a, err := f.app.CreateActivity(ctx, f.op, f.lecture(b.ID, d, 10+i), true)
					if err != nil {
						t.Fatal(err)
					}
					ids[i] = a.ID
				}
				edited, err := f.app.GetActivity(ctx, f.op, ids[3])
				if err != nil {
					t.Fatal(err)
				}
				// Another unit and date for the edit, so it moves facts between rollup rows.
				other := f.branches[(round+1)%len(f.branches)]
				editIn := f.lecture(other.ID, fmt.Sprintf("2025-%02d-15", 1+(round+5)%12), 100+round)
				editIn.Venues = []string{domain.VenueCampus, domain.VenueOffice} // and other venues
				to := dists[(round+1)%2]
				if school.ParentID == to.ID {
					to = dists[round%2]
				}
				ops := []func() error{
					func() error { return f.app.DeleteActivity(ctx, f.op, ids[0]) },
					func() error { return f.app.DeleteActivity(ctx, f.op, ids[0]) },
					func() error { _, err := f.app.Transition(ctx, f.op, ids[1], domain.ActApprove, ""); return err },
					func() error { return f.app.DeleteActivity(ctx, f.op, ids[1]) },
					func() error { _, err := f.app.Transition(ctx, f.op, ids[3], domain.ActApprove, ""); return err },
					func() error { _, err := f.app.UpdateActivity(ctx, f.op, ids[3], edited.Version, editIn); return err },
					func() error { _, err := f.app.BulkApprove(ctx, f.op, []int64{ids[4], ids[5], ids[2]}); return err },
					func() error { _, err := f.app.BulkApprove(ctx, f.op, []int64{ids[2], ids[5], ids[4]}); return err },
					func() error { _, err := f.app.MoveOrg(ctx, f.op, school.ID, to.ID); return err },
					func() error {
						_, err := f.app.CreateOrg(ctx, f.op, app.OrgInput{ParentID: school.ID, Kind: domain.OrgBranch,
							Code: fmt.Sprintf("%s-N%d", school.Code, round), Name: fmt.Sprintf("新支部%d", round)})
						return err
					},
				}
				errs := race(ops)
				for i, err := range errs {
					if err != nil && !domain.IsKind(err, domain.KindConflict) && !domain.IsKind(err, domain.KindNotFound) {
						untyped++
						if firstUntyped == "" {
							firstUntyped = fmt.Sprintf("round %d op %d: %v", round, i, err)
						}
					}
				}
				if (errs[0] == nil) == (errs[1] == nil) {
					doubleDelete++
					if firstDouble == "" {
						firstDouble = fmt.Sprintf("round %d: %v; %v", round, errs[0], errs[1])
					}
				}
				if s, err := f.app.GetOrg(ctx, f.op, school.ID); err == nil {
					school = s
				}
				units, _, err := f.app.ListOrgs(ctx, f.op, store.OrgFilter{Limit: 500})
				if err != nil {
					t.Fatal(err)
				}
				parent := map[int64]int64{}
				for _, u := range units {
					parent[u.ID] = u.ParentID
				}
				err = f.st.Read(ctx, func(tx *store.Tx) error {
					for _, u := range units {
						want := []int64{}
						for id := u.ID; id != 0; id = parent[id] {
							want = append([]int64{id}, want...)
						}
						got, err := tx.Ancestors(ctx, u.ID)
						if err != nil {
							return err
						}
						if !slices.Equal(got, want) {
							badClosure++
						}
						q := store.AggQuery{OrgID: u.ID, Range: year, Statuses: domain.Statuses}
						recount, err := tx.NaiveAggregate(ctx, q)
						if err != nil {
							return err
						}
						for _, st := range domain.Statuses {
							// Every activity, then each venue the races move.
							for _, venue := range []string{"", domain.VenueClassroom, domain.VenueCampus, domain.VenueOffice} {
								q.Statuses, q.Venue = []domain.Status{st}, venue
								r, err := tx.NaiveAggregate(ctx, q)
								if err != nil {
									return err
								}
								gs, err := tx.Aggregate(ctx, f.op.Scope, q, store.GroupNone)
								if err != nil {
									return err
								}
								if got := store.Total(gs); got != r {
									drift++
									if firstDrift == "" {
										firstDrift = fmt.Sprintf("round %d %s %s venue %q: rollup %+v, recount %+v (all statuses %+v)", round, u.Code, st, venue, got, r, recount)
									}
								}
							}
						}
						// The schools and branches with a record, from the
						// rollups (both plans: a bureau's figure of some types
						// scans the units-with index) and from the records,
						// for the units that can have such units below them.
						if u.Kind == domain.OrgBranch {
							continue
						}
						types, err := tx.ListTypes(ctx, "", false)
						if err != nil {
							return err
						}
						for _, sts := range [][]domain.Status{{domain.StatusApproved}, domain.Statuses} {
							for _, ts := range [][]int64{nil, {types[0].ID}, typeIDs(types)} {
								for _, kind := range []domain.OrgKind{domain.OrgSchool, domain.OrgBranch} {
									if kind == domain.OrgSchool && u.Kind == domain.OrgSchool {
										continue
									}
									rf := store.RecordFilter{OrgID: u.ID, TypeIDs: ts, Range: year, Statuses: sts}
									got, err := tx.UnitsWithRollup(ctx, f.op.Scope, kind, rf)
									if err != nil {
										return err
									}
									want, err := tx.UnitsWithRecords(ctx, f.op.Scope, kind, rf)
									if err != nil {
										return err
									}
									if !slices.Equal(got, want) {
										drift++
										if firstDrift == "" {
											firstDrift = fmt.Sprintf("round %d %s: %s units with %v records of types %v: rollup %v, records %v", round, u.Code, kind, sts, ts, got, want)
										}
									}
								}
							}
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if drift+badClosure+doubleDelete+untyped > 0 {
				t.Errorf("%d rounds: %d rollup figures differ from the recount (first: %s); %d closure rows differ from the parent chain; "+
					"%d rounds where both or neither of two deletes succeeded (first: %s); %d untyped errors (first: %s)",
					sameRecordRounds, drift, firstDrift, badClosure, doubleDelete, firstDouble, untyped, firstUntyped)
			}
		})
	}
}

// race runs every op at once, released together by a start barrier, and
// returns their errors in order.
func race(ops []func() error) []error {
	errs := make([]error, len(ops))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = op()
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

func typeIDs(ts []domain.ActivityType) []int64 {
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}
