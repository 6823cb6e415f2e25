package store_test

import (
	"context"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

func mustDate(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Teams are scoped by their unit, members by their team; the member's unit
// must lie in the team's subtree; figures count at a day.
func TestRosterScopeAndCounts(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := e.Open(t, storetest.Clock("2026-11-29"))
			var bureau, s1, s2 domain.OrgUnit
			err := st.Write(ctx, func(tx *store.Tx) (err error) {
				if bureau, err = tx.CreateOrg(ctx, store.NewOrg{Kind: domain.OrgBureau, Code: "B", Name: "局"}); err != nil {
					return err
				}
				if s1, err = tx.CreateOrg(ctx, store.NewOrg{ParentID: bureau.ID, Kind: domain.OrgSchool, Code: "S1", Name: "一中"}); err != nil {
					return err
				}
				s2, err = tx.CreateOrg(ctx, store.NewOrg{ParentID: bureau.ID, Kind: domain.OrgSchool, Code: "S2", Name: "二中"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			all := domain.Scope{Roots: []int64{bureau.ID}}
			only1 := domain.Scope{Roots: []int64{s1.ID}}
			var team domain.Team
			err = st.Write(ctx, func(tx *store.Tx) (err error) {
				team, err = tx.CreateTeam(ctx, only1, domain.TeamInput{OrgID: s1.ID, Kind: domain.TeamOutreach, Name: "宣讲队", FoundedOn: mustDate("2026-03-01")}, "t")
				if err != nil {
					return err
				}
				ins := []domain.MemberInput{
					{Name: "王一", Role: domain.RoleTeamLeader, OrgID: s1.ID, JoinedOn: mustDate("2026-03-01")},
					{Name: "李二", Role: domain.RoleTeamMember, OrgID: s1.ID, JoinedOn: mustDate("2026-03-01"), LeftOn: mustDate("2026-07-01")},
					{Name: "张三", Role: domain.RoleTeamMember, OrgID: s1.ID, JoinedOn: mustDate("2026-09-01")},
				}
				_, err = tx.CreateMembers(ctx, only1, team.ID, ins)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// Another school's admin: cannot create a team in school 1, add a member
			// to its team, or use school 2 as a member's unit.
			only2 := domain.Scope{Roots: []int64{s2.ID}}
			err = st.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.CreateTeam(ctx, only2, domain.TeamInput{OrgID: s1.ID, Kind: domain.TeamMonitor, Name: "x", FoundedOn: mustDate("2026-01-01")}, "t")
				return err
			})
			if !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("foreign team create: %v", err)
			}
			err = st.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.CreateMember(ctx, only2, team.ID, domain.MemberInput{Name: "赵四", Role: domain.RoleTeamMember, OrgID: s2.ID, JoinedOn: mustDate("2026-01-01")})
				return err
			})
			if !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("foreign member create: %v", err)
			}
			err = st.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.CreateMember(ctx, all, team.ID, domain.MemberInput{Name: "赵四", Role: domain.RoleTeamMember, OrgID: s2.ID, JoinedOn: mustDate("2026-01-01")})
				return err
			})
			if e, ok := err.(*domain.Error); !ok || e.Kind != domain.KindNotFound || e.Field != "org_id" {
				t.Fatalf("member unit outside the team's subtree: %v", err)
			}
			// Duplicate current membership.
			err = st.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.CreateMember(ctx, only1, team.ID, domain.MemberInput{Name: "王一", Role: domain.RoleTeamMember, OrgID: s1.ID, JoinedOn: mustDate("2026-05-01")})
				return err
			})
			if e, ok := err.(*domain.Error); !ok || e.Kind != domain.KindConflict || e.Field != "name" {
				t.Fatalf("duplicate member: %v", err)
			}
			err = st.Read(ctx, func(tx *store.Tx) error {
				teams, n, err := tx.ListTeams(ctx, only2, store.TeamFilter{At: mustDate("2026-11-29")})
				if err != nil || n != 0 || len(teams) != 0 {
					t.Errorf("school 2 sees %d teams (%v)", n, err)
				}
				teams, n, err = tx.ListTeams(ctx, domain.Scope{}, store.TeamFilter{At: mustDate("2026-11-29")})
				if err != nil || n != 0 || len(teams) != 0 {
					t.Errorf("empty scope sees %d teams (%v)", n, err)
				}
				teams, n, err = tx.ListTeams(ctx, all, store.TeamFilter{At: mustDate("2026-11-29")})
				if err != nil || n != 1 || teams[0].Members != 2 || teams[0].OrgName != "一中" {
					t.Errorf("bureau list: %d %+v %v", n, teams, err)
				}
				if _, err := tx.ListMembers(ctx, only2, team.ID, false, mustDate("2026-11-29")); !domain.IsKind(err, domain.KindNotFound) {
					t.Errorf("school 2 lists school 1's members: %v", err)
				}
				for _, c := range []struct {
					at            string
					teams, member int
					role          domain.MemberRole
				}{
					{"2026-02-28", 0, 0, ""}, // before the team was founded
					{"2026-03-01", 1, 2, ""},
					{"2026-06-30", 1, 2, ""},
					{"2026-07-01", 1, 1, ""}, // 李二 left that day
					{"2026-09-01", 1, 2, ""},
					{"2026-09-01", 1, 1, domain.RoleTeamLeader},
				} {
					ts, ms, err := tx.CountRoster(ctx, all, store.RosterFilter{OrgID: bureau.ID, Kind: domain.TeamOutreach, Role: c.role, At: mustDate(c.at)})
					if err != nil || len(ts) != c.teams || len(ms) != c.member {
						t.Errorf("at %s role %q: %d teams %d members, want %d %d (%v)", c.at, c.role, len(ts), len(ms), c.teams, c.member, err)
					}
				}
				ts, ms, err := tx.CountRoster(ctx, only2, store.RosterFilter{OrgID: s1.ID, At: mustDate("2026-11-29")})
				if err != nil || len(ts)+len(ms) != 0 {
					t.Errorf("school 2 counts school 1's roster: %v %v %v", ts, ms, err)
				}
				ts, _, err = tx.CountRoster(ctx, all, store.RosterFilter{Kind: domain.TeamMonitor, At: mustDate("2026-11-29")})
				if err != nil || len(ts) != 0 {
					t.Errorf("monitor teams: %v %v", ts, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// Dissolving ends the team's count on that day, not before.
			err = st.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.SetTeamActive(ctx, only1, team.ID, false, mustDate("2026-10-01"))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			_ = st.Read(ctx, func(tx *store.Tx) error {
				for at, want := range map[string]int{"2026-09-30": 1, "2026-10-01": 0} {
					ts, ms, err := tx.CountRoster(ctx, all, store.RosterFilter{At: mustDate(at)})
					if err != nil || len(ts) != want || (want == 0 && len(ms) != 0) {
						t.Errorf("after dissolving, at %s: %v %v %v", at, ts, ms, err)
					}
				}
				return nil
			})
		})
	}
}
