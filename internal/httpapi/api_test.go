package httpapi

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

func TestOps(t *testing.T) {
	e := newEnv(t)
	var h healthBody
	e.call(req("GET", "/healthz", nil), 200).decode(t, &h)
	if h.Status != "ok" {
		t.Fatalf("healthz: %+v", h)
	}
	e.call(req("GET", "/readyz", nil), 200)
	r := e.call(req("GET", "/api/openapi.json", nil), 200)
	if !strings.Contains(string(r.body), `"openapi": "3.1.0"`) {
		t.Fatal("not an OpenAPI 3.1 document")
	}
	// Unknown query parameters are refused even where there are none.
	if got := e.call(req("GET", "/healthz?verbose=1", nil), 400).errorOf(t); got.Code != codeUnknownField || got.Field != "verbose" {
		t.Fatalf("unknown parameter: %+v", got)
	}
}

func TestWebPlaceholder(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/", "/ledger/2024", "/ledger/../x"} {
		r := e.call(req("GET", path, nil), 200)
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "make build") {
			t.Fatalf("GET %s: %s %s", path, r.header.Get("Content-Type"), r.body)
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") {
			t.Fatalf("GET %s: CSP %q is not strict", path, csp)
		}
		if r.header.Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("GET %s: no Referrer-Policy", path)
		}
	}
	r := e.call(req("GET", "/style.css", nil), 200)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
		t.Fatalf("style.css: %s", r.header.Get("Content-Type"))
	}
	got := e.call(req("POST", "/", "{}"), 405).errorOf(t)
	if got.Code != codeMethodNotAllowed {
		t.Fatalf("POST /: %+v", got)
	}
}

func TestCatalog(t *testing.T) {
	e := newEnv(t)
	var pillars list[domain.Pillar]
	e.call(req("GET", "/api/v1/pillars", nil), 200).decode(t, &pillars)
	if len(pillars.Items) != 6 {
		t.Fatalf("pillars: %d", len(pillars.Items))
	}

	var all, theory, retired list[domain.ActivityType]
	e.call(req("GET", "/api/v1/activity-types", nil), 200).decode(t, &all)
	e.call(req("GET", "/api/v1/activity-types?pillar=theory&active=true", nil), 200).decode(t, &theory)
	if len(all.Items) != len(e.types) || len(theory.Items) == 0 || len(theory.Items) >= len(all.Items) {
		t.Fatalf("types: all %d, theory %d", len(all.Items), len(theory.Items))
	}
	for _, ty := range theory.Items {
		if ty.Pillar != domain.PillarTheory {
			t.Fatalf("pillar filter let %s through", ty.Code)
		}
	}

	body := map[string]any{"code": "reading_club", "pillar": "theory", "name": "读书会", "name_en": "Reading club",
		"venues": []string{"campus"}, "expects_attendance": true, "order": 99}
	r := e.call(req("POST", "/api/v1/activity-types", body), 201)
	var created domain.ActivityType
	r.decode(t, &created)
	if !created.Active || r.header.Get("Location") != fmt.Sprintf("/api/v1/activity-types/%d", created.ID) {
		t.Fatalf("created %+v at %q", created, r.header.Get("Location"))
	}
	if got := e.call(req("POST", "/api/v1/activity-types", body), 409).errorOf(t); got.Code != "conflict" {
		t.Fatalf("duplicate code: %+v", got)
	}
	path := fmt.Sprintf("/api/v1/activity-types/%d", created.ID)
	e.call(req("GET", path, nil), 200)

	// A change without "active" keeps it; the code may be omitted, not changed.
	var changed domain.ActivityType
	e.call(req("PUT", path, map[string]any{"pillar": "theory", "name": "读书分享会"}), 200).decode(t, &changed)
	if changed.Name != "读书分享会" || !changed.Active || changed.Code != "reading_club" {
		t.Fatalf("changed: %+v", changed)
	}
	if got := e.call(req("PUT", path, map[string]any{"code": "other", "pillar": "theory", "name": "x"}), 400).errorOf(t); got.Field != "code" {
		t.Fatalf("code change: %+v", got)
	}
	e.call(req("PUT", path, map[string]any{"pillar": "theory", "name": "读书分享会", "active": false}), 200)
	e.call(req("GET", "/api/v1/activity-types?active=false", nil), 200).decode(t, &retired)
	if len(retired.Items) != 1 || retired.Items[0].ID != created.ID {
		t.Fatalf("retired: %+v", retired.Items)
	}
	e.call(req("GET", "/api/v1/activity-types/999999", nil), 404)
	e.call(req("PUT", "/api/v1/activity-types/999999", map[string]any{"pillar": "theory", "name": "x"}), 404)
	if got := e.call(req("GET", "/api/v1/activity-types?pillar=sports", nil), 400).errorOf(t); got.Field != "pillar" {
		t.Fatalf("bad pillar: %+v", got)
	}
}

func TestOrgs(t *testing.T) {
	e := newEnv(t)
	pageOf := func(query string) page[domain.OrgUnit] {
		var p page[domain.OrgUnit]
		e.call(req("GET", "/api/v1/orgs"+query, nil), 200).decode(t, &p)
		return p
	}
	if p := pageOf(""); p.Total != 5 || len(p.Items) != 5 || p.Limit != 50 || p.Items[0].ID != e.bureau {
		t.Fatalf("all: %+v", p)
	}
	for q, want := range map[string]int{
		fmt.Sprintf("?under=%d", e.district):     4,
		fmt.Sprintf("?parent_id=%d", e.district): 2,
		"?kind=school":                           2,
		"?q=" + url.QueryEscape("实验"):            2,
		"?active=true":                           5,
		"?active=false":                          0,
	} {
		if p := pageOf(q); p.Total != want {
			t.Fatalf("%s: %d, want %d", q, p.Total, want)
		}
	}
	if p := pageOf("?limit=2&offset=1"); len(p.Items) != 2 || p.Total != 5 || p.Offset != 1 {
		t.Fatalf("paging: %+v", p)
	}

	body := map[string]any{"parent_id": e.district, "kind": "school", "code": "xy-s3", "name": "第三小学",
		"aliases": []string{"三小"}, "active_from": "2020-09-01"}
	r := e.call(req("POST", "/api/v1/orgs", body), 201)
	var o domain.OrgUnit
	r.decode(t, &o)
	if o.ParentID != e.district || o.ActiveFrom.String() != "2020-09-01" || r.header.Get("Location") == "" {
		t.Fatalf("created: %+v", o)
	}
	if got := e.call(req("POST", "/api/v1/orgs", body), 409).errorOf(t); got.Field != "code" {
		t.Fatalf("duplicate: %+v", got)
	}
	if got := e.call(req("POST", "/api/v1/orgs", map[string]any{"kind": "school", "code": "x", "name": "x"}), 400).errorOf(t); got.Field != "parent_id" {
		t.Fatalf("no parent: %+v", got)
	}
	if got := e.call(req("POST", "/api/v1/orgs", map[string]any{"parent_id": 99999, "kind": "school", "code": "y", "name": "y"}), 404).errorOf(t); got.Field != "parent_id" {
		t.Fatalf("missing parent: %+v", got)
	}
	path := fmt.Sprintf("/api/v1/orgs/%d", o.ID)
	e.call(req("GET", path, nil), 200)
	e.call(req("GET", "/api/v1/orgs/99999", nil), 404)

	var patched domain.OrgUnit
	e.call(req("PATCH", path, map[string]any{"name": "第三实验小学", "aliases": []string{"三小", "实验三小"}}), 200).decode(t, &patched)
	if patched.Name != "第三实验小学" || len(patched.Aliases) != 2 {
		t.Fatalf("patched: %+v", patched)
	}

	var moved domain.OrgUnit
	e.call(req("POST", path+"/move", map[string]any{"parent_id": e.bureau}), 200).decode(t, &moved)
	if moved.ParentID != e.bureau || moved.Depth != 1 {
		t.Fatalf("moved: %+v", moved)
	}
	if r := e.do(req("POST", fmt.Sprintf("/api/v1/orgs/%d/move", e.district), map[string]any{"parent_id": e.school})); r.status != 400 && r.status != 409 {
		t.Fatalf("move under own descendant: %s", r)
	}

	var off domain.OrgUnit
	e.call(req("POST", path+"/deactivate", nil), 200).decode(t, &off)
	if off.Active || off.ActiveUntil.IsZero() {
		t.Fatalf("deactivated: %+v", off)
	}
	e.call(req("POST", path+"/deactivate", map[string]any{"date": "2024-01-01"}), 409)
	e.call(req("POST", path+"/reactivate", nil), 200)
	e.call(req("POST", path+"/reactivate", nil), 409)
	if got := e.call(req("POST", path+"/deactivate", map[string]any{"date": "2019-01-01"}), 400).errorOf(t); got.Field != "date" {
		t.Fatalf("deactivate before life: %+v", got)
	}

	var cal app.SemesterCalendar
	e.call(req("GET", fmt.Sprintf("/api/v1/orgs/%d/calendar", e.school), nil), 200).decode(t, &cal)
	if cal.SpringStart == "" || cal.AutumnStart == "" {
		t.Fatalf("calendar: %+v", cal)
	}
	bcal := fmt.Sprintf("/api/v1/orgs/%d/calendar", e.bureau)
	e.call(req("PUT", bcal, map[string]any{"spring_start": "02-20", "autumn_start": "09-01"}), 200).decode(t, &cal)
	if cal.SpringStart != "02-20" {
		t.Fatalf("set calendar: %+v", cal)
	}
	e.call(req("GET", fmt.Sprintf("/api/v1/orgs/%d/calendar", e.school), nil), 200).decode(t, &cal)
	if cal.AutumnStart != "09-01" {
		t.Fatalf("calendar of a school under the bureau: %+v", cal)
	}
	if got := e.call(req("PUT", bcal, map[string]any{"spring_start": "13-01", "autumn_start": "09-01"}), 400).errorOf(t); got.Field != "spring_start" {
		t.Fatalf("bad calendar: %+v", got)
	}
	e.call(req("GET", "/api/v1/orgs/99999/calendar", nil), 404)
}

func TestActivities(t *testing.T) {
	e := newEnv(t)
	lecture := e.types["outreach_lecture"]
	body := map[string]any{"org_id": e.school, "type_id": lecture.ID, "date": "2024-03-05", "title": "宣讲进课堂",
		"description": "三年级", "attendance": 40, "venues": []string{"classroom"}}
	r := e.call(req("POST", "/api/v1/activities", body), 201)
	var a domain.Activity
	r.decode(t, &a)
	if a.Status != domain.StatusDraft || a.Version != 1 || r.header.Get("Location") != activityPath(a.ID) {
		t.Fatalf("created: %+v", a)
	}
	path := activityPath(a.ID)
	e.call(req("GET", path, nil), 200)

	// Update with the version read; a stale version is refused.
	body["title"] = "宣讲进课堂（三年级）"
	body["version"] = a.Version
	var upd domain.Activity
	e.call(req("PUT", path, body), 200).decode(t, &upd)
	if upd.Title != "宣讲进课堂（三年级）" || upd.Version != 2 {
		t.Fatalf("updated: %+v", upd)
	}
	if got := e.call(req("PUT", path, body), 409).errorOf(t); got.Field != "version" {
		t.Fatalf("stale version: %+v", got)
	}
	delete(body, "version")
	if got := e.call(req("PUT", path, body), 400).errorOf(t); got.Field != "version" {
		t.Fatalf("missing version: %+v", got)
	}
	body["venues"] = []string{"community"}
	body["version"] = upd.Version
	if got := e.call(req("PUT", path, body), 400).errorOf(t); got.Field != "venues" {
		t.Fatalf("bad venue: %+v", got)
	}

	// Review flow.
	var s domain.Activity
	e.call(req("POST", path+"/submit", nil), 200).decode(t, &s)
	if s.Status != domain.StatusSubmitted {
		t.Fatalf("submitted: %+v", s)
	}
	e.call(req("POST", path+"/approve", nil), 200).decode(t, &s)
	if s.Status != domain.StatusApproved {
		t.Fatalf("approved: %+v", s)
	}
	if got := e.call(req("POST", path+"/approve", nil), 409).errorOf(t); got.Code != "conflict" {
		t.Fatalf("approve twice: %+v", got)
	}

	b := e.activity(e.branch, "study_session", "2024-04-01", "读书会", 12, true)
	if b.Status != domain.StatusSubmitted {
		t.Fatalf("submit at creation: %+v", b)
	}
	if got := e.call(req("POST", activityPath(b.ID)+"/return", map[string]any{"reason": "  "}), 400).errorOf(t); got.Field != "reason" {
		t.Fatalf("return without reason: %+v", got)
	}
	e.call(req("POST", activityPath(b.ID)+"/return", map[string]any{"reason": "缺少照片"}), 200).decode(t, &s)
	if s.Status != domain.StatusReturned || s.ReturnReason != "缺少照片" {
		t.Fatalf("returned: %+v", s)
	}
	e.call(req("POST", activityPath(b.ID)+"/submit", nil), 200)

	c := e.activity(e.school2, "moral_education", "2024-05-01", "四德教育", 30, true)
	var bulk list[domain.Activity]
	e.call(req("POST", "/api/v1/activities/approve", map[string]any{"ids": []int64{b.ID, c.ID}}), 200).decode(t, &bulk)
	if len(bulk.Items) != 2 || bulk.Items[1].Status != domain.StatusApproved {
		t.Fatalf("bulk: %+v", bulk)
	}
	d := e.activity(e.school2, "moral_education", "2024-05-02", "四德教育二", 30, false)
	if got := e.call(req("POST", "/api/v1/activities/approve", map[string]any{"ids": []int64{d.ID}}), 409).errorOf(t); got.Field != "ids[0]" {
		t.Fatalf("bulk with a draft: %+v", got)
	}
	if got := e.call(req("POST", "/api/v1/activities/approve", map[string]any{"ids": []int64{}}), 400).errorOf(t); got.Field != "ids" {
		t.Fatalf("bulk empty: %+v", got)
	}

	// Lists and their filters.
	listActs := func(query string) page[domain.Activity] {
		var p page[domain.Activity]
		e.call(req("GET", "/api/v1/activities"+query, nil), 200).decode(t, &p)
		return p
	}
	for q, want := range map[string]int{
		"":                          4,
		"?org_id=" + itoa(e.school): 2,
		fmt.Sprintf("?type_id=%d&type_id=%d", lecture.ID, e.types["study_session"].ID): 2,
		"?pillar=civility": 2,
		"?period=2024Q2":   3,
		"?period=" + url.QueryEscape("2024年第一季度"): 1,
		"?from=2024-04-01&to=2024-05-01":          2,
		"?from=2024-05-02":                        1,
		"?status=approved&status=submitted":       3,
		"?status=draft":                           1,
		"?has_evidence=false":                     4,
		"?has_evidence=true":                      0,
		"?q=" + url.QueryEscape("四德"):             2,
	} {
		if p := listActs(q); p.Total != want {
			t.Fatalf("list%s: total %d, want %d", q, p.Total, want)
		}
	}
	if p := listActs("?sort=title&order=asc&limit=2&offset=1"); len(p.Items) != 2 || p.Limit != 2 || p.Offset != 1 {
		t.Fatalf("paging: %+v", p)
	} else if all := listActs("?sort=title&order=asc"); all.Items[1].ID != p.Items[0].ID {
		t.Fatalf("sorted paging disagrees with the full list")
	}
	if got := e.call(req("GET", "/api/v1/activities?period=2024&from=2024-01-01", nil), 400).errorOf(t); got.Field != "period" {
		t.Fatalf("period with from: %+v", got)
	}
	e.call(req("GET", "/api/v1/activities?org_id=99999", nil), 404)

	// Closing a period locks its approved records.
	var pc app.PeriodClosure
	e.call(req("POST", "/api/v1/period-closures", map[string]any{"period": "2024年第一季度"}), 201).decode(t, &pc)
	if pc.Period != "2024Q1" {
		t.Fatalf("closure: %+v", pc)
	}
	e.call(req("POST", "/api/v1/period-closures", map[string]any{"period": "2024Q1"}), 409)
	var closures list[app.PeriodClosure]
	e.call(req("GET", "/api/v1/period-closures", nil), 200).decode(t, &closures)
	if len(closures.Items) != 1 {
		t.Fatalf("closures: %+v", closures)
	}
	var cur domain.Activity
	e.call(req("GET", path, nil), 200).decode(t, &cur)
	body["venues"] = []string{"classroom"}
	body["version"] = cur.Version
	if got := e.call(req("PUT", path, body), 423).errorOf(t); got.Code != "locked" || got.Field != "date" ||
		got.Message != "2024年第一季度已关账，如需修改请联系局办公室管理员重新开放" {
		t.Fatalf("locked: %+v", got)
	}
	e.call(req("DELETE", path, nil), 423)
	e.call(req("DELETE", "/api/v1/period-closures/2024Q1", nil), 204)
	e.call(req("DELETE", "/api/v1/period-closures/2024Q1", nil), 404)
	e.call(req("DELETE", path, nil), 204)
	e.call(req("GET", path, nil), 404)
	e.call(req("DELETE", path, nil), 404)
	e.call(req("POST", path+"/submit", nil), 404)
}

func itoa(n int64) string { return fmt.Sprint(n) }

func TestPeriods(t *testing.T) {
	e := newEnv(t)
	var p app.ResolvedPeriod
	e.call(req("GET", "/api/v1/periods/current?kind=month", nil), 200).decode(t, &p)
	if p.Kind != "month" || p.Range.Days() < 28 {
		t.Fatalf("current month: %+v", p)
	}
	e.call(req("GET", fmt.Sprintf("/api/v1/periods/current?kind=semester&org_id=%d", e.school), nil), 200)
	if got := e.call(req("GET", "/api/v1/periods/current", nil), 400).errorOf(t); got.Field != "kind" {
		t.Fatalf("no kind: %+v", got)
	}
	e.call(req("GET", "/api/v1/periods/current?kind=month&org_id=99999", nil), 404)

	e.call(req("GET", "/api/v1/periods/2024Q3", nil), 200).decode(t, &p)
	if p.Code != "2024Q3" || p.Range.From.String() != "2024-07-01" || p.Range.To.String() != "2024-10-01" {
		t.Fatalf("2024Q3: %+v", p)
	}
	e.call(req("GET", "/api/v1/periods/"+url.PathEscape("2024年秋季学期")+fmt.Sprintf("?org_id=%d", e.bureau), nil), 200).decode(t, &p)
	if p.Code != "2024FA" || p.LabelZH != "2024年秋季学期" {
		t.Fatalf("autumn term: %+v", p)
	}
	if got := e.call(req("GET", "/api/v1/periods/2024Q5", nil), 400).errorOf(t); got.Field != "period" {
		t.Fatalf("bad period: %+v", got)
	}
}
