package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zeren-edu/zeren/internal/catalog"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// bulkDataset is a small random tree and ledger for the bulk-load tests.
type bulkDataset struct {
	units []store.BulkUnit
	types []domain.ActivityType
	acts  []store.BulkActivity
}

func randomBulkDataset(rng *rand.Rand, nUnits, nActs int, prefix string) bulkDataset {
	var ds bulkDataset
	ds.types = catalog.Default()[:9]
	ds.units = append(ds.units, store.BulkUnit{Parent: -1, Kind: domain.OrgBureau, Code: prefix + "R", Name: "测试局"})
	for len(ds.units) < nUnits {
		p := rng.IntN(len(ds.units))
		var kind domain.OrgKind
		for _, k := range []domain.OrgKind{domain.OrgDistrict, domain.OrgSchool, domain.OrgBranch} {
			if ds.units[p].Kind.CanParent(k) && rng.IntN(3) > 0 {
				kind = k
				break
			}
		}
		if kind == "" {
			continue
		}
		i := len(ds.units)
		ds.units = append(ds.units, store.BulkUnit{Parent: p, Kind: kind, Code: fmt.Sprintf("%sU%d", prefix, i), Name: fmt.Sprintf("单位%d", i),
			Aliases: []string{fmt.Sprintf("别名%d", i)}, ActiveFrom: domain.NewDate(2023, 9, 1)})
	}
	start := domain.NewDate(2024, 1, 1)
	for i := 0; i < nActs; i++ {
		ti := rng.IntN(len(ds.types))
		t := ds.types[ti]
		a := store.BulkActivity{
			Unit:       rng.IntN(len(ds.units)),
			Type:       ti,
			Date:       start.AddDays(rng.IntN(731)),
			Title:      fmt.Sprintf("%s %d", t.Name, i),
			Attendance: rng.IntN(200),
			Status:     domain.Statuses[rng.IntN(len(domain.Statuses))],
		}
		if len(t.Venues) > 0 && rng.IntN(2) == 0 {
			a.Venues = []string{t.Venues[rng.IntN(len(t.Venues))]}
		}
		if t.TracksPublication {
			a.Publication = domain.PublicationAccepted
		}
		ds.acts = append(ds.acts, a)
	}
	return ds
}

// loadTransactionally builds the same database through the ordinary store
// methods, one activity at a time, as the application would.
func loadTransactionally(t *testing.T, st *store.Store, ds bulkDataset) {
	t.Helper()
	ctx := context.Background()
	err := st.Write(ctx, func(tx *store.Tx) error {
		typeIDs := make([]int64, len(ds.types))
		for i, ty := range ds.types {
			nt, err := tx.CreateType(ctx, ty)
			if err != nil {
				return err
			}
			typeIDs[i] = nt.ID
		}
		ids := make([]int64, len(ds.units))
		for i, u := range ds.units {
			var parent int64
			if u.Parent >= 0 {
				parent = ids[u.Parent]
			}
			o, err := tx.CreateOrg(ctx, store.NewOrg{ParentID: parent, Kind: u.Kind, Code: u.Code, Name: u.Name, Aliases: u.Aliases, ActiveFrom: u.ActiveFrom})
			if err != nil {
				return err
			}
			ids[i] = o.ID
		}
		scope := domain.Scope{Roots: ids[:1]}
		for _, a := range ds.acts {
			in := domain.ActivityInput{OrgID: ids[a.Unit], TypeID: typeIDs[a.Type], Date: a.Date, Title: a.Title,
				Attendance: a.Attendance, Venues: a.Venues, Publication: a.Publication}
			if _, err := tx.CreateActivity(ctx, scope, in, a.Status, "bulk"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func rollupRows(t *testing.T, st *store.Store) []store.RollupRow {
	t.Helper()
	var rows []store.RollupRow
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		rows, err = tx.RollupRows(context.Background())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

var bulkRanges = []domain.Range{
	{From: domain.NewDate(2024, 1, 1), To: domain.NewDate(2025, 1, 1)},   // a year
	{From: domain.NewDate(2025, 1, 1), To: domain.NewDate(2026, 1, 1)},   // the other year
	{From: domain.NewDate(2024, 7, 1), To: domain.NewDate(2024, 8, 1)},   // a month
	{From: domain.NewDate(2024, 3, 15), To: domain.NewDate(2024, 5, 3)},  // days, months, days
	{From: domain.NewDate(2024, 9, 1), To: domain.NewDate(2025, 2, 17)},  // a semester across the new year
	{From: domain.NewDate(2025, 2, 10), To: domain.NewDate(2025, 2, 11)}, // one day
}

// checkAggregates compares the rollup answer with the recount for every unit,
// every range above, approved only and all statuses.
func checkAggregates(t *testing.T, st *store.Store, units []int64, typeIDs []int64) {
	t.Helper()
	ctx := context.Background()
	scope := domain.Scope{Roots: units[:1]}
	err := st.Read(ctx, func(tx *store.Tx) error {
		for _, u := range units {
			for _, r := range bulkRanges {
				for _, q := range []store.AggQuery{
					{OrgID: u, Range: r},
					{OrgID: u, Range: r, Statuses: domain.Statuses},
					{OrgID: u, Range: r, Statuses: domain.Statuses, TypeIDs: typeIDs[:3]},
				} {
					gs, err := tx.Aggregate(ctx, scope, q, store.GroupNone)
					if err != nil {
						return err
					}
					want, err := tx.NaiveAggregate(ctx, q)
					if err != nil {
						return err
					}
					if got := store.Total(gs); got != want {
						t.Errorf("unit %d, %v, statuses %v, types %v: rollups say %+v, a recount says %+v", u, r, q.Statuses, q.TypeIDs, got, want)
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

// The bulk path must build exactly the rollups the transactional path builds,
// and the transactional path must keep them exact afterwards.
func TestBulkLoadRollupsEqualTransactional(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			ds := randomBulkDataset(rand.New(rand.NewPCG(20, 24)), 40, 2500, "")

			bulk := e.Open(t, nil)
			var progress []string
			res, err := bulk.BulkLoad(ctx, ds.units, ds.types, slices.Values(ds.acts), store.BulkOptions{
				Batch:    700, // several transactions and a short last statement on SQLite
				Progress: func(phase string, _ int64) { progress = append(progress, phase) },
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Activities != int64(len(ds.acts)) || len(res.UnitIDs) != len(ds.units) || len(res.TypeIDs) != len(ds.types) {
				t.Fatalf("result %+v: want %d activities, %d units, %d types", res, len(ds.acts), len(ds.units), len(ds.types))
			}
			if res.RollupRows == 0 || res.ClosureRows < int64(len(ds.units)) || !slices.Contains(progress, "rollups: months") {
				t.Fatalf("result %+v, progress %v", res, progress)
			}

			ref := e.Open(t, nil)
			loadTransactionally(t, ref, ds)
			got, want := rollupRows(t, bulk), rollupRows(t, ref)
			if int64(len(got)) != res.RollupRows {
				t.Errorf("BulkLoad reports %d rollup rows, the table holds %d", res.RollupRows, len(got))
			}
			if !slices.Equal(got, want) {
				t.Fatalf("bulk rollups differ from transactional ones: %d rows vs %d", len(got), len(want))
			}
			checkAggregates(t, bulk, res.UnitIDs, res.TypeIDs)

			// The ordinary write path on the loaded database: new units get
			// fresh ids (the PostgreSQL identity moved past the bulk ids), and
			// new activities keep the rollups exact on both databases alike.
			rng := rand.New(rand.NewPCG(3, 4))
			scope := domain.Scope{Roots: res.UnitIDs[:1]}
			units := slices.Clone(res.UnitIDs)
			for _, st := range []*store.Store{bulk, ref} {
				err := st.Write(ctx, func(tx *store.Tx) error {
					o, err := tx.CreateOrg(ctx, store.NewOrg{ParentID: res.UnitIDs[0], Kind: domain.OrgBranch, Code: "NEW", Name: "新支部"})
					if err != nil {
						return err
					}
					if st == bulk {
						units = append(units, o.ID)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < 60; i++ {
				in := domain.ActivityInput{OrgID: units[rng.IntN(len(units))], TypeID: res.TypeIDs[rng.IntN(len(res.TypeIDs))],
					Date: domain.NewDate(2024, 1, 1).AddDays(rng.IntN(731)), Title: "后续活动", Attendance: rng.IntN(50)}
				status := domain.Statuses[rng.IntN(len(domain.Statuses))]
				for _, st := range []*store.Store{bulk, ref} {
					if err := st.Write(ctx, func(tx *store.Tx) error {
						_, err := tx.CreateActivity(ctx, scope, in, status, "t")
						return err
					}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if !slices.Equal(rollupRows(t, bulk), rollupRows(t, ref)) {
				t.Fatal("after ordinary writes the bulk-loaded rollups differ from the transactional ones")
			}
			checkAggregates(t, bulk, units, res.TypeIDs)

			// A second bulk load onto the non-empty database adds a tree and
			// rebuilds the rollups over old and new activities alike.
			more := randomBulkDataset(rand.New(rand.NewPCG(5, 6)), 12, 400, "B")
			res2, err := bulk.BulkLoad(ctx, more.units, more.types, slices.Values(more.acts), store.BulkOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res2.TypeIDs, res.TypeIDs[:len(more.types)]) {
				t.Errorf("types were not matched by code: %v vs %v", res2.TypeIDs, res.TypeIDs)
			}
			if res2.UnitIDs[0] <= units[len(units)-1] {
				t.Errorf("second load's ids %v overlap the first's (last %d)", res2.UnitIDs[:1], units[len(units)-1])
			}
			checkAggregates(t, bulk, units, res.TypeIDs)
			checkAggregates(t, bulk, res2.UnitIDs, res.TypeIDs)
		})
	}
}

// A load that fails part-way leaves the database as it was: no units, no
// activities without rollups, indexes in place.
func TestBulkLoadFailureLeavesNothing(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := e.Open(t, nil)
			ds := randomBulkDataset(rand.New(rand.NewPCG(8, 9)), 10, 1000, "")
			ds.acts[900].Unit = 99 // not a unit
			_, err := st.BulkLoad(ctx, ds.units, ds.types, slices.Values(ds.acts), store.BulkOptions{Batch: 300})
			if !domain.IsKind(err, domain.KindInvalid) {
				t.Fatalf("want an invalid-input error, got %v", err)
			}
			bad := slices.Clone(ds.units)
			bad[3].Parent = 5
			if _, err := st.BulkLoad(ctx, bad, ds.types, slices.Values(ds.acts[:10]), store.BulkOptions{}); !domain.IsKind(err, domain.KindInvalid) {
				t.Fatalf("a parent after its child: want an invalid-input error, got %v", err)
			}
			err = st.Read(ctx, func(tx *store.Tx) error {
				roots, err := tx.RootIDs(ctx)
				if err != nil {
					return err
				}
				if len(roots) != 0 {
					t.Errorf("units left behind: roots %v", roots)
				}
				rows, err := tx.RollupRows(ctx)
				if len(rows) != 0 {
					t.Errorf("%d rollup rows left behind", len(rows))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// The database still takes a full load (indexes restored, nothing half-done).
			ds.acts[900].Unit = 1
			res, err := st.BulkLoad(ctx, ds.units, ds.types, slices.Values(ds.acts), store.BulkOptions{Batch: 300})
			if err != nil {
				t.Fatal(err)
			}
			checkAggregates(t, st, res.UnitIDs, res.TypeIDs)
			// The failed load's units were taken back, but their ids are
			// not handed out again (ids are never reused).
			if first := res.UnitIDs[0]; first <= int64(len(ds.units)) {
				t.Errorf("the second load's first unit got id %d, an id the failed load of %d units had used", first, len(ds.units))
			}
		})
	}
}
