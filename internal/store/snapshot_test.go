package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// Store.Read promises one snapshot: a write committed while a Read runs must
// not show in the Read's later statements (a list's total against its rows,
// an export's second page against its first). On PostgreSQL's default READ
// COMMITTED every statement would see a new moment.
func TestReadIsOneSnapshot(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := e.Open(t, nil)
			var root domain.OrgUnit
			if err := st.Write(ctx, func(tx *store.Tx) error {
				var err error
				root, err = tx.CreateOrg(ctx, store.NewOrg{Kind: domain.OrgBureau, Code: "R", Name: "局"})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			scope := domain.Scope{Roots: []int64{root.ID}}
			count := func(tx *store.Tx) int {
				_, n, err := tx.ListOrgs(ctx, scope, store.OrgFilter{})
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			for i := 0; i < 3; i++ {
				err := st.Read(ctx, func(tx *store.Tx) error {
					before := count(tx)
					// Another request commits a new unit meanwhile.
					if err := st.Write(ctx, func(w *store.Tx) error {
						_, err := w.CreateOrg(ctx, store.NewOrg{ParentID: root.ID, Kind: domain.OrgDistrict, Code: fmt.Sprintf("D%d", i), Name: fmt.Sprintf("学区%d", i)})
						return err
					}); err != nil {
						return err
					}
					if after := count(tx); after != before {
						t.Errorf("round %d: one Read saw %d units, then %d", i, before, after)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			// And a Read refuses to write, on both engines.
			err := st.Read(ctx, func(tx *store.Tx) error {
				_, err := tx.CreateOrg(ctx, store.NewOrg{ParentID: root.ID, Kind: domain.OrgDistrict, Code: "X", Name: "学区X"})
				return err
			})
			if err == nil {
				t.Fatal("a write inside Read succeeded")
			}
		})
	}
}
