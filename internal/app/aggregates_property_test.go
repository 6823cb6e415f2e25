package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// TestAggregatesMatchRecount runs random sequences of ledger writes and unit
// moves and checks that every aggregate the rollups answer equals a
// brute-force recount over the activity rows, on every engine.
func TestAggregatesMatchRecount(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			typeIDs := []int64{}
			venuesOf := map[int64][]string{} // the venues each type allows
			for _, code := range []string{"outreach_lecture", "volunteer_service", "central_group_study", "moral_education", "themed_activity"} {
				typeIDs = append(typeIDs, f.types[code].ID)
				venuesOf[f.types[code].ID] = f.types[code].Venues
			}
			// Some of the venues a type allows (none, one or several), so the
			// venue rollups see activities with several tags and without.
			drawVenues := func(rt *rapid.T, typ int64) []string {
				if len(venuesOf[typ]) == 0 {
					return nil
				}
				return rapid.SliceOfDistinct(rapid.SampledFrom(venuesOf[typ]), rapid.ID).Draw(rt, "venues")
			}
			rapid.Check(t, func(rt *rapid.T) {
				units := f.allUnits(rt)
				leafs := []domain.OrgUnit{}
				for _, u := range units {
					if u.Kind != domain.OrgBureau {
						leafs = append(leafs, u)
					}
				}
				var mine []int64 // activities created in this run
				steps := rapid.IntRange(1, 30).Draw(rt, "steps")
				for i := 0; i < steps; i++ {
					op := rapid.IntRange(0, 9).Draw(rt, "op")
					switch {
					case op <= 3 || len(mine) == 0: // create, in any status
						u := rapid.SampledFrom(leafs).Draw(rt, "unit")
						in := domain.ActivityInput{OrgID: u.ID, TypeID: rapid.SampledFrom(typeIDs).Draw(rt, "type"),
							Date: randomDate(rt), Title: "活动", Attendance: rapid.IntRange(1, 500).Draw(rt, "att")}
						in.Venues = drawVenues(rt, in.TypeID)
						a, err := f.app.CreateActivity(ctx, f.op, in, rapid.Bool().Draw(rt, "submit"))
						if err != nil {
							rt.Fatalf("create: %v", err)
						}
						mine = append(mine, a.ID)
					case op <= 5: // approve or return or resubmit
						id := rapid.SampledFrom(mine).Draw(rt, "id")
						a, err := f.app.GetActivity(ctx, f.op, id)
						if err != nil {
							rt.Fatalf("get: %v", err)
						}
						act := map[domain.Status]domain.Transition{domain.StatusDraft: domain.ActSubmit, domain.StatusReturned: domain.ActSubmit}[a.Status]
						if a.Status == domain.StatusSubmitted {
							act = rapid.SampledFrom([]domain.Transition{domain.ActApprove, domain.ActReturn}).Draw(rt, "act")
						}
						if act == "" {
							continue
						}
						if _, err := f.app.Transition(ctx, f.op, id, act, "请补充材料"); err != nil {
							rt.Fatalf("%s %d: %v", act, id, err)
						}
					case op == 6: // update unit, type, date and attendance
						id := rapid.SampledFrom(mine).Draw(rt, "id")
						a, err := f.app.GetActivity(ctx, f.op, id)
						if err != nil {
							rt.Fatalf("get: %v", err)
						}
						in := domain.ActivityInput{OrgID: rapid.SampledFrom(leafs).Draw(rt, "unit").ID, TypeID: rapid.SampledFrom(typeIDs).Draw(rt, "type"),
							Date: randomDate(rt), Title: a.Title, Attendance: rapid.IntRange(1, 500).Draw(rt, "att")}
						in.Venues = drawVenues(rt, in.TypeID)
						if _, err := f.app.UpdateActivity(ctx, f.op, id, a.Version, in); err != nil {
							rt.Fatalf("update: %v", err)
						}
					case op == 7: // delete
						idx := rapid.IntRange(0, len(mine)-1).Draw(rt, "idx")
						if err := f.app.DeleteActivity(ctx, f.op, mine[idx]); err != nil {
							rt.Fatalf("delete: %v", err)
						}
						mine = slices.Delete(mine, idx, idx+1)
					default: // move a school or a branch somewhere it may go
						u := rapid.SampledFrom(leafs).Draw(rt, "moved")
						var parents []domain.OrgUnit
						for _, p := range units {
							if p.Kind.CanParent(u.Kind) && p.ID != u.ID && p.ID != u.ParentID && p.Active {
								parents = append(parents, p)
							}
						}
						if len(parents) == 0 {
							continue
						}
						p := rapid.SampledFrom(parents).Draw(rt, "parent")
						if _, err := f.app.MoveOrg(ctx, f.op, u.ID, p.ID); err != nil && !domain.IsKind(err, domain.KindInvalid) {
							rt.Fatalf("move %s under %s: %v", u.Code, p.Code, err)
						}
						units = f.allUnits(rt)
						leafs = leafs[:0]
						for _, u := range units {
							if u.Kind != domain.OrgBureau {
								leafs = append(leafs, u)
							}
						}
					}
				}
				f.checkAggregates(rt, units, typeIDs)
			})
		})
	}
}

func (f *fixture) allUnits(t rapid.TB) []domain.OrgUnit {
	us, _, err := f.app.ListOrgs(context.Background(), f.op, store.OrgFilter{})
	if err != nil {
		t.Fatalf("list orgs: %v", err)
	}
	return us
}

func randomDate(t *rapid.T) domain.Date {
	return domain.NewDate(2024, 1, 1).AddDays(rapid.IntRange(0, 2*366).Draw(t, "day"))
}

// checkAggregates compares rollup answers with recounts for random queries.
func (f *fixture) checkAggregates(t *rapid.T, units []domain.OrgUnit, typeIDs []int64) {
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		u := rapid.SampledFrom(units).Draw(t, "agg unit")
		from := randomDate(t)
		r := domain.Range{From: from, To: from.AddDays(rapid.IntRange(1, 500).Draw(t, "len"))}
		var types []int64
		if rapid.Bool().Draw(t, "some types") {
			types = rapid.SliceOfNDistinct(rapid.SampledFrom(typeIDs), 1, len(typeIDs), rapid.ID).Draw(t, "types")
		}
		var statuses []domain.Status
		if rapid.Bool().Draw(t, "all statuses") {
			statuses = domain.Statuses
		}
		// Half the queries ask for one venue (a work report's 宣讲进课堂 …).
		var venue string
		if rapid.Bool().Draw(t, "a venue") {
			venue = rapid.SampledFrom([]string{domain.VenueOffice, domain.VenueCampus, domain.VenueClassroom, domain.VenueCommunity, domain.VenueOnline}).Draw(t, "venue")
		}
		q := store.AggQuery{OrgID: u.ID, TypeIDs: types, Range: r, Statuses: statuses, Venue: venue}
		err := f.st.Read(ctx, func(tx *store.Tx) error {
			want, err := tx.NaiveAggregate(ctx, q)
			if err != nil {
				return err
			}
			for _, by := range []store.GroupBy{store.GroupNone, store.GroupType, store.GroupMonth, store.GroupStatus} {
				gs, err := tx.Aggregate(ctx, f.op.Scope, q, by)
				if err != nil {
					return err
				}
				if got := store.Total(gs); got != want {
					t.Fatalf("%s %s..%s types %v statuses %v venue %q by %q: rollup %+v, recount %+v", u.Code, r.From, r.To, types, statuses, venue, by, got, want)
				}
			}
			// Each child's figure equals the recount of its subtree.
			gs, err := tx.Aggregate(ctx, f.op.Scope, q, store.GroupChild)
			if err != nil {
				return err
			}
			got := map[string]store.Figure{}
			for _, g := range gs {
				got[g.Key] = g.Figure
			}
			for _, c := range units {
				if c.ParentID != u.ID {
					continue
				}
				cq := q
				cq.OrgID = c.ID
				want, err := tx.NaiveAggregate(ctx, cq)
				if err != nil {
					return err
				}
				if g := got[fmt.Sprint(c.ID)]; g != want {
					t.Fatalf("child %s of %s venue %q: rollup %+v, recount %+v", c.Code, u.Code, venue, g, want)
				}
			}
			// The schools (and branches) with a matching record, from the
			// rollups and from the records.
			for _, kind := range []domain.OrgKind{domain.OrgSchool, domain.OrgBranch} {
				rf := store.RecordFilter{OrgID: u.ID, TypeIDs: types, Range: r, Statuses: statuses, Venue: venue}
				got, err := tx.UnitsWithRollup(ctx, f.op.Scope, kind, rf)
				if err != nil {
					return err
				}
				want, err := tx.UnitsWithRecords(ctx, f.op.Scope, kind, rf)
				if err != nil {
					return err
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s units with records under %s venue %q: rollup %v, records %v", kind, u.Code, venue, got, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("aggregate: %v", err)
		}
	}
}
