package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

var accountHeader = []string{"用户名", "姓名", "单位编码", "单位名称", "手机号"}

// An administrator edits an account of its subtree: name, phone and unit,
// audited; text and phone are checked; an account of another district is
// not found; moving an account that holds ledger permissions is a grant the
// system administrator (who holds none) may not make.
func TestUpdateAccount(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			d1, s1, s2, other := f.districts[0], f.schools[0], f.schools[1], f.schools[2]
			if err := f.app.EnsureBuiltinRoles(ctx); err != nil {
				t.Fatal(err)
			}
			plain, err := f.app.CreateAccount(ctx, f.op, app.AccountInput{Username: "plain", Name: "王丽", OrgID: s1.ID})
			if err != nil {
				t.Fatal(err)
			}
			teacher, err := f.app.CreateAccount(ctx, f.op, app.AccountInput{Username: "teacher", Name: "李明", OrgID: s1.ID, Roles: []string{domain.RoleSchoolAdmin}})
			if err != nil {
				t.Fatal(err)
			}
			far, err := f.app.CreateAccount(ctx, f.op, app.AccountInput{Username: "far", Name: "赵四", OrgID: other.ID})
			if err != nil {
				t.Fatal(err)
			}
			admin := actorWithRole(d1, domain.RoleSystemAdmin)
			name, phone, org := "王丽华", "138-1234-5678", s2.ID
			got, err := f.app.UpdateAccount(ctx, admin, plain.Account.ID, app.AccountEdit{Name: &name, Phone: &phone, OrgID: &org})
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != name || got.OrgID != s2.ID || got.Phone != "138****5678" {
				t.Fatalf("edited account: %+v", got)
			}
			// Absent fields stay.
			name2 := "王丽"
			got, err = f.app.UpdateAccount(ctx, admin, plain.Account.ID, app.AccountEdit{Name: &name2})
			if err != nil || got.OrgID != s2.ID || got.Phone != "138****5678" {
				t.Fatalf("a name-only edit changed more: %+v, %v", got, err)
			}
			bad := "王\u202e丽"
			_, err = f.app.UpdateAccount(ctx, admin, plain.Account.ID, app.AccountEdit{Name: &bad})
			wantKind(t, err, domain.KindInvalid, "name")
			badPhone := "12345"
			_, err = f.app.UpdateAccount(ctx, admin, plain.Account.ID, app.AccountEdit{Phone: &badPhone})
			wantKind(t, err, domain.KindInvalid, "phone")
			// Cross-unit: another district's account, or a unit there.
			_, err = f.app.UpdateAccount(ctx, admin, far.Account.ID, app.AccountEdit{Name: &name})
			if !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("editing another district's account: want not found, got %v", err)
			}
			farOrg := other.ID
			_, err = f.app.UpdateAccount(ctx, admin, plain.Account.ID, app.AccountEdit{OrgID: &farOrg})
			wantKind(t, err, domain.KindNotFound, "org_id")
			// The grant rule: the teacher's ledger permissions are not the admin's to give over a new unit.
			_, err = f.app.UpdateAccount(ctx, admin, teacher.Account.ID, app.AccountEdit{OrgID: &org})
			wantKind(t, err, domain.KindForbidden, "org_id")
			// Renaming that account moves nothing and is fine.
			if _, err := f.app.UpdateAccount(ctx, admin, teacher.Account.ID, app.AccountEdit{Name: &name}); err != nil {
				t.Fatalf("renaming an account with roles: %v", err)
			}
			// Without account.manage: forbidden.
			_, err = f.app.UpdateAccount(ctx, actorOf(s1), plain.Account.ID, app.AccountEdit{Name: &name})
			if !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("a school admin edits accounts: %v", err)
			}
			// Audited, phone masked.
			auditor := actorWithRole(f.bureau, domain.RoleAuditAdmin)
			rows, _, err := f.app.ListAuditEvents(ctx, auditor, app.AuditQuery{Type: "account.update", Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 3 {
				t.Fatalf("want 3 account.update audit rows, got %d", len(rows))
			}
			for _, r := range rows {
				if strings.Contains(r.After, "13812345678") {
					t.Fatalf("the audit row holds the full phone: %s", r.After)
				}
			}
		})
	}
}

func accountWorkbook(t testing.TB, rows [][]string) []byte {
	t.Helper()
	return workbook(t, append([][]string{accountHeader}, rows...))
}

// The import previews every row's problems with its row and column and
// writes nothing; the import itself creates every account or none, each
// with a one-time password that logs in; units outside the actor's subtree
// are refused like units that do not exist.
func TestImportAccounts(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			d1, s1, other := f.districts[0], f.schools[0], f.schools[2]
			if _, err := f.app.CreateAccount(ctx, f.op, app.AccountInput{Username: "taken", Name: "已有", OrgID: s1.ID}); err != nil {
				t.Fatal(err)
			}
			admin := actorWithRole(d1, domain.RoleSystemAdmin)
			bad := accountWorkbook(t, [][]string{
				{"wang", "王晓明", s1.Code, "", "138-0000-0000"},
				{"taken", "重名", s1.Code, "", ""},
				{"wang", "王二", "", s1.Name, ""},
				{"lisi", "", other.Code, "", "12"},
				{"", "", "", "", ""}, // blank: skipped
				{"Zhao", "赵", "", "", ""},
			})
			pre, err := f.app.PreviewAccountImport(ctx, admin, bytes.NewReader(bad))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{"3 用户名": true, "4 用户名": true, "5 姓名": true, "5 单位编码": true, "5 手机号": true, "7 单位名称": true}
			got := map[string]bool{}
			for _, p := range pre.Problems {
				got[strings.Join([]string{itoa(int64(p.Row)), p.Column}, " ")] = true
			}
			for k := range want {
				if !got[k] {
					t.Errorf("preview misses the problem at %s: %+v", k, pre.Problems)
				}
			}
			if len(got) != len(want) {
				t.Errorf("preview problems %v, want %v", got, want)
			}
			if len(pre.Rows) != 1 || pre.Rows[0].Username != "wang" || pre.Rows[0].OrgName != s1.Name || pre.Rows[0].Phone != "138****0000" {
				t.Errorf("preview rows: %+v", pre.Rows)
			}
			_, err = f.app.ImportAccounts(ctx, admin, bytes.NewReader(bad))
			wantKind(t, err, domain.KindInvalid, "rows[3].username")
			if !strings.Contains(err.Error(), "第 5 行 单位编码") {
				t.Errorf("the refusal does not list row 5's unit: %v", err)
			}
			if n := countAccounts(t, f, "wang"); n != 0 {
				t.Fatalf("a refused import created %d accounts", n)
			}

			good := accountWorkbook(t, [][]string{
				{"wang", "王晓明", s1.Code, "", "138-0000-0000"},
				{"Li.Na", "李娜", "", s1.Name, ""},
			})
			res, err := f.app.ImportAccounts(ctx, admin, bytes.NewReader(good))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Created) != 2 || res.Created[1].Account.Username != "li.na" || res.Created[0].Account.OrgID != s1.ID || res.Created[0].InitialPassword == "" {
				t.Fatalf("created: %+v", res.Created)
			}
			if _, err := f.app.Login(ctx, "li.na", res.Created[1].InitialPassword, "127.0.0.1", "test"); err != nil {
				t.Fatalf("the one-time password does not log in: %v", err)
			}
			// Importing the same file again: every username is taken now.
			_, err = f.app.ImportAccounts(ctx, admin, bytes.NewReader(good))
			wantKind(t, err, domain.KindInvalid, "rows[2].username")

			// Not a workbook; no header; no permission.
			_, err = f.app.PreviewAccountImport(ctx, admin, strings.NewReader("PK\x03\x04 nope"))
			wantKind(t, err, domain.KindInvalid, "file")
			_, err = f.app.PreviewAccountImport(ctx, admin, bytes.NewReader(workbook(t, [][]string{{"姓名"}, {"王"}})))
			wantKind(t, err, domain.KindInvalid, "file")
			_, err = f.app.ImportAccounts(ctx, actorOf(s1), bytes.NewReader(good))
			if !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("a school admin imports accounts: %v", err)
			}
		})
	}
}

// The template opens with the Chinese header row and an example row that
// the preview reads as one account (its unit named by name).
func TestAccountImportTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := app.WriteAccountImportTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(accountHeader, ",") || len(rows) != 2 || rows[1][1] != "王晓明" {
		t.Fatalf("template rows: %v", rows)
	}
}

func countAccounts(t testing.TB, f *fixture, q string) int {
	t.Helper()
	_, n, err := f.app.ListAccounts(context.Background(), f.op, q, 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
