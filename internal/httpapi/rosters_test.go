package httpapi

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

func rosterWorkbook(t testing.TB, rows [][]string) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range rows {
		for j, v := range r {
			c, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := x.SetCellStr("Sheet1", c, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRosters(t *testing.T) {
	e := newEnv(t)
	school := e.newSession("xiao", "学校管理员", e.school, domain.RoleSchoolAdmin)
	school2 := e.newSession("xiao2", "二中管理员", e.school2, domain.RoleSchoolAdmin)
	teacher := e.newSession("jiaoshi", "教师", e.school, domain.RoleMember)

	// A school admin creates a team of its school, not of another.
	var team domain.Team
	e.call(req("POST", "/api/v1/teams", map[string]any{"org_id": e.school, "kind": "outreach", "name": "红烛宣讲队", "founded_on": "2024-03-01"}).as(school), 201).decode(t, &team)
	if team.OrgName != "实验小学" || !team.Active || team.Members != 0 {
		t.Fatalf("team: %+v", team)
	}
	if got := e.call(req("POST", "/api/v1/teams", map[string]any{"org_id": e.school, "kind": "outreach", "name": "x"}).as(school2), 404).errorOf(t); got.Field != "org_id" {
		t.Fatalf("foreign team: %+v", got)
	}
	if got := e.call(req("POST", "/api/v1/teams", map[string]any{"org_id": e.school, "kind": "choir", "name": "x"}).as(school), 400).errorOf(t); got.Field != "kind" {
		t.Fatalf("bad kind: %+v", got)
	}
	if got := e.call(req("POST", "/api/v1/teams", map[string]any{"org_id": e.school, "kind": "outreach", "name": "x", "founded_on": "2024-13-01"}).as(school), 400).errorOf(t); got.Field != "founded_on" {
		t.Fatalf("bad date: %+v", got)
	}
	e.call(req("POST", "/api/v1/teams", map[string]any{"org_id": e.school, "kind": "outreach", "name": "x"}).as(teacher), 403)
	teamPath := fmt.Sprintf("/api/v1/teams/%d", team.ID)

	// Members: add (the unit must lie in the team's subtree), read, edit.
	var m domain.Member
	e.call(req("POST", teamPath+"/members", map[string]any{"name": "王晓明", "role": "leader", "org_id": e.branch,
		"title": "书记", "phone": "138-1234-5678", "joined_on": "2024-03-01"}).as(school), 201).decode(t, &m)
	if m.Phone != "13812345678" || m.OrgName != "实验小学党支部" {
		t.Fatalf("member: %+v", m)
	}
	if got := e.call(req("POST", teamPath+"/members", map[string]any{"name": "李", "role": "member", "org_id": e.school2}).as(school), 404).errorOf(t); got.Field != "org_id" {
		t.Fatalf("member of another school: %+v", got)
	}
	if got := e.call(req("POST", teamPath+"/members", map[string]any{"name": "李", "role": "队员长", "org_id": e.school}).as(school), 400).errorOf(t); got.Field != "role" {
		t.Fatalf("bad role: %+v", got)
	}
	e.call(req("POST", teamPath+"/members", map[string]any{"name": "王晓明", "role": "member", "org_id": e.branch}).as(school), 409)
	// The other school neither sees nor changes the team.
	e.call(req("GET", teamPath, nil).as(school2), 404)
	e.call(req("GET", teamPath+"/members", nil).as(school2), 404)
	e.call(req("POST", teamPath+"/members", map[string]any{"name": "李", "role": "member", "org_id": e.school2}).as(school2), 404)
	e.call(req("PUT", teamPath, map[string]any{"org_id": e.school, "kind": "outreach", "name": "y"}).as(school2), 404)
	e.call(req("POST", teamPath+"/deactivate", nil).as(school2), 404)
	memberPath := fmt.Sprintf("%s/members/%d", teamPath, m.ID)
	e.call(req("GET", memberPath, nil).as(school2), 404)
	e.call(req("PUT", memberPath, map[string]any{"name": "x", "role": "member", "org_id": e.school2}).as(school2), 404)
	e.call(req("DELETE", memberPath, nil).as(school2), 404)
	e.call(upload(teamPath+"/members/import", "名单.xlsx", rosterWorkbook(t, [][]string{{"姓名", "角色"}, {"赵", "成员"}})).as(school2), 404)
	var p2 page[domain.Team]
	e.call(req("GET", "/api/v1/teams", nil).as(school2), 200).decode(t, &p2)
	if p2.Total != 0 {
		t.Fatalf("school 2 lists %d teams", p2.Total)
	}

	// Phones: masked in lists and for readers; in full for the team's admin.
	var ms list[domain.Member]
	e.call(req("GET", teamPath+"/members", nil).as(school), 200).decode(t, &ms)
	if len(ms.Items) != 1 || ms.Items[0].Phone != "138****5678" || !ms.Items[0].PhoneMasked {
		t.Fatalf("list: %+v", ms.Items)
	}
	var got domain.Member
	e.call(req("GET", memberPath, nil).as(teacher), 200).decode(t, &got)
	if got.Phone != "138****5678" {
		t.Fatalf("teacher reads %q", got.Phone)
	}
	e.call(req("GET", memberPath, nil).as(school), 200).decode(t, &got)
	if got.Phone != "13812345678" {
		t.Fatalf("admin reads %q", got.Phone)
	}
	e.call(req("PUT", memberPath, map[string]any{"name": "王晓明", "role": "leader", "org_id": e.branch, "joined_on": "2024-03-01",
		"left_on": "2024-02-01"}).as(school), 400)
	e.call(req("PUT", memberPath, map[string]any{"name": "王晓明", "role": "deputy", "org_id": e.school, "joined_on": "2024-03-01"}).as(school), 200).decode(t, &got)
	if got.Role != domain.RoleTeamDeputy || got.OrgID != e.school || got.Phone != "" {
		t.Fatalf("updated: %+v", got)
	}

	// The office (bureau) sees it, filtered by unit and kind.
	var p page[domain.Team]
	e.call(req("GET", fmt.Sprintf("/api/v1/teams?org_id=%d&kind=outreach", e.district), nil), 200).decode(t, &p)
	if p.Total != 1 || p.Items[0].Members != 1 {
		t.Fatalf("office list: %+v", p)
	}
	e.call(req("GET", "/api/v1/teams?kind=monitor", nil), 200).decode(t, &p)
	if p.Total != 0 {
		t.Fatalf("monitor teams: %+v", p)
	}
	// A figure's records: the teams standing on a day, with their members then.
	e.call(req("GET", "/api/v1/teams?at=2024-02-29", nil), 200).decode(t, &p)
	if p.Total != 0 {
		t.Fatalf("before the team was founded: %+v", p)
	}
	e.call(req("GET", "/api/v1/teams?at=2024-03-01", nil), 200).decode(t, &p)
	if p.Total != 1 || p.Items[0].Members != 1 {
		t.Fatalf("on the founding day: %+v", p)
	}
	if got := e.call(req("GET", "/api/v1/teams?at=2024-3-1", nil), 400).errorOf(t); got.Field != "at" {
		t.Fatalf("bad day: %+v", got)
	}

	// Import: a bad 5th row refuses everything, naming row 5.
	rows := [][]string{{"姓名", "角色", "单位编码", "单位名称", "职务", "手机号", "加入日期"},
		{"张一", "队长", "xy-s1", "", "", "", "2024-09-01"},
		{"张二", "成员", "", "实验小学党支部", "", "139-0000-0002", ""},
		{"张三", "成员", "", "", "", "", ""},
		{"张四", "队员长", "", "", "", "", ""},
	}
	gotErr := e.call(upload(teamPath+"/members/import", "名单.xlsx", rosterWorkbook(t, rows)).as(school), 400).errorOf(t)
	if gotErr.Field != "rows[5].role" || !strings.Contains(gotErr.Message, "第 5 行 角色：未知角色“队员长”") {
		t.Fatalf("bad row: %+v", gotErr)
	}
	e.call(req("GET", teamPath+"/members", nil).as(school), 200).decode(t, &ms)
	if len(ms.Items) != 1 {
		t.Fatalf("a refused import left %d members", len(ms.Items))
	}
	rows[4][1] = "成员"
	var res app.ImportResult
	e.call(upload(teamPath+"/members/import", "名单.xlsx", rosterWorkbook(t, rows)).as(school), 200).decode(t, &res)
	if res.Imported != 4 || res.Members != 5 {
		t.Fatalf("import: %+v", res)
	}
	e.call(upload(teamPath+"/members/import", "名单.xlsx", []byte("not a workbook")).as(school), 400)
	e.call(upload(teamPath+"/members/import", "名单.xlsx", rosterWorkbook(t, rows)).as(teacher), 403)
	e.call(req("POST", teamPath+"/members/import", map[string]any{}).as(school), 415)

	// The template: header and one example row.
	r := e.call(req("GET", "/api/v1/teams/import-template", nil).as(school), 200)
	if r.header.Get("Content-Type") != xlsxType || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("template headers: %v", r.header)
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	trows, _ := x.GetRows(x.GetSheetList()[0])
	if len(trows) != 2 || strings.Join(trows[0], ",") != strings.Join(app.ImportColumns, ",") {
		t.Fatalf("template rows: %v", trows)
	}
	e.call(req("GET", "/api/v1/teams/import-template", nil).as(teacher), 403)

	// Remove, deactivate.
	e.call(req("DELETE", memberPath, nil).as(school), 204)
	e.call(req("GET", memberPath, nil).as(school), 404)
	var off domain.Team
	e.call(req("POST", teamPath+"/deactivate", nil).as(school), 200).decode(t, &off)
	if off.Active || off.DissolvedOn.IsZero() {
		t.Fatalf("deactivated: %+v", off)
	}
	e.call(req("GET", "/api/v1/teams?active=true", nil), 200).decode(t, &p)
	if p.Total != 0 {
		t.Fatalf("active teams after deactivating: %d", p.Total)
	}
	e.call(req("POST", teamPath+"/activate", nil).as(school), 200).decode(t, &off)
	if !off.Active {
		t.Fatalf("reactivated: %+v", off)
	}
}
