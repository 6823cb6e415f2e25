package app_test

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// accountActor creates an account of a built-in role in unit o and returns
// the actor its session would carry (scope: o's subtree).
func (f *fixture) accountActor(t *testing.T, o domain.OrgUnit, role, username, name string) domain.Actor {
	t.Helper()
	if err := f.app.EnsureBuiltinRoles(context.Background()); err != nil {
		t.Fatal(err)
	}
	c, err := f.app.CreateAccount(context.Background(), f.op, app.AccountInput{Username: username, Name: name, OrgID: o.ID, Roles: []string{role}})
	if err != nil {
		t.Fatal(err)
	}
	ac := actorWithRole(o, role)
	ac.Name, ac.AccountID = username, c.Account.ID
	return ac
}

type histLine struct {
	who, action, changes, reason string
}

func historyOf(t *testing.T, f *fixture, ac domain.Actor, id int64) []histLine {
	t.Helper()
	h, err := f.app.ActivityHistory(context.Background(), ac, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []histLine
	for _, e := range h {
		ch := ""
		for _, c := range e.Changes {
			ch += fmt.Sprintf("%s:%v→%v;", c.Field, c.Old, c.New)
			if c.OldLabel != "" || c.NewLabel != "" {
				ch += fmt.Sprintf("(%s→%s);", c.OldLabel, c.NewLabel)
			}
		}
		who := e.ActorName
		if e.ActorKind != "account" {
			who = e.ActorKind
		}
		out = append(out, histLine{who, e.Action, ch, e.Reason})
	}
	return out
}

// Issue #10 §3: a user who may write but not approve changed an approved
// record's attendance from 30 to 3000 and it stayed approved. Now the edit
// sends it back to review, the approved figure drops by the record's 30, and
// the history tells who did what.
func TestEditOfApprovedRecordGoesBackToReview(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			school := f.schools[0]
			sec := f.accountActor(t, school, domain.RoleSchoolAdmin, "wangsj", "王书记")
			dist := f.accountActor(t, f.districts[0], domain.RoleDistrictAdmin, "lixq", "李学区")
			approved := func() store.Figure {
				t.Helper()
				got, err := f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.bureau.ID, Period: "2025"})
				if err != nil {
					t.Fatal(err)
				}
				return got.Figure
			}
			other, err := f.app.CreateActivity(ctx, sec, f.lecture(school.ID, "2025-03-01", 40), true)
			if err != nil {
				t.Fatal(err)
			}
			a, err := f.app.CreateActivity(ctx, sec, f.lecture(school.ID, "2025-03-02", 30), true)
			if err != nil {
				t.Fatal(err)
			}
			mustTransitionAs(t, f, dist, other.ID, domain.ActApprove, "")
			mustTransitionAs(t, f, dist, a.ID, domain.ActReturn, "照片不清楚")
			mustTransitionAs(t, f, sec, a.ID, domain.ActSubmit, "")
			a = mustTransitionAs(t, f, dist, a.ID, domain.ActApprove, "")
			if got := approved(); got.Count != 2 || got.Attendance != 70 {
				t.Fatalf("approved before the edit: %+v", got)
			}
			in := f.lecture(school.ID, "2025-03-02", 3000)
			edited, err := f.app.UpdateActivity(ctx, sec, a.ID, a.Version, in)
			if err != nil {
				t.Fatal(err)
			}
			if edited.Status != domain.StatusSubmitted {
				t.Fatalf("an approved record edited by a non-approver is %s, want submitted", edited.Status)
			}
			if got := approved(); got.Count != 1 || got.Attendance != 40 {
				t.Fatalf("approved figure after the edit: %+v, want the record's 30 gone (1 record, 40)", got)
			}
			all, _ := f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.bureau.ID, Period: "2025", Statuses: []domain.Status{domain.StatusSubmitted}})
			if all.Count != 1 || all.Attendance != 3000 {
				t.Fatalf("submitted figure after the edit: %+v", all.Figure)
			}
			// An approver's edit keeps the record approved, and is recorded.
			re := mustTransitionAs(t, f, dist, a.ID, domain.ActApprove, "")
			in.Attendance = 300
			in.OrgID = f.branches[0].ID
			fixed, err := f.app.UpdateActivity(ctx, dist, a.ID, re.Version, in)
			if err != nil || fixed.Status != domain.StatusApproved {
				t.Fatalf("an approver's edit: %v %s", err, fixed.Status)
			}
			if got := approved(); got.Count != 2 || got.Attendance != 340 {
				t.Fatalf("approved figure after the approver's edit: %+v", got)
			}
			// Evidence is part of what was reviewed: a non-approver's new photo reopens review.
			if _, err := f.app.AttachEvidence(ctx, sec, a.ID, "签到表.png", bytes.NewReader(png1(color.RGBA{G: 200, A: 255}))); err != nil {
				t.Fatal(err)
			}
			if got, _ := f.app.GetActivity(ctx, sec, a.ID); got.Status != domain.StatusSubmitted {
				t.Fatalf("after a non-approver's evidence: %s", got.Status)
			}
			want := []histLine{
				{"王书记", store.HistCreated, "", ""},
				{"王书记", store.HistSubmitted, "", ""},
				{"李学区", store.HistReturned, "", "照片不清楚"},
				{"王书记", store.HistSubmitted, "", ""},
				{"李学区", store.HistApproved, "", ""},
				{"王书记", store.HistEdited, "attendance:30→3000;", ""},
				{"王书记", store.HistReopened, "", ""},
				{"李学区", store.HistApproved, "", ""},
				{"李学区", store.HistEdited, fmt.Sprintf("org_id:%d→%d;(%s→%s);attendance:3000→300;", school.ID, f.branches[0].ID, school.Name, f.branches[0].Name), ""},
				{"王书记", store.HistEvidenceAdded, "evidence:<nil>→签到表.png;", ""},
				{"王书记", store.HistReopened, "", ""},
			}
			got := historyOf(t, f, sec, a.ID)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("history:\n got %v\nwant %v", got, want)
			}
			// The console operator appears as the system, never by a raw name.
			op, _ := f.app.CreateActivity(ctx, f.op, f.lecture(school.ID, "2025-04-01", 5), false)
			if h := historyOf(t, f, sec, op.ID); len(h) != 1 || h[0].who != "system" {
				t.Fatalf("operator's history: %v", h)
			}
			// Another unit's reader cannot read it: not found, like the record.
			outsider := f.accountActor(t, f.schools[2], domain.RoleSchoolAdmin, "zhaosj", "赵书记")
			if _, err := f.app.ActivityHistory(ctx, outsider, a.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("cross-unit history: want not found, got %v", err)
			}
			// Deleting the record takes its history with it (the audit trail keeps the deletion).
			if err := f.app.DeleteActivity(ctx, f.op, op.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.ActivityHistory(ctx, f.op, op.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("history of a deleted record: %v", err)
			}
		})
	}
}

func mustTransitionAs(t *testing.T, f *fixture, ac domain.Actor, id int64, tr domain.Transition, reason string) domain.Activity {
	t.Helper()
	a, err := f.app.Transition(context.Background(), ac, id, tr, reason)
	if err != nil {
		t.Fatalf("%s %d as %s: %v", tr, id, ac.Name, err)
	}
	return a
}
