package app_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// errCreatedEarly marks a creation that finished while the deactivation
// holding the tree lock was still open (it cannot: it needs that lock).
var errCreatedEarly = errors.New("the creation finished before the deactivation's transaction ended")

// TestCreateRacingDeactivationNeverFilesOnInactiveUnit deactivates a branch
// in a transaction that also holds the exclusive tree lock (a unit move), and
// meanwhile creates an activity on that branch: the creation must wait for the
// deactivation and then be refused (the unit is deactivated), never commit an
// activity for a unit whose deactivation committed first. Before the unit's
// row was locked in the creation's transaction, the creation read the unit as
// active, waited for the tree lock only when writing its rollups, and
// committed after the deactivation on PostgreSQL. On SQLite the one writer
// serialises the two. The pause lets the creation reach its first lock; if it
// has not by then, the round checks the plain serial order instead.
func TestCreateRacingDeactivationNeverFilesOnInactiveUnit(t *testing.T) {
	const rounds = 4
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			today := f.app.Today()
			moved := f.branches[0]
			for round := 0; round < rounds; round++ {
				sch := f.schools[1+round%2]
				b := f.mustOrg(t, app.OrgInput{ParentID: sch.ID, Kind: domain.OrgBranch, Code: fmt.Sprintf("%s-R%d", sch.Code, round), Name: fmt.Sprintf("竞态支部%d", round)})
				created := make(chan error, 1)
				err := f.st.Write(ctx, func(tx *store.Tx) error {
					to := f.schools[round%2*2]
					if to.ID == moved.ParentID {
						to = f.schools[3]
					}
					var err error
					if moved, err = tx.MoveOrg(ctx, f.op.Scope, moved.ID, to.ID); err != nil {
						return err
					}
					if _, err := tx.SetOrgActive(ctx, f.op.Scope, b.ID, false, today); err != nil {
						return err
					}
					go func() {
						_, err := f.app.CreateActivity(ctx, f.op, f.lecture(b.ID, today.String(), 10), false)
						created <- err
					}()
					select {
					case err := <-created:
						created <- err
						return errCreatedEarly
					case <-time.After(300 * time.Millisecond):
						return nil
					}
				})
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				err = <-created
				if err == nil {
					t.Fatalf("round %d: an activity was filed on %s after its deactivation committed", round, b.Name)
				}
				wantKind(t, err, domain.KindInvalid, "org_id")
			}
		})
	}
}
