package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// Issue 9: the system administrator minted a token with role office_admin
// and read the ledger with it. A token carries only what its issuer holds,
// over the issuer's subtree, and loses what the issuer loses.
func TestTokensCarryOnlyWhatTheIssuerHolds(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			bureau := domain.Scope{Roots: []int64{f.bureau.ID}}
			for _, user := range []string{"sysadmin", "secadmin", "auditadmin"} {
				adm := f.admins[user].Account
				ac := domain.Actor{Name: user, AccountID: adm.ID, Scope: bureau, Permissions: adm.Permissions()}
				for _, role := range []string{domain.RoleOfficeAdmin, domain.RoleMember, domain.RoleLeader} {
					if _, err := f.app.CreateToken(ctx, ac, app.TokenInput{Name: "越权", Role: role, OrgID: f.bureau.ID, ValidDays: 30}); !domain.IsKind(err, domain.KindForbidden) {
						t.Errorf("%s issues a %s token: %v", user, role, err)
					}
				}
			}
			oa, _ := f.officeAdmin(t, "oa01")
			office := domain.Actor{Name: "oa01", AccountID: oa.ID, OrgID: f.bureau.ID, Scope: bureau, Permissions: oa.Permissions()}
			tok, err := f.app.CreateToken(ctx, office, app.TokenInput{Name: "台账导入", Role: domain.RoleSchoolAdmin, OrgID: f.school.ID, ValidDays: 30})
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.app.CreateToken(ctx, office, app.TokenInput{Name: "x", Role: domain.RoleAuditAdmin, OrgID: f.school.ID, ValidDays: 30})
			wantKind(t, err, domain.KindInvalid, "role")
			// A district's issuer cannot reach the bureau, nor hand out what it lacks.
			sec := domain.Actor{Name: "secadmin", AccountID: f.admins["secadmin"].Account.ID, Scope: bureau, Permissions: roleOf(domain.RoleSecurityAdmin).Permissions}
			if _, err := f.app.CreateRole(ctx, sec, domain.Role{Code: "issuer", Name: "令牌签发", Permissions: []domain.Permission{domain.PermTokenCreate, domain.PermActivityRead, domain.PermExamTake}}); err != nil {
				t.Fatal(err)
			}
			op := domain.Actor{Name: "test", Operator: true, Scope: bureau}
			iss, err := f.app.CreateAccount(ctx, op, app.AccountInput{Username: "issuer1", Name: "签发人", OrgID: f.school.ID, Roles: []string{"issuer"}})
			if err != nil {
				t.Fatal(err)
			}
			issuer := domain.Actor{Name: "issuer1", AccountID: iss.Account.ID, OrgID: f.school.ID, Scope: domain.Scope{Roots: []int64{f.school.ID}}, Permissions: iss.Account.Permissions()}
			_, err = f.app.CreateToken(ctx, issuer, app.TokenInput{Name: "x", Role: domain.RoleSchoolAdmin, OrgID: f.school.ID, ValidDays: 30})
			wantKind(t, err, domain.KindForbidden, "role")
			_, err = f.app.CreateToken(ctx, issuer, app.TokenInput{Name: "x", Role: domain.RoleMember, OrgID: f.bureau.ID, ValidDays: 30})
			wantKind(t, err, domain.KindNotFound, "org_id")
			if _, err := f.app.CreateToken(ctx, issuer, app.TokenInput{Name: "x", Role: domain.RoleMember, OrgID: f.school.ID, ValidDays: 30}); err != nil {
				t.Fatalf("a member token of its own school: %v", err)
			}
			// At use, the token holds what its role and its issuer both hold now.
			ac, err := f.app.TokenActor(ctx, tok.Token, "10.1.1.1")
			if err != nil || !ac.Can(domain.PermActivityWrite) || ac.Scope.Roots[0] != f.school.ID {
				t.Fatalf("token actor: %+v %v", ac, err)
			}
			if _, err := f.app.SetRoles(ctx, sec, oa.ID, []string{domain.RoleLeader}); err != nil {
				t.Fatal(err)
			}
			ac, err = f.app.TokenActor(ctx, tok.Token, "10.1.1.1")
			if err != nil || ac.Can(domain.PermActivityWrite) || !ac.Can(domain.PermActivityRead) {
				t.Fatalf("after the issuer became a leader, the token writes: %+v %v", ac.Permissions, err)
			}
			sys := domain.Actor{Name: "sysadmin", AccountID: f.admins["sysadmin"].Account.ID, Scope: bureau, Permissions: roleOf(domain.RoleSystemAdmin).Permissions}
			if _, err := f.app.SetAccountDisabled(ctx, sys, oa.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.TokenActor(ctx, tok.Token, "10.1.1.1"); !domain.IsKind(err, domain.KindUnauthorized) {
				t.Fatalf("a disabled issuer's token: %v", err)
			}
			// The system admin still lists and revokes tokens of its subtree.
			if list, err := f.app.ListTokens(ctx, sys); err != nil || len(list) != 2 {
				t.Fatalf("the system admin's token list: %d %v", len(list), err)
			}
			if err := f.app.RevokeToken(ctx, sys, tok.ID); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// No custom role smuggles an administrator's power onto a business account,
// and the security admin appoints no system or audit administrator.
func TestCustomRolesKeepAdministratorsSeparate(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			acct, _ := f.secretary(t, "wang")
			sec := domain.Actor{Name: "secadmin", AccountID: f.admins["secadmin"].Account.ID, Scope: domain.Scope{Roots: []int64{f.bureau.ID}},
				Permissions: roleOf(domain.RoleSecurityAdmin).Permissions}
			// Permissions it does not hold: refused.
			for _, p := range []domain.Permission{domain.PermAccountManage, domain.PermAuditRead, domain.PermConfigManage} {
				_, err := f.app.CreateRole(ctx, sec, domain.Role{Code: "x" + string(p[:3]), Name: "越权", Permissions: []domain.Permission{p}})
				wantKind(t, err, domain.KindForbidden, "permissions")
			}
			_, err := f.app.SetRoles(ctx, sec, acct.ID, []string{domain.RoleSystemAdmin})
			wantKind(t, err, domain.KindForbidden, "roles")
			_, err = f.app.SetRoles(ctx, sec, acct.ID, []string{domain.RoleAuditAdmin})
			wantKind(t, err, domain.KindForbidden, "roles")
			// An unlock-only custom role is an administrator role: never beside a business role.
			if _, err := f.app.CreateRole(ctx, sec, domain.Role{Code: "unlocker", Name: "解锁员", Permissions: []domain.Permission{domain.PermAccountUnlock}}); err != nil {
				t.Fatal(err)
			}
			_, err = f.app.SetRoles(ctx, sec, acct.ID, []string{domain.RoleSchoolAdmin, "unlocker"})
			wantKind(t, err, domain.KindConflict, "roles")
			// Nor by editing a role the account already holds.
			viewer, err := f.app.CreateRole(ctx, sec, domain.Role{Code: "viewer", Name: "查看", Permissions: []domain.Permission{domain.PermActivityRead}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.SetRoles(ctx, sec, acct.ID, []string{domain.RoleSchoolAdmin, "viewer"}); err != nil {
				t.Fatal(err)
			}
			viewer.Permissions = []domain.Permission{domain.PermAccountUnlock}
			_, err = f.app.UpdateRole(ctx, sec, viewer)
			wantKind(t, err, domain.KindConflict, "permissions")
		})
	}
}

// The grant rule as a property: random actors (any permission set, any
// unit) make random grants — tokens, roles, custom roles, coverage — and a
// grant succeeds exactly when everything granted is the actor's to give
// (held, or for the role manager a non-administrative permission to assign)
// over units of its own subtree.
func TestGrantsNeverExceedTheGranter(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(9, 10))
			units := append([]domain.OrgUnit{f.bureau, f.office}, append(append(slices.Clone(f.districts), f.schools...), f.branches...)...)
			parent := map[int64]int64{}
			for _, u := range units {
				parent[u.ID] = u.ParentID
			}
			within := func(root, id int64) bool {
				for ; id != 0; id = parent[id] {
					if id == root {
						return true
					}
				}
				return false
			}
			if err := f.app.EnsureBuiltinRoles(ctx); err != nil {
				t.Fatal(err)
			}
			roles, err := f.app.ListRoles(ctx, f.op)
			if err != nil {
				t.Fatal(err)
			}
			var accounts []int64
			for i := 0; i < 6; i++ {
				u := units[rng.IntN(len(units))]
				r := roles[rng.IntN(len(roles))]
				c, err := f.app.CreateAccount(ctx, f.op, app.AccountInput{Username: fmt.Sprintf("user%d", i), Name: "用户", OrgID: u.ID, Roles: []string{r.Code}})
				if err != nil {
					t.Fatal(err)
				}
				accounts = append(accounts, c.Account.ID)
			}
			account := func(id int64) domain.Account {
				var a domain.Account
				if err := f.st.Read(ctx, func(tx *store.Tx) error { var err error; a, err = tx.GetAccount(ctx, id); return err }); err != nil {
					t.Fatal(err)
				}
				return a
			}
			var succeeded, refused int
			for it := 0; it < 400; it++ {
				var held []domain.Permission
				for _, p := range domain.AllPermissions {
					if rng.IntN(3) != 0 {
						held = append(held, p)
					}
				}
				root := units[rng.IntN(len(units))]
				if rng.IntN(2) == 0 {
					root = f.bureau
				}
				me := accounts[rng.IntN(len(accounts))]
				ac := domain.Actor{Name: "random", AccountID: me, OrgID: root.ID, Scope: domain.Scope{Roots: []int64{root.ID}}, Permissions: held}
				mayGive := func(p domain.Permission) bool {
					return slices.Contains(held, p) || (slices.Contains(held, domain.PermRoleManage) && !p.Administrative())
				}
				allGiven := func(ps []domain.Permission, assign bool) bool {
					for _, p := range ps {
						if !(slices.Contains(held, p) || (assign && mayGive(p))) {
							return false
						}
					}
					return true
				}
				var err error
				var want bool
				var what string
				switch rng.IntN(4) {
				case 0:
					r := roles[rng.IntN(len(roles))]
					o := units[rng.IntN(len(units))]
					what = fmt.Sprintf("token %s over %s", r.Code, o.Code)
					_, err = f.app.CreateToken(ctx, ac, app.TokenInput{Name: "令牌", Role: r.Code, OrgID: o.ID, ValidDays: 30})
					want = slices.Contains(held, domain.PermTokenCreate) && !r.IsAdmin() && allGiven(r.Permissions, false) && within(root.ID, o.ID)
				case 1:
					target := account(accounts[rng.IntN(len(accounts))])
					var codes []string
					var set []domain.Role
					for _, r := range roles {
						if rng.IntN(len(roles)) < 2 {
							codes, set = append(codes, r.Code), append(set, r)
						}
					}
					what = fmt.Sprintf("roles %v to %s", codes, target.Username)
					_, err = f.app.SetRoles(ctx, ac, target.ID, codes)
					var perms []domain.Permission
					for _, r := range set {
						perms = append(perms, r.Permissions...)
					}
					covered := true
					for _, o := range target.Coverage {
						covered = covered && within(root.ID, o)
					}
					want = slices.Contains(held, domain.PermRoleManage) && target.ID != me && within(root.ID, target.OrgID) &&
						domain.CheckRoleSet(set) == nil && allGiven(perms, true) && covered
				case 2:
					var perms []domain.Permission
					for _, p := range domain.AllPermissions {
						if rng.IntN(6) == 0 {
							perms = append(perms, p)
						}
					}
					what = fmt.Sprintf("custom role %v", perms)
					var r domain.Role
					r, err = f.app.CreateRole(ctx, ac, domain.Role{Code: fmt.Sprintf("r%d", it), Name: "自定义", Permissions: perms})
					want = slices.Contains(held, domain.PermRoleManage) && domain.CheckRolePermissions(perms) == nil && allGiven(perms, true)
					if err == nil {
						roles = append(roles, r)
					}
				default:
					target := account(accounts[rng.IntN(len(accounts))])
					orgs := []int64{units[rng.IntN(len(units))].ID}
					what = fmt.Sprintf("coverage %v to %s", orgs, target.Username)
					_, err = f.app.SetCoverage(ctx, ac, target.ID, orgs)
					want = slices.Contains(held, domain.PermCoverageManage) && within(root.ID, target.OrgID) && within(root.ID, orgs[0]) &&
						allGiven(target.Permissions(), true)
				}
				if (err == nil) != want {
					t.Fatalf("iteration %d: an actor holding %v over %d: %s: got %v, want success %v", it, held, root.ID, what, err, want)
				}
				if err != nil {
					refused++
					if k := domain.KindOf(err); k != domain.KindForbidden && k != domain.KindNotFound && k != domain.KindConflict && k != domain.KindInvalid {
						t.Fatalf("iteration %d: %s: an error of kind %s: %v", it, what, k, err)
					}
				} else {
					succeeded++
				}
			}
			t.Logf("%d grants succeeded, %d refused", succeeded, refused)
			if succeeded < 20 || refused < 20 {
				t.Fatalf("the random grants must both succeed and fail often: %d / %d", succeeded, refused)
			}
		})
	}
}
