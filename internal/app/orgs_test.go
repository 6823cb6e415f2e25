package app_test

import (
	"context"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

func TestOrgTree(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			// Codes are unique.
			_, err := f.app.CreateOrg(ctx, f.op, app.OrgInput{ParentID: f.bureau.ID, Kind: domain.OrgDistrict, Code: "D1", Name: "重复"})
			wantKind(t, err, domain.KindConflict, "code")
			// Kind nesting is enforced.
			_, err = f.app.CreateOrg(ctx, f.op, app.OrgInput{ParentID: f.branches[0].ID, Kind: domain.OrgSchool, Code: "X", Name: "支部下的学校"})
			wantKind(t, err, domain.KindInvalid, "kind")
			_, err = f.app.CreateOrg(ctx, f.op, app.OrgInput{Kind: domain.OrgSchool, Code: "X", Name: "无上级"})
			wantKind(t, err, domain.KindInvalid, "parent_id")
			_, err = f.app.CreateOrg(ctx, f.op, app.OrgInput{ParentID: f.bureau.ID, Kind: "province", Code: "X", Name: "省"})
			wantKind(t, err, domain.KindInvalid, "kind")
			_, err = f.app.CreateOrg(ctx, f.op, app.OrgInput{ParentID: f.bureau.ID, Kind: domain.OrgDistrict, Code: "bad code!", Name: "x"})
			wantKind(t, err, domain.KindInvalid, "code")
			// Rename and aliases.
			name := "城关学区"
			aliases := []string{"城关", " 城关 ", "城区学区"}
			d, err := f.app.UpdateOrg(ctx, f.op, f.districts[0].ID, app.OrgPatch{Name: &name, Aliases: &aliases})
			if err != nil || d.Name != name || len(d.Aliases) != 2 {
				t.Fatalf("rename: %+v %v", d, err)
			}
			found, total, _ := f.app.ListOrgs(ctx, f.op, store.OrgFilter{Query: "城区"})
			if total != 1 || found[0].ID != d.ID {
				t.Fatalf("search by alias: %d", total)
			}
			// Moving under its own descendant is refused.
			_, err = f.app.MoveOrg(ctx, f.op, f.schools[0].ID, f.branches[0].ID)
			wantKind(t, err, domain.KindInvalid, "parent_id")
			// A real move carries the subtree and its depth.
			s, err := f.app.MoveOrg(ctx, f.op, f.schools[0].ID, f.districts[1].ID)
			if err != nil || s.ParentID != f.districts[1].ID || s.Depth != 2 {
				t.Fatalf("move: %+v %v", s, err)
			}
			under, _, _ := f.app.ListOrgs(ctx, f.op, store.OrgFilter{Under: f.districts[1].ID})
			if len(under) != 7 { // district, 3 schools, 3 branches
				t.Fatalf("district 2 subtree after move: %d units", len(under))
			}
			br, _ := f.app.GetOrg(ctx, f.op, f.branches[0].ID)
			if br.Depth != 3 {
				t.Fatalf("branch depth after move: %d", br.Depth)
			}
			// A school under the bureau directly is allowed (直属学校).
			if _, err := f.app.MoveOrg(ctx, f.op, f.schools[1].ID, f.bureau.ID); err != nil {
				t.Fatal(err)
			}
			// Deactivation: refused while children are active, then allowed.
			_, err = f.app.DeactivateOrg(ctx, f.op, f.schools[2].ID, domain.Date{})
			wantKind(t, err, domain.KindConflict, "active")
			if _, err := f.app.DeactivateOrg(ctx, f.op, f.branches[2].ID, date("2026-06-30")); err != nil {
				t.Fatal(err)
			}
			o, err := f.app.DeactivateOrg(ctx, f.op, f.schools[2].ID, date("2026-07-01"))
			if err != nil || o.Active || o.ActiveUntil != date("2026-07-01") {
				t.Fatalf("deactivate: %+v %v", o, err)
			}
			// Nothing new goes under a deactivated unit.
			_, err = f.app.CreateOrg(ctx, f.op, app.OrgInput{ParentID: o.ID, Kind: domain.OrgBranch, Code: "Y", Name: "新支部"})
			wantKind(t, err, domain.KindInvalid, "parent_id")
			// Reactivation needs an active parent.
			if _, err := f.app.ReactivateOrg(ctx, f.op, o.ID); err != nil {
				t.Fatal(err)
			}
			// The root cannot move.
			_, err = f.app.MoveOrg(ctx, f.op, f.bureau.ID, f.districts[0].ID)
			wantKind(t, err, domain.KindInvalid, "parent_id")
		})
	}
}

func TestAggregateTraceableAndLastYear(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			for _, d := range []string{"2024-03-05", "2025-03-05", "2025-03-06", "2025-09-10"} {
				a, err := f.app.CreateActivity(ctx, f.op, f.lecture(f.branches[0].ID, d, 40), true)
				if err != nil {
					t.Fatal(err)
				}
				mustTransition(t, f, a.ID, domain.ActApprove, "")
			}
			res, err := f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.districts[0].ID, Period: "2025年", Pillar: domain.PillarTheory, CompareLast: true, GroupBy: "month"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Count != 3 || res.Attendance != 120 || res.LastYear == nil || res.LastYear.Count != 1 {
				t.Fatalf("aggregate: %+v last year %+v", res.Figure, res.LastYear)
			}
			if len(res.Groups) != 2 || res.Groups[0].Key != "2025-03" || res.Groups[0].Count != 2 {
				t.Fatalf("by month: %+v", res.Groups)
			}
			// The figure's records are exactly the ledger rows its filter lists.
			_, total, err := f.app.ListActivities(ctx, f.op, app.ActivityQuery{OrgID: f.districts[0].ID, Period: "2025", Pillar: domain.PillarTheory, Statuses: res.Statuses})
			if err != nil || int64(total) != res.Count {
				t.Fatalf("records behind the figure: %d, figure %d (%v)", total, res.Count, err)
			}
			// Grouped by child, the figure is still the whole subtree: records filed
			// on the unit itself are a group keyed by its own id.
			own, err := f.app.CreateActivity(ctx, f.op, f.lecture(f.districts[0].ID, "2025-04-01", 7), true)
			if err != nil {
				t.Fatal(err)
			}
			mustTransition(t, f, own.ID, domain.ActApprove, "")
			byChild, err := f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.districts[0].ID, Period: "2025", GroupBy: "child"})
			if err != nil || byChild.Count != 4 {
				t.Fatalf("by child: %+v %v", byChild.Figure, err)
			}
			var sum int64
			selfCount := int64(-1)
			for _, g := range byChild.Groups {
				sum += g.Count
				if g.Key == fmtInt(f.districts[0].ID) {
					selfCount = g.Count
				}
			}
			if sum != byChild.Count || selfCount != 1 {
				t.Fatalf("groups %+v do not add up to %d (own share %d)", byChild.Groups, byChild.Count, selfCount)
			}
			// A period in progress (2026, today 2026-11-29) is compared with last
			// year up to the same day.
			ytd, err := f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.bureau.ID, Period: "2026", CompareLast: true})
			if err != nil || ytd.LastYear.Period.Range.To != date("2025-11-30") || ytd.LastYear.Period.Range.From != date("2025-01-01") {
				t.Fatalf("year to date: %+v %v", ytd.LastYear, err)
			}
			full, _ := f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.bureau.ID, Period: "2025", CompareLast: true})
			if full.LastYear.Period.Range.To != date("2025-01-01") {
				t.Fatalf("a finished period compares with all of last year: %+v", full.LastYear.Period)
			}
			// The autumn term spans the new year; with a custom calendar it moves.
			sem, err := f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.bureau.ID, Period: "2025年秋季学期"})
			if err != nil || sem.Count != 1 || sem.Period.Range.To != date("2026-02-01") {
				t.Fatalf("autumn term: %+v %v", sem, err)
			}
			if _, err := f.app.SetSemesterCalendar(ctx, f.op, f.bureau.ID, app.SemesterCalendar{SpringStart: "03-01", AutumnStart: "09-15"}); err != nil {
				t.Fatal(err)
			}
			sem, _ = f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.bureau.ID, Period: "2025FA"})
			if sem.Count != 0 || sem.Period.Range.From != date("2025-09-15") {
				t.Fatalf("autumn term from 09-15: %+v", sem)
			}
			_, err = f.app.SetSemesterCalendar(ctx, f.op, f.bureau.ID, app.SemesterCalendar{SpringStart: "09-01", AutumnStart: "03-01"})
			if !domain.IsKind(err, domain.KindInvalid) {
				t.Fatalf("spring after autumn: %v", err)
			}
			_, err = f.app.Aggregate(ctx, f.op, app.AggRequest{OrgID: f.bureau.ID, Period: "2025Q5"})
			wantKind(t, err, domain.KindInvalid, "period")
		})
	}
}
