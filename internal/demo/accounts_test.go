package demo

import (
	"context"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// One demo account per built-in role logs in with the printed password; the
// roles that need a second factor are sent to enrol one; the leader covers
// two districts; outside the demo builder, known passwords cannot be set.
func TestDemoAccounts(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	if _, err := Build(ctx, a, Options{Seed: 3, Today: domain.NewDate(2024, time.March, 31)}); err != nil {
		t.Fatal(err)
	}
	accts, err := Accounts(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != len(domain.BuiltinRoles()) {
		t.Fatalf("%d demo accounts for %d roles", len(accts), len(domain.BuiltinRoles()))
	}
	for _, x := range accts {
		res, err := a.Login(ctx, x.Username, DemoPassword, "127.0.0.1", "test")
		if err != nil {
			t.Fatalf("%s: %v", x.Username, err)
		}
		needs := res.Account.NeedsSecondFactor()
		if needs && res.Pending != app.PendingTOTPEnrol || !needs && res.Pending != "" {
			t.Errorf("%s (%s): pending %q", x.Username, x.Role, res.Pending)
		}
		if x.Role == domain.RoleLeader && len(res.Account.Coverage) != 2 {
			t.Errorf("the leader covers %v", res.Account.Coverage)
		}
	}
	notOperator := domain.Actor{Name: "x", Permissions: domain.AllPermissions, Scope: domain.Scope{Roots: []int64{1}}}
	if _, err := a.CreateAccountWithPassword(ctx, notOperator, app.AccountInput{Username: "backdoor", Name: "x", OrgID: 1}, DemoPassword); !domain.IsKind(err, domain.KindForbidden) {
		t.Fatalf("a known password from a non-operator: %v", err)
	}
}
