package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

const capTemplate = "# {{ unit.name }}{{ period.label }}报告\n\n" +
	"宣讲{{ count(type: \"outreach_lecture\") }}场次，志愿服务{{ count(type: \"volunteer_service\") }}次。\n"

// snapshotLedger records three approved lectures and one approved volunteer
// service in 2025 and stores capTemplate.
func snapshotLedger(t *testing.T, f *fixture) (lectures []domain.Activity, volunteer domain.Activity, tpl int64) {
	t.Helper()
	ctx := context.Background()
	for i, d := range []string{"2025-03-01", "2025-04-01", "2025-05-01"} {
		a, err := f.app.CreateActivity(ctx, f.op, f.lecture(f.schools[i].ID, d, 10), true)
		if err != nil {
			t.Fatal(err)
		}
		lectures = append(lectures, mustTransition(t, f, a.ID, domain.ActApprove, ""))
	}
	v, err := f.app.CreateActivity(ctx, f.op, domain.ActivityInput{OrgID: f.schools[0].ID, TypeID: f.types["volunteer_service"].ID,
		Date: date("2025-06-01"), Title: "志愿服务", Attendance: 12}, true)
	if err != nil {
		t.Fatal(err)
	}
	volunteer = mustTransition(t, f, v.ID, domain.ActApprove, "")
	tp, err := f.app.CreateReportTemplate(ctx, f.op, "封顶测试", capTemplate)
	if err != nil {
		t.Fatal(err)
	}
	return lectures, volunteer, tp.ID
}

// A snapshot keeps at most the cap of record ids per figure; a figure over
// it says so and is checked by recounting instead of by the join.
func TestSnapshotRecordCap(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			lectures, volunteer, tpl := snapshotLedger(t, f)
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
			req := app.ReportRequest{OrgID: f.bureau.ID, Period: "2025", TemplateID: tpl}

			full, err := f.app.GenerateReport(ctx, office, req)
			if err != nil {
				t.Fatal(err)
			}
			if full.Snapshot == nil || full.Snapshot.RecordCap != app.DefaultSnapshotRecordCap || len(full.Snapshot.CappedFigures) != 0 {
				t.Fatalf("default cap: %+v", full.Snapshot)
			}

			blobs, err := blob.NewFS(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			cfg := app.DefaultConfig()
			cfg.SnapshotRecordCap = 2
			small := app.New(f.st, blobs, cfg, storetest.Clock(today))
			v, err := small.GenerateReport(ctx, office, req)
			if err != nil {
				t.Fatal(err)
			}
			if v.Snapshot == nil || v.Snapshot.RecordCap != 2 || !slices.Equal(v.Snapshot.CappedFigures, []int{0}) {
				t.Fatalf("snapshot with cap 2: %+v, want figure 0 (3 lectures) capped", v.Snapshot)
			}
			if v.Figures[0].Value != 3 || v.Figures[0].NRecords != 3 || v.Figures[0].Digest != full.Figures[0].Digest || v.Figures[1].Value != 1 {
				t.Fatalf("a capped figure keeps its value, count and digest: %+v", v.Figures)
			}
			// The uncapped figure's records are watched by the join.
			if _, err := f.app.UpdateActivity(ctx, f.op, volunteer.ID, volunteer.Version, domain.ActivityInput{OrgID: f.schools[0].ID,
				TypeID: f.types["volunteer_service"].ID, Date: date("2025-06-01"), Title: "志愿服务（更正）", Attendance: 12}); err != nil {
				t.Fatal(err)
			}
			// The capped figure's are not: a deleted lecture shows on a recheck.
			if err := f.app.DeleteActivity(ctx, f.op, lectures[0].ID); err != nil {
				t.Fatal(err)
			}
			got, err := small.GetReport(ctx, office, v.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			if got.Stale.Count != 1 || got.Stale.Activities[0].ID != volunteer.ID || got.Snapshot == nil || len(got.Snapshot.CappedFigures) != 1 {
				t.Fatalf("staleness of a capped snapshot: %+v %+v", got.Stale, got.Snapshot)
			}
			got, err = small.GetReport(ctx, office, v.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Stale.Figures) != 1 || got.Stale.Figures[0].Index != 0 || got.Stale.Figures[0].Was != 3 || got.Stale.Figures[0].Now != 2 {
				t.Fatalf("recheck of the capped figure: %+v", got.Stale.Figures)
			}
			// The full snapshot sees the deletion by the join.
			got, _ = f.app.GetReport(ctx, office, full.ID, false)
			if got.Stale.Count != 2 {
				t.Fatalf("uncapped snapshot: %d stale records, want 2", got.Stale.Count)
			}
		})
	}
}

// Issue #10 §2: a snapshot computed inside the write transaction held
// SQLite's one writer for seconds. Now a ledger write completes while the
// snapshot's figures are being computed: the hook holds the read phase open
// until the write is done. (The write's context deadline only turns a
// deadlock — the old code — into a failure instead of a hang.)
func TestSnapshotComputesOutsideTheWriter(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			_, _, tpl := snapshotLedger(t, f)
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
			inRead, release := make(chan struct{}), make(chan struct{})
			f.app.OnSlowPhase(func(name string) {
				if name == "report" {
					close(inRead)
					<-release
				}
			})
			type result struct {
				v   app.ReportView
				err error
			}
			done := make(chan result, 1)
			go func() {
				v, err := f.app.GenerateReport(ctx, office, app.ReportRequest{OrgID: f.bureau.ID, Period: "2025", TemplateID: tpl})
				done <- result{v, err}
			}()
			<-inRead
			wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			_, err := f.app.CreateActivity(wctx, f.op, f.lecture(f.schools[3].ID, "2025-07-01", 8), false)
			cancel()
			close(release)
			r := <-done
			if err != nil {
				t.Fatalf("a write while the snapshot computes: %v", err)
			}
			if r.err != nil || r.v.Figures[0].Value != 3 || r.v.Stale.Count != 0 {
				t.Fatalf("the snapshot: %v %+v", r.err, r.v.Stale)
			}
		})
	}
}

// The short write checks that the records it stores are those the figures
// counted: a record edited during the read phase makes it render once more;
// edited every time, the generation answers a conflict and stores nothing.
func TestSnapshotRetriesWhenItsRecordsMove(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			lectures, _, tpl := snapshotLedger(t, f)
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
			req := app.ReportRequest{OrgID: f.bureau.ID, Period: "2025", TemplateID: tpl}
			calls, moves := 0, 1
			f.app.OnSlowPhase(func(name string) {
				if name != "report" {
					return
				}
				calls++
				if calls > moves {
					return
				}
				cur, err := f.app.GetActivity(ctx, f.op, lectures[1].ID)
				if err != nil {
					t.Error(err)
					return
				}
				in := f.lecture(cur.OrgID, cur.Date.String(), cur.Attendance+1)
				if _, err := f.app.UpdateActivity(ctx, f.op, cur.ID, cur.Version, in); err != nil {
					t.Error(err)
				}
			})
			v, err := f.app.GenerateReport(ctx, office, req)
			if err != nil || calls != 2 || v.Stale.Count != 0 {
				t.Fatalf("one move: %v, %d renderings, stale %+v", err, calls, v.Stale)
			}
			calls, moves = 0, 2
			_, err = f.app.GenerateReport(ctx, office, req)
			if !domain.IsKind(err, domain.KindConflict) || calls != 2 {
				t.Fatalf("moving every time: want a conflict after 2 renderings, got %v after %d", err, calls)
			}
			if _, total, _ := f.app.ListReports(ctx, office, 0, 0, 0); total != 1 {
				t.Fatalf("%d reports stored, want 1 (the conflict stores nothing)", total)
			}
		})
	}
}

// A problem decision runs the rules in a read transaction: a write goes
// through meanwhile, and a decision taken by someone else in between is not
// silently overwritten — the decision is recomputed once, then refused.
func TestProblemDecisionOutsideTheWriter(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			for _, s := range p.schools {
				p.add(nil, s.ID, "moral_education", "2025-03-01")
			}
			office := actorWithRole(p.bureau, domain.RoleOfficeAdmin)
			ps := p.problems(office, p.bureau.ID, "2025")
			accepted, dropped := app.DecisionAccepted, app.DecisionDropped
			in := app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025", Decision: &accepted}

			// A ledger write while the rules run.
			var werr error
			p.app.OnSlowPhase(func(name string) {
				if name == "problems" {
					wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					defer cancel()
					_, werr = p.app.CreateActivity(wctx, p.op, p.lecture(p.schools[0].ID, "2025-08-01", 5), false)
				}
			})
			if _, err := p.app.DecideProblem(ctx, office, ps[0].Key, in); err != nil || werr != nil {
				t.Fatalf("decide: %v; the write during the rules: %v", err, werr)
			}

			// Another decision on the same problem lands during every read phase.
			calls := 0
			p.app.OnSlowPhase(func(name string) {
				if name != "problems" {
					return
				}
				calls++
				p.app.OnSlowPhase(nil)
				d := &dropped
				if calls%2 == 0 {
					d = &accepted
				}
				if _, err := p.app.DecideProblem(ctx, office, ps[1].Key, app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025", Decision: d, Note: "抢先"}); err != nil {
					t.Error(err)
				}
				p.app.OnSlowPhase(func(string) { calls++ })
			})
			got, err := p.app.DecideProblem(ctx, office, ps[1].Key, in)
			if err != nil || calls != 2 || got.Decision == nil || *got.Decision != accepted || got.Note != "" {
				t.Fatalf("a decision raced once: %v after %d rule runs: %+v", err, calls, got)
			}
		})
	}
}
