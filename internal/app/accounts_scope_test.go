package app_test

import (
	"context"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// A leader's coverage is reach to read: given to an account that also
// administers accounts, it must not let that account change the accounts of
// the covered unit (roles, coverage, lock, disable, password). Its own
// subtree stays writable.
func TestCoverageIsNoAccountAdminReach(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			own, covered := f.schools[0], f.schools[2] // different districts
			mine, err := f.app.CreateAccount(ctx, f.op, app.AccountInput{Username: "own-teacher", Name: "本校教师", OrgID: own.ID})
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := f.app.CreateAccount(ctx, f.op, app.AccountInput{Username: "covered-teacher", Name: "他校教师", OrgID: covered.ID})
			if err != nil {
				t.Fatal(err)
			}
			admin := actorWithRole(own, domain.RoleSystemAdmin)
			admin.Permissions = append(admin.Permissions, domain.PermRoleManage, domain.PermAccountUnlock, domain.PermCoverageManage, domain.PermActivityRead)
			admin.Scope.Covered = []int64{covered.ID}

			// Coverage still reads: the covered school's account is listed.
			accts, _, err := f.app.ListAccounts(ctx, admin, "covered-teacher", 50, 0)
			if err != nil || len(accts) != 1 {
				t.Fatalf("coverage should let the admin read the covered school's account: %v, %d", err, len(accts))
			}
			writes := map[string]func(id int64) error{
				"disable": func(id int64) error { _, err := f.app.SetAccountDisabled(ctx, admin, id, true); return err },
				"roles": func(id int64) error {
					_, err := f.app.SetRoles(ctx, admin, id, []string{domain.RoleMember})
					return err
				},
				"coverage": func(id int64) error {
					_, err := f.app.SetCoverage(ctx, admin, id, []int64{own.ID})
					return err
				},
				"unlock":   func(id int64) error { return f.app.Unlock(ctx, admin, id) },
				"password": func(id int64) error { _, err := f.app.ResetPassword(ctx, admin, id); return err },
			}
			for name, w := range writes {
				if err := w(theirs.Account.ID); !domain.IsKind(err, domain.KindNotFound) {
					t.Errorf("%s of a covered unit's account: want not found, got %v", name, err)
				}
			}
			// The own school's account is administered as before.
			if _, err := f.app.SetAccountDisabled(ctx, admin, mine.Account.ID, true); err != nil {
				t.Errorf("disable an own account: %v", err)
			}
			if err := f.app.Unlock(ctx, admin, mine.Account.ID); err != nil {
				t.Errorf("unlock an own account: %v", err)
			}
		})
	}
}
