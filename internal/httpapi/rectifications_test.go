package httpapi

import (
	"fmt"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// TestRectificationsAPI walks a rectification through the API as the people
// who handle it, with the bad input and the cross-unit refusals on the way.
func TestRectificationsAPI(t *testing.T) {
	e := newEnv(t)
	district := e.newSession("xuequ", "学区管理员", e.district, domain.RoleDistrictAdmin)
	school := e.newSession("xiao", "学校管理员", e.school, domain.RoleSchoolAdmin)
	school2 := e.newSession("xiao2", "二中管理员", e.school2, domain.RoleSchoolAdmin)

	body := map[string]any{"org_id": e.school, "source": "inspection", "ref": "秋季督导", "finding": "台账不全", "responsible": "王校长", "deadline": "2026-12-10"}
	var r domain.Rectification
	e.call(req("POST", "/api/v1/rectifications", body).as(district), 201).decode(t, &r)
	if r.ReviewOrgID != e.district || r.State != domain.RectOpen {
		t.Fatalf("opened: %+v", r)
	}
	bad := map[string]any{"org_id": e.school, "finding": "x", "responsible": "y", "deadline": "2026-13-01"}
	if got := e.call(req("POST", "/api/v1/rectifications", bad).as(district), 400).errorOf(t); got.Field != "deadline" {
		t.Fatalf("bad date: %+v", got)
	}
	e.call(req("POST", "/api/v1/rectifications", body).as(school), 403)
	path := fmt.Sprintf("/api/v1/rectifications/%d", r.ID)
	e.call(req("GET", path, nil).as(school2), 404)
	e.call(req("POST", path+"/notes", map[string]any{"body": "x"}).as(school2), 404)
	e.call(req("POST", path+"/notes", map[string]any{"body": "已补录台账"}).as(school), 200)
	if got := e.call(req("POST", path+"/submit", map[string]any{"statement": "完成"}).as(school), 400).errorOf(t); got.Field != "evidence" {
		t.Fatalf("submit without evidence: %+v", got)
	}
	photo := decodablePNG(6, 6)
	e.call(upload(path+"/evidence", "整改照片.png", photo).as(school), 200).decode(t, &r)
	if len(r.Evidence) != 1 {
		t.Fatalf("evidence: %+v", r.Evidence)
	}
	sha := r.Evidence[0].SHA256
	e.call(req("GET", path+"/evidence/"+sha, nil).as(school2), 404)
	if got := e.call(req("GET", path+"/evidence/"+sha, nil).as(district), 200); string(got.body) != string(photo) {
		t.Fatal("the file read back differs")
	}
	e.call(req("POST", path+"/submit", map[string]any{"statement": "完成"}).as(school), 200)
	var page struct {
		Items []domain.Rectification `json:"items"`
		Total int                    `json:"total"`
	}
	e.call(req("GET", "/api/v1/rectifications?to_review=true", nil).as(district), 200).decode(t, &page)
	if page.Total != 1 || page.Items[0].ID != r.ID {
		t.Fatalf("to review: %+v", page)
	}
	e.call(req("GET", "/api/v1/rectifications?to_review=true", nil).as(school2), 200).decode(t, &page)
	if page.Total != 0 {
		t.Fatalf("school 2 reviews %d", page.Total)
	}
	e.call(req("POST", path+"/review", map[string]any{"decision": "close"}).as(school), 403)
	if got := e.call(req("POST", path+"/review", map[string]any{"decision": "return"}).as(district), 400).errorOf(t); got.Field != "reason" {
		t.Fatalf("return without reason: %+v", got)
	}
	e.call(req("POST", path+"/review", map[string]any{"decision": "close"}).as(district), 200).decode(t, &r)
	if r.State != domain.RectClosed || !r.Immediate {
		t.Fatalf("closed: %+v", r)
	}
	e.call(req("POST", path+"/review", map[string]any{"decision": "close"}).as(district), 409)
}

// TestAssessmentAPI: a rubric whose weights do not add up is refused naming
// the field; scores, adjustments and the export work for the office, and a
// school sees its own line only.
func TestAssessmentAPI(t *testing.T) {
	e := newEnv(t)
	school := e.newSession("xiao", "学校管理员", e.school, domain.RoleSchoolAdmin)
	item := func(name, ind string, w float64) map[string]any {
		return map[string]any{"name": name, "indicator": ind, "weight": w, "rule": map[string]any{"kind": "linear", "floor": 0, "full": 1}}
	}
	in := map[string]any{"org_id": e.bureau, "year": 2026, "name": "年度考核", "unit_kind": "school",
		"items": []any{item("及时", app.IndRecordsTimely, 60), item("通过", app.IndApprovedShare, 30)}}
	if got := e.call(req("POST", "/api/v1/rubrics", in).as(e.office), 400).errorOf(t); got.Field != "items.weight" {
		t.Fatalf("weights: %+v", got)
	}
	in["items"] = []any{item("及时", app.IndRecordsTimely, 60), item("通过", app.IndApprovedShare, 40)}
	e.call(req("POST", "/api/v1/rubrics", in).as(school), 403)
	var rub app.Rubric
	e.call(req("POST", "/api/v1/rubrics", in).as(e.office), 201).decode(t, &rub)
	path := fmt.Sprintf("/api/v1/rubrics/%d", rub.ID)
	e.call(req("POST", path+"/adjustments", map[string]any{"org_id": e.school2, "points": 3, "reason": "获市级表彰"}).as(e.office), 201)
	var sc app.Scores
	e.call(req("GET", path+"/scores", nil).as(e.office), 200).decode(t, &sc)
	if sc.Of != 2 || len(sc.Units) != 2 || sc.Units[0].OrgID != e.school2 || sc.Units[0].Total != 3 || sc.Units[0].Rank != 1 {
		t.Fatalf("office scores: %+v", sc)
	}
	e.call(req("GET", path+"/scores", nil).as(school), 200).decode(t, &sc)
	if sc.Of != 2 || len(sc.Units) != 1 || sc.Units[0].OrgID != e.school || sc.Units[0].Rank != 2 {
		t.Fatalf("school scores: %+v", sc)
	}
	e.call(req("GET", path+"/export", nil).as(school), 200)
	e.call(req("GET", "/api/v1/indicators", nil).as(school), 200)
	e.call(req("GET", "/api/v1/rubrics?year=2026", nil).as(school), 200)
	e.call(req("PUT", path, map[string]any{"name": "年度考核（修订）", "unit_kind": "school",
		"items": []any{item("及时", app.IndRecordsTimely, 100)}}).as(e.office), 200).decode(t, &rub)
	if rub.Name != "年度考核（修订）" || rub.OrgID != e.bureau || rub.Year != 2026 {
		t.Fatalf("updated: %+v", rub)
	}
}
