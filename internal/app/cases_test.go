package app_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/casework"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// newMovableClock starts at the app tests' day, 2026-11-29 04:00 UTC (12:00
// in the bureau's zone).
func newMovableClock() *movableClock {
	return &movableClock{now: storetest.Clock(today)()}
}

// caseActors: school 1's admin handles cases of school 1, district 1's
// admin those of its subtree, a monitor of district 1 opens them.
func caseActors(f *fixture) (school, district, monitor domain.Actor) {
	school = actorWithRole(f.schools[0], domain.RoleSchoolAdmin)
	school.AccountID = 202
	district = actorWithRole(f.districts[0], domain.RoleDistrictAdmin)
	district.AccountID = 101
	monitor = actorWithRole(f.districts[0], domain.RoleMonitor)
	monitor.AccountID = 303
	return
}

func (f *fixture) openCase(t *testing.T, ac domain.Actor, org int64, sev casework.Severity, kind casework.Kind) casework.Case {
	t.Helper()
	c, err := f.app.OpenCase(context.Background(), ac, app.CaseInput{OrgID: org, Title: "家长反映食堂饭菜质量问题", Summary: "微信群截图流传",
		Kind: kind, Severity: sev})
	if err != nil {
		t.Fatalf("open case: %v", err)
	}
	return c
}

func step(t *testing.T, f *fixture, ac domain.Actor, id int64, act casework.Action, text string) casework.Case {
	t.Helper()
	c, err := f.app.StepCase(context.Background(), ac, id, app.CaseStepInput{Action: act, Text: text})
	if err != nil {
		t.Fatalf("%s: %v", act, err)
	}
	return c
}

// TestCaseLifecycle walks a case opened by a monitor through every state,
// with the refusals a user would meet, and checks the deadlines met.
func TestCaseLifecycle(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			clock := newMovableClock()
			f := newFixtureAt(t, e, clock.Now)
			school, district, monitor := caseActors(f)
			c := f.openCase(t, monitor, f.schools[0].ID, casework.SevMajor, casework.KindService)
			loc, _ := time.LoadLocation("Asia/Shanghai")
			opened := clock.Now()
			if c.State != casework.StateNew || c.OrgID != f.schools[0].ID || len(c.Deadlines) != 3 || !c.OpenedAt.Equal(opened) {
				t.Fatalf("opened: %+v", c)
			}
			if due := c.DueOf(casework.DeadlineTriage).DueAt; !due.Equal(opened.Add(5*time.Hour)) || due.In(loc).Hour() != 17 {
				t.Fatalf("major triage due %s, want 5 hours after %s", due, opened)
			}
			// The monitor opens but does not work it.
			_, err := f.app.StepCase(ctx, monitor, c.ID, app.CaseStepInput{Action: casework.ActAssess, Text: "研判"})
			wantKind(t, err, domain.KindForbidden, "")
			// Another district's admin does not even see it.
			_, err = f.app.StepCase(ctx, actorWithRole(f.districts[1], domain.RoleDistrictAdmin), c.ID, app.CaseStepInput{Action: casework.ActAssess, Text: "研判"})
			wantKind(t, err, domain.KindNotFound, "")
			_, err = f.app.GetCase(ctx, actorWithRole(f.schools[1], domain.RoleSchoolAdmin), c.ID)
			wantKind(t, err, domain.KindNotFound, "")
			// Steps need their text, and follow the order.
			_, err = f.app.StepCase(ctx, school, c.ID, app.CaseStepInput{Action: casework.ActAssess})
			wantKind(t, err, domain.KindInvalid, "text")
			_, err = f.app.StepCase(ctx, school, c.ID, app.CaseStepInput{Action: casework.ActResolve, Text: "已处理"})
			wantKind(t, err, domain.KindConflict, "state")
			_, err = f.app.StepCase(ctx, school, c.ID, app.CaseStepInput{Action: "dance", Text: "x"})
			wantKind(t, err, domain.KindInvalid, "action")

			clock.Add(2 * time.Hour)
			c = step(t, f, school, c.ID, casework.ActAssess, "经核实，系个别菜品温度不达标，属一般民生诉求")
			if c.State != casework.StateAssessing || c.Assessment == "" || c.DueOf(casework.DeadlineTriage).Standing != casework.Met {
				t.Fatalf("assessed: %+v", c)
			}
			if _, err := f.app.AddCaseNote(ctx, monitor, c.ID, "原帖已被转发 30 次"); err != nil {
				t.Fatal(err)
			}
			if c, err = f.app.AttachCaseEvidence(ctx, monitor, c.ID, "截图.png", tinyPNG()); err != nil || len(c.Evidence) != 1 {
				t.Fatalf("evidence: %v %+v", err, c.Evidence)
			}
			clock.Add(30 * time.Hour) // past the response deadline (24 h after opening)
			c = step(t, f, district, c.ID, casework.ActRespond, "学校已在家长群发布情况说明并致歉")
			if c.DueOf(casework.DeadlineResponse).Standing != casework.Missed || c.PublicResponse == "" {
				t.Fatalf("responded late: %+v", c.Deadlines)
			}
			c = step(t, f, school, c.ID, casework.ActResolve, "更换保温设备，食堂负责人约谈")
			c = step(t, f, school, c.ID, casework.ActClose, "复盘：建立食堂巡查制度")
			if c.State != casework.StateClosed || c.Review == "" || c.ClosedAt.IsZero() || c.DueOf(casework.DeadlineResolution).Standing != casework.Met {
				t.Fatalf("closed: %+v", c)
			}
			_, err = f.app.AddCaseNote(ctx, school, c.ID, "补充")
			wantKind(t, err, domain.KindConflict, "state")
			// Reopened, the resolution is judged again against the same deadline.
			clock.Add(48 * time.Hour)
			c = step(t, f, school, c.ID, casework.ActReopen, "家长再次投诉")
			if c.State != casework.StateAssessing || !c.ResolvedAt.IsZero() || c.DueOf(casework.DeadlineResolution).Standing != casework.Overdue || !c.Overdue {
				t.Fatalf("reopened: %+v", c)
			}
			kinds := []string{}
			for _, s := range c.Steps {
				kinds = append(kinds, s.Kind)
			}
			if got := strings.Join(kinds, ","); got != "open,assess,note,evidence,respond,resolve,close,reopen" {
				t.Fatalf("timeline %s", got)
			}
			// Every write left its audit row.
			entries, _, err := f.app.ListAuditEvents(ctx, f.op, app.AuditQuery{Target: "case:" + itoa(c.ID), Limit: 50})
			if err != nil || len(entries) != 8 {
				t.Fatalf("audit: %d rows, %v", len(entries), err)
			}
		})
	}
}

// TestCaseSeverityRecomputesDeadlines: a general case made major gets the
// major limits from its opening, and the escalation sweep then sees the
// new, earlier deadline.
func TestCaseSeverityRecomputesDeadlines(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			clock := newMovableClock()
			f := newFixtureAt(t, e, clock.Now)
			school, _, monitor := caseActors(f)
			c := f.openCase(t, school, f.schools[0].ID, casework.SevGeneral, casework.KindSafety)
			opened := clock.Now()
			if due := c.DueOf(casework.DeadlineTriage).DueAt; !due.Equal(opened.Add(24 * time.Hour)) {
				t.Fatalf("general triage due %s", due)
			}
			clock.Add(6 * time.Hour)
			if n, err := f.app.EscalatePassedCases(ctx); err != nil || n != 0 {
				t.Fatalf("general case escalated after 6 h: %d %v", n, err)
			}
			_, err := f.app.SetCaseSeverity(ctx, monitor, c.ID, casework.SevMajor, "")
			wantKind(t, err, domain.KindForbidden, "")
			_, err = f.app.SetCaseSeverity(ctx, school, c.ID, "huge", "")
			wantKind(t, err, domain.KindInvalid, "severity")
			if c, err = f.app.SetCaseSeverity(ctx, school, c.ID, casework.SevMajor, "涉及学生安全"); err != nil {
				t.Fatal(err)
			}
			want := map[casework.Deadline]time.Duration{casework.DeadlineTriage: 5 * time.Hour, casework.DeadlineResponse: 24 * time.Hour, casework.DeadlineResolution: 48 * time.Hour}
			for d, lim := range want {
				if got := c.DueOf(d).DueAt; !got.Equal(opened.Add(lim)) {
					t.Fatalf("%s due %s, want %s", d, got, opened.Add(lim))
				}
			}
			if !c.Overdue || c.DueOf(casework.DeadlineTriage).Standing != casework.Overdue {
				t.Fatalf("major now, 6 h after opening: %+v", c.Deadlines)
			}
			if n, err := f.app.EscalatePassedCases(ctx); err != nil || n != 1 {
				t.Fatalf("escalated %d %v, want the triage deadline", n, err)
			}
		})
	}
}

// TestCaseEscalation: each passed deadline escalates the case to the parent
// once, with one timeline line, one audit row and one notice to the parent
// and the unit; a met deadline never escalates; a second sweep does nothing.
func TestCaseEscalation(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			clock := newMovableClock()
			f := newFixtureAt(t, e, clock.Now)
			school, district, _ := caseActors(f)
			c := f.openCase(t, school, f.schools[0].ID, casework.SevMajor, casework.KindIdeology)
			other := f.openCase(t, school, f.schools[0].ID, casework.SevMajor, casework.KindOther)
			step(t, f, school, other.ID, casework.ActAssess, "及时研判")
			sweep := func(want int) {
				t.Helper()
				for i, w := range []int{want, 0} {
					n, err := f.app.EscalatePassedCases(ctx)
					if err != nil || n != w {
						t.Fatalf("run %d: escalated %d (%v), want %d", i+1, n, err, w)
					}
				}
			}
			clock.Add(5 * time.Hour)
			sweep(0) // due this very instant: not passed yet
			clock.Add(time.Minute)
			sweep(1) // the first case's triage; the second was assessed in time
			got, err := f.app.GetCase(ctx, district, c.ID)
			if err != nil || got.EscalatedTo != f.districts[0].ID || got.EscalatedToName != f.districts[0].Name || got.DueOf(casework.DeadlineTriage).EscalatedAt.IsZero() {
				t.Fatalf("escalated: %+v %v", got, err)
			}
			if last := got.Steps[len(got.Steps)-1]; last.Kind != "escalate" || !strings.Contains(last.Body, "研判") {
				t.Fatalf("timeline: %+v", last)
			}
			// The district sees it among the cases escalated to it and in its to-do.
			up, _, err := f.app.ListCases(ctx, district, app.CaseQuery{Escalated: true})
			if err != nil || len(up) != 1 || up[0].ID != c.ID {
				t.Fatalf("escalated to the district: %+v %v", up, err)
			}
			todo, err := f.app.Todo(ctx, district)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, l := range todo {
				if l.Kind == domain.TodoCase && l.Title == "下级超时舆情事件（已上报）" && l.Ref == c.ID && l.Overdue {
					found = true
				}
			}
			if !found {
				t.Fatalf("district's to-do: %+v", todo)
			}
			clock.Add(19 * time.Hour) // 24 h: both responses due, neither given
			sweep(2)
			clock.Add(48 * time.Hour)
			sweep(2)
			clock.Add(48 * time.Hour)
			sweep(0) // every deadline has escalated once
			notices := countNotices(t, f.st, "case.overdue")
			if notices != 5 {
				t.Fatalf("%d overdue notices, want 5 (one per passed deadline)", notices)
			}
			// A case of the bureau itself has no parent: it stays, but is still noticed once.
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
			top := f.openCase(t, office, f.bureau.ID, casework.SevMajor, casework.KindOther)
			clock.Add(6 * time.Hour)
			sweep(1)
			if got, _ := f.app.GetCase(ctx, office, top.ID); got.EscalatedTo != 0 {
				t.Fatalf("the bureau's case escalated to %d", got.EscalatedTo)
			}
		})
	}
}

func countNotices(t *testing.T, st *store.Store, kind string) int {
	t.Helper()
	n := 0
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		n, err = tx.CountNotices(context.Background(), kind)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCaseEscalationTwoNodesAndRestart: two app instances on one PostgreSQL
// database sweep at the same time, many times: each passed deadline
// escalates exactly once. Then both stop, a third starts on the same
// database later, and the deadline that passed while no node ran escalates.
func TestCaseEscalationTwoNodesAndRestart(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			clock := newMovableClock()
			f := newFixtureAt(t, e, clock.Now)
			school, _, _ := caseActors(f)
			var ids []int64
			for range 5 {
				ids = append(ids, f.openCase(t, school, f.schools[0].ID, casework.SevMajor, casework.KindOther).ID)
			}
			second := f.secondNode(t, clock.Now)
			clock.Add(5*time.Hour + time.Minute)
			var moved atomic.Int64
			var wg sync.WaitGroup
			for i := range 8 {
				node := f.app
				if i%2 == 1 {
					node = second
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 3 {
						n, err := node.EscalatePassedCases(ctx)
						if err != nil && !domain.IsKind(err, domain.KindConflict) && !domain.IsKind(err, domain.KindUnavailable) {
							t.Errorf("sweep: %v", err)
						}
						moved.Add(int64(n))
					}
				}()
			}
			wg.Wait()
			if n, err := f.app.EscalatePassedCases(ctx); err != nil || moved.Load()+int64(n) != 5 {
				t.Fatalf("escalated %d+%d times over two nodes (%v), want 5", moved.Load(), n, err)
			}
			if n := countNotices(t, f.st, "case.overdue"); n != 5 {
				t.Fatalf("%d notices, want 5", n)
			}
			for _, id := range ids {
				c, err := f.app.GetCase(ctx, school, id)
				if err != nil {
					t.Fatal(err)
				}
				esc := 0
				for _, s := range c.Steps {
					if s.Kind == "escalate" {
						esc++
					}
				}
				if esc != 1 {
					t.Fatalf("case %d: %d escalation lines", id, esc)
				}
			}
			// Restart: no node runs while the response deadline passes.
			dsn := f.st.DSN()
			f.st.Close()
			clock.Add(24 * time.Hour)
			third := openNode(t, dsn, clock.Now)
			if n, err := third.EscalatePassedCases(ctx); err != nil || n != 5 {
				t.Fatalf("after the restart: escalated %d (%v), want the 5 response deadlines", n, err)
			}
			if n, err := third.EscalatePassedCases(ctx); err != nil || n != 0 {
				t.Fatalf("again: %d %v", n, err)
			}
		})
	}
}

// secondNode is another app instance on the fixture's database.
func (f *fixture) secondNode(t *testing.T, now func() time.Time) *app.App {
	t.Helper()
	return openNode(t, f.st.DSN(), now)
}

func openNode(t *testing.T, dsn string, now func() time.Time) *app.App {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return app.New(st, blobs, app.DefaultConfig(), now)
}

// TestCaseTiers: the office edits a tier, checked first ≤ response ≤
// resolution; cases opened later use it; nobody else may.
func TestCaseTiers(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
			_, district, monitor := caseActors(f)
			tiers, err := f.app.CaseTiers(ctx, monitor)
			if err != nil || len(tiers) != 3 || tiers[0].Severity != casework.SevMajor || tiers[0].Triage != 5*time.Hour {
				t.Fatalf("defaults: %+v %v", tiers, err)
			}
			bad := casework.Tier{Severity: casework.SevGeneral, Triage: 10 * time.Hour, Response: 8 * time.Hour, Resolution: 72 * time.Hour}
			_, err = f.app.PutCaseTier(ctx, office, bad)
			wantKind(t, err, domain.KindInvalid, "response_minutes")
			good := casework.Tier{Severity: casework.SevGeneral, Triage: 8 * time.Hour, Response: 12 * time.Hour, Resolution: 72 * time.Hour}
			_, err = f.app.PutCaseTier(ctx, district, good)
			wantKind(t, err, domain.KindForbidden, "")
			_, err = f.app.PutCaseTier(ctx, monitor, good)
			wantKind(t, err, domain.KindForbidden, "")
			if tiers, err = f.app.PutCaseTier(ctx, office, good); err != nil || tiers[2] != good {
				t.Fatalf("put: %+v %v", tiers, err)
			}
			c := f.openCase(t, district, f.schools[0].ID, casework.SevGeneral, casework.KindOther)
			if d := c.DueOf(casework.DeadlineResponse).DueAt.Sub(c.OpenedAt); d != 12*time.Hour {
				t.Fatalf("response limit %s, want the office's 12 h", d)
			}
		})
	}
}

// TestCaseScopeAndInput: cases are listed in scope only; bad input names its field.
func TestCaseScopeAndInput(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			school, district, monitor := caseActors(f)
			f.openCase(t, school, f.schools[0].ID, casework.SevGeneral, casework.KindOther)
			f.openCase(t, actorWithRole(f.schools[2], domain.RoleSchoolAdmin), f.schools[2].ID, casework.SevMajor, casework.KindEthics)
			for _, c := range []struct {
				ac   domain.Actor
				want int
			}{{school, 1}, {district, 1}, {monitor, 1}, {actorWithRole(f.bureau, domain.RoleOfficeAdmin), 2}, {actorWithRole(f.bureau, domain.RoleLeader), 2}, {domain.Actor{Permissions: []domain.Permission{domain.PermConcernRead}}, 0}} {
				got, total, err := f.app.ListCases(ctx, c.ac, app.CaseQuery{})
				if err != nil || len(got) != c.want || total != c.want {
					t.Fatalf("%s: %d cases (%v), want %d", c.ac.Name, len(got), err, c.want)
				}
			}
			_, err := f.app.OpenCase(ctx, school, app.CaseInput{OrgID: f.schools[2].ID, Title: "x", Severity: casework.SevGeneral})
			wantKind(t, err, domain.KindNotFound, "org_id")
			_, err = f.app.OpenCase(ctx, school, app.CaseInput{OrgID: f.schools[0].ID, Title: "x", Severity: "huge"})
			wantKind(t, err, domain.KindInvalid, "severity")
			_, err = f.app.OpenCase(ctx, school, app.CaseInput{OrgID: f.schools[0].ID, Title: "x", Severity: casework.SevGeneral, Kind: "gossip"})
			wantKind(t, err, domain.KindInvalid, "kind")
			_, err = f.app.OpenCase(ctx, school, app.CaseInput{OrgID: f.schools[0].ID, Title: "a\nb", Severity: casework.SevGeneral})
			wantKind(t, err, domain.KindInvalid, "title")
			_, err = f.app.OpenCase(ctx, school, app.CaseInput{OrgID: f.schools[0].ID, Severity: casework.SevGeneral})
			wantKind(t, err, domain.KindInvalid, "title")
			_, err = f.app.OpenCase(ctx, actorWithRole(f.bureau, domain.RoleLeader), app.CaseInput{OrgID: f.schools[0].ID, Title: "x", Severity: casework.SevGeneral})
			wantKind(t, err, domain.KindForbidden, "")
			_, _, err = f.app.ListCases(ctx, district, app.CaseQuery{States: []string{"lost"}})
			wantKind(t, err, domain.KindInvalid, "state")
			_, _, err = f.app.ListCases(ctx, district, app.CaseQuery{OrgID: f.schools[2].ID})
			wantKind(t, err, domain.KindNotFound, "org_id")
		})
	}
}

// TestCaseRectification: a case's handler above the unit opens a
// rectification from it, linked both ways, in one transaction; a second is refused.
func TestCaseRectification(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			school, district, _ := caseActors(f)
			c := f.openCase(t, school, f.schools[0].ID, casework.SevGeneral, casework.KindEthics)
			in := app.CaseRectInput{Finding: "师德师风教育不到位", Measures: "开展专题教育", Responsible: "王校长", Deadline: date("2026-12-20")}
			_, err := f.app.OpenCaseRectification(ctx, school, c.ID, in) // a school does not open rectifications
			wantKind(t, err, domain.KindForbidden, "")
			c, err = f.app.OpenCaseRectification(ctx, district, c.ID, in)
			if err != nil || c.RectificationID == 0 {
				t.Fatalf("open: %+v %v", c, err)
			}
			r, err := f.app.GetRectification(ctx, district, c.RectificationID)
			if err != nil || r.Source != domain.RectFromCase || r.Ref != "case:"+itoa(c.ID) || r.OrgID != f.schools[0].ID {
				t.Fatalf("rectification: %+v %v", r, err)
			}
			_, err = f.app.OpenCaseRectification(ctx, district, c.ID, in)
			wantKind(t, err, domain.KindConflict, "rectification_id")
			// A bad deadline leaves nothing half-written.
			c2 := f.openCase(t, school, f.schools[0].ID, casework.SevGeneral, casework.KindEthics)
			in.Deadline = date("2026-01-01")
			_, err = f.app.OpenCaseRectification(ctx, district, c2.ID, in)
			wantKind(t, err, domain.KindInvalid, "deadline")
			if got, _ := f.app.GetCase(ctx, district, c2.ID); got.RectificationID != 0 || len(got.Steps) != 1 {
				t.Fatalf("half-written: %+v", got)
			}
		})
	}
}

// TestCaseFromStoryAndMonitors: a monitor sees a story routed to their
// units in their stream and to-do, opens a case from it (unit, title and
// severity taken from the story), after which it leaves the stream; the
// office sees the monitor team's response times, by team.
func TestCaseFromStoryAndMonitors(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			clock := newMovableClock()
			f := newFixtureAt(t, e, clock.Now)
			school, _, monitor := caseActors(f)
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
			if _, err := f.app.CreateRule(ctx, office, app.RuleInput{OrgID: f.bureau.ID, Name: "食堂", Expr: "食堂", Topic: "后勤", Severity: 3}); err != nil {
				t.Fatal(err)
			}
			story, err := f.app.ManualEntry(ctx, monitor, app.ManualInput{OrgID: f.schools[0].ID, Title: f.schools[0].Name + "食堂饭菜变质", Text: "家长群截图"}, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.CreateTeam(ctx, office, domain.TeamInput{OrgID: f.districts[0].ID, Kind: domain.TeamMonitor, Name: "学区监督员队"}); err != nil {
				t.Fatal(err)
			}
			waiting, err := f.app.NewStories(ctx, monitor)
			if err != nil || len(waiting) != 1 || waiting[0].ID != story.ID || waiting[0].OrgID != f.schools[0].ID {
				t.Fatalf("stream: %+v %v", waiting, err)
			}
			if other, _ := f.app.NewStories(ctx, actorWithRole(f.districts[1], domain.RoleMonitor)); len(other) != 0 {
				t.Fatalf("district 2's monitor sees %+v", other)
			}
			todo, _ := f.app.Todo(ctx, monitor)
			if len(todo) != 1 || todo[0].Kind != domain.TodoStory || todo[0].Ref != story.ID {
				t.Fatalf("monitor's to-do: %+v", todo)
			}
			_, err = f.app.OpenCase(ctx, actorWithRole(f.districts[1], domain.RoleMonitor), app.CaseInput{StoryID: story.ID})
			wantKind(t, err, domain.KindNotFound, "story_id")
			clock.Add(40 * time.Minute)
			c, err := f.app.OpenCase(ctx, monitor, app.CaseInput{StoryID: story.ID, Kind: casework.KindService})
			if err != nil || c.OrgID != f.schools[0].ID || c.Severity != casework.SevMajor || c.StoryID != story.ID || c.Title == "" {
				t.Fatalf("from the story: %+v %v", c, err)
			}
			if waiting, _ := f.app.NewStories(ctx, monitor); len(waiting) != 0 {
				t.Fatalf("still waiting: %+v", waiting)
			}
			clock.Add(20 * time.Minute)
			step(t, f, school, c.ID, casework.ActAssess, "研判")
			times, err := f.app.MonitorResponseTimes(ctx, office, domain.Range{From: date("2026-01-01"), To: date("2027-01-01")})
			if err != nil || len(times) != 1 || times[0].Cases != 1 || *times[0].OpenMedian != 40 || *times[0].AssessMedian != 60 {
				t.Fatalf("team times: %+v %v", times, err)
			}
			_, err = f.app.MonitorResponseTimes(ctx, school, domain.Range{From: date("2026-01-01"), To: date("2027-01-01")})
			wantKind(t, err, domain.KindForbidden, "")
		})
	}
}
