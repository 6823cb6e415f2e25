package app_test

import (
	"bytes"
	"context"
	"image/color"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// wantClosed checks a write into a closed period: 423 on field date, with the
// Chinese message that names the period and the role that may reopen it.
func wantClosed(t *testing.T, what string, err error, label string) {
	t.Helper()
	e, ok := err.(*domain.Error)
	if !ok || e.Kind != domain.KindLocked {
		t.Fatalf("%s in a closed period: want locked, got %v", what, err)
	}
	want := label + "已关账，如需修改请联系局办公室管理员重新开放"
	if !strings.Contains(e.Message, want) || e.Field == "" {
		t.Fatalf("%s: message %q (field %q), want it to contain %q", what, e.Message, e.Field, want)
	}
}

// Issue #9: a closed period refused edits of approved records but took new
// records, so the bureau's 2024 total moved after closing.
func TestClosedPeriodTotalDoesNotMove(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			for i, d := range []string{"2024-03-01", "2024-06-01", "2024-11-30"} {
				a, err := f.app.CreateActivity(ctx, f.op, f.lecture(f.schools[i].ID, d, 10), true)
				if err != nil {
					t.Fatal(err)
				}
				mustTransition(t, f, a.ID, domain.ActApprove, "")
			}
			// Pending when the period closes: it stays pending, frozen.
			pending, err := f.app.CreateActivity(ctx, f.op, f.lecture(f.schools[3].ID, "2024-12-01", 27), true)
			if err != nil {
				t.Fatal(err)
			}
			total := func() store.Figure {
				t.Helper()
				got, err := f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.bureau.ID, Period: "2024"})
				if err != nil {
					t.Fatal(err)
				}
				return got.Figure
			}
			before := total()
			if before.Count != 3 || before.Attendance != 30 {
				t.Fatalf("before closing: %+v", before)
			}
			if _, err := f.app.ClosePeriod(ctx, f.op, "2024"); err != nil {
				t.Fatal(err)
			}
			_, err = f.app.CreateActivity(ctx, f.op, f.lecture(f.schools[0].ID, "2024-12-20", 27), true)
			wantClosed(t, "create and submit", err, "2024年")
			_, err = f.app.Transition(ctx, f.op, pending.ID, domain.ActApprove, "")
			wantClosed(t, "approve", err, "2024年")
			_, err = f.app.BulkApprove(ctx, f.op, []int64{pending.ID})
			wantKind(t, err, domain.KindLocked, "ids[0]")
			if after := total(); after != before {
				t.Fatalf("the closed year's total moved: %+v → %+v", before, after)
			}
			// Reopened (audited), the same approval goes through.
			if err := f.app.ReopenPeriod(ctx, f.op, "2024"); err != nil {
				t.Fatal(err)
			}
			mustTransition(t, f, pending.ID, domain.ActApprove, "")
			if after := total(); after.Count != 4 || after.Attendance != 57 {
				t.Fatalf("after reopening and approving: %+v", after)
			}
			events, _, err := f.app.ListAuditEvents(ctx, f.op, app.AuditQuery{Type: "period.reopen"})
			if err != nil || len(events) != 1 || !strings.Contains(events[0].Before, `"2024"`) {
				t.Fatalf("the reopening is not audited with the closure it removed: %v %+v", err, events)
			}
		})
	}
}

// Every kind of write into a closed period is refused, whatever the
// record's status; the same writes outside it go through.
func TestClosedPeriodRefusesEveryWrite(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			sch := f.schools[0].ID
			mk := func(d string, submit bool) domain.Activity {
				t.Helper()
				a, err := f.app.CreateActivity(ctx, f.op, f.lecture(sch, d, 20), submit)
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			photo := png1(color.RGBA{R: 200, A: 255})
			draft := mk("2024-04-01", false)
			submitted := mk("2024-04-02", true)
			withPhoto := mk("2024-04-03", false)
			if _, err := f.app.AttachEvidence(ctx, f.op, withPhoto.ID, "a.png", bytes.NewReader(photo)); err != nil {
				t.Fatal(err)
			}
			withPhoto, _ = f.app.GetActivity(ctx, f.op, withPhoto.ID)
			approved := mustTransition(t, f, mk("2024-04-04", true).ID, domain.ActApprove, "")
			open := mk("2025-04-01", false)
			key := "5f0c6a1e-8d1b-4c3e-9a57-1d2f3e4a5b6c"
			replayIn := f.lecture(sch, "2024-05-05", 9)
			first, _, err := f.app.CreateActivityOnce(ctx, f.op, key, replayIn, false)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.ClosePeriod(ctx, f.op, "2024Q2"); err != nil {
				t.Fatal(err)
			}
			label := "2024年第二季度"
			_, err = f.app.CreateActivity(ctx, f.op, f.lecture(sch, "2024-05-01", 20), false)
			wantClosed(t, "create a draft", err, label)
			_, err = f.app.CreateActivity(ctx, f.op, f.lecture(sch, "2024-05-01", 20), true)
			wantClosed(t, "create submitted", err, label)
			_, _, err = f.app.CreateActivityOnce(ctx, f.op, "11111111-8d1b-4c3e-9a57-1d2f3e4a5b6c", f.lecture(sch, "2024-05-02", 20), false)
			wantClosed(t, "idempotent create", err, label)
			// A replay creates nothing: it answers the record made before the closure.
			again, replayed, err := f.app.CreateActivityOnce(ctx, f.op, key, replayIn, false)
			if err != nil || !replayed || again.ID != first.ID {
				t.Fatalf("replay after closing: %v %v %d", err, replayed, again.ID)
			}
			_, err = f.app.Transition(ctx, f.op, draft.ID, domain.ActSubmit, "")
			wantClosed(t, "submit", err, label)
			_, err = f.app.Transition(ctx, f.op, submitted.ID, domain.ActApprove, "")
			wantClosed(t, "approve", err, label)
			_, err = f.app.Transition(ctx, f.op, submitted.ID, domain.ActReturn, "补充照片")
			wantClosed(t, "return", err, label)
			_, err = f.app.BulkApprove(ctx, f.op, []int64{submitted.ID})
			wantKind(t, err, domain.KindLocked, "ids[0]")
			for _, a := range []domain.Activity{draft, submitted, approved} {
				in := f.lecture(sch, a.Date.String(), 21)
				_, err = f.app.UpdateActivity(ctx, f.op, a.ID, a.Version, in)
				wantClosed(t, "edit "+string(a.Status), err, label)
				wantClosed(t, "delete "+string(a.Status), f.app.DeleteActivity(ctx, f.op, a.ID), label)
			}
			_, err = f.app.UpdateActivity(ctx, f.op, draft.ID, draft.Version, f.lecture(sch, "2025-03-01", 20))
			wantClosed(t, "move out", err, label)
			_, err = f.app.UpdateActivity(ctx, f.op, open.ID, open.Version, f.lecture(sch, "2024-06-30", 20))
			wantClosed(t, "move in", err, label)
			_, err = f.app.AttachEvidence(ctx, f.op, draft.ID, "b.png", bytes.NewReader(photo))
			wantClosed(t, "attach evidence", err, label)
			_, err = f.app.DetachEvidence(ctx, f.op, withPhoto.ID, withPhoto.Evidence[0].SHA256)
			wantClosed(t, "detach evidence", err, label)
			// Nothing changed: every record as it was.
			for _, a := range []domain.Activity{draft, submitted, approved, withPhoto, open} {
				got, err := f.app.GetActivity(ctx, f.op, a.ID)
				if err != nil || got.Version != a.Version || got.Status != a.Status || len(got.Evidence) != len(a.Evidence) {
					t.Fatalf("record %d changed behind a refusal: %v %+v", a.ID, err, got)
				}
			}
			if _, total, _ := f.app.ListActivities(ctx, f.op, app.ActivityQuery{Period: "2024Q2"}); total != 5 {
				t.Fatalf("2024Q2 holds %d records, want 5", total)
			}
			// Outside the closed quarter the same writes go through.
			if _, err := f.app.UpdateActivity(ctx, f.op, open.ID, open.Version, f.lecture(sch, "2024-07-01", 20)); err != nil {
				t.Fatalf("edit outside the closed period: %v", err)
			}
			if _, err := f.app.CreateActivity(ctx, f.op, f.lecture(sch, "2024-03-31", 20), false); err != nil {
				t.Fatalf("create outside the closed period: %v", err)
			}
			// A branch secretary gets the same refusal; reopening is not theirs.
			sec := actorOf(f.schools[0])
			_, err = f.app.CreateActivity(ctx, sec, f.lecture(sch, "2024-05-01", 20), false)
			wantClosed(t, "a secretary's create", err, label)
			wantKind(t, f.app.ReopenPeriod(ctx, sec, "2024Q2"), domain.KindForbidden, "")
			if err := f.app.ReopenPeriod(ctx, f.op, "2024Q2"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.Transition(ctx, f.op, draft.ID, domain.ActSubmit, ""); err != nil {
				t.Fatalf("submit after reopening: %v", err)
			}
		})
	}
}
