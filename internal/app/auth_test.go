package app_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// clock is a settable clock for session and lockout tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type authFixture struct {
	st     *store.Store
	app    *app.App
	clk    *clock
	bureau domain.OrgUnit
	school domain.OrgUnit
	admins map[string]app.CreatedAccount // by username
}

func newAuthFixture(t *testing.T, e storetest.Engine) *authFixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)}
	st := e.Open(t, clk.now)
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := app.DefaultConfig()
	cfg.PasswordHashing = auth.TestParams
	a := app.New(st, blobs, cfg, clk.now)
	res, err := a.Init(ctx, "BUREAU", "示范县教育局")
	if err != nil {
		t.Fatal(err)
	}
	f := &authFixture{st: st, app: a, clk: clk, bureau: res.Bureau, admins: map[string]app.CreatedAccount{}}
	for _, c := range res.Accounts {
		f.admins[c.Account.Username] = c
	}
	op := domain.Actor{Name: "test", Operator: true, Scope: domain.Scope{Roots: []int64{res.Bureau.ID}}}
	d, _ := a.CreateOrg(ctx, op, app.OrgInput{ParentID: res.Bureau.ID, Kind: domain.OrgDistrict, Code: "D1", Name: "城关学区"})
	f.school, err = a.CreateOrg(ctx, op, app.OrgInput{ParentID: d.ID, Kind: domain.OrgSchool, Code: "S1", Name: "城关一中"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// secretary creates a school admin whose password has been changed, and returns its password.
func (f *authFixture) secretary(t *testing.T, username string) (domain.Account, string) {
	t.Helper()
	ctx := context.Background()
	op := domain.Actor{Name: "test", Operator: true, Scope: domain.Scope{Roots: []int64{f.bureau.ID}}}
	c, err := f.app.CreateAccount(ctx, op, app.AccountInput{Username: username, Name: "王书记", OrgID: f.school.ID, Phone: "13912345678", Roles: []string{domain.RoleSchoolAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.app.Login(ctx, username, c.InitialPassword, "10.0.0.1", "test")
	if err != nil || res.Pending != app.PendingPasswordChange {
		t.Fatalf("first login must ask for a new password: %+v %v", res, err)
	}
	pw := "Xuexi-2026!"
	if err := f.app.ChangePassword(ctx, res.SessionID, c.InitialPassword, pw, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	return c.Account, pw
}

func TestLoginPolicy(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			acct, pw := f.secretary(t, "wang")
			// A good login gives a session whose actor is scoped to the school.
			res, err := f.app.Login(ctx, "wang", pw, "10.0.0.1", "test")
			if err != nil || res.Pending != "" {
				t.Fatalf("login: %+v %v", res, err)
			}
			ac, _, err := f.app.SessionActor(ctx, res.SessionID, "10.0.0.1")
			if err != nil || ac.AccountID != acct.ID || len(ac.Scope.Roots) != 1 || ac.Scope.Roots[0] != f.school.ID || !ac.Can(domain.PermActivityWrite) {
				t.Fatalf("session actor: %+v %v", ac, err)
			}
			// Idle for 31 minutes: the session is refused.
			f.clk.add(31 * time.Minute)
			if _, _, err := f.app.SessionActor(ctx, res.SessionID, "10.0.0.1"); !domain.IsKind(err, domain.KindUnauthorized) {
				t.Fatalf("idle session: %v", err)
			}
			// Unknown user and wrong password answer alike.
			_, e1 := f.app.Login(ctx, "nobody", pw, "10.0.0.2", "t")
			_, e2 := f.app.Login(ctx, "wang", "wrong-Password1", "10.0.0.2", "t")
			if !domain.IsKind(e1, domain.KindUnauthorized) || !domain.IsKind(e2, domain.KindUnauthorized) || e1.Error() != e2.Error() {
				t.Fatalf("unknown user %v / wrong password %v", e1, e2)
			}
			// Four more failures (five in all) lock the account, and the right
			// password does not open it early.
			for i := 0; i < 4; i++ {
				_, err = f.app.Login(ctx, "wang", "wrong-Password1", "10.0.0.3", "t")
			}
			if !domain.IsKind(err, domain.KindLocked) {
				t.Fatalf("5th failure: want locked, got %v", err)
			}
			var de *domain.Error
			_, err = f.app.Login(ctx, "wang", pw, "10.0.0.4", "t")
			if !domain.IsKind(err, domain.KindLocked) {
				t.Fatalf("right password while locked: %v", err)
			}
			de = err.(*domain.Error)
			if de.RetryAt.Sub(f.clk.now()) < 9*time.Minute {
				t.Fatalf("lock ends too soon: %v", de.RetryAt)
			}
			// A security admin can unlock, audited; the system admin cannot.
			sec := domain.Actor{Name: "secadmin", Scope: domain.Scope{Roots: []int64{f.bureau.ID}}, Permissions: roleOf(domain.RoleSecurityAdmin).Permissions}
			sys := domain.Actor{Name: "sysadmin", Scope: domain.Scope{Roots: []int64{f.bureau.ID}}, Permissions: roleOf(domain.RoleSystemAdmin).Permissions}
			if err := f.app.Unlock(ctx, sys, acct.ID); !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("system admin unlocks: %v", err)
			}
			if err := f.app.Unlock(ctx, sec, acct.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.Login(ctx, "wang", pw, "10.0.0.4", "t"); err != nil {
				t.Fatalf("after unlock: %v", err)
			}
			// After 90 days the password has expired: login asks for a change,
			// and the session can do nothing else.
			f.clk.add(91 * 24 * time.Hour)
			res, err = f.app.Login(ctx, "wang", pw, "10.0.0.4", "t")
			if err != nil || res.Pending != app.PendingPasswordChange {
				t.Fatalf("expired password: %+v %v", res, err)
			}
			ac, _, _ = f.app.SessionActor(ctx, res.SessionID, "10.0.0.4")
			if ac.Can(domain.PermActivityRead) || !ac.Scope.Empty() {
				t.Fatalf("a session pending a password change must hold nothing: %+v", ac)
			}
			// Reuse of a recent password and weak passwords are refused.
			err = f.app.ChangePassword(ctx, res.SessionID, pw, pw, "10.0.0.4")
			wantKind(t, err, domain.KindInvalid, "password")
			for _, weak := range []string{"Ab1!", "abcdefgh1", "Wang-2026x"} {
				err = f.app.ChangePassword(ctx, res.SessionID, pw, weak, "10.0.0.4")
				wantKind(t, err, domain.KindInvalid, "password")
			}
		})
	}
}

func roleOf(code string) domain.Role {
	for _, r := range domain.BuiltinRoles() {
		if r.Code == code {
			return r
		}
	}
	panic(code)
}

func TestInitCreatesNoKnownCredentials(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			if _, err := f.app.Init(ctx, "X", "再来一次"); !domain.IsKind(err, domain.KindConflict) {
				t.Fatalf("a second init: %v", err)
			}
			seen := map[string]bool{}
			for user, c := range f.admins {
				if seen[c.InitialPassword] || len(c.InitialPassword) < 12 {
					t.Fatalf("weak or repeated initial password for %s", user)
				}
				seen[c.InitialPassword] = true
				// Four wrong guesses (a fifth would lock the account).
				for _, guess := range []string{"admin123", "Admin@123", "123456", user} {
					if _, err := f.app.Login(ctx, user, guess, "10.9.9.9", "t"); err == nil {
						t.Fatalf("%s logs in with %q", user, guess)
					}
				}
				res, err := f.app.Login(ctx, user, c.InitialPassword, "10.9.9.8", "t")
				if err != nil || res.Pending != app.PendingPasswordChange {
					t.Fatalf("%s first login must force a change: %+v %v", user, res, err)
				}
				// After the change, the administrator must enrol a second factor.
				if err := f.app.ChangePassword(ctx, res.SessionID, c.InitialPassword, "Strong-Pass-2026", "10.9.9.8"); err != nil {
					t.Fatal(err)
				}
				res, err = f.app.Login(ctx, user, "Strong-Pass-2026", "10.9.9.8", "t")
				if err != nil || res.Pending != app.PendingTOTPEnrol {
					t.Fatalf("%s must enrol TOTP: %+v %v", user, res, err)
				}
				ac, _, _ := f.app.SessionActor(ctx, res.SessionID, "10.9.9.8")
				if len(ac.Permissions) != 0 {
					t.Fatalf("%s holds permissions before the second factor", user)
				}
			}
		})
	}
}

func TestTokensRevokedStopAtOnce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			sys := domain.Actor{Name: "sysadmin", AccountID: f.admins["sysadmin"].Account.ID, Scope: domain.Scope{Roots: []int64{f.bureau.ID}}, Permissions: roleOf(domain.RoleSystemAdmin).Permissions}
			oa, _ := f.officeAdmin(t, "oa01")
			office := domain.Actor{Name: "oa01", AccountID: oa.ID, Scope: domain.Scope{Roots: []int64{f.bureau.ID}}, Permissions: oa.Permissions()}
			_, err := f.app.CreateToken(ctx, office, app.TokenInput{Name: "导入", Role: domain.RoleAuditAdmin, OrgID: f.school.ID, ValidDays: 30})
			wantKind(t, err, domain.KindInvalid, "role")
			tok, err := f.app.CreateToken(ctx, office, app.TokenInput{Name: "导入", Role: domain.RoleSchoolAdmin, OrgID: f.school.ID, ValidDays: 30})
			if err != nil {
				t.Fatal(err)
			}
			ac, err := f.app.TokenActor(ctx, tok.Token, "10.1.1.1")
			if err != nil || ac.Scope.Roots[0] != f.school.ID || !ac.Can(domain.PermActivityWrite) {
				t.Fatalf("token actor: %+v %v", ac, err)
			}
			if _, err := f.app.TokenActor(ctx, tok.Token+"x", "10.1.1.1"); !domain.IsKind(err, domain.KindUnauthorized) {
				t.Fatalf("tampered token: %v", err)
			}
			if err := f.app.RevokeToken(ctx, sys, tok.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.app.TokenActor(ctx, tok.Token, "10.1.1.1"); !domain.IsKind(err, domain.KindUnauthorized) {
				t.Fatalf("revoked token: %v", err)
			}
			tok2, _ := f.app.CreateToken(ctx, office, app.TokenInput{Name: "短期", Role: domain.RoleSchoolAdmin, OrgID: f.school.ID, ValidDays: 1})
			f.clk.add(25 * time.Hour)
			if _, err := f.app.TokenActor(ctx, tok2.Token, "10.1.1.1"); !domain.IsKind(err, domain.KindUnauthorized) {
				t.Fatalf("expired token: %v", err)
			}
		})
	}
}

func TestAuditTrailRecordsAndVerifies(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			acct, pw := f.secretary(t, "liming")
			res, _ := f.app.Login(ctx, "liming", pw, "10.0.0.7", "t")
			ac, _, _ := f.app.SessionActor(ctx, res.SessionID, "10.0.0.7")
			types := map[string]domain.ActivityType{}
			op := domain.Actor{Name: "test", Operator: true}
			if _, err := f.app.SeedCatalog(ctx, op); err != nil {
				t.Fatal(err)
			}
			ts, _ := f.app.ListTypes(ctx, "", true)
			for _, ty := range ts {
				types[ty.Code] = ty
			}
			act, err := f.app.CreateActivity(ctx, ac, domain.ActivityInput{OrgID: f.school.ID, TypeID: types["study_session"].ID,
				Date: domain.NewDate(2026, 11, 20), Title: "读书活动", Attendance: 12}, false)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = f.app.Login(ctx, "liming", "bad-Password9", "10.0.0.8", "t")
			if err := f.app.Logout(ctx, res.SessionID, "10.0.0.7"); err != nil {
				t.Fatal(err)
			}
			aud := domain.Actor{Name: "auditadmin", Scope: domain.Scope{Roots: []int64{f.bureau.ID}}, Permissions: roleOf(domain.RoleAuditAdmin).Permissions}
			// An audit admin of another subtree does not see this school's events.
			elsewhere := aud
			elsewhere.Scope = domain.Scope{Roots: []int64{f.school.ID + 1000}}
			if rows, _, err := f.app.ListAudit(ctx, elsewhere, store.AuditFilter{Target: "activity:" + itoa(act.ID)}); err != nil || len(rows) != 0 {
				t.Fatalf("a foreign audit admin sees %d events of this school (%v)", len(rows), err)
			}
			rows, _, err := f.app.ListAudit(ctx, aud, store.AuditFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, r := range rows {
				got[r.Type+"/"+r.Outcome] = true
				if r.Type == "activity.create" && (r.Target != "activity:"+itoa(act.ID) || r.ActorID != acct.ID || r.ClientAddr != "10.0.0.7" || r.After == "") {
					t.Fatalf("activity.create row: %+v", r)
				}
			}
			for _, want := range []string{"account.create/success", "login.success/success", "password.change/success", "activity.create/success",
				"login.failure/failure", "logout/success"} {
				if !got[want] {
					t.Errorf("no %s audit row (have %v)", want, got)
				}
			}
			// Nobody else reads the trail.
			if _, _, err := f.app.ListAudit(ctx, ac, store.AuditFilter{}); !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("a secretary reads the audit trail: %v", err)
			}
			rep, err := f.app.VerifyAudit(ctx)
			if err != nil || !rep.OK() || rep.Checked < 6 {
				t.Fatalf("verify a clean trail: %+v %v", rep, err)
			}
			// Retention below 184 days is refused.
			sec := domain.Actor{Name: "secadmin", Permissions: roleOf(domain.RoleSecurityAdmin).Permissions}
			if err := f.app.SetAuditSettings(ctx, sec, "sm3", 183); !domain.IsKind(err, domain.KindInvalid) {
				t.Fatalf("retention 183 days: %v", err)
			}
			if err := f.app.SetAuditSettings(ctx, sec, "sm3", 365); err != nil {
				t.Fatal(err)
			}
			_, _ = f.app.Login(ctx, "liming", "bad-Password9", "10.0.0.8", "t") // an SM3-sealed event
			if rep, err := f.app.VerifyAudit(ctx); err != nil || !rep.OK() {
				t.Fatalf("verify a mixed-algorithm trail: %+v %v", rep, err)
			}
			// Tamper with one row behind the application's back: verify names it.
			if err := storetest.Exec(t, f.st, "UPDATE audit_events SET detail = 'nothing happened' WHERE seq = 3"); err != nil {
				t.Fatal(err)
			}
			rep, err = f.app.VerifyAudit(ctx)
			if err != nil || rep.OK() || rep.FirstBad.Seq != 3 {
				t.Fatalf("tampered row 3: %+v %v", rep.FirstBad, err)
			}
		})
	}
}

func itoa(n int64) string {
	return fmtInt(n)
}

// Concurrent wrong passwords all count: the account locks, and none of the
// racing requests can slip the right password through the lock.
func TestConcurrentFailuresLock(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			_, pw := f.secretary(t, "zhao")
			var wg sync.WaitGroup
			for i := 0; i < 8; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					_, _ = f.app.Login(ctx, "zhao", "Wrong-Pass-"+string(rune('a'+i)), "10.2.0."+string(rune('1'+i)), "t")
				}(i)
			}
			wg.Wait()
			if _, err := f.app.Login(ctx, "zhao", pw, "10.3.0.1", "t"); !domain.IsKind(err, domain.KindLocked) {
				t.Fatalf("after 8 concurrent failures the right password must meet a lock: %v", err)
			}
			f.clk.add(11 * time.Minute)
			if _, err := f.app.Login(ctx, "zhao", pw, "10.3.0.1", "t"); err != nil {
				t.Fatalf("after the lock ran out: %v", err)
			}
		})
	}
}

// The three administrators cannot do each other's work.
func TestAdministratorsAreSeparated(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			acct, _ := f.secretary(t, "sunli")
			as := func(role string) domain.Actor {
				return domain.Actor{Name: role, AccountID: f.admins[map[string]string{domain.RoleSystemAdmin: "sysadmin", domain.RoleSecurityAdmin: "secadmin", domain.RoleAuditAdmin: "auditadmin"}[role]].Account.ID,
					Scope: domain.Scope{Roots: []int64{f.bureau.ID}}, Permissions: roleOf(role).Permissions}
			}
			sys, sec, aud := as(domain.RoleSystemAdmin), as(domain.RoleSecurityAdmin), as(domain.RoleAuditAdmin)
			// Only the system admin creates accounts and tokens.
			for _, ac := range []domain.Actor{sec, aud} {
				if _, err := f.app.CreateAccount(ctx, ac, app.AccountInput{Username: "newone", Name: "新人", OrgID: f.school.ID}); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s creates an account: %v", ac.Name, err)
				}
				if _, err := f.app.ResetPassword(ctx, ac, acct.ID); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s resets a password: %v", ac.Name, err)
				}
			}
			// Only the security admin assigns roles, sets the policy and unlocks.
			for _, ac := range []domain.Actor{sys, aud} {
				if _, err := f.app.SetRoles(ctx, ac, acct.ID, []string{domain.RoleOfficeAdmin}); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s assigns roles: %v", ac.Name, err)
				}
				if _, err := f.app.SetPolicy(ctx, ac, auth.Level3()); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s sets the policy: %v", ac.Name, err)
				}
				if err := f.app.SetAuditSettings(ctx, ac, "sha256", 365); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s changes audit settings: %v", ac.Name, err)
				}
			}
			// Only the audit admin reads the trail.
			for _, ac := range []domain.Actor{sys, sec} {
				if _, _, err := f.app.ListAudit(ctx, ac, store.AuditFilter{}); !domain.IsKind(err, domain.KindForbidden) {
					t.Errorf("%s reads the audit trail: %v", ac.Name, err)
				}
			}
			// The security admin cannot make anyone two administrators, nor change its own roles.
			if _, err := f.app.SetRoles(ctx, sec, acct.ID, []string{domain.RoleSystemAdmin, domain.RoleAuditAdmin}); !domain.IsKind(err, domain.KindConflict) {
				t.Errorf("two administrator roles on one account: %v", err)
			}
			if _, err := f.app.SetRoles(ctx, sec, sec.AccountID, []string{domain.RoleOfficeAdmin}); !domain.IsKind(err, domain.KindForbidden) {
				t.Errorf("the security admin changes its own roles: %v", err)
			}
			// A weaker policy is refused; a tighter one is accepted.
			weak := auth.Level3()
			weak.MinLength = 6
			if _, err := f.app.SetPolicy(ctx, sec, weak); !domain.IsKind(err, domain.KindInvalid) {
				t.Errorf("a weaker policy: %v", err)
			}
			tight := auth.Level3()
			tight.MinLength = 12
			if _, err := f.app.SetPolicy(ctx, sec, tight); err != nil {
				t.Errorf("a tighter policy: %v", err)
			}
			if p, _ := f.app.Policy(ctx); p.MinLength != 12 {
				t.Errorf("policy in force: %+v", p)
			}
		})
	}
}
