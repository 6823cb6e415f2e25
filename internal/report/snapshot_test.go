package report_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/report"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

const snapshotTemplate = "# {{ unit.name }}{{ period.label }}报告\n\n" +
	"宣讲{{ count(type: \"outreach_lecture\") }}场次，进校园{{ count(type: \"outreach_lecture\", venue: \"campus\") }}场次，" +
	"志愿服务{{ attendance(type: \"volunteer_service\") }}人次。\n\n{% slot next_steps %}\n"

// staleIDs are the ids a report view flags.
func staleIDs(v app.ReportView) []int64 {
	var out []int64
	for _, s := range v.Stale.Activities {
		out = append(out, s.ID)
	}
	return out
}

// TestSnapshotStaleness: editing, re-reviewing or deleting a record behind a
// stored report flags exactly that record; edits elsewhere flag nothing; a
// new approval the report did not count shows only on a recheck.
func TestSnapshotStaleness(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c := newCounty(t, e)
			d1, d2 := c.byCode["D1"], c.byCode["D2"]
			s11 := c.byCode["D1-S1"]
			lecture, volunteer := c.types["outreach_lecture"].ID, c.types["volunteer_service"].ID
			mk := func(org int64, ty int64, date string, venues []string, st domain.Status) domain.Activity {
				d, _ := domain.ParseDate(date)
				return c.add(t, domain.ActivityInput{OrgID: org, TypeID: ty, Date: d, Title: "活动" + date, Attendance: 40, Venues: venues}, st)
			}
			behind := mk(s11.ID, lecture, "2025-03-04", []string{"campus"}, domain.StatusApproved)
			behind2 := mk(c.byCode["D1-S2-B1"].ID, volunteer, "2025-05-04", nil, domain.StatusApproved)
			behind3 := mk(d1.ID, lecture, "2025-06-04", []string{"office"}, domain.StatusApproved)
			otherDistrict := mk(d2.ID, lecture, "2025-03-05", []string{"office"}, domain.StatusApproved)
			otherYear := mk(s11.ID, lecture, "2024-03-05", []string{"campus"}, domain.StatusApproved)
			draft := mk(s11.ID, lecture, "2025-04-05", []string{"campus"}, domain.StatusSubmitted)

			tpl, err := c.app.CreateReportTemplate(ctx, c.op, "快照测试", snapshotTemplate)
			if err != nil {
				t.Fatal(err)
			}
			office := actor(c.bureau, domain.RoleOfficeAdmin)
			v, err := c.app.GenerateReport(ctx, office, app.ReportRequest{OrgID: d1.ID, Period: "2025", TemplateID: tpl.ID,
				Slots: map[string][]string{"next_steps": {"一是继续抓好理论武装。"}}})
			if err != nil {
				t.Fatal(err)
			}
			vals := []int64{v.Figures[0].Value, v.Figures[1].Value, v.Figures[2].Value}
			if !slices.Equal(vals, []int64{2, 1, 40}) {
				t.Fatalf("figures %v, want [2 1 40]", vals)
			}
			if v.Figures[0].Digest != report.Digest([]int64{behind3.ID, behind.ID}) || v.Figures[0].NRecords != 2 {
				t.Errorf("figure 0 digest %s over %d records, want the digest of %d and %d", v.Figures[0].Digest, v.Figures[0].NRecords, behind.ID, behind3.ID)
			}
			if v.Stale.Count != 0 {
				t.Fatalf("a fresh report is stale: %+v", v.Stale)
			}
			if !strings.Contains(v.Blocks[len(v.Blocks)-1].Text(), "一是继续抓好理论武装") {
				t.Errorf("the next_steps slot is not in the report: %+v", v.Blocks)
			}

			// Unrelated edits: another district, another year, a record not counted.
			for _, a := range []domain.Activity{otherDistrict, otherYear, draft} {
				in := domain.ActivityInput{OrgID: a.OrgID, TypeID: a.TypeID, Date: a.Date, Title: a.Title + "（修改）", Attendance: 99, Venues: a.Venues}
				if _, err := c.app.UpdateActivity(ctx, c.op, a.ID, a.Version, in); err != nil {
					t.Fatal(err)
				}
			}
			got, err := c.app.GetReport(ctx, office, v.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			if got.Stale.Count != 0 {
				t.Errorf("edits outside the report flag it: %+v", got.Stale.Activities)
			}

			// Edit one record behind the report: flagged, with its title.
			in := domain.ActivityInput{OrgID: behind.OrgID, TypeID: behind.TypeID, Date: behind.Date, Title: "改过的宣讲", Attendance: 41, Venues: behind.Venues}
			if _, err := c.app.UpdateActivity(ctx, c.op, behind.ID, behind.Version, in); err != nil {
				t.Fatal(err)
			}
			got, err = c.app.GetReport(ctx, office, v.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			if ids := staleIDs(got); !slices.Equal(ids, []int64{behind.ID}) || got.Stale.Activities[0].Change != "edited" || got.Stale.Activities[0].Title != "改过的宣讲" {
				t.Errorf("after editing %d: stale %+v", behind.ID, got.Stale.Activities)
			}
			// Delete another: flagged as deleted, with the title it had.
			if err := c.app.DeleteActivity(ctx, c.op, behind2.ID); err != nil {
				t.Fatal(err)
			}
			got, err = c.app.GetReport(ctx, office, v.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			if ids := staleIDs(got); !slices.Equal(ids, []int64{behind.ID, behind2.ID}) || got.Stale.Activities[1].Change != "deleted" || got.Stale.Activities[1].Title != behind2.Title {
				t.Errorf("after deleting %d: stale %+v", behind2.ID, got.Stale.Activities)
			}
			list, total, err := c.app.ListReports(ctx, office, 0, 10, 0)
			if err != nil || total != 1 || list[0].StaleCount != 2 {
				t.Errorf("list: %+v total %d (%v), want one report with 2 stale records", list, total, err)
			}

			// A late approval: nothing behind the report changed, but a
			// recheck finds the figure it changes.
			if _, err := c.app.Transition(ctx, c.op, draft.ID, domain.ActApprove, ""); err != nil {
				t.Fatal(err)
			}
			got, err = c.app.GetReport(ctx, office, v.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			if got.Stale.Count != 2 || !got.Stale.Rechecked {
				t.Errorf("recheck: %+v", got.Stale)
			}
			var changed []int
			for _, f := range got.Stale.Figures {
				changed = append(changed, f.Index)
			}
			// Figure 0 (lectures: one edited, one approved late) and 1 (on
			// campus: the late one is on campus) and 2 (volunteers: deleted).
			if !slices.Equal(changed, []int{0, 1, 2}) {
				t.Errorf("recheck names figures %v, want [0 1 2]: %+v", changed, got.Stale.Figures)
			}
			if f := got.Stale.Figures[0]; f.Was != 2 || f.Now != 3 {
				t.Errorf("lectures was %d now %d, want 2 → 3", f.Was, f.Now)
			}
			// The stored report itself never changes.
			if got.Figures[0].Value != 2 || got.Figures[2].Value != 40 {
				t.Errorf("the snapshot's figures moved: %+v", got.Figures)
			}
		})
	}
}

// TestReportScope: a district admin reads, previews and generates reports of
// its own district only; another district's unit or report is not found, and
// lists hold only in-scope reports. Roles without report.manage cannot store
// one; without export, not download one.
func TestReportScope(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c := newCounty(t, e)
			d1, d2 := c.byCode["D1"], c.byCode["D2"]
			office := actor(c.bureau, domain.RoleOfficeAdmin)
			mine, err := c.app.GenerateReport(ctx, office, app.ReportRequest{OrgID: d1.ID, Period: "2025"})
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := c.app.GenerateReport(ctx, office, app.ReportRequest{OrgID: d2.ID, Period: "2025"})
			if err != nil {
				t.Fatal(err)
			}
			da := actor(d1, domain.RoleDistrictAdmin)
			da.Permissions = append(da.Permissions, domain.PermReportManage) // even with the permission
			notFound := func(what string, err error) {
				t.Helper()
				if !domain.IsKind(err, domain.KindNotFound) {
					t.Errorf("%s: %v, want not found", what, err)
				}
			}
			_, err = c.app.PreviewReport(ctx, da, app.ReportRequest{OrgID: d2.ID, Period: "2025"})
			notFound("preview of another district", err)
			_, err = c.app.GenerateReport(ctx, da, app.ReportRequest{OrgID: d2.ID, Period: "2025"})
			notFound("generate for another district", err)
			_, err = c.app.GetReport(ctx, da, theirs.ID, false)
			notFound("read another district's report", err)
			_, err = c.app.DownloadReport(ctx, da, theirs.ID, app.FormatDOCX)
			notFound("download another district's report", err)
			_, err = c.app.PreviewReport(ctx, da, app.ReportRequest{OrgID: d1.ID, Period: "2025",
				Source: "# 甲\n\n{{ count(unit: \"D2\") }}"})
			if !domain.IsKind(err, domain.KindInvalid) || !strings.Contains(err.Error(), "line 3, column 4") {
				t.Errorf("a figure of another district in a template: %v, want invalid at line 3, column 4", err)
			}
			_, _, err = c.app.ListReports(ctx, da, d2.ID, 10, 0)
			notFound("list another district's reports", err)
			list, total, err := c.app.ListReports(ctx, da, 0, 10, 0)
			if err != nil || total != 1 || len(list) != 1 || list[0].ID != mine.ID {
				t.Errorf("district admin's list: %+v total %d (%v), want only report %d", list, total, err, mine.ID)
			}
			if _, err := c.app.PreviewReport(ctx, da, app.ReportRequest{OrgID: d1.ID, Period: "2025"}); err != nil {
				t.Errorf("preview of its own district: %v", err)
			}
			if _, err := c.app.GetReport(ctx, da, mine.ID, true); err != nil {
				t.Errorf("its own district's report: %v", err)
			}
			// Permissions.
			member := actor(c.byCode["D1-S1"], domain.RoleMember)
			_, err = c.app.GenerateReport(ctx, member, app.ReportRequest{OrgID: c.byCode["D1-S1"].ID, Period: "2025"})
			if !domain.IsKind(err, domain.KindForbidden) {
				t.Errorf("a member generating a report: %v, want forbidden", err)
			}
			_, err = c.app.DownloadReport(ctx, domain.Actor{Name: "nobody", Scope: domain.Scope{Roots: []int64{c.bureau.ID}},
				Permissions: []domain.Permission{domain.PermActivityRead}}, mine.ID, app.FormatHTML)
			if !domain.IsKind(err, domain.KindForbidden) {
				t.Errorf("downloading without export: %v, want forbidden", err)
			}
			// An empty scope sees nothing.
			none := domain.Actor{Name: "none", Permissions: []domain.Permission{domain.PermActivityRead, domain.PermReportManage}}
			if l, n, err := c.app.ListReports(ctx, none, 0, 10, 0); err != nil || n != 0 || len(l) != 0 {
				t.Errorf("empty scope lists %d reports (%v)", n, err)
			}
			_, err = c.app.GetReport(ctx, none, mine.ID, false)
			notFound("empty scope reading a report", err)
		})
	}
}

// TestTemplateVersions: a syntax error names the field source with line and
// column; an edit adds a version; a stale version is a conflict; old
// versions stay readable.
func TestTemplateVersions(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c := newCounty(t, e)
			office := actor(c.bureau, domain.RoleOfficeAdmin)
			_, err := c.app.CreateReportTemplate(ctx, office, "有错的模板", "# 标题\n\n共{{ count(tpye: \"x\") }}场次。")
			var de *domain.Error
			if !domain.IsKind(err, domain.KindInvalid) || !asDomain(err, &de) || de.Field != "source" || !strings.HasPrefix(de.Message, "line 3, column 11: ") {
				t.Fatalf("syntax error: %v, want invalid source at line 3, column 11", err)
			}
			ts, err := c.app.ListReportTemplates(ctx, office)
			if err != nil || len(ts) != len(report.Defaults()) || !ts[0].IsDefault || ts[0].Name != report.DefaultTemplateName || ts[1].IsDefault {
				t.Fatalf("templates: %+v (%v), want the default ones, the bureau's year template marked default", ts, err)
			}
			tpl, err := c.app.CreateReportTemplate(ctx, office, "简版", "# 简版\n\n共{{ count() }}场次。")
			if err != nil {
				t.Fatal(err)
			}
			v2, err := c.app.UpdateReportTemplate(ctx, office, tpl.ID, 1, "# 简版\n\n共{{ count() }}场次，{{ attendance() }}人次。")
			if err != nil || v2.Version != 2 {
				t.Fatalf("update: %+v %v", v2, err)
			}
			if _, err := c.app.UpdateReportTemplate(ctx, office, tpl.ID, 1, "# 简版\n\n另一版本。"); !domain.IsKind(err, domain.KindConflict) {
				t.Errorf("a stale version: %v, want conflict", err)
			}
			old, err := c.app.GetReportTemplate(ctx, office, tpl.ID, 1)
			if err != nil || old.Version != 1 || !strings.Contains(old.Source, "共{{ count() }}场次。") {
				t.Errorf("version 1: %+v %v", old, err)
			}
			vs, err := c.app.ListTemplateVersions(ctx, office, tpl.ID)
			if err != nil || len(vs) != 2 || vs[0].Version != 2 {
				t.Errorf("versions: %+v %v", vs, err)
			}
			leader := actor(c.bureau, domain.RoleLeader)
			if _, err := c.app.UpdateReportTemplate(ctx, leader, tpl.ID, 2, "# 简版\n\n无。"); !domain.IsKind(err, domain.KindForbidden) {
				t.Errorf("a leader editing a template: %v, want forbidden", err)
			}
		})
	}
}

func asDomain(err error, de **domain.Error) bool {
	e, ok := err.(*domain.Error)
	if ok {
		*de = e
	}
	return ok
}

// TestAcceptedProblemsInReport: a problem the office accepts becomes a
// paragraph under 存在的问题, and problems() counts it; dropped and
// undecided ones stay out.
func TestAcceptedProblemsInReport(t *testing.T) {
	e := storetest.Engines(t)[0]
	ctx := context.Background()
	c := newCounty(t, e)
	office := actor(c.bureau, domain.RoleOfficeAdmin)
	list, err := c.app.Problems(ctx, office, c.bureau.ID, "2025")
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) < 2 {
		t.Fatalf("the empty county suggests %d problems for 2025, want at least 2", len(list.Items))
	}
	src := "# 报告\n\n采纳问题{{ problems() }}个。\n\n## 存在的问题\n\n{% problems %}\n"
	before, err := c.app.PreviewReport(ctx, office, app.ReportRequest{OrgID: c.bureau.ID, Period: "2025", Source: src})
	if err != nil {
		t.Fatal(err)
	}
	if before.Figures[0].Value != 0 || !before.Blocks[len(before.Blocks)-1].Reminder {
		t.Fatalf("no decision yet: %d problems, last block %+v", before.Figures[0].Value, before.Blocks[len(before.Blocks)-1])
	}
	accepted, dropped := app.DecisionAccepted, app.DecisionDropped
	if _, err := c.app.DecideProblem(ctx, office, list.Items[0].Key, app.ProblemDecisionInput{OrgID: c.bureau.ID, Period: "2025", Decision: &accepted}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.app.DecideProblem(ctx, office, list.Items[1].Key, app.ProblemDecisionInput{OrgID: c.bureau.ID, Period: "2025", Decision: &dropped}); err != nil {
		t.Fatal(err)
	}
	after, err := c.app.PreviewReport(ctx, office, app.ReportRequest{OrgID: c.bureau.ID, Period: "2025", Source: src})
	if err != nil {
		t.Fatal(err)
	}
	last := after.Blocks[len(after.Blocks)-1]
	if after.Figures[0].Value != 1 || last.Slot != "problems" || last.Text() != list.Items[0].Detail {
		t.Errorf("after accepting one and dropping one: %d problems, last block %q, want %q", after.Figures[0].Value, last.Text(), list.Items[0].Detail)
	}
	// The office rewords the accepted problem for this report; the dropped
	// one stays out even when reworded.
	reworded, err := c.app.PreviewReport(ctx, office, app.ReportRequest{OrgID: c.bureau.ID, Period: "2025", Source: src,
		ProblemWording: map[string]string{list.Items[0].Key: "部分学校理论学习记录不全，需逐月补齐。", list.Items[1].Key: "不应出现。"}})
	if err != nil {
		t.Fatal(err)
	}
	if last := reworded.Blocks[len(reworded.Blocks)-1]; last.Text() != "部分学校理论学习记录不全，需逐月补齐。" || len(reworded.Blocks) != len(after.Blocks) {
		t.Errorf("reworded: last block %q", last.Text())
	}
	// Line breaks and control characters are refused, naming the key.
	_, err = c.app.PreviewReport(ctx, office, app.ReportRequest{OrgID: c.bureau.ID, Period: "2025", Source: src,
		ProblemWording: map[string]string{list.Items[0].Key: "一\n二"}})
	var de *domain.Error
	if !asDomain(err, &de) || de.Field != "problem_wording."+list.Items[0].Key {
		t.Errorf("a line break in a wording: %v", err)
	}
	_, err = c.app.PreviewReport(ctx, office, app.ReportRequest{OrgID: c.bureau.ID, Period: "2025", Source: src,
		Slots: map[string][]string{"next_steps": {"好", "坏\u202e"}}})
	if !asDomain(err, &de) || de.Field != "slots.next_steps.1" {
		t.Errorf("a bidi override in a slot: %v", err)
	}
}

// TestTemplateArgumentsCheckedOnSave: a template naming an unknown type,
// pillar, venue, status, unit, period or team kind, or a type outside the
// pillar named beside it, is refused when saved, with line and column —
// before any report renders it.
func TestTemplateArgumentsCheckedOnSave(t *testing.T) {
	c := newCounty(t, storetest.Engines(t)[0])
	ctx := context.Background()
	office := actor(c.bureau, domain.RoleOfficeAdmin)
	for _, x := range []struct{ src, want string }{
		{`{{ count(type: "outreach_lectur") }}`, `line 3, column 10: unknown activity type "outreach_lectur"`},
		{`{{ count(types: ["study_session", "nope"]) }}`, `line 3, column 10: unknown activity type "nope"`},
		{`{{ count(pillar: "theroy") }}`, `line 3, column 10: unknown pillar "theroy"`},
		{`{{ count(type: "outreach_lecture", venue: "moon") }}`, `line 3, column 36: unknown venue "moon"`},
		{`{{ count(status: "ok") }}`, `line 3, column 10: unknown status "ok"`},
		{`{{ count(unit: "NOPE") }}`, `line 3, column 10: unknown unit code "NOPE"`},
		{`{{ count(period: "2024Q5") }}`, `line 3, column 10: period "2024Q5"`},
		{`{{ teams(kind: "band") }}`, `line 3, column 10: unknown kind "band" of teams`},
		{`{{ count(pillar: "theory", type: "volunteer_service") }}`, `line 3, column 28: activity type "volunteer_service"`},
		{"{% if count(type: \"nope\") > 0 %}\n{% endif %}", `line 3, column 13: unknown activity type "nope"`},
	} {
		src := "# 报告\n\n" + x.src + "\n"
		_, err := c.app.CreateReportTemplate(ctx, office, "检查", src)
		var de *domain.Error
		if !asDomain(err, &de) || de.Field != "source" || !strings.HasPrefix(de.Message, x.want) {
			t.Errorf("%s: %v, want %q", x.src, err, x.want)
		}
	}
	if _, err := c.app.CreateReportTemplate(ctx, office, "正确", "# 报告\n\n{{ count(pillar: \"theory\", type: \"outreach_lecture\", venue: \"campus\", unit: \"D1\", period: \"2025Q3\") }}{{ members(kind: \"monitor\") }}\n"); err != nil {
		t.Errorf("a correct template: %v", err)
	}
	// Every default template passes the check (the office saves edits of them).
	for i, d := range report.Defaults() {
		if _, err := c.app.CreateReportTemplate(ctx, office, fmt.Sprintf("副本%d", i), d.Source); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
	}
}

// TestSnapshotAfterDeleteAndCreate is issue 9's scenario: record and approve
// A, store a report counting it, delete A (the report lists A as deleted),
// record and approve B of the same type, date and unit. B gets a new id —
// ids are never reused — and the report still lists A as deleted instead of
// vouching for B. Run on both engines.
func TestSnapshotAfterDeleteAndCreate(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c := newCounty(t, e)
			s11 := c.byCode["D1-S1"]
			in := func(title string) domain.ActivityInput {
				d, _ := domain.ParseDate("2025-03-04")
				return domain.ActivityInput{OrgID: s11.ID, TypeID: c.types["outreach_lecture"].ID, Date: d, Title: title, Attendance: 40, Venues: []string{"campus"}}
			}
			a := c.add(t, in("甲"), domain.StatusApproved)
			tpl, err := c.app.CreateReportTemplate(ctx, c.op, "复用测试", snapshotTemplate)
			if err != nil {
				t.Fatal(err)
			}
			office := actor(c.bureau, domain.RoleOfficeAdmin)
			v, err := c.app.GenerateReport(ctx, office, app.ReportRequest{OrgID: s11.ID, Period: "2025", TemplateID: tpl.ID})
			if err != nil {
				t.Fatal(err)
			}
			if v.Figures[0].Value != 1 || v.Stale.Count != 0 {
				t.Fatalf("report: %d lectures, %d stale", v.Figures[0].Value, v.Stale.Count)
			}
			if err := c.app.DeleteActivity(ctx, c.op, a.ID); err != nil {
				t.Fatal(err)
			}
			check := func(when string) {
				t.Helper()
				got, err := c.app.GetReport(ctx, office, v.ID, false)
				if err != nil {
					t.Fatal(err)
				}
				if ids := staleIDs(got); !slices.Equal(ids, []int64{a.ID}) || got.Stale.Activities[0].Change != "deleted" || got.Stale.Activities[0].Title != "甲" {
					t.Errorf("%s: stale %+v, want %d (甲) deleted", when, got.Stale.Activities, a.ID)
				}
				list, _, err := c.app.ListReports(ctx, office, 0, 10, 0)
				if err != nil || len(list) != 1 || list[0].StaleCount != 1 {
					t.Errorf("%s: list %+v (%v), want 1 stale record", when, list, err)
				}
			}
			check("after deleting A")
			b := c.add(t, in("乙"), domain.StatusApproved)
			if b.ID <= a.ID {
				t.Fatalf("B got id %d, not above deleted A's %d", b.ID, a.ID)
			}
			check("after recording B")

			// Even where an id was reused before ids were made unique (a
			// database older than migration 00008), the report is not
			// fooled: the record is known by its id and creation stamp.
			// (The test clock stands still; a real one has moved on by the
			// time a record is deleted and another recorded.)
			// (Its history rows go first: they would hold on to B's id.)
			if err := storetest.Exec(t, c.st, "DELETE FROM activity_history WHERE activity_id = $1", b.ID); err != nil {
				t.Fatal(err)
			}
			if err := storetest.Exec(t, c.st, "UPDATE activities SET id = $1, created_at = $2 WHERE id = $3",
				a.ID, "2026-03-01T04:00:01.000Z", b.ID); err != nil {
				t.Fatal(err)
			}
			check("with B moved onto A's id")
		})
	}
}
