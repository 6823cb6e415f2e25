package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// DemoPassword is the password of every demo account. It exists only in a
// demo database: `zeren demo` builds one from scratch, and nothing else ever
// creates an account with a known password.
const DemoPassword = "Zeren-Demo-2026"

// Account is one demo login.
type Account struct {
	Username string
	Role     string
	RoleName string
	Unit     string
	Note     string
}

// accountSpecs: one account per built-in role, at a unit where its work makes sense.
var accountSpecs = []struct {
	username, role, unit string
	covers               []string
}{
	{"bangongshi", domain.RoleOfficeAdmin, BureauCode, nil},
	{"lingdao", domain.RoleLeader, BureauCode, []string{"D01", "D02"}},
	{"xuequ", domain.RoleDistrictAdmin, "D01", nil},
	{"xiaoxuexiao", domain.RoleSchoolAdmin, "D01-S01", nil},
	{"jiaoshi", domain.RoleMember, "D01-S01", nil},
	{"jianduyuan", domain.RoleMonitor, BureauCode, nil},
	{"sysadmin", domain.RoleSystemAdmin, BureauCode, nil},
	{"secadmin", domain.RoleSecurityAdmin, BureauCode, nil},
	{"auditadmin", domain.RoleAuditAdmin, BureauCode, nil},
}

// Accounts creates the demo accounts, one per built-in role, all with
// DemoPassword. Roles that need a second factor enrol it at first login.
func Accounts(ctx context.Context, a *app.App) ([]Account, error) {
	if err := a.EnsureBuiltinRoles(ctx); err != nil {
		return nil, err
	}
	op, err := a.OperatorActor(ctx)
	if err != nil {
		return nil, err
	}
	roles := map[string]domain.Role{}
	for _, r := range domain.BuiltinRoles() {
		roles[r.Code] = r
	}
	var out []Account
	for _, s := range accountSpecs {
		unit, err := orgByCode(ctx, a, op, s.unit)
		if err != nil {
			return nil, err
		}
		acct, err := a.CreateAccountWithPassword(ctx, op, app.AccountInput{Username: s.username, Name: "演示 " + roles[s.role].Name,
			OrgID: unit.ID, Phone: "13800000000", Roles: []string{s.role}}, DemoPassword)
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", s.username, err)
		}
		var covered []string
		if len(s.covers) > 0 {
			var ids []int64
			for _, c := range s.covers {
				u, err := orgByCode(ctx, a, op, c)
				if err != nil {
					return nil, err
				}
				ids = append(ids, u.ID)
				covered = append(covered, u.Name)
			}
			if _, err := a.SetCoverage(ctx, op, acct.ID, ids); err != nil {
				return nil, err
			}
		}
		note := ""
		if acct.NeedsSecondFactor() {
			note = "首次登录需绑定动态口令 enrol a TOTP app at first login"
		}
		if len(covered) > 0 {
			note = "分片包抓 covers " + strings.Join(covered, "、")
		}
		out = append(out, Account{Username: s.username, Role: s.role, RoleName: roles[s.role].Name, Unit: unit.Name, Note: note})
	}
	return out, nil
}

func orgByCode(ctx context.Context, a *app.App, op domain.Actor, code string) (domain.OrgUnit, error) {
	us, _, err := a.ListOrgs(ctx, op, store.OrgFilter{Query: code})
	if err != nil {
		return domain.OrgUnit{}, err
	}
	for _, u := range us {
		if u.Code == code {
			return u, nil
		}
	}
	return domain.OrgUnit{}, domain.NotFound("demo unit %s", code)
}

// AccountsText prints the demo logins, clearly marked as demo.
func AccountsText(accts []Account) string {
	var b strings.Builder
	fmt.Fprintf(&b, "演示账号 DEMO ACCOUNTS — for this demo database only; password for all: %s\n", DemoPassword)
	for _, x := range accts {
		fmt.Fprintf(&b, "  %-12s %-20s %-18s %s\n", x.Username, x.RoleName, x.Unit, x.Note)
	}
	return b.String()
}
