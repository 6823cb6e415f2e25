package app_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

const officePassword = "Bangong-2026!"

// officeAdmin creates an office admin (a role that needs a second factor)
// who has changed the one-time password and enrolled TOTP; it returns the
// account and the TOTP secret. The clock moves on a minute, so the
// enrolment's code is not the next login's.
func (f *authFixture) officeAdmin(t *testing.T, username string) (domain.Account, string) {
	t.Helper()
	ctx := context.Background()
	op := domain.Actor{Name: "test", Operator: true, Scope: domain.Scope{Roots: []int64{f.bureau.ID}}}
	c, err := f.app.CreateAccount(ctx, op, app.AccountInput{Username: username, Name: "办公室", OrgID: f.bureau.ID, Roles: []string{domain.RoleOfficeAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.app.Login(ctx, username, c.InitialPassword, "10.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.app.ChangePassword(ctx, res.SessionID, c.InitialPassword, officePassword, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	res, err = f.app.Login(ctx, username, officePassword, "10.0.0.1", "test")
	if err != nil || res.Pending != app.PendingTOTPEnrol {
		t.Fatalf("must enrol: %+v %v", res, err)
	}
	en, err := f.app.EnrolTOTP(ctx, res.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.app.VerifyTOTP(ctx, res.SessionID, f.code(t, en.Secret), "10.0.0.1"); err != nil {
		t.Fatalf("confirming the enrolment: %v", err)
	}
	if err := f.app.Logout(ctx, res.SessionID, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	f.clk.add(time.Minute)
	return c.Account, en.Secret
}

func (f *authFixture) code(t *testing.T, secret string) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, f.clk.now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrongCode is a valid-looking code that is not the current one.
func wrongCode(right string) string {
	if right == "000000" {
		return "111111"
	}
	return "000000"
}

// Issue 9: after a right password, wrong second-factor codes lock the
// account like wrong passwords (5 failures), the half-logged-in session
// ends, and the answer says when to try again; a right password in between
// does not give four more guesses.
func TestTOTPFailuresLock(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			_, secret := f.officeAdmin(t, "oa01")
			res, err := f.app.Login(ctx, "oa01", officePassword, "10.5.0.1", "t")
			if err != nil || res.Pending != app.PendingTOTP {
				t.Fatalf("login: %+v %v", res, err)
			}
			for i := 1; i <= 4; i++ {
				err := f.app.VerifyTOTP(ctx, res.SessionID, wrongCode(f.code(t, secret)), "10.5.0.1")
				wantKind(t, err, domain.KindInvalid, "code")
			}
			// The right password again: the count goes on, it does not start over.
			res2, err := f.app.Login(ctx, "oa01", officePassword, "10.5.0.1", "t")
			if err != nil || res2.Pending != app.PendingTOTP {
				t.Fatalf("login again: %+v %v", res2, err)
			}
			err = f.app.VerifyTOTP(ctx, res2.SessionID, wrongCode(f.code(t, secret)), "10.5.0.1")
			wantKind(t, err, domain.KindLocked, "code")
			if until := err.(*domain.Error).RetryAt; until.Sub(f.clk.now()) != 10*time.Minute {
				t.Fatalf("retry at %v, want 10 minutes from now", until)
			}
			// The 6th code, even the right one, is refused: both half-logged-in
			// sessions are gone.
			for _, s := range []string{res.SessionID, res2.SessionID} {
				if err := f.app.VerifyTOTP(ctx, s, f.code(t, secret), "10.5.0.1"); !domain.IsKind(err, domain.KindUnauthorized) {
					t.Fatalf("the right code after the lockout: %v", err)
				}
				if _, _, err := f.app.SessionActor(ctx, s, "10.5.0.1"); !domain.IsKind(err, domain.KindUnauthorized) {
					t.Fatalf("the session after the lockout: %v", err)
				}
			}
			if _, err := f.app.Login(ctx, "oa01", officePassword, "10.5.0.2", "t"); !domain.IsKind(err, domain.KindLocked) {
				t.Fatalf("the password during the lock: %v", err)
			}
			// After the lock, a full login works and clears the count.
			f.clk.add(11 * time.Minute)
			res, err = f.app.Login(ctx, "oa01", officePassword, "10.5.0.3", "t")
			if err != nil {
				t.Fatal(err)
			}
			if err := f.app.VerifyTOTP(ctx, res.SessionID, f.code(t, secret), "10.5.0.3"); err != nil {
				t.Fatalf("the right code after the lock ran out: %v", err)
			}
			ac, info, err := f.app.SessionActor(ctx, res.SessionID, "10.5.0.3")
			if err != nil || info.Pending != "" || !ac.Can(domain.PermActivityRead) {
				t.Fatalf("a full session: %+v %v", info, err)
			}
		})
	}
}

// Wrong codes count toward the client address's failure limit, which the
// code step also checks.
func TestTOTPFailuresCountPerAddress(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			_, secret := f.officeAdmin(t, "oa01")
			res, err := f.app.Login(ctx, "oa01", officePassword, "10.6.0.1", "t")
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 6; i++ { // six failures of unknown usernames from the address
				_, _ = f.app.Login(ctx, "nobody"+string(rune('a'+i)), "Wrong-Pass-1", "10.6.0.1", "t")
			}
			for i := 0; i < 4; i++ { // and four wrong codes: ten in the minute
				wantKind(t, f.app.VerifyTOTP(ctx, res.SessionID, wrongCode(f.code(t, secret)), "10.6.0.1"), domain.KindInvalid, "code")
			}
			err = f.app.VerifyTOTP(ctx, res.SessionID, f.code(t, secret), "10.6.0.1")
			wantKind(t, err, domain.KindRateLimited, "code")
			if err.(*domain.Error).RetryAt.IsZero() {
				t.Fatal("a rate-limited answer says when to retry")
			}
		})
	}
}

// Issue 10: one code passes once, even when sent at the same moment from
// several half-logged-in sessions (the last used step is read under a row
// lock). On PostgreSQL, without the lock, several pass.
func TestTOTPCodePassesOnceConcurrently(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			acct, secret := f.officeAdmin(t, "oa01")
			var sessions []string
			for i := 0; i < 3; i++ {
				res, err := f.app.Login(ctx, "oa01", officePassword, "10.7.0.1", "t")
				if err != nil {
					t.Fatal(err)
				}
				sessions = append(sessions, res.SessionID)
			}
			code := f.code(t, secret)
			// Another transaction holds the account's row while the codes
			// arrive, so they all meet at it: without the lock on the read,
			// each reads the old last step, waits only at its update, and
			// passes when the row is released.
			held, release, holder := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				holder <- f.st.Write(ctx, func(tx *store.Tx) error {
					if _, err := tx.CredentialsForUpdate(ctx, acct.ID); err != nil {
						return err
					}
					close(held)
					<-release
					return nil
				})
			}()
			<-held
			var passed atomic.Int32
			var wg sync.WaitGroup
			for i := 0; i < 12; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					if f.app.VerifyTOTP(ctx, sessions[i%len(sessions)], code, "10.7.0."+string(rune('2'+i%8))) == nil {
						passed.Add(1)
					}
				}(i)
			}
			time.Sleep(300 * time.Millisecond) // let the requests reach the held row; not a time limit
			close(release)
			wg.Wait()
			if err := <-holder; err != nil {
				t.Fatal(err)
			}
			if n := passed.Load(); n != 1 {
				t.Fatalf("one code passed %d times", n)
			}
		})
	}
}

// A stored hash made with other argon2 parameters is replaced at the next
// successful login, in the account and its password history; the password
// keeps working and keeps its age.
func TestPasswordRehashedAtLogin(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			acct, pw := f.secretary(t, "wang")
			stored := func() (string, []string, time.Time) {
				var cred store.Credentials
				var hist []string
				if err := f.st.Read(ctx, func(tx *store.Tx) error {
					var err error
					if cred, err = tx.CredentialsByID(ctx, acct.ID); err != nil {
						return err
					}
					hist, err = tx.PasswordHistory(ctx, acct.ID, 10)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return cred.PasswordHash, hist, cred.PasswordChangedAt
			}
			oldHash, _, changed := stored()
			raised := auth.TestParams
			raised.Time = 2
			cfg := app.DefaultConfig()
			cfg.PasswordHashing = raised
			a2 := app.New(f.st, nil, cfg, f.clk.now)
			// A failed login changes nothing.
			if _, err := a2.Login(ctx, "wang", "Wrong-Pass-9", "10.8.0.1", "t"); err == nil {
				t.Fatal("a wrong password logged in")
			}
			if h, _, _ := stored(); h != oldHash {
				t.Fatal("a failed login re-hashed the password")
			}
			if _, err := a2.Login(ctx, "wang", pw, "10.8.0.1", "t"); err != nil {
				t.Fatal(err)
			}
			h, hist, changed2 := stored()
			if h == oldHash || auth.NeedsRehash(h, raised) {
				t.Fatalf("the hash was not re-made with the new parameters: %s", h)
			}
			for _, x := range hist {
				if x == oldHash {
					t.Fatal("the weaker hash stays in the password history")
				}
			}
			if !changed2.Equal(changed) {
				t.Fatalf("a rehash is not a password change: %v → %v", changed, changed2)
			}
			if _, err := a2.Login(ctx, "wang", pw, "10.8.0.1", "t"); err != nil {
				t.Fatalf("the password after the rehash: %v", err)
			}
			if h3, _, _ := stored(); h3 != h {
				t.Fatal("a hash with the current parameters was re-made again")
			}
		})
	}
}

// At most MaxSessions sessions of one account: a login beyond ends the
// oldest, audited. A session still waiting for its second factor ends
// nobody's session.
func TestSessionLimit(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newAuthFixture(t, e)
			ctx := context.Background()
			_, pw := f.secretary(t, "wang")
			var ids []string
			for i := 0; i < 4; i++ {
				res, err := f.app.Login(ctx, "wang", pw, "10.9.0.1", "t")
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, res.SessionID)
				f.clk.add(time.Second)
			}
			alive := func(id string) bool { _, _, err := f.app.SessionActor(ctx, id, "10.9.0.1"); return err == nil }
			if alive(ids[0]) || !alive(ids[1]) || !alive(ids[2]) || !alive(ids[3]) {
				t.Fatalf("with 3 allowed, the 4th login must end the 1st session only: %v %v %v %v", alive(ids[0]), alive(ids[1]), alive(ids[2]), alive(ids[3]))
			}
			aud := domain.Actor{Name: "auditadmin", Scope: domain.Scope{Roots: []int64{f.bureau.ID}}, Permissions: roleOf(domain.RoleAuditAdmin).Permissions}
			rows, _, err := f.app.ListAudit(ctx, aud, store.AuditFilter{Type: "session.end"})
			// Two ended: the session of the first login (password change) and ids[0].
			if err != nil || len(rows) != 2 || !strings.Contains(rows[0].Detail, "more than 3 sessions") {
				t.Fatalf("audit of the ended session: %+v %v", rows, err)
			}
			// A tighter policy: one session.
			sec := domain.Actor{Name: "secadmin", Permissions: roleOf(domain.RoleSecurityAdmin).Permissions}
			pol := auth.Level3()
			pol.MaxSessions = 1
			if _, err := f.app.SetPolicy(ctx, sec, pol); err != nil {
				t.Fatal(err)
			}
			res, err := f.app.Login(ctx, "wang", pw, "10.9.0.1", "t")
			if err != nil {
				t.Fatal(err)
			}
			if alive(ids[1]) || alive(ids[2]) || alive(ids[3]) || !alive(res.SessionID) {
				t.Fatal("with 1 allowed, a login must end every other session")
			}
			pol.MaxSessions = 0
			if _, err := f.app.SetPolicy(ctx, sec, pol); !domain.IsKind(err, domain.KindInvalid) {
				t.Fatalf("unlimited sessions: %v", err)
			}

			// Two-factor account: logins waiting for the code end nothing; the
			// code, once passed, ends the oldest.
			if _, err := f.app.SetPolicy(ctx, sec, auth.Level3()); err != nil {
				t.Fatal(err)
			}
			_, secret := f.officeAdmin(t, "oa01")
			var full []string
			for i := 0; i < 3; i++ {
				res, err := f.app.Login(ctx, "oa01", officePassword, "10.9.1.1", "t")
				if err != nil {
					t.Fatal(err)
				}
				if err := f.app.VerifyTOTP(ctx, res.SessionID, f.code(t, secret), "10.9.1.1"); err != nil {
					t.Fatal(err)
				}
				full = append(full, res.SessionID)
				f.clk.add(31 * time.Second) // the next code
			}
			res, err = f.app.Login(ctx, "oa01", officePassword, "10.9.1.2", "t")
			if err != nil || res.Pending != app.PendingTOTP {
				t.Fatal(err)
			}
			for _, id := range full {
				if !alive(id) {
					t.Fatal("a login waiting for its code ended a session")
				}
			}
			if err := f.app.VerifyTOTP(ctx, res.SessionID, f.code(t, secret), "10.9.1.2"); err != nil {
				t.Fatal(err)
			}
			if alive(full[0]) || !alive(full[1]) || !alive(full[2]) || !alive(res.SessionID) {
				t.Fatal("the passed code must end the oldest session")
			}
		})
	}
}

// TOTP secrets are sealed at rest: the database holds no plaintext seed; a
// plaintext one from before is sealed at start; a new key first in the key
// file re-seals them all at the next start, and the old key can then go.
func TestTOTPSecretsSealedAtRest(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			keyFile := dir + "/secret.key"
			k1, err := auth.LoadKeyFile(keyFile, true)
			if err != nil {
				t.Fatal(err)
			}
			clk := &clock{t: time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)}
			st := e.Open(t, clk.now)
			newApp := func(keys *auth.SecretKeys) *app.App {
				cfg := app.DefaultConfig()
				cfg.PasswordHashing = auth.TestParams
				cfg.SecretKeys = keys
				return app.New(st, nil, cfg, clk.now)
			}
			a := newApp(k1)
			res, err := a.Init(ctx, "BUREAU", "示范县教育局")
			if err != nil {
				t.Fatal(err)
			}
			f := &authFixture{st: st, app: a, clk: clk, bureau: res.Bureau}
			acct, secret := f.officeAdmin(t, "oa01")
			storedSecret := func() string {
				var cred store.Credentials
				if err := st.Read(ctx, func(tx *store.Tx) error {
					var err error
					cred, err = tx.CredentialsByID(ctx, acct.ID)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return cred.TOTPSecret
			}
			if s := storedSecret(); !strings.HasPrefix(s, "zk1:k1:") || strings.Contains(s, secret) {
				t.Fatalf("stored TOTP secret: %q", s)
			}
			login := func(a *app.App) error {
				res, err := a.Login(ctx, "oa01", officePassword, "10.4.0.1", "t")
				if err != nil {
					return err
				}
				err = a.VerifyTOTP(ctx, res.SessionID, f.code(t, secret), "10.4.0.1")
				clk.add(31 * time.Second)
				return err
			}
			// A plaintext secret (stored before sealing) is sealed at start.
			if err := storetest.Exec(t, st, "UPDATE accounts SET totp_secret = $1 WHERE id = $2", secret, acct.ID); err != nil {
				t.Fatal(err)
			}
			if n, err := a.SealTOTPSecrets(ctx); err != nil || n != 1 {
				t.Fatalf("sealing the plaintext secret: %d %v", n, err)
			}
			if s := storedSecret(); !strings.HasPrefix(s, "zk1:k1:") {
				t.Fatalf("after sealing: %q", s)
			}
			if err := login(a); err != nil {
				t.Fatal(err)
			}
			// Rotation: k2 first; the start re-seals; then k1 can go.
			k2line := auth.NewKeyLine("k2")
			old, _ := readFile(keyFile)
			both, err := auth.ParseKeyFile([]byte(k2line + old))
			if err != nil {
				t.Fatal(err)
			}
			a = newApp(both)
			if n, err := a.SealTOTPSecrets(ctx); err != nil || n != 1 {
				t.Fatalf("re-sealing under k2: %d %v", n, err)
			}
			if n, err := a.SealTOTPSecrets(ctx); err != nil || n != 0 {
				t.Fatalf("a second start re-seals nothing: %d %v", n, err)
			}
			onlyK2, err := auth.ParseKeyFile([]byte(k2line))
			if err != nil {
				t.Fatal(err)
			}
			if err := login(newApp(onlyK2)); err != nil {
				t.Fatalf("with k2 alone after the rotation: %v", err)
			}
			// Without the right key the code does not pass (and nothing is shown).
			if err := login(newApp(k1)); err == nil {
				t.Fatal("k1 alone opened a secret sealed under k2")
			}
		})
	}
}

func readFile(p string) (string, error) {
	b, err := os.ReadFile(p)
	return string(b), err
}
