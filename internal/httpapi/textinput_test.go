package httpapi

import (
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
