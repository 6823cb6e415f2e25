package app_test

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// rectActors: district 1's admin opens and reviews, school 1's admin owns.
func rectActors(f *fixture) (district, school domain.Actor) {
	district = actorWithRole(f.districts[0], domain.RoleDistrictAdmin)
	district.AccountID = 101
	school = actorWithRole(f.schools[0], domain.RoleSchoolAdmin)
	school.AccountID = 202
	return
}

func (f *fixture) openRect(t *testing.T, ac domain.Actor, org int64, deadline string) domain.Rectification {
	t.Helper()
	r, err := f.app.CreateRectification(context.Background(), ac, domain.RectificationInput{OrgID: org, Source: domain.RectFromInspection,
		Ref: "2026年秋季督导检查", Finding: "意识形态工作台账不全", Measures: "补齐台账，专人负责", Responsible: "王校长", Deadline: date(deadline)})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return r
}

func tinyPNG() *bytes.Reader {
	// A 1×1 PNG: the blob store sniffs the type.
	return bytes.NewReader([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4,
		0x89, 0, 0, 0, 13, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82})
}

// TestRectificationLifecycle walks open → note → evidence → submit → return
// → submit → close, with the refusals a user would meet on the way.
func TestRectificationLifecycle(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			district, school := rectActors(f)
			r := f.openRect(t, district, f.schools[0].ID, "2026-12-10")
			if r.State != domain.RectOpen || r.ReviewOrgID != f.districts[0].ID || r.OrgID != f.schools[0].ID || r.OpenedOn != date(today) {
				t.Fatalf("opened: %+v", r)
			}
			// The school cannot open one for itself (no rectification.review), nor for a unit outside its scope.
			_, err := f.app.CreateRectification(ctx, school, domain.RectificationInput{OrgID: f.schools[0].ID, Finding: "x", Responsible: "y", Deadline: date("2026-12-30")})
			wantKind(t, err, domain.KindForbidden, "")
			_, err = f.app.CreateRectification(ctx, district, domain.RectificationInput{OrgID: f.schools[2].ID, Finding: "x", Responsible: "y", Deadline: date("2026-12-30")})
			wantKind(t, err, domain.KindNotFound, "org_id")
			_, err = f.app.CreateRectification(ctx, district, domain.RectificationInput{OrgID: f.schools[0].ID, Finding: "x", Responsible: "y", Deadline: date("2026-11-28")})
			wantKind(t, err, domain.KindInvalid, "deadline")

			// Submitting without closure evidence is refused.
			_, err = f.app.SubmitRectification(ctx, school, r.ID, "已整改")
			wantKind(t, err, domain.KindInvalid, "evidence")
			if _, err := f.app.AddRectNote(ctx, school, r.ID, "已召开专题会议，补录台账12条"); err != nil {
				t.Fatal(err)
			}
			// Another school cannot write to it: not found.
			_, err = f.app.AddRectNote(ctx, actorOf(f.schools[1]), r.ID, "x")
			wantKind(t, err, domain.KindNotFound, "")
			if r, err = f.app.AttachRectEvidence(ctx, school, r.ID, "整改照片.png", tinyPNG()); err != nil {
				t.Fatal(err)
			}
			if len(r.Evidence) != 1 || r.Evidence[0].MediaType != "image/png" {
				t.Fatalf("evidence: %+v", r.Evidence)
			}
			// The reviewer cannot close what is not submitted.
			_, err = f.app.ReviewRectification(ctx, district, r.ID, app.RectDecisionClose, "")
			wantKind(t, err, domain.KindConflict, "state")
			if r, err = f.app.SubmitRectification(ctx, school, r.ID, "台账已补齐"); err != nil || r.State != domain.RectSubmitted {
				t.Fatalf("submit: %v %+v", err, r)
			}
			// A send-back needs a reason; the owner school cannot review itself.
			_, err = f.app.ReviewRectification(ctx, district, r.ID, app.RectDecisionReturn, " ")
			wantKind(t, err, domain.KindInvalid, "reason")
			_, err = f.app.ReviewRectification(ctx, school, r.ID, app.RectDecisionClose, "")
			wantKind(t, err, domain.KindForbidden, "")
			if r, err = f.app.ReviewRectification(ctx, district, r.ID, app.RectDecisionReturn, "照片不清晰"); err != nil || r.State != domain.RectReturned || r.ReturnReason != "照片不清晰" {
				t.Fatalf("return: %v %+v", err, r)
			}
			if r, err = f.app.SubmitRectification(ctx, school, r.ID, "已重新上传"); err != nil {
				t.Fatal(err)
			}
			if r, err = f.app.ReviewRectification(ctx, district, r.ID, app.RectDecisionClose, ""); err != nil {
				t.Fatal(err)
			}
			if r.State != domain.RectClosed || r.ClosedOn != date(today) || !r.OnTime || !r.Immediate {
				t.Fatalf("closed: %+v", r)
			}
			kinds := []string{}
			for _, n := range r.Notes {
				kinds = append(kinds, n.Kind)
			}
			want := []string{"create", "note", "evidence", "submit", "return", "submit", "close"}
			if len(kinds) != len(want) {
				t.Fatalf("timeline %v, want %v", kinds, want)
			}
			for i := range want {
				if kinds[i] != want[i] {
					t.Fatalf("timeline %v, want %v", kinds, want)
				}
			}
			// Closed is final.
			_, err = f.app.AddRectNote(ctx, school, r.ID, "补充")
			wantKind(t, err, domain.KindConflict, "state")
			// Cross-unit reads: district 2 does not see it; the bureau does.
			_, err = f.app.GetRectification(ctx, actorWithRole(f.districts[1], domain.RoleDistrictAdmin), r.ID)
			wantKind(t, err, domain.KindNotFound, "")
			if _, err := f.app.GetRectification(ctx, actorWithRole(f.bureau, domain.RoleLeader), r.ID); err != nil {
				t.Fatal(err)
			}
			list, n, err := f.app.ListRectifications(ctx, actorWithRole(f.districts[1], domain.RoleDistrictAdmin), app.RectQuery{})
			if err != nil || n != 0 || len(list) != 0 {
				t.Fatalf("district 2 lists %d: %v", n, err)
			}
			_, _, err = f.app.ListRectifications(ctx, actorWithRole(f.districts[1], domain.RoleDistrictAdmin), app.RectQuery{OrgID: f.schools[0].ID})
			wantKind(t, err, domain.KindNotFound, "org_id")
		})
	}
}

// TestRectificationNoSelfSignOff: a district that opens and owns its own
// item is reviewed by the bureau; and a person who submitted cannot close.
func TestRectificationNoSelfSignOff(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			district, _ := rectActors(f)
			r := f.openRect(t, district, f.districts[0].ID, "2026-12-10")
			if r.ReviewOrgID != f.bureau.ID {
				t.Fatalf("a unit's own item is reviewed by its parent, got %d", r.ReviewOrgID)
			}
			if _, err := f.app.AttachRectEvidence(ctx, district, r.ID, "a.png", tinyPNG()); err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.SubmitRectification(ctx, district, r.ID, "done"); err != nil {
				t.Fatal(err)
			}
			_, err := f.app.ReviewRectification(ctx, district, r.ID, app.RectDecisionClose, "")
			wantKind(t, err, domain.KindForbidden, "")
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
			office.AccountID = district.AccountID // the same person, holding the bureau's role too
			_, err = f.app.ReviewRectification(ctx, office, r.ID, app.RectDecisionClose, "")
			wantKind(t, err, domain.KindForbidden, "")
			office.AccountID = 303
			if _, err := f.app.ReviewRectification(ctx, office, r.ID, app.RectDecisionClose, ""); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRectificationEscalation pins the clock past a deadline and runs the
// sweep twice a day: each level is reached exactly once, with one timeline
// line and one audit row, and the item climbs to the grandparent a week later.
func TestRectificationEscalation(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			var now atomic.Value
			now.Store(storetest.Clock(today)())
			clock := func() time.Time { return now.Load().(time.Time) }
			f := newFixtureAt(t, e, clock)
			district, school := rectActors(f)
			r := f.openRect(t, district, f.branches[0].ID, "2026-12-01") // branch → school → district → bureau
			run := func(day string, want int) {
				t.Helper()
				now.Store(storetest.Clock(day)())
				for i, w := range []int{want, 0} { // the second run of the day changes nothing
					n, err := f.app.EscalateOverdue(ctx)
					if err != nil || n != w {
						t.Fatalf("%s run %d: moved %d (%v), want %d", day, i+1, n, err, w)
					}
				}
			}
			run("2026-12-01", 0) // due today
			run("2026-12-02", 1)
			got, err := f.app.GetRectification(ctx, district, r.ID)
			if err != nil || got.Escalation != 1 || got.EscalatedTo != f.schools[0].ID || !got.Overdue {
				t.Fatalf("after one day: %+v %v", got, err)
			}
			// The school's to-do shows the escalated item.
			todo, err := f.app.Todo(ctx, school)
			if err != nil || len(todo) != 1 || todo[0].Kind != domain.TodoRectification || !todo[0].Overdue || todo[0].Ref != r.ID {
				t.Fatalf("school's to-do: %+v %v", todo, err)
			}
			run("2026-12-08", 0)
			run("2026-12-09", 1)
			run("2026-12-30", 1)
			run("2027-03-30", 0) // the bureau is the top
			got, _ = f.app.GetRectification(ctx, district, r.ID)
			if got.Escalation != 3 || got.EscalatedTo != f.bureau.ID {
				t.Fatalf("finally: level %d at %d", got.Escalation, got.EscalatedTo)
			}
			n := 0
			for _, note := range got.Notes {
				if note.Kind == "escalate" {
					n++
				}
			}
			if n != 3 {
				t.Fatalf("%d escalation lines, want 3", n)
			}
			rows, _, err := f.app.ListAuditEvents(ctx, f.op, app.AuditQuery{Type: "rectification.escalate", Limit: 100})
			if err != nil || len(rows) != 3 {
				t.Fatalf("%d escalation audit rows (%v), want 3", len(rows), err)
			}
			// The sweep is registered.
			found := false
			for _, s := range f.app.Sweeps() {
				found = found || s.Name == app.RectSweepName
			}
			if !found {
				t.Fatal("the escalation sweep is not in a.Sweeps()")
			}
		})
	}
}

// TestRectificationTodo: the owner sees its open items; the reviewer the
// submitted ones; another district nothing.
func TestRectificationTodo(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			district, school := rectActors(f)
			r1 := f.openRect(t, district, f.schools[0].ID, "2026-12-10")
			f.openRect(t, district, f.schools[0].ID, "2026-12-05")
			todo, err := f.app.Todo(ctx, school)
			if err != nil || len(todo) != 1 || todo[0].Count != 2 || todo[0].Due.String() != "2026-12-05" {
				t.Fatalf("school: %+v %v", todo, err)
			}
			if _, err := f.app.AttachRectEvidence(ctx, school, r1.ID, "a.png", tinyPNG()); err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.SubmitRectification(ctx, school, r1.ID, ""); err != nil {
				t.Fatal(err)
			}
			todo, _ = f.app.Todo(ctx, district)
			if len(todo) != 1 || todo[0].Title != "待审核整改" || todo[0].Count != 1 || todo[0].Ref != r1.ID {
				t.Fatalf("district: %+v", todo)
			}
			other := actorWithRole(f.districts[1], domain.RoleDistrictAdmin)
			if todo, _ = f.app.Todo(ctx, other); len(todo) != 0 {
				t.Fatalf("district 2: %+v", todo)
			}
		})
	}
}

// TestRectificationFigures: the report's counts of rectifications opened,
// closed, closed on time and 立行立改 equal the items the list shows for the
// same filter (the figure's records link).
func TestRectificationFigures(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			var now atomic.Value
			now.Store(storetest.Clock("2026-10-01")())
			f := newFixtureAt(t, e, func() time.Time { return now.Load().(time.Time) })
			district, school := rectActors(f)
			late := f.openRect(t, district, f.schools[0].ID, "2026-10-05")
			quick := f.openRect(t, district, f.schools[0].ID, "2026-12-31")
			f.openRect(t, district, f.schools[1].ID, "2026-12-31") // stays open
			closeOn := func(id int64, day string) {
				now.Store(storetest.Clock(day)())
				if _, err := f.app.AttachRectEvidence(ctx, school, id, "a.png", tinyPNG()); err != nil {
					t.Fatal(err)
				}
				if _, err := f.app.SubmitRectification(ctx, school, id, ""); err != nil {
					t.Fatal(err)
				}
				if _, err := f.app.ReviewRectification(ctx, district, id, app.RectDecisionClose, ""); err != nil {
					t.Fatal(err)
				}
			}
			closeOn(quick.ID, "2026-10-06") // 5 days: on time and 立行立改
			closeOn(late.ID, "2026-10-20")  // after its deadline
			year := domain.Range{From: date("2026-01-01"), To: date("2027-01-01")}
			want := map[string][]int64{app.RectFigOpened: {late.ID, quick.ID, late.ID + 2}, app.RectFigClosed: {late.ID, quick.ID},
				app.RectFigOnTime: {quick.ID}, app.RectFigImmediate: {quick.ID}}
			for which, ids := range want {
				got, err := f.app.RectCount(ctx, f.op, f.bureau.ID, year, which)
				if err != nil || len(got) != len(ids) {
					t.Fatalf("%s: %v %v, want %v", which, got, err, ids)
				}
			}
			// Another district's figure is its own: none.
			got, _ := f.app.RectCount(ctx, actorWithRole(f.districts[1], domain.RoleDistrictAdmin), f.districts[1].ID, year, app.RectFigOpened)
			if len(got) != 0 {
				t.Fatalf("district 2 counts %v", got)
			}
			list, n, err := f.app.ListRectifications(ctx, f.op, app.RectQuery{ClosedFrom: year.From, ClosedTo: year.To, Immediate: true})
			if err != nil || n != 1 || list[0].ID != quick.ID {
				t.Fatalf("the 立行立改 list: %d %v", n, err)
			}
		})
	}
}
