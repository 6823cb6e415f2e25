package demo

import (
	"context"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// rosterKey is what must repeat with the seed: every team and member.
type rosterKey struct {
	Team, Kind, Org string
	Members         []domain.Member
}

func allRosters(t *testing.T, b *built) []rosterKey {
	t.Helper()
	ctx := context.Background()
	teams, _, err := b.app.ListTeams(ctx, b.ac, app.TeamQuery{Limit: app.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	var out []rosterKey
	for _, tm := range teams {
		ms, err := b.app.ListMembers(ctx, b.ac, tm.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ms {
			ms[i].ID, ms[i].TeamID, ms[i].OrgID = 0, 0, 0
			ms[i].CreatedAt, ms[i].UpdatedAt = ms[i].CreatedAt.UTC().Truncate(24*60*60*1e9), ms[i].UpdatedAt.UTC().Truncate(24*60*60*1e9)
		}
		out = append(out, rosterKey{tm.Name, string(tm.Kind), tm.OrgName, ms})
	}
	return out
}

// The demo's rosters give the source report's figures — 宣传队20余支、近百人,
// 网络舆情安全监督员60余名 — on 2024-12-31, the day the source's year ends,
// and still on the demo's today; the teams stand from the first quarter of
// 2024 (a 2024 report never counts zero teams).
func TestRostersMatchTheSource(t *testing.T) {
	t.Parallel()
	b := demo(t, "seed1", 1)
	ctx := context.Background()
	yearEnd := domain.NewDate(2024, time.December, 31)
	for _, at := range []domain.Date{yearEnd, domain.NewDate(2025, time.December, 31), testToday} {
		for _, c := range []struct {
			kind          string
			teams, member int64
		}{
			{"outreach", demoOutreachTeams, demoOutreachMembers},
			{"monitor", -1, demoMonitors},
		} {
			got, err := b.app.RosterCounts(ctx, b.ac, app.RosterQuery{OrgID: b.sum.BureauID, Kind: c.kind, At: at})
			if err != nil {
				t.Fatal(err)
			}
			if (c.teams >= 0 && got.Teams != c.teams) || got.Members != c.member {
				t.Errorf("%s on %s: %d teams, %d members; want %d, %d", c.kind, at, got.Teams, got.Members, c.teams, c.member)
			}
		}
	}
	// On 2024-04-01 every team stands; those who left later in 2024 still count.
	spring, err := b.app.RosterCounts(ctx, b.ac, app.RosterQuery{OrgID: b.sum.BureauID, Kind: "outreach", At: domain.NewDate(2024, time.April, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if spring.Teams != demoOutreachTeams {
		t.Errorf("on 2024-04-01, %d outreach teams stand; want all %d", spring.Teams, demoOutreachTeams)
	}
	// Before the roster year nothing stands.
	before, err := b.app.RosterCounts(ctx, b.ac, app.RosterQuery{OrgID: b.sum.BureauID, At: domain.NewDate(2023, time.December, 31)})
	if err != nil || before.Teams != 0 {
		t.Errorf("on 2023-12-31: %+v %v; want no team", before, err)
	}
	for _, kind := range domain.TeamKinds {
		got, err := b.app.RosterCounts(ctx, b.ac, app.RosterQuery{Kind: string(kind), At: testToday})
		if err != nil || got.Teams == 0 || got.Members == 0 {
			t.Errorf("no %s team with members: %+v %v", kind, got, err)
		}
	}
	// Some left during the year: they are not in today's figure.
	var left int
	phone := regexp.MustCompile(`^1[35789]\d\*{4}\d{4}$`)
	for _, r := range allRosters(t, b) {
		leaders := 0
		for _, m := range r.Members {
			if !m.LeftOn.IsZero() {
				left++
			} else if m.Role == domain.RoleTeamLeader {
				leaders++
			}
			if m.Phone != "" && !phone.MatchString(m.Phone) {
				t.Errorf("%s of %s: phone %q is not a masked 1xx number", m.Name, r.Team, m.Phone)
			}
		}
		if leaders != 1 {
			t.Errorf("%s has %d leaders", r.Team, leaders)
		}
	}
	if left == 0 {
		t.Error("nobody left any team: figures over time are not exercised")
	}
	// The school admin of D01-S01 (the demo login xiaoxuexiao) sees a team.
	var school domain.OrgUnit
	for _, o := range allOrgs(t, b) {
		if o.Code == "D01-S01" {
			school = o
		}
	}
	ac := domain.Actor{Name: "x", Scope: domain.Scope{Roots: []int64{school.ID}}, Permissions: []domain.Permission{domain.PermActivityRead}}
	if ts, n, err := b.app.ListTeams(ctx, ac, app.TeamQuery{}); err != nil || n == 0 {
		t.Errorf("D01-S01 sees %d teams (%v) %v", n, err, ts)
	}
}

func TestRostersSameSeedSameRosters(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("two more builds of the demo")
	}
	a, b := allRosters(t, demo(t, "seed1", 1)), allRosters(t, demo(t, "seed1-again", 1))
	if !reflect.DeepEqual(a, b) {
		t.Error("two builds with seed 1 have different rosters")
	}
	c := allRosters(t, demo(t, "seed2", 2))
	if reflect.DeepEqual(a, c) {
		t.Error("seeds 1 and 2 have the same rosters")
	}
}
