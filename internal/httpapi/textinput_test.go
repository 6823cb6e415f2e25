package httpapi

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// TestTextRefusedWhereWritten: text that would break a later output — a
// bell (U+0007), a NUL, a right-to-left override (U+202E) — is refused with
// 400 naming the field where it is written (template source and name, report
// slot text, activity title and description, unit, team and type names…),
// and nothing is saved; reports of valid text still download as .docx and
// .xlsx.
func TestTextRefusedWhereWritten(t *testing.T) {
	e := newEnv(t)
	const tplSource = "# {{ unit.name }}{{ period.label }}报告\n\n宣讲{{ count(type: \"outreach_lecture\") }}场次。\n\n{% slot next_steps %}\n"
	var tpl struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
	}
	e.call(req("POST", "/api/v1/report-templates", map[string]any{"name": "正常模板", "source": tplSource}), 201).decode(t, &tpl)
	a := e.activity(e.school, "moral_education", "2024-03-01", "四德教育", 20, false)
	countReports := func() int {
		var list struct {
			Total int `json:"total"`
		}
		e.call(req("GET", "/api/v1/reports", nil), 200).decode(t, &list)
		return list.Total
	}
	countTemplates := func() int {
		var list struct {
			Items []any `json:"items"`
		}
		e.call(req("GET", "/api/v1/report-templates", nil), 200).decode(t, &list)
		return len(list.Items)
	}
	reportBody := func(slot string) map[string]any {
		return map[string]any{"org_id": e.bureau, "period": "2024", "template_id": tpl.ID,
			"slots": map[string][]string{"next_steps": {"一是继续抓好理论武装。", slot}}}
	}
	reports, templates := countReports(), countTemplates()
	for name, bad := range map[string]string{"bell": "\u0007", "NUL": "\x00", "RLO": "\u202e"} {
		cases := []struct {
			r     *request
			field string
		}{
			{req("POST", "/api/v1/report-templates", map[string]any{"name": "模板", "source": tplSource + "末尾" + bad + "。\n"}), "source"},
			{req("POST", "/api/v1/report-templates", map[string]any{"name": "模板" + bad, "source": tplSource}), "name"},
			{req("PUT", fmt.Sprintf("/api/v1/report-templates/%d", tpl.ID), map[string]any{"version": tpl.Version, "source": tplSource + bad}), "source"},
			{req("POST", "/api/v1/reports/preview", map[string]any{"org_id": e.bureau, "period": "2024", "source": "# 标题" + bad + "\n"}), "source"},
			{req("POST", "/api/v1/reports/preview", reportBody("二是"+bad+"加强队伍建设。")), "slots.next_steps.1"},
			{req("POST", "/api/v1/reports", reportBody("二是"+bad+"加强队伍建设。")), "slots.next_steps.1"},
			{req("POST", "/api/v1/activities", map[string]any{"org_id": e.school, "type_id": e.types["moral_education"].ID,
				"date": "2024-03-02", "title": "讲座" + bad, "attendance": 3}), "title"},
			{req("POST", "/api/v1/activities", map[string]any{"org_id": e.school, "type_id": e.types["moral_education"].ID,
				"date": "2024-03-02", "title": "讲座", "description": "第一行\n第二" + bad + "行", "attendance": 3}), "description"},
			{req("PUT", activityPath(a.ID), map[string]any{"org_id": e.school, "type_id": e.types["moral_education"].ID,
				"date": "2024-03-01", "title": "四德教育", "description": bad, "attendance": 20, "version": a.Version}), "description"},
			{req("POST", "/api/v1/orgs", map[string]any{"parent_id": e.district, "kind": "school", "code": "x-" + name, "name": "学校" + bad}), "name"},
			{req("POST", "/api/v1/teams", map[string]any{"org_id": e.school, "kind": "outreach", "name": "宣讲队" + bad, "founded_on": "2024-01-01"}), "name"},
			{req("POST", "/api/v1/teams", map[string]any{"org_id": e.school, "kind": "outreach", "name": "宣讲队", "description": bad, "founded_on": "2024-01-01"}), "description"},
			{req("POST", "/api/v1/activity-types", map[string]any{"code": "t-" + name, "pillar": "theory", "name": "类型" + bad}), "name"},
		}
		e.unchanged(name, func() {
			for _, c := range cases {
				got := e.call(c.r, 400).errorOf(t)
				if got.Code != "invalid" || got.Field != c.field || !strings.Contains(got.Message, "not allowed") {
					t.Errorf("%s: %s %s: %+v, want invalid %s", name, c.r.method, c.r.target, got, c.field)
				}
			}
		})
		if r, n := countReports(), countTemplates(); r != reports || n != templates {
			t.Fatalf("%s: saved anyway: %d reports (was %d), %d templates (was %d)", name, r, reports, n, templates)
		}
		var cur struct {
			Version int `json:"version"`
		}
		if e.call(req("GET", fmt.Sprintf("/api/v1/report-templates/%d", tpl.ID), nil), 200).decode(t, &cur); cur.Version != tpl.Version {
			t.Fatalf("%s: the template gained a version", name)
		}
	}

	// Valid text, tab and line breaks where a block allows them, reaches every output.
	var rep struct {
		ID int64 `json:"id"`
	}
	e.call(req("POST", "/api/v1/reports", reportBody("二是加强队伍建设（“网评员”队伍）。")), 201).decode(t, &rep)
	for _, f := range []string{app.FormatDOCX, app.FormatXLSX, app.FormatHTML} {
		r := e.call(req("GET", fmt.Sprintf("/api/v1/reports/%d/download?format=%s", rep.ID, f), nil), 200)
		if len(r.body) == 0 {
			t.Errorf("%s: empty", f)
		}
	}
	e.call(req("POST", "/api/v1/activities", map[string]any{"org_id": e.school, "type_id": e.types["moral_education"].ID,
		"date": "2024-03-02", "title": "讲座", "description": "第一行\n\t第二行", "attendance": 3}), 201)
}

// TestValidateNameUsesTextRules: the one-line name rule is TextLine's, so a
// bidirectional override in an uploaded file's name (the "Trojan source"
// trick: 报告\u202Efdp.exe reads as 报告exe.pdf) is refused too.
func TestValidateNameUsesTextRules(t *testing.T) {
	for _, s := range []string{"报告\u202efdp.exe", "a\u0085b", "a\ufffeb"} {
		if err := domain.ValidateName("filename", s, 255); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// TestListBounds: every list a caller sends has a bound, and the error says
// it. A plain member may preview a template, so a template naming 12 000
// types from a member is refused at parsing, before any figure is counted.
func TestListBounds(t *testing.T) {
	e := newEnv(t)
	member := e.newSession("teacher", "李老师", e.school, domain.RoleMember)
	types := make([]string, 12000)
	for i := range types {
		types[i] = fmt.Sprintf("%q", fmt.Sprintf("t%d", i))
	}
	src := "# 甲\n共{{ count(types: [" + strings.Join(types, ",") + "]) }}场\n"
	got := e.call(req("POST", "/api/v1/reports/preview", map[string]any{"org_id": e.school, "period": "2024", "source": src}).as(member), 400).errorOf(t)
	if got.Field != "source" || !strings.Contains(got.Message, "lists 12000 values; a list holds at most 200") {
		t.Fatalf("12000 types: %+v", got)
	}
	a := e.activity(e.school, "outreach_lecture", "2024-03-01", "宣讲", 20, true)
	many := func(n int, s string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	ids := make([]int64, app.MaxBulk+1)
	for i := range ids {
		ids[i] = a.ID
	}
	aliases := make([]string, domain.MaxAliases+1)
	for i := range aliases {
		aliases[i] = fmt.Sprintf("别名%d", i)
	}
	slots := map[string][]string{}
	for i := range app.MaxSlots + 1 {
		slots[fmt.Sprintf("s%d", i)] = []string{"一"}
	}
	typeID := fmt.Sprint("type_id=", e.types["outreach_lecture"].ID, "&")
	cases := []struct {
		name   string
		r      *request
		field  string
		substr string
	}{
		{"bulk approve", req("POST", "/api/v1/activities/approve", map[string]any{"ids": ids}), "ids", "at most 500 activities at once, got 501"},
		{"venues", req("POST", "/api/v1/activities", map[string]any{"org_id": e.school, "type_id": e.types["outreach_lecture"].ID,
			"date": "2024-03-02", "title": "宣讲", "attendance": 3, "venues": many(domain.MaxVenues+1, "campus")}), "venues", "at most 10 venues, got 11"},
		{"aliases", req("POST", "/api/v1/orgs", map[string]any{"parent_id": e.district, "kind": "school", "code": "al", "name": "别名校",
			"aliases": aliases}), "aliases", "at most 20 aliases, got 21"},
		{"filter list", req("GET", "/api/v1/activities?"+strings.Repeat(typeID, 101), nil), "type_id", "is given 101 times; at most 100"},
		{"slots", req("POST", "/api/v1/reports/preview", map[string]any{"org_id": e.school, "period": "2024", "slots": slots}), "slots", "at most 20 slots, got 21"},
		{"slot paragraphs", req("POST", "/api/v1/reports/preview", map[string]any{"org_id": e.school, "period": "2024",
			"slots": map[string][]string{"next_steps": many(app.MaxSlotParagraphs+1, "一")}}), "slots.next_steps", "at most 50 paragraphs, got 51"},
		{"slot paragraph length", req("POST", "/api/v1/reports/preview", map[string]any{"org_id": e.school, "period": "2024",
			"slots": map[string][]string{"next_steps": {strings.Repeat("字", app.MaxSlotParagraphLen+1)}}}), "slots.next_steps.0", "at most 2000 characters, got 2001"},
	}
	e.unchanged("bounded lists", func() {
		for _, c := range cases {
			got := e.call(c.r, 400).errorOf(t)
			if got.Field != c.field || !strings.Contains(got.Message, c.substr) {
				t.Errorf("%s: %+v, want field %s and ~%q", c.name, got, c.field, c.substr)
			}
		}
	})
	op := e.operator(e.bureau)
	if _, err := e.app.SetRoles(context.Background(), op, 1, many(domain.MaxAccountRoles+1, domain.RoleMember)); err == nil ||
		!strings.Contains(err.Error(), "at most 20 roles, got 21") {
		t.Errorf("roles: %v", err)
	}
	if _, err := e.app.SetCoverage(context.Background(), op, 1, make([]int64, domain.MaxCoverage+1)); err == nil ||
		!strings.Contains(err.Error(), "at most 500 units, got 501") {
		t.Errorf("coverage: %v", err)
	}
	if err := domain.CheckRolePermissions(make([]domain.Permission, domain.MaxRolePermissions+1)); err == nil ||
		!strings.Contains(err.Error(), "at most 100 permissions, got 101") {
		t.Errorf("permissions: %v", err)
	}
}
