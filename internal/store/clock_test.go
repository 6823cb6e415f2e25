package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// A transaction's today is the bureau's date of its instant, not the UTC
// date: a member who joined today (in Beijing) counts in the team the store
// returns, at every instant around midnight in either zone.
func TestStoreTodayIsTheBureaus(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		for _, m := range storetest.Midnights() {
			t.Run(e.Name+"/"+m.Name, func(t *testing.T) {
				ctx := context.Background()
				st := e.Open(t, func() time.Time { return m.At })
				today := mustDate(m.Today)
				if got := st.Clock().Today(); got != today {
					t.Fatalf("store clock's today = %s, want %s", got, today)
				}
				var team domain.Team
				err := st.Write(ctx, func(tx *store.Tx) error {
					if tx.Today() != today {
						t.Errorf("tx.Today() = %s, want %s", tx.Today(), today)
					}
					b, err := tx.CreateOrg(ctx, store.NewOrg{Kind: domain.OrgBureau, Code: "B", Name: "局"})
					if err != nil {
						return err
					}
					all := domain.Scope{Roots: []int64{b.ID}}
					if team, err = tx.CreateTeam(ctx, all, domain.TeamInput{OrgID: b.ID, Kind: domain.TeamOutreach, Name: "宣讲队", FoundedOn: today}, "t"); err != nil {
						return err
					}
					if _, err = tx.CreateMembers(ctx, all, team.ID, []domain.MemberInput{
						{Name: "王一", Role: domain.RoleTeamLeader, OrgID: b.ID, JoinedOn: today}}); err != nil {
						return err
					}
					team, err = tx.WritableTeam(ctx, all, team.ID)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if team.Members != 1 {
					t.Fatalf("a member who joined today (%s) is not counted: %d members", today, team.Members)
				}
			})
		}
	}
}
