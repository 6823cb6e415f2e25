package store_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// An aggregate run outside a transaction (ReadStatements, what app.Aggregate
// uses for a one-statement figure) answers exactly what it answers inside a
// read transaction, scope checks included, on both engines; and a lock asked
// for there is an error, not a panic or a lock that silently ends with the
// statement.
func TestReadStatementsAnswersLikeRead(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(10, 21))
			w := newLedgerWorld(t, e, rng, 150)
			scope := domain.Scope{Roots: []int64{w.root}}
			ranges := []domain.Range{
				{From: domain.NewDate(2025, time.January, 1), To: domain.NewDate(2026, time.January, 1)},
				{From: domain.NewDate(2025, time.January, 7), To: domain.NewDate(2025, time.February, 20)},
				{From: domain.NewDate(2025, time.February, 1), To: domain.NewDate(2025, time.March, 1)},
			}
			compared := 0
			for _, u := range w.units {
				for _, r := range ranges {
					for _, by := range []store.GroupBy{store.GroupNone, store.GroupType, store.GroupChild, store.GroupMonth, store.GroupStatus} {
						q := store.AggQuery{OrgID: u, Range: r, Statuses: domain.Statuses}
						var inTx, outside []store.Group
						if err := w.st.Read(ctx, func(tx *store.Tx) error {
							var err error
							inTx, err = tx.Aggregate(ctx, scope, q, by)
							return err
						}); err != nil {
							t.Fatal(err)
						}
						if err := w.st.ReadStatements(ctx, func(tx *store.Tx) error {
							var err error
							outside, err = tx.Aggregate(ctx, scope, q, by)
							return err
						}); err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(inTx, outside) {
							t.Fatalf("unit %d %v by %q: in a transaction %v, outside %v", u, r, by, inTx, outside)
						}
						if store.Total(inTx).Count > 0 {
							compared++
						}
					}
				}
			}
			if compared == 0 {
				t.Fatal("no figure with records was compared")
			}
			// A unit outside the scope, and an empty scope, are not found.
			leaf := w.units[len(w.units)-1]
			other := w.units[1]
			for w.under(leaf, other) || w.under(other, leaf) {
				other = w.units[rng.IntN(len(w.units)-1)+1]
			}
			for _, sc := range []domain.Scope{{Roots: []int64{other}}, {}} {
				err := w.st.ReadStatements(ctx, func(tx *store.Tx) error {
					_, err := tx.Aggregate(ctx, sc, store.AggQuery{OrgID: leaf, Range: ranges[0]}, store.GroupNone)
					return err
				})
				if !domain.IsKind(err, domain.KindNotFound) {
					t.Errorf("scope %v, unit %d: want not found, got %v", sc.Roots, leaf, err)
				}
			}
			err := w.st.ReadStatements(ctx, func(tx *store.Tx) error { return tx.LockTree(ctx) })
			if err == nil {
				t.Error("LockTree outside a transaction succeeded")
			}
			// Nor can it write: a type created there would commit alone.
			err = w.st.ReadStatements(ctx, func(tx *store.Tx) error {
				_, err := tx.CreateType(ctx, domain.ActivityType{Code: "OUTSIDE", Pillar: domain.PillarTheory, Name: "类型", Active: true})
				return err
			})
			if err == nil {
				t.Error("a write outside a transaction succeeded")
			}
		})
	}
}
