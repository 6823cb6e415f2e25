package app_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

func TestActivityValidationNamesTheField(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			school := f.schools[0]
			good := f.lecture(school.ID, "2025-03-12", 120)
			cases := []struct {
				name  string
				edit  func(in *domain.ActivityInput)
				kind  domain.Kind
				field string
			}{
				{"no unit", func(in *domain.ActivityInput) { in.OrgID = 0 }, domain.KindInvalid, "org_id"},
				{"unknown unit", func(in *domain.ActivityInput) { in.OrgID = 99999 }, domain.KindNotFound, "org_id"},
				{"unknown type", func(in *domain.ActivityInput) { in.TypeID = 99999 }, domain.KindNotFound, "type_id"},
				{"no date", func(in *domain.ActivityInput) { in.Date = domain.Date{} }, domain.KindInvalid, "date"},
				{"future date", func(in *domain.ActivityInput) { in.Date = date("2026-11-30") }, domain.KindInvalid, "date"},
				{"empty title", func(in *domain.ActivityInput) { in.Title = "   " }, domain.KindInvalid, "title"},
				{"long title", func(in *domain.ActivityInput) { in.Title = strings.Repeat("宣", domain.MaxTitleLen+1) }, domain.KindInvalid, "title"},
				{"negative attendance", func(in *domain.ActivityInput) { in.Attendance = -1 }, domain.KindInvalid, "attendance"},
				{"absurd attendance", func(in *domain.ActivityInput) { in.Attendance = domain.MaxAttendance + 1 }, domain.KindInvalid, "attendance"},
				{"venue not of the type", func(in *domain.ActivityInput) { in.Venues = []string{domain.VenueCommunity} }, domain.KindInvalid, "venues"},
				{"unknown venue", func(in *domain.ActivityInput) { in.Venues = []string{"moon"} }, domain.KindInvalid, "venues"},
				{"publication on a lecture", func(in *domain.ActivityInput) { in.Publication = domain.PublicationPublished }, domain.KindInvalid, "publication"},
				{"long description", func(in *domain.ActivityInput) { in.Description = strings.Repeat("x", domain.MaxDescLen+1) }, domain.KindInvalid, "description"},
			}
			for _, c := range cases {
				in := good
				c.edit(&in)
				_, err := f.app.CreateActivity(ctx, f.op, in, false)
				wantKind(t, err, c.kind, c.field)
			}
			// Nothing half-written: the ledger is still empty.
			if _, total, _ := f.app.ListActivities(ctx, f.op, app.ActivityQuery{}); total != 0 {
				t.Fatalf("rejected inputs left %d activities", total)
			}
			// Submitting a type that expects attendance with none is refused.
			in := good
			in.Attendance = 0
			_, err := f.app.CreateActivity(ctx, f.op, in, true)
			wantKind(t, err, domain.KindInvalid, "attendance")
			// An article submission gets a publication status, and only a valid one.
			art := domain.ActivityInput{OrgID: school.ID, TypeID: f.types["article_submission"].ID, Date: date("2025-05-06"), Title: "学习强国稿件"}
			a, err := f.app.CreateActivity(ctx, f.op, art, false)
			if err != nil || a.Publication != domain.PublicationSubmitted {
				t.Fatalf("article: %v %q", err, a.Publication)
			}
			art.Publication = "rejected"
			_, err = f.app.CreateActivity(ctx, f.op, art, false)
			wantKind(t, err, domain.KindInvalid, "publication")
		})
	}
}

func TestActivityLifeOfUnit(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			newSchool := f.mustOrg(t, app.OrgInput{ParentID: f.districts[0].ID, Kind: domain.OrgSchool, Code: "NEW", Name: "新建学校", ActiveFrom: date("2025-09-01")})
			_, err := f.app.CreateActivity(ctx, f.op, f.lecture(newSchool.ID, "2025-08-31", 10), false)
			wantKind(t, err, domain.KindInvalid, "date")
			if _, err := f.app.CreateActivity(ctx, f.op, f.lecture(newSchool.ID, "2025-09-01", 10), false); err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.DeactivateOrg(ctx, f.op, newSchool.ID, date("2026-01-31")); err != nil {
				t.Fatal(err)
			}
			_, err = f.app.CreateActivity(ctx, f.op, f.lecture(newSchool.ID, "2025-10-01", 10), false)
			wantKind(t, err, domain.KindInvalid, "org_id")
		})
	}
}

func TestStatusFlowAndClosedPeriodLock(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			a, err := f.app.CreateActivity(ctx, f.op, f.lecture(f.schools[0].ID, "2024-05-10", 80), false)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.Transition(ctx, f.op, a.ID, domain.ActApprove, ""); !domain.IsKind(err, domain.KindConflict) {
				t.Fatalf("approving a draft: want conflict, got %v", err)
			}
			_, err = f.app.Transition(ctx, f.op, a.ID, domain.ActReturn, "")
			wantKind(t, err, domain.KindInvalid, "reason")
			mustTransition(t, f, a.ID, domain.ActSubmit, "")
			r := mustTransition(t, f, a.ID, domain.ActReturn, "佐证材料不全")
			if r.Status != domain.StatusReturned || r.ReturnReason != "佐证材料不全" {
				t.Fatalf("returned: %+v", r)
			}
			mustTransition(t, f, a.ID, domain.ActSubmit, "")
			ap := mustTransition(t, f, a.ID, domain.ActApprove, "")
			if _, err := f.app.ClosePeriod(ctx, f.op, "2024年"); err != nil {
				t.Fatal(err)
			}
			in := f.lecture(f.schools[0].ID, "2024-05-10", 81)
			_, err = f.app.UpdateActivity(ctx, f.op, a.ID, ap.Version, in)
			if !domain.IsKind(err, domain.KindLocked) {
				t.Fatalf("edit in a closed period: want locked, got %v", err)
			}
			if err := f.app.DeleteActivity(ctx, f.op, a.ID); !domain.IsKind(err, domain.KindLocked) {
				t.Fatalf("delete in a closed period: want locked, got %v", err)
			}
			// Moving an approved record of an open period into the closed one is locked too.
			b, _ := f.app.CreateActivity(ctx, f.op, f.lecture(f.schools[0].ID, "2025-05-10", 80), true)
			b = mustTransition(t, f, b.ID, domain.ActApprove, "")
			_, err = f.app.UpdateActivity(ctx, f.op, b.ID, b.Version, f.lecture(f.schools[0].ID, "2024-12-31", 80))
			if !domain.IsKind(err, domain.KindLocked) {
				t.Fatalf("moving into a closed period: want locked, got %v", err)
			}
			if err := f.app.ReopenPeriod(ctx, f.op, "2024"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.UpdateActivity(ctx, f.op, a.ID, ap.Version, in); err != nil {
				t.Fatalf("edit after reopening: %v", err)
			}
			// A stale version is refused, not silently overwritten.
			_, err = f.app.UpdateActivity(ctx, f.op, a.ID, ap.Version, in)
			wantKind(t, err, domain.KindConflict, "version")
		})
	}
}

func mustTransition(t *testing.T, f *fixture, id int64, tr domain.Transition, reason string) domain.Activity {
	t.Helper()
	a, err := f.app.Transition(context.Background(), f.op, id, tr, reason)
	if err != nil {
		t.Fatalf("%s %d: %v", tr, id, err)
	}
	return a
}

func TestBulkApproveIsAllOrNothing(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			var ids []int64
			for i := 0; i < 3; i++ {
				a, err := f.app.CreateActivity(ctx, f.op, f.lecture(f.schools[1].ID, "2025-04-0"+string(rune('1'+i)), 30), true)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, a.ID)
			}
			draft, _ := f.app.CreateActivity(ctx, f.op, f.lecture(f.schools[1].ID, "2025-04-09", 30), false)
			_, err := f.app.BulkApprove(ctx, f.op, append(ids, draft.ID))
			wantKind(t, err, domain.KindConflict, "ids[3]")
			got, err := f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.bureau.ID, Period: "2025"})
			if err != nil || got.Count != 0 {
				t.Fatalf("a failed bulk approval approved %d: %v", got.Count, err)
			}
			if _, err := f.app.BulkApprove(ctx, f.op, ids); err != nil {
				t.Fatal(err)
			}
			got, _ = f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.bureau.ID, Period: "2025"})
			if got.Count != 3 || got.Attendance != 90 {
				t.Fatalf("after bulk approval: %+v", got.Figure)
			}
		})
	}
}

func TestScopeIsClosedByDefaultAndCrossUnitIsNotFound(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			mine, other := f.schools[0], f.schools[2]
			sec := actorOf(mine)
			theirs, err := f.app.CreateActivity(ctx, f.op, f.lecture(other.ID, "2025-03-03", 50), true)
			if err != nil {
				t.Fatal(err)
			}
			mustTransition(t, f, theirs.ID, domain.ActApprove, "")
			own, err := f.app.CreateActivity(ctx, sec, f.lecture(f.branches[0].ID, "2025-03-04", 20), true)
			if err != nil {
				t.Fatalf("own subtree: %v", err)
			}
			// Another school's records: absent, whatever the route.
			if _, err := f.app.GetActivity(ctx, sec, theirs.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("get foreign activity: %v", err)
			}
			if _, err := f.app.UpdateActivity(ctx, sec, theirs.ID, theirs.Version, f.lecture(mine.ID, "2025-03-03", 1)); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("update foreign activity: %v", err)
			}
			if err := f.app.DeleteActivity(ctx, sec, theirs.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("delete foreign activity: %v", err)
			}
			if _, err := f.app.Transition(ctx, sec, theirs.ID, domain.ActSubmit, ""); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("transition foreign activity: %v", err)
			}
			if _, err := f.app.CreateActivity(ctx, sec, f.lecture(other.ID, "2025-03-03", 5), false); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("create in a foreign unit: %v", err)
			}
			if _, err := f.app.UpdateActivity(ctx, sec, own.ID, own.Version, f.lecture(other.ID, "2025-03-03", 5)); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("move own activity into a foreign unit: %v", err)
			}
			if _, err := f.app.Aggregate(ctx, sec, app.AggRequest{OrgID: other.ID, Period: "2025"}); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("aggregate of a foreign unit: %v", err)
			}
			if _, err := f.app.GetOrg(ctx, sec, other.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("get foreign unit: %v", err)
			}
			if _, err := f.app.MoveOrg(ctx, actorWithRole(mine, domain.RoleOfficeAdmin), f.branches[0].ID, other.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("move into a foreign unit: %v", err)
			}
			list, total, err := f.app.ListActivities(ctx, sec, app.ActivityQuery{})
			if err != nil || total != 1 || list[0].ID != own.ID {
				t.Fatalf("list in scope: %d %v", total, err)
			}
			if _, _, err := f.app.ListActivities(ctx, sec, app.ActivityQuery{OrgID: other.ID}); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("list filtered on a foreign unit: %v", err)
			}
			orgs, _, _ := f.app.ListOrgs(ctx, sec, store.OrgFilter{})
			if len(orgs) != 2 {
				t.Fatalf("a school secretary sees %d units, want the school and its branch", len(orgs))
			}
			// Covered units (分片包抓) are readable, not writable.
			leader := domain.Actor{Name: "leader", Scope: domain.Scope{Covered: []int64{other.ID}}, Permissions: []domain.Permission{domain.PermActivityRead, domain.PermActivityApprove}}
			if _, err := f.app.GetActivity(ctx, leader, theirs.ID); err != nil {
				t.Fatalf("leader reads covered unit: %v", err)
			}
			if _, err := f.app.Transition(ctx, leader, theirs.ID, domain.ActReturn, "x"); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("leader writes covered unit: %v", err)
			}
			// The empty scope sees nothing at all.
			nobody := domain.Actor{Name: "nobody", Permissions: domain.AllPermissions}
			if l, total, err := f.app.ListActivities(ctx, nobody, app.ActivityQuery{}); err != nil || total != 0 || len(l) != 0 {
				t.Fatalf("empty scope lists %d activities (%v)", total, err)
			}
			if l, total, _ := f.app.ListOrgs(ctx, nobody, store.OrgFilter{}); total != 0 || len(l) != 0 {
				t.Fatalf("empty scope lists %d units", total)
			}
			if _, err := f.app.Aggregate(ctx, nobody, app.AggRequest{OrgID: f.bureau.ID, Period: "2025"}); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("empty scope aggregates: %v", err)
			}
		})
	}
}

func png1(c color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := 0; i < 16; i++ {
		img.Set(i%4, i/4, c)
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

func TestEvidenceIsSharedAndScoped(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			photo := png1(color.RGBA{200, 10, 10, 255})
			a1, _ := f.app.CreateActivity(ctx, f.op, f.lecture(f.schools[0].ID, "2025-03-03", 50), false)
			a2, _ := f.app.CreateActivity(ctx, f.op, f.lecture(f.schools[2].ID, "2025-03-04", 50), false)
			got, err := f.app.AttachEvidence(ctx, f.op, a1.ID, "现场照片.png", bytes.NewReader(photo))
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Evidence) != 1 || got.Evidence[0].MediaType != "image/png" {
				t.Fatalf("evidence: %+v", got.Evidence)
			}
			sha := got.Evidence[0].SHA256
			got2, err := f.app.AttachEvidence(ctx, f.op, a2.ID, "photo.png", bytes.NewReader(photo))
			if err != nil {
				t.Fatal(err)
			}
			if got2.Evidence[0].SHA256 != sha || len(got2.Evidence[0].SharedWith) != 1 || got2.Evidence[0].SharedWith[0] != a1.ID {
				t.Fatalf("the same photo twice should be one blob shared with %d: %+v", a1.ID, got2.Evidence)
			}
			meta, err := f.app.GetEvidence(ctx, f.op, sha)
			if err != nil || len(meta.Activities) != 2 {
				t.Fatalf("blob users: %+v %v", meta, err)
			}
			// A school sees only its own use of the blob.
			sec := actorOf(f.schools[0])
			meta, err = f.app.GetEvidence(ctx, sec, sha)
			if err != nil || len(meta.Activities) != 1 || meta.Activities[0] != a1.ID {
				t.Fatalf("scoped blob users: %+v %v", meta, err)
			}
			// A blob used only elsewhere is not found.
			other := png1(color.RGBA{0, 0, 200, 255})
			g3, _ := f.app.AttachEvidence(ctx, f.op, a2.ID, "b.png", bytes.NewReader(other))
			var otherSHA string
			for _, ev := range g3.Evidence {
				if ev.SHA256 != sha {
					otherSHA = ev.SHA256
				}
			}
			if _, _, err := f.app.OpenEvidence(ctx, sec, otherSHA); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("open a foreign blob: %v", err)
			}
			// A disallowed file type is refused and nothing is attached.
			_, err = f.app.AttachEvidence(ctx, f.op, a1.ID, "run.exe", strings.NewReader("MZ\x90\x00 this is not evidence"))
			wantKind(t, err, domain.KindInvalid, "file")
			// Has-evidence filter and detach.
			has := true
			_, total, _ := f.app.ListActivities(ctx, f.op, app.ActivityQuery{HasEvidence: &has})
			if total != 2 {
				t.Fatalf("activities with evidence: %d", total)
			}
			if _, err := f.app.DetachEvidence(ctx, f.op, a1.ID, sha); err != nil {
				t.Fatal(err)
			}
			_, total, _ = f.app.ListActivities(ctx, f.op, app.ActivityQuery{HasEvidence: &has})
			if total != 1 {
				t.Fatalf("after detaching: %d with evidence", total)
			}
		})
	}
}
