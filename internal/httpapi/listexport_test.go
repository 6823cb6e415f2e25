package httpapi

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/export"
)

// listSheet downloads a list's export and returns its header block and its
// records (the column header row dropped), after checking the column headers.
func (e *env) listSheet(r *request, title string, cols ...string) (head []string, rows [][]string) {
	e.t.Helper()
	out := e.call(r, 200)
	if ct := out.header.Get("Content-Type"); ct != xlsxType {
		e.t.Fatalf("export Content-Type %q", ct)
	}
	if cd := out.header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''"+rfc5987(title+"-")) {
		e.t.Fatalf("Content-Disposition %q does not name %s", cd, title)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out.body))
	if err != nil {
		e.t.Fatalf("the export is not a workbook: %v", err)
	}
	defer f.Close()
	all, err := f.GetRows(title)
	if err != nil {
		e.t.Fatalf("no sheet %s: %v", title, err)
	}
	if len(all) < export.HeaderRows+1 {
		e.t.Fatalf("the export has %d rows", len(all))
	}
	for _, r := range all[:export.HeaderRows] {
		head = append(head, strings.Join(r, ""))
	}
	if head[0] != title || !strings.HasPrefix(head[1], "筛选条件：") || !strings.HasPrefix(head[2], "导出时间：") {
		e.t.Fatalf("the header block %q", head)
	}
	if got := all[export.HeaderRows]; strings.Join(got[:len(cols)], ",") != strings.Join(cols, ",") {
		e.t.Fatalf("the columns %v, want %v first", got, cols)
	}
	return head, all[export.HeaderRows+1:]
}

// column is one column of the rows.
func column(rows [][]string, i int) []string {
	out := make([]string, len(rows))
	for j, r := range rows {
		if i < len(r) {
			out[j] = r[i]
		}
	}
	return out
}

// TestListExports exports each list (teams, a team's members, accounts, the
// audit trail, problems, rectifications) as its readers list it: the same
// rows, names not ids, phones masked, the filter in words, audited; and a
// reader of one school exports nothing of the other (the cross-unit case).
func TestListExports(t *testing.T) {
	e := newEnv(t)
	school := e.newSession("xiaoxue", "实验小学李书记", e.school, domain.RoleSchoolAdmin)
	school2 := e.newSession("erzhong", "第二中学王书记", e.school2, domain.RoleSchoolAdmin)
	district := e.newSession("xuequ", "第一学区赵主任", e.district, domain.RoleDistrictAdmin)
	for i, s := range []*session{school, school, school2} {
		org := e.school
		if s == school2 {
			org = e.school2
		}
		var team domain.Team
		e.call(req("POST", "/api/v1/teams", map[string]any{"org_id": org, "kind": "outreach", "name": fmt.Sprintf("宣讲队%d", i),
			"founded_on": "2024-03-01"}).as(s), 201).decode(t, &team)
		e.call(req("POST", fmt.Sprintf("/api/v1/teams/%d/members", team.ID), map[string]any{"name": fmt.Sprintf("队员%d", i),
			"role": "leader", "org_id": org, "phone": "13800001234", "joined_on": "2024-03-01"}).as(s), 201)
	}
	for _, org := range []int64{e.school, e.school2} {
		e.call(req("POST", "/api/v1/rectifications", map[string]any{"org_id": org, "source": "inspection", "finding": fmt.Sprintf("台账不全%d", org),
			"responsible": "王校长", "deadline": "2026-12-10"}).as(district), 201)
	}

	t.Run("teams", func(t *testing.T) {
		cols := []string{"单位", "队伍类型", "队伍名称"}
		head, rows := e.listSheet(req("GET", "/api/v1/teams/export", nil).as(district), "队伍名册", cols...)
		if got := strings.Join(column(rows, 2), ","); got != "宣讲队0,宣讲队1,宣讲队2" {
			t.Fatalf("the district's teams %q", got)
		}
		if head[1] != "筛选条件：全部" || !strings.Contains(head[2], "导出人：xuequ") {
			t.Fatalf("header %q", head)
		}
		head, rows = e.listSheet(req("GET", "/api/v1/teams/export?kind=outreach&org_id="+strconv.FormatInt(e.school, 10), nil).as(school), "队伍名册", cols...)
		if len(rows) != 2 || rows[0][0] != "实验小学" || rows[0][1] != "宣讲队伍" {
			t.Fatalf("the school's teams %v", rows)
		}
		if head[1] != "筛选条件：单位：实验小学（含下级单位）；队伍类型：宣讲队伍" {
			t.Fatalf("filter %q", head[1])
		}
		// The other school: its own team only, and not the first school's.
		_, rows = e.listSheet(req("GET", "/api/v1/teams/export", nil).as(school2), "队伍名册", cols...)
		if len(rows) != 1 || rows[0][0] != "第二中学" {
			t.Fatalf("the second school exports %v", rows)
		}
		e.call(req("GET", "/api/v1/teams/export?org_id="+strconv.FormatInt(e.school, 10), nil).as(school2), 404)
		teacher := e.newSession("jiaoshi", "教师", e.school, domain.RoleMember)
		e.call(req("GET", "/api/v1/teams/export", nil).as(teacher), 403)
	})

	t.Run("members", func(t *testing.T) {
		var teams page[domain.Team]
		e.call(req("GET", "/api/v1/teams?org_id="+strconv.FormatInt(e.school, 10), nil).as(school), 200).decode(t, &teams)
		path := fmt.Sprintf("/api/v1/teams/%d/members/export", teams.Items[0].ID)
		head, rows := e.listSheet(req("GET", path, nil).as(school), "队伍成员", "姓名", "角色", "单位", "职务", "联系电话")
		if len(rows) != 1 || rows[0][1] != "队长" || rows[0][4] != "138****1234" {
			t.Fatalf("members %v (the phone masked as in the list)", rows)
		}
		if !strings.Contains(head[1], teams.Items[0].Name) {
			t.Fatalf("filter %q does not name the team", head[1])
		}
		e.call(req("GET", path, nil).as(school2), 404)
	})

	t.Run("rectifications", func(t *testing.T) {
		cols := []string{"责任单位", "来源", "问题"}
		_, rows := e.listSheet(req("GET", "/api/v1/rectifications/export", nil).as(district), "整改台账", cols...)
		if len(rows) != 2 || rows[0][1] != "督导检查" {
			t.Fatalf("the district's rectifications %v", rows)
		}
		head, rows := e.listSheet(req("GET", "/api/v1/rectifications/export?state=open", nil).as(school2), "整改台账", cols...)
		if len(rows) != 1 || rows[0][0] != "第二中学" || rows[0][7] != "整改中" {
			t.Fatalf("the second school's rectifications %v", rows)
		}
		if head[1] != "筛选条件：状态：整改中" {
			t.Fatalf("filter %q", head[1])
		}
		e.call(req("GET", "/api/v1/rectifications/export?org_id="+strconv.FormatInt(e.school, 10), nil).as(school2), 404)
	})

	t.Run("problems", func(t *testing.T) {
		head, rows := e.listSheet(req("GET", "/api/v1/problems/export?period=2025&org_id="+strconv.FormatInt(e.bureau, 10), nil), "问题研判",
			"问题", "详情", "涉及记录数", "研判")
		var list struct {
			Items []struct{ Title string }
		}
		e.call(req("GET", "/api/v1/problems?period=2025&org_id="+strconv.FormatInt(e.bureau, 10), nil), 200).decode(t, &list)
		if len(rows) != len(list.Items) {
			t.Fatalf("export %d problems, list %d", len(rows), len(list.Items))
		}
		for i, p := range list.Items {
			if rows[i][0] != p.Title || rows[i][3] != "待研判" {
				t.Fatalf("row %d %v, want %q undecided", i, rows[i], p.Title)
			}
		}
		if head[1] != "筛选条件：单位：咸阳教育局（含下级单位）；期间：2025年" {
			t.Fatalf("filter %q", head[1])
		}
		e.call(req("GET", "/api/v1/problems/export?period=2025&org_id="+strconv.FormatInt(e.school, 10), nil).as(school2), 404)
	})

	t.Run("accounts", func(t *testing.T) {
		admin := e.newSession("sys-s1", "实验小学管理员", e.school, domain.RoleSystemAdmin)
		_, rows := e.listSheet(req("GET", "/api/v1/accounts/export", nil).as(admin), "账号列表", "用户名", "姓名", "单位", "角色", "手机号")
		users := column(rows, 0)
		if !strings.Contains(strings.Join(users, ","), "xiaoxue") || strings.Contains(strings.Join(users, ","), "erzhong") {
			t.Fatalf("the school's system admin exports accounts %v", users)
		}
		for _, r := range rows {
			if r[0] == "xiaoxue" && (r[2] != "实验小学" || r[4] != "139****5678" || !strings.Contains(r[3], "学校管理员")) {
				t.Fatalf("account row %v", r)
			}
		}
		_, rows = e.listSheet(req("GET", "/api/v1/accounts/export?q=erzhong", nil).as(admin), "账号列表", "用户名")
		if len(rows) != 0 {
			t.Fatalf("a school's admin exports another school's account: %v", rows)
		}
		// Administrators hold no business permission, so not export: the
		// accounts list's own permission is the export's.
		e.call(req("GET", "/api/v1/accounts/export", nil).as(school), 403)
	})

	t.Run("audit", func(t *testing.T) {
		auditor := e.newSession("shenji", "审计员", e.bureau, domain.RoleAuditAdmin)
		_, rows := e.listSheet(req("GET", "/api/v1/audit/events/export?type=team.export", nil).as(auditor), "审计日志",
			"序号", "时间", "操作人", "账号", "单位", "事件")
		if len(rows) < 3 {
			t.Fatalf("the team exports are not audited: %v", rows)
		}
		// Newest first: the second school's export of the first school's unit
		// was refused (not audited as an export); its own export was.
		found := false
		for _, r := range rows {
			if r[3] == "erzhong" && r[5] == "team.export" && strings.HasPrefix(r[10], "1 rows") {
				found = true
			}
		}
		if !found {
			t.Fatalf("no audit row of the second school's export with its row count: %v", rows)
		}
		auditor2 := e.newSession("shenji2", "第二中学审计员", e.school2, domain.RoleAuditAdmin)
		e.call(req("GET", "/api/v1/audit/events/export?org_id="+strconv.FormatInt(e.school, 10), nil).as(auditor2), 404)
		e.call(req("GET", "/api/v1/audit/events/export", nil).as(school), 403)
	})
}
