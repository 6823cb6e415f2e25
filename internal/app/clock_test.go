package app_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// lastYearCut is where the same period last year ends when the running
// year or month is compared with it (like with like: up to the same day).
var lastYearCut = map[string]string{"2025-12-31": "2025-01-01", "2026-01-01": "2025-01-02"}

// Every use case takes "today" from one clock in the bureau's zone: at one
// minute before and after midnight in Beijing and in UTC, rosters count a
// member who joined today, period locks fall on Beijing's days, the running
// period is compared with last year up to Beijing's today, and the report is
// dated Beijing's today.
func TestTodayIsTheBureaus(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		for _, m := range storetest.Midnights() {
			t.Run(e.Name+"/"+m.Name, func(t *testing.T) {
				ctx := context.Background()
				f := newFixtureAt(t, e, func() time.Time { return m.At })
				a, op, today := f.app, f.op, date(m.Today)
				if a.Today() != today {
					t.Fatalf("today = %s, want %s", a.Today(), today)
				}
				year, month := m.Today[:4], m.Today[:7]

				// Rosters: a team founded today; members imported and added
				// with no date join today and count today.
				school := f.schools[0]
				team, err := a.CreateTeam(ctx, op, domain.TeamInput{OrgID: school.ID, Kind: domain.TeamOutreach, Name: "宣讲队"})
				if err != nil {
					t.Fatal(err)
				}
				if team.FoundedOn != today {
					t.Errorf("founded on %s, want today %s", team.FoundedOn, today)
				}
				res, err := a.ImportMembers(ctx, op, team.ID, strings.NewReader(string(workbook(t, [][]string{importHeader,
					{"张一", "队长", school.Code, "", "", "", ""}, {"张二", "成员", school.Code, "", "", "", ""}}))))
				if err != nil {
					t.Fatal(err)
				}
				if res.Imported != 2 || res.Members != 2 {
					t.Errorf("import at %s: %+v; the two members who joined today must count today", m.Name, res)
				}
				mem, err := a.AddMember(ctx, op, team.ID, domain.MemberInput{Name: "张三", Role: domain.RoleTeamMember, OrgID: school.ID})
				if err != nil {
					t.Fatal(err)
				}
				if mem.JoinedOn != today {
					t.Errorf("joined on %s, want today %s", mem.JoinedOn, today)
				}
				if got, err := a.GetTeam(ctx, op, team.ID); err != nil || got.Members != 3 {
					t.Errorf("team today: %+v, %v; want 3 members", got, err)
				}
				rc, err := a.RosterCounts(ctx, op, app.RosterQuery{OrgID: school.ID})
				if err != nil || rc.Members != 3 || rc.Teams != 1 {
					t.Errorf("roster counts today: %+v, %v", rc, err)
				}

				// The ledger: a record of today is not "in the future"; one of
				// tomorrow is; today's record counts in the running year and
				// month, and is listed as entered today.
				tomorrow := f.lecture(f.branches[0].ID, today.AddDays(1).String(), 10)
				if _, err := a.CreateActivity(ctx, op, tomorrow, false); err == nil {
					t.Errorf("a record dated tomorrow (%s) was accepted", tomorrow.Date)
				} else {
					wantKind(t, err, domain.KindInvalid, "date")
				}
				act, err := a.CreateActivity(ctx, op, f.lecture(f.branches[0].ID, m.Today, 10), true)
				if err != nil {
					t.Fatalf("a record dated today: %v", err)
				}
				if act, err = a.Transition(ctx, op, act.ID, domain.ActApprove, ""); err != nil {
					t.Fatal(err)
				}
				for _, p := range []string{year, month} {
					cur, err := a.CurrentPeriod(ctx, op, f.bureau.ID, map[bool]string{true: "year", false: "month"}[p == year])
					if err != nil || cur.Code != p {
						t.Errorf("current period: %+v, %v; want %s", cur, err, p)
					}
					r, err := a.Aggregate(ctx, op, app.AggRequest{OrgID: f.bureau.ID, Period: p, CompareLast: true})
					if err != nil {
						t.Fatal(err)
					}
					if r.Count != 1 {
						t.Errorf("%s counts %d, want today's record", p, r.Count)
					}
					if got := r.LastYear.Period.Range.To.String(); got != lastYearCut[m.Today] {
						t.Errorf("running %s is compared with last year up to %s, want %s (today is %s)", p, got, lastYearCut[m.Today], today)
					}
				}
				if _, n, err := a.ListActivities(ctx, op, app.ActivityQuery{EnteredOn: today}); err != nil || n != 1 {
					t.Errorf("entered today (%s): %d, %v", today, n, err)
				}
				if _, n, err := a.ListActivities(ctx, op, app.ActivityQuery{EnteredOn: today.AddDays(-1)}); err != nil || n != 0 {
					t.Errorf("entered yesterday: %d, %v", n, err)
				}

				// Period locks: with 2025 closed, today's approved record is
				// locked exactly when today is in 2025 in Beijing.
				if _, err := a.ClosePeriod(ctx, op, "2025"); err != nil {
					t.Fatal(err)
				}
				in := f.lecture(f.branches[0].ID, m.Today, 12)
				_, err = a.UpdateActivity(ctx, op, act.ID, act.Version, in)
				if locked := domain.IsKind(err, domain.KindLocked); locked != (year == "2025") {
					t.Errorf("editing today's approved record with 2025 closed: %v (today %s)", err, today)
				}

				// The report's signing date (成文日期) is today in Beijing.
				doc, err := a.PreviewReport(ctx, op, app.ReportRequest{OrgID: f.bureau.ID, Period: year,
					Source: "# {{ unit.name }}{{ period.label }}报告\n\n@{{ unit.name }}\n@{{ today }}\n"})
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]string{"2025-12-31": "2025年12月31日", "2026-01-01": "2026年1月1日"}[m.Today]
				if last := doc.Blocks[len(doc.Blocks)-1]; last.Kind != "signature" || last.Text() != want {
					t.Errorf("signing date: %+v, want %s", last, want)
				}
			})
		}
	}
}

// The time zone is a setting: a bureau in UTC (a test of the setting, not a
// real bureau) has its own today at 00:01 Beijing time.
func TestTheTimeZoneIsASetting(t *testing.T) {
	ctx := context.Background()
	at := storetest.Midnights()[1].At // 00:01 Beijing, 16:01 UTC the day before
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "z.db"), store.Options{Create: true, Now: func() time.Time { return at }, Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := app.New(st, nil, app.DefaultConfig(), nil)
	if got := a.Today().String(); got != "2025-12-31" {
		t.Errorf("today in UTC at %s: %s, want 2025-12-31", at.UTC().Format(time.RFC3339), got)
	}
	if z := a.Clock().ZoneName(); z != "UTC" {
		t.Errorf("zone %q", z)
	}
	if _, off := a.Clock().Now().Zone(); off != 0 {
		t.Errorf("now's offset %d", off)
	}
}
