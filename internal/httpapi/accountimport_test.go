package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Editing an account over the API: the system administrator of a school
// edits that school's accounts; another school's account is not found.
func TestUpdateAccountAPI(t *testing.T) {
	e := newEnv(t)
	admin := e.newSession("sys-s1", "实验小学管理员", e.school, domain.RoleSystemAdmin)
	mine := e.newSession("t-s1", "王丽", e.school, domain.RoleMember)
	theirs := e.newSession("t-s2", "李明", e.school2, domain.RoleMember)
	var got domain.Account
	e.call(req("PATCH", fmt.Sprintf("/api/v1/accounts/%d", mine.accountID), map[string]any{"name": "王丽华", "phone": "138-1234-5678"}).as(admin), 200).decode(t, &got)
	if got.Name != "王丽华" || got.Phone != "138****5678" || got.OrgID != e.school {
		t.Fatalf("edited: %+v", got)
	}
	if er := e.call(req("PATCH", fmt.Sprintf("/api/v1/accounts/%d", mine.accountID), map[string]any{"phone": "12"}).as(admin), 400).errorOf(t); er.Field != "phone" {
		t.Fatalf("bad phone: %+v", er)
	}
	e.call(req("PATCH", fmt.Sprintf("/api/v1/accounts/%d", theirs.accountID), map[string]any{"name": "x"}).as(admin), 404)
	if er := e.call(req("PATCH", fmt.Sprintf("/api/v1/accounts/%d", mine.accountID), map[string]any{"org_id": e.school2}).as(admin), 404).errorOf(t); er.Field != "org_id" {
		t.Fatalf("a unit of another school: %+v", er)
	}
	// The member's reading permission is not the system admin's to give over a new unit.
	if er := e.call(req("PATCH", fmt.Sprintf("/api/v1/accounts/%d", mine.accountID), map[string]any{"org_id": e.branch}).as(admin), 403).errorOf(t); er.Field != "org_id" {
		t.Fatalf("moving an account with roles: %+v", er)
	}
	e.call(req("PATCH", fmt.Sprintf("/api/v1/accounts/%d", mine.accountID), map[string]any{"name": "x"}).as(mine), 403)
}

// Importing accounts over the API: template, preview (problems by row and
// column, nothing written), import (all or nothing, passwords once); a
// unit of another school is refused.
func TestImportAccountsAPI(t *testing.T) {
	e := newEnv(t)
	admin := e.newSession("sys-s1", "实验小学管理员", e.school, domain.RoleSystemAdmin)
	teacher := e.newSession("t-s1", "王丽", e.school, domain.RoleMember)
	r := e.call(req("GET", "/api/v1/accounts/import-template", nil).as(admin), 200)
	if !strings.Contains(r.header.Get("Content-Disposition"), "filename") {
		t.Fatalf("template headers: %v", r.header)
	}
	e.call(req("GET", "/api/v1/accounts/import-template", nil).as(teacher), 403)

	head := []string{"用户名", "姓名", "单位编码", "单位名称", "手机号"}
	bad := rosterWorkbook(t, [][]string{head, {"wang", "王晓明", "xy-s1", "", ""}, {"zhao", "赵", "xy-s2", "", ""}})
	var pre app.AccountImportPreview
	e.call(upload("/api/v1/accounts/import/preview", "账号.xlsx", bad).as(admin), 200).decode(t, &pre)
	if len(pre.Rows) != 1 || len(pre.Problems) != 1 || pre.Problems[0].Row != 3 || pre.Problems[0].Column != "单位编码" {
		t.Fatalf("preview: %+v", pre)
	}
	if er := e.call(upload("/api/v1/accounts/import", "账号.xlsx", bad).as(admin), 400).errorOf(t); er.Field != "rows[3].org_code" {
		t.Fatalf("refused import: %+v", er)
	}
	good := rosterWorkbook(t, [][]string{head, {"wang", "王晓明", "xy-s1", "", ""}, {"zhao", "赵", "", "实验小学党支部", ""}})
	var res struct {
		Created []app.CreatedAccount `json:"created"`
	}
	e.call(upload("/api/v1/accounts/import", "账号.xlsx", good).as(admin), 200).decode(t, &res)
	if len(res.Created) != 2 || res.Created[1].Account.OrgID != e.branch || res.Created[0].InitialPassword == "" {
		t.Fatalf("import: %+v", res)
	}
	e.call(upload("/api/v1/accounts/import/preview", "账号.xlsx", good).as(teacher), 403)
	e.call(upload("/api/v1/accounts/import", "账号.xlsx", []byte("not a workbook")).as(admin), 400)
	e.call(req("POST", "/api/v1/accounts/import", map[string]any{}).as(admin), 415)
}
