package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// After random moves, the closure table must equal the one derived from the
// parent pointers, and depths must match.
func TestClosureFollowsMoves(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := e.Open(t, nil)
			rng := rand.New(rand.NewPCG(1, 2))
			var ids []int64
			kinds := map[int64]domain.OrgKind{}
			err := st.Write(ctx, func(tx *store.Tx) error {
				root, err := tx.CreateOrg(ctx, store.NewOrg{Kind: domain.OrgBureau, Code: "R", Name: "局"})
				if err != nil {
					return err
				}
				ids = append(ids, root.ID)
				kinds[root.ID] = root.Kind
				for i := 0; i < 60; i++ {
					p := ids[rng.IntN(len(ids))]
					var k domain.OrgKind
					for _, c := range []domain.OrgKind{domain.OrgDistrict, domain.OrgSchool, domain.OrgBranch} {
						if kinds[p].CanParent(c) {
							k = c
							break
						}
					}
					if k == "" {
						continue
					}
					o, err := tx.CreateOrg(ctx, store.NewOrg{ParentID: p, Kind: k, Code: fmt.Sprint("U", i), Name: "单位"})
					if err != nil {
						return err
					}
					ids = append(ids, o.ID)
					kinds[o.ID] = k
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			scope := domain.Scope{Roots: ids[:1]}
			moves := 0
			for i := 0; i < 200; i++ {
				u, p := ids[1+rng.IntN(len(ids)-1)], ids[rng.IntN(len(ids))]
				err := st.Write(ctx, func(tx *store.Tx) error {
					_, err := tx.MoveOrg(ctx, scope, u, p)
					return err
				})
				if err == nil {
					moves++
				} else if !domain.IsKind(err, domain.KindInvalid) {
					t.Fatalf("move %d under %d: %v", u, p, err)
				}
			}
			if moves < 20 {
				t.Fatalf("only %d of 200 random moves were valid; the test proves little", moves)
			}
			err = st.Read(ctx, func(tx *store.Tx) error {
				units, _, err := tx.ListOrgs(ctx, scope, store.OrgFilter{})
				if err != nil {
					return err
				}
				parent := map[int64]int64{}
				for _, u := range units {
					parent[u.ID] = u.ParentID
				}
				for _, u := range units {
					var want []int64
					for a := u.ID; a != 0; a = parent[a] {
						want = append([]int64{a}, want...)
					}
					got, err := tx.Ancestors(ctx, u.ID)
					if err != nil {
						return err
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("unit %d: closure ancestors %v, parent chain %v", u.ID, got, want)
					}
					if u.Depth != len(want)-1 {
						t.Fatalf("unit %d: depth %d, chain length %d", u.ID, u.Depth, len(want))
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
