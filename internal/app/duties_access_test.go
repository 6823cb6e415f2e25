package app_test

import (
	"context"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/assess"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// Bad targets are refused with the field named; nothing is written.
func TestDutyTargetsThatCannotBeMet(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			ctx := context.Background()
			office := actorWithRole(p.bureau, domain.RoleOfficeAdmin)
			whole := domain.Applies{Kind: domain.AppliesSubtree, Root: p.bureau.ID}
			retired := p.types["holiday_activity"]
			retired.Active = false
			if _, err := p.app.UpdateType(ctx, p.op, retired); err != nil {
				t.Fatal(err)
			}
			cases := []struct {
				name  string
				edit  func(*domain.DutyInput)
				kind  domain.Kind
				field string
			}{
				{"a period shorter than the grain", func(in *domain.DutyInput) {
					in.From, in.To = date("2026-03-01"), date("2026-05-31")
				}, domain.KindInvalid, "to"},
				{"a deadline that leaves no whole year", func(in *domain.DutyInput) {
					in.Target.Grain = domain.GrainYear
					dl := date("2026-06-30")
					in.Deadline = &dl
				}, domain.KindInvalid, "to"},
				{"a retired activity type", func(in *domain.DutyInput) {
					in.Target.TypeIDs = []int64{p.types["study_session"].ID, retired.ID}
				}, domain.KindInvalid, "target.type_ids[1]"},
				{"an activity type that does not exist", func(in *domain.DutyInput) { in.Target.TypeIDs = []int64{987654} },
					domain.KindInvalid, "target.type_ids[0]"},
				{"an unknown unit in the list", func(in *domain.DutyInput) {
					in.Applies = domain.Applies{Kind: domain.AppliesList, OrgIDs: []int64{p.schools[0].ID, 987654}}
				}, domain.KindNotFound, "applies.org_ids[1]"},
			}
			for _, c := range cases {
				in := p.dutyIn("中心组学习", whole, domain.GrainQuarter, 1, "study_session")
				c.edit(&in)
				_, err := p.app.CreateDuty(ctx, office, in)
				wantKind(t, err, c.kind, c.field)
			}
			// No types named: the duty's whole pillar is the target.
			in := p.dutyIn("理论学习", whole, domain.GrainQuarter, 1)
			if d, err := p.app.CreateDuty(ctx, office, in); err != nil || d.Target.Pillar != domain.PillarTheory {
				t.Fatalf("pillar target: %+v %v", d.Target, err)
			}
			ds, _ := p.app.ListDuties(ctx, office, 2026, "")
			if len(ds) != 1 {
				t.Fatalf("want only the valid duty stored, got %d", len(ds))
			}
		})
	}
}

// Scope: each actor reads the duties concerning its units and changes only
// those its units set; another unit's page is not found.
func TestDutyScopeAcrossUnits(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			ctx := context.Background()
			all := p.mustDuty(p.dutyIn("全县", domain.Applies{Kind: domain.AppliesSubtree, Root: p.bureau.ID}, domain.GrainYear, 1, "study_session"))
			d2 := p.mustDuty(p.dutyIn("学区二", domain.Applies{Kind: domain.AppliesList, OrgIDs: []int64{p.schools[2].ID}}, domain.GrainYear, 1, "study_session"))
			school0 := actorOf(p.schools[0])
			ds, err := p.app.ListDuties(ctx, school0, 2026, "")
			if err != nil || len(ds) != 1 || ds[0].ID != all.ID {
				t.Fatalf("school 0 reads %+v %v, want only the county-wide duty", ds, err)
			}
			if _, err := p.app.GetDuty(ctx, school0, d2.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Errorf("school 0 reads district 2's duty: %v", err)
			}
			if _, err := p.app.UnitDutyPage(ctx, school0, p.schools[2].ID, 2026); !domain.IsKind(err, domain.KindNotFound) {
				t.Errorf("school 0 reads school 2's page: %v", err)
			}
			if _, err := p.app.CreateDuty(ctx, school0, p.dutyIn("x", domain.Applies{Kind: domain.AppliesSubtree, Root: p.schools[0].ID}, domain.GrainYear, 1, "study_session")); !domain.IsKind(err, domain.KindForbidden) {
				t.Errorf("a school admin sets a duty: %v", err)
			}
			dist0 := actorWithRole(p.districts[0], domain.RoleDistrictAdmin)
			in := p.dutyIn("学区一", domain.Applies{Kind: domain.AppliesSubtree, Root: p.districts[0].ID}, domain.GrainYear, 1, "study_session")
			in.OwnerOrgID = p.districts[0].ID
			if _, err := p.app.CreateDuty(ctx, dist0, in); err != nil {
				t.Fatalf("district 1 sets its own duty: %v", err)
			}
			in.Applies = domain.Applies{Kind: domain.AppliesList, OrgIDs: []int64{p.schools[2].ID}}
			_, err = p.app.CreateDuty(ctx, dist0, in)
			wantKind(t, err, domain.KindNotFound, "applies.org_ids[0]")
			if _, err := p.app.UpdateDuty(ctx, dist0, all.ID, all.Version, p.dutyIn("改", domain.Applies{Kind: domain.AppliesSubtree, Root: p.districts[0].ID}, domain.GrainYear, 1, "study_session")); !domain.IsKind(err, domain.KindForbidden) {
				t.Errorf("district 1 edits the bureau's duty: %v", err)
			}
			if err := p.app.DeleteDuty(ctx, dist0, d2.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Errorf("district 1 deletes district 2's duty: %v", err)
			}
			// The empty scope sees nothing.
			if ds, err := p.app.ListDuties(ctx, domain.Actor{Permissions: []domain.Permission{domain.PermActivityRead}}, 2026, ""); err != nil || len(ds) != 0 {
				t.Errorf("empty scope reads %d duties (%v)", len(ds), err)
			}
			// A leader covering district 2 only sees district 2 on the page.
			leader := actorWithRole(p.bureau, domain.RoleLeader)
			leader.Scope = domain.Scope{Covered: []int64{p.districts[1].ID}}
			lp, err := p.app.LeaderDutyPage(ctx, leader, 2026)
			if err != nil || len(lp.Rows) != 1 || lp.Rows[0].OrgID != p.districts[1].ID || lp.Rows[0].Duties != 1 {
				t.Errorf("leader page %+v %v", lp, err)
			}
		})
	}
}

func TestCopyLastYearsPlan(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			ctx := context.Background()
			office := actorWithRole(p.bureau, domain.RoleOfficeAdmin)
			in := p.dutyIn("意识形态专题研究每半年至少1次", domain.Applies{Kind: domain.AppliesKindIn, Root: p.bureau.ID, OrgKind: domain.OrgSchool},
				domain.GrainSemester, 1, "duty_analysis_meeting")
			in.Year, in.From, in.To = 2024, date("2024-01-01"), date("2024-12-31")
			dl := date("2024-02-29")
			in.To = date("2024-12-31")
			in.Deadline = nil
			p.mustDuty(in)
			in2 := p.dutyIn("年终总结", domain.Applies{Kind: domain.AppliesSubtree, Root: p.bureau.ID}, domain.GrainMonth, 1, "study_session")
			in2.Year, in2.From, in2.To, in2.Deadline = 2024, date("2024-02-01"), date("2024-02-29"), &dl
			p.mustDuty(in2)
			// District 1's own duty is not the bureau office's to copy.
			dist := actorWithRole(p.districts[0], domain.RoleDistrictAdmin)
			in3 := p.dutyIn("学区", domain.Applies{Kind: domain.AppliesSubtree, Root: p.districts[0].ID}, domain.GrainYear, 1, "study_session")
			in3.Year, in3.OwnerOrgID, in3.From, in3.To = 2024, p.districts[0].ID, date("2024-01-01"), date("2024-12-31")
			if _, err := p.app.CreateDuty(ctx, dist, in3); err != nil {
				t.Fatal(err)
			}
			res, err := p.app.CopyPlan(ctx, dist, 2024, 2025)
			if err != nil || len(res.Duties) != 1 {
				t.Fatalf("district copies %+v %v", res, err)
			}
			res, err = p.app.CopyPlan(ctx, office, 2024, 2025)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Duties) != 2 {
				t.Fatalf("office copied %d duties, want its own 2 (the district copied its own)", len(res.Duties))
			}
			again, err := p.app.CopyPlan(ctx, office, 2024, 2025)
			if err != nil || len(again.Duties) != 0 || again.Skipped != 3 {
				t.Fatalf("second copy: %+v %v", again, err)
			}
			ds, _ := p.app.ListDuties(ctx, office, 2025, "")
			for _, d := range ds {
				if d.Title == "年终总结" {
					// 29 February 2024 becomes 28 February 2025.
					if d.To != date("2025-02-28") || d.Deadline == nil || *d.Deadline != date("2025-02-28") || d.From != date("2025-02-01") {
						t.Errorf("shifted dates: %s %s %v", d.From, d.To, d.Deadline)
					}
				}
			}
			if len(ds) != 3 { // the district's copy and the office's two
				t.Errorf("2025 plan has %d duties", len(ds))
			}
		})
	}
}

func TestDutyToDoAndLeadingGroups(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			ctx := context.Background()
			monthly := p.mustDuty(p.dutyIn("每月理论学习", domain.Applies{Kind: domain.AppliesKindIn, Root: p.bureau.ID, OrgKind: domain.OrgSchool},
				domain.GrainMonth, 2, "study_session"))
			p.add(nil, p.schools[0].ID, "study_session", "2026-11-02")
			p.add(nil, p.schools[1].ID, "study_session", "2026-11-02")
			p.add(nil, p.schools[1].ID, "study_session", "2026-11-03")
			todo, err := p.app.Todo(ctx, actorOf(p.schools[0]))
			if err != nil {
				t.Fatal(err)
			}
			// November ends in 2 days with 1 of 2; October ended short 29 days
			// ago, outside the two weeks looked back.
			if len(todo) != 1 || todo[0].Kind != domain.TodoDutyDue || todo[0].Count != 1 || todo[0].Ref != monthly.ID ||
				todo[0].Due == nil || *todo[0].Due != date("2026-11-30") || todo[0].Overdue {
				t.Fatalf("school 0 to-do: %+v", todo)
			}
			if todo, _ := p.app.Todo(ctx, actorOf(p.schools[1])); len(todo) != 0 {
				t.Errorf("school 1 met November: %+v", todo)
			}
			if todo, _ := p.app.Todo(ctx, actorWithRole(p.schools[0], domain.RoleMember)); len(todo) != 0 {
				t.Errorf("a member who records nothing gets duty lines: %+v", todo)
			}
			// The sweep runs (its notices go through a.notify) and can run twice.
			for _, s := range p.app.Sweeps() {
				if s.Name == "duty_deadlines" {
					for i := 0; i < 2; i++ {
						if err := s.Run(ctx); err != nil {
							t.Fatal(err)
						}
					}
				}
			}

			office := actorWithRole(p.bureau, domain.RoleOfficeAdmin)
			g := domain.LeadingGroupInput{OrgID: p.bureau.ID, Name: "意识形态工作领导小组", Members: []domain.GroupMember{
				{Name: "张书记", Title: "局党委书记", Role: domain.GroupRoleLeader, From: date("2026-01-01")},
				{Name: "李局长", Title: "局长", Role: domain.GroupRoleDeputy, From: date("2026-01-01")},
				{Name: "王主任", Title: "办公室主任", Role: domain.GroupRoleOffice, From: date("2026-01-01")},
			}}
			got, err := p.app.PutLeadingGroup(ctx, office, g, 0)
			if err != nil || len(got.Members) != 3 || got.Version != 1 {
				t.Fatalf("put group: %+v %v", got, err)
			}
			_, err = p.app.PutLeadingGroup(ctx, office, g, 0)
			wantKind(t, err, domain.KindConflict, "version")
			g.Members[1].Role = "chair"
			_, err = p.app.PutLeadingGroup(ctx, office, g, 1)
			wantKind(t, err, domain.KindInvalid, "members[1].role")
			g.Members[1].Role = domain.GroupRoleDeputy
			bad := date("2025-01-01")
			g.Members[2].To = &bad
			_, err = p.app.PutLeadingGroup(ctx, office, g, 1)
			wantKind(t, err, domain.KindInvalid, "members[2].to")
			// Cross-unit: a district admin cannot set the bureau's group, nor
			// read another district's.
			dist := actorWithRole(p.districts[0], domain.RoleDistrictAdmin)
			_, err = p.app.PutLeadingGroup(ctx, dist, domain.LeadingGroupInput{OrgID: p.districts[1].ID, Name: "x",
				Members: []domain.GroupMember{{Name: "a", Role: domain.GroupRoleLeader, From: date("2026-01-01")}}}, 0)
			wantKind(t, err, domain.KindNotFound, "org_id")
			if g, err := p.app.GetLeadingGroup(ctx, dist, p.districts[0].ID); err != nil || g.Version != 0 || len(g.Members) != 0 {
				t.Errorf("a unit without a group: %+v %v", g, err)
			}
			if _, err := p.app.GetLeadingGroup(ctx, dist, p.bureau.ID); !domain.IsKind(err, domain.KindNotFound) {
				t.Errorf("district reads the bureau's group: %v", err)
			}
			if gs, err := p.app.ListLeadingGroups(ctx, office, 0); err != nil || len(gs) != 1 {
				t.Errorf("office lists %d groups (%v)", len(gs), err)
			}
			_ = app.DutyDueSoonDays
		})
	}
}

// A duty is deleted while nobody has worked on it; one carrying a unit's
// checklist evidence, or one of a year whose assessment of its units scores
// duty completion, is refused with the reason named, and stays.
func TestDeleteDutyRefusals(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			ctx := context.Background()
			office := actorWithRole(p.bureau, domain.RoleOfficeAdmin)
			whole := domain.Applies{Kind: domain.AppliesSubtree, Root: p.bureau.ID}
			plain := p.mustDuty(p.dutyIn("宣讲", whole, domain.GrainYear, 1, "study_session"))
			if err := p.app.DeleteDuty(ctx, office, plain.ID); err != nil {
				t.Fatalf("a duty nobody worked on: %v", err)
			}
			in := p.dutyIn("对照检查", whole, domain.GrainYear, 0)
			in.Target = domain.Target{Measure: domain.MeasureChecklist, Grain: domain.GrainYear}
			checked := p.mustDuty(in)
			if err := p.app.SubmitDutyCheck(ctx, actorOf(p.schools[0]), checked.ID, p.schools[0].ID, "已召开专题会议", nil); err != nil {
				t.Fatal(err)
			}
			wantKind(t, p.app.DeleteDuty(ctx, office, checked.ID), domain.KindConflict, "checks")
			if _, err := p.app.GetDuty(ctx, office, checked.ID); err != nil {
				t.Fatalf("the refused duty is gone: %v", err)
			}
			// A 2026 rubric of the schools scoring duty completion: the
			// year's duties are its measure.
			scored := p.mustDuty(p.dutyIn("中心组学习", whole, domain.GrainYear, 12, "study_session"))
			rubric := app.RubricInput{OrgID: p.bureau.ID, Year: 2026, Name: "2026年度考核", UnitKind: domain.OrgSchool, Items: []assess.Item{
				{Name: "责任清单", Indicator: app.IndDutyCompletion, Weight: 100, Rule: assess.Rule{Kind: assess.Linear, Floor: 0, Full: 1}}}}
			if _, err := p.app.SaveRubric(ctx, office, 0, rubric); err != nil {
				t.Fatal(err)
			}
			wantKind(t, p.app.DeleteDuty(ctx, office, scored.ID), domain.KindConflict, "rubric")
			// Another year's duty is not scored by it.
			next := p.dutyIn("中心组学习", whole, domain.GrainYear, 12, "study_session")
			next.Year, next.From, next.To = 2027, date("2027-01-01"), date("2027-12-31")
			later := p.mustDuty(next)
			if err := p.app.DeleteDuty(ctx, office, later.ID); err != nil {
				t.Fatalf("a 2027 duty: %v", err)
			}
		})
	}
}
