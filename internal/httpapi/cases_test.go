package httpapi

import (
	"fmt"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/casework"
	"github.com/zeren-edu/zeren/internal/domain"
)

// TestCasesAPI walks a case through the API as a monitor, the school and
// the district, with bad input and the cross-unit refusals on the way.
func TestCasesAPI(t *testing.T) {
	e := newEnv(t)
	monitor := e.newSession("jiandu", "监督员", e.district, domain.RoleMonitor)
	school := e.newSession("xiao", "学校管理员", e.school, domain.RoleSchoolAdmin)
	school2 := e.newSession("xiao2", "二中管理员", e.school2, domain.RoleSchoolAdmin)
	district := e.newSession("xuequ", "学区管理员", e.district, domain.RoleDistrictAdmin)
	member := e.newSession("jiaoshi", "教师", e.school, domain.RoleMember)

	body := map[string]any{"org_id": e.school, "title": "家长反映食堂饭菜质量问题", "kind": "service", "severity": "major"}
	var c casework.Case
	e.call(req("POST", "/api/v1/cases", body).as(monitor), 201).decode(t, &c)
	if c.State != casework.StateNew || len(c.Deadlines) != 3 || !c.DueOf(casework.DeadlineTriage).DueAt.Equal(envStart.Add(5*time.Hour)) {
		t.Fatalf("opened: %+v", c)
	}
	if got := e.call(req("POST", "/api/v1/cases", map[string]any{"org_id": e.school, "title": "x", "severity": "huge"}).as(school), 400).errorOf(t); got.Field != "severity" {
		t.Fatalf("bad severity: %+v", got)
	}
	e.call(req("POST", "/api/v1/cases", map[string]any{"org_id": e.school, "title": "x", "severity": "general"}).as(school2), 404)
	e.call(req("POST", "/api/v1/cases", body).as(member), 403)
	path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
	e.call(req("GET", path, nil).as(school2), 404)
	e.call(req("GET", path, nil).as(member), 403)
	e.call(req("POST", path+"/steps", map[string]any{"action": "assess", "text": "研判"}).as(monitor), 403)
	e.call(req("POST", path+"/steps", map[string]any{"action": "assess", "text": "研判"}).as(school2), 404)
	e.clk.add(20 * time.Minute)
	e.call(req("POST", path+"/steps", map[string]any{"action": "assess", "text": "经核实属实"}).as(school), 200).decode(t, &c)
	if c.State != casework.StateAssessing || c.DueOf(casework.DeadlineTriage).Standing != casework.Met {
		t.Fatalf("assessed: %+v", c)
	}
	if got := e.call(req("POST", path+"/steps", map[string]any{"action": "close", "text": "x"}).as(school), 409).errorOf(t); got.Field != "state" {
		t.Fatalf("close from assessing: %+v", got)
	}
	e.call(req("POST", path+"/notes", map[string]any{"body": "原帖转发 30 次"}).as(monitor), 200)
	e.call(req("POST", path+"/notes", map[string]any{"body": "x"}).as(school2), 404)
	photo := decodablePNG(6, 6)
	e.call(upload(path+"/evidence", "截图.png", photo).as(monitor), 200).decode(t, &c)
	sha := c.Evidence[0].SHA256
	e.call(req("GET", path+"/evidence/"+sha, nil).as(school2), 404)
	if got := e.call(req("GET", path+"/evidence/"+sha, nil).as(district), 200); string(got.body) != string(photo) {
		t.Fatal("the file read back differs")
	}
	e.call(req("PUT", path+"/severity", map[string]any{"severity": "general", "reason": "影响有限"}).as(school), 200).decode(t, &c)
	if !c.DueOf(casework.DeadlineResolution).DueAt.Equal(envStart.Add(7 * 24 * time.Hour)) {
		t.Fatalf("general resolution due %s", c.DueOf(casework.DeadlineResolution).DueAt)
	}
	e.call(req("PUT", path+"/severity", map[string]any{"severity": "major"}).as(school2), 404)
	e.call(req("POST", path+"/rectification", map[string]any{"finding": "食堂管理不到位", "responsible": "王校长", "deadline": "2026-12-20"}).as(school), 403)
	e.call(req("POST", path+"/rectification", map[string]any{"finding": "食堂管理不到位", "responsible": "王校长", "deadline": "2026-12-20"}).as(district), 200).decode(t, &c)
	if c.RectificationID == 0 {
		t.Fatalf("no rectification: %+v", c)
	}

	var page struct {
		Items []casework.Case `json:"items"`
		Total int             `json:"total"`
	}
	e.call(req("GET", "/api/v1/cases?state=assessing&kind=service", nil).as(district), 200).decode(t, &page)
	if page.Total != 1 || page.Items[0].ID != c.ID {
		t.Fatalf("district's list: %+v", page)
	}
	e.call(req("GET", "/api/v1/cases", nil).as(school2), 200).decode(t, &page)
	if page.Total != 0 {
		t.Fatalf("school 2 sees %d", page.Total)
	}
	e.call(req("GET", fmt.Sprintf("/api/v1/cases?ids=%d&ids=%d", c.ID, c.ID+1000), nil).as(monitor), 200).decode(t, &page)
	if page.Total != 1 {
		t.Fatalf("by ids: %+v", page)
	}
	if got := e.call(req("GET", "/api/v1/cases?state=lost", nil).as(district), 400).errorOf(t); got.Field != "state" {
		t.Fatalf("bad state: %+v", got)
	}

	// The time limits: the office sets them, checked in order.
	var tiers struct {
		Items []map[string]any `json:"items"`
	}
	e.call(req("GET", "/api/v1/case-tiers", nil).as(monitor), 200).decode(t, &tiers)
	if len(tiers.Items) != 3 || tiers.Items[0]["triage_minutes"] != float64(300) {
		t.Fatalf("tiers: %+v", tiers)
	}
	e.call(req("PUT", "/api/v1/case-tiers/general", map[string]any{"triage_minutes": 600, "response_minutes": 1440, "resolution_minutes": 4320}).as(district), 403)
	if got := e.call(req("PUT", "/api/v1/case-tiers/general", map[string]any{"triage_minutes": 600, "response_minutes": 300, "resolution_minutes": 4320}).as(e.office), 400).errorOf(t); got.Field != "response_minutes" {
		t.Fatalf("out of order: %+v", got)
	}
	e.call(req("PUT", "/api/v1/case-tiers/general", map[string]any{"triage_minutes": 600, "response_minutes": 1440, "resolution_minutes": 4320}).as(e.office), 200)

	// Monitors: the stories waiting, the teams' response times.
	e.call(req("GET", "/api/v1/monitor/stories", nil).as(monitor), 200)
	e.call(req("GET", "/api/v1/monitor/stories", nil).as(school), 403)
	e.call(req("GET", "/api/v1/monitor/teams?from=2026-01-01&to=2027-01-01", nil).as(e.office), 200)
	if got := e.call(req("GET", "/api/v1/monitor/teams?from=2026-02-01&to=2026-01-01", nil).as(e.office), 400).errorOf(t); got.Field != "from" {
		t.Fatalf("bad period: %+v", got)
	}

	// Resolved, closed with a review, reopened.
	e.call(req("POST", path+"/steps", map[string]any{"action": "respond", "text": "已在家长群说明"}).as(school), 200)
	e.call(req("POST", path+"/steps", map[string]any{"action": "resolve", "text": "更换设备"}).as(school), 200)
	e.call(req("POST", path+"/steps", map[string]any{"action": "close", "text": "复盘：建立巡查制度"}).as(district), 200).decode(t, &c)
	if c.State != casework.StateClosed || c.Review == "" {
		t.Fatalf("closed: %+v", c)
	}
	e.call(req("POST", path+"/steps", map[string]any{"action": "reopen", "text": "再次投诉"}).as(school), 200)
}
