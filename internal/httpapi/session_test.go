package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/zeren-edu/zeren/internal/app"
)

// session is an account logged in through the API, as a browser holds it.
type session struct {
	username, password string
	accountID, orgID   int64
	cookie, csrf       string
	totpSecret         string
	lastStep           int64 // the TOTP step last used: a code is accepted once
}

// authorize adds the session's cookie, and on a change its CSRF token, to r.
func (s *session) authorize(r *http.Request) {
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: s.cookie})
	if unsafeMethod(r.Method) {
		r.Header.Set(csrfHeader, s.csrf)
	}
}

// newSession creates an account with a role at org, behind the API as `zeren
// init` and the administrators would, and logs it in through the API, passing
// every pending step: the password change of a first login and, when the role
// needs one, the enrolment of a second factor.
func (e *env) newSession(username, name string, org int64, roles ...string) *session {
	e.t.Helper()
	c, err := e.app.CreateAccount(context.Background(), e.operator(org), app.AccountInput{Username: username, Name: name,
		OrgID: org, Phone: "13912345678", Roles: roles})
	if err != nil {
		e.t.Fatalf("creating %s: %v", username, err)
	}
	s := &session{username: username, password: c.InitialPassword, accountID: c.Account.ID, orgID: org}
	e.logIn(s)
	return s
}

// adminSession logs one of the three administrators of `zeren init` in.
func (e *env) adminSession(username string) *session {
	e.t.Helper()
	c, ok := e.admins[username]
	if !ok {
		e.t.Fatalf("no administrator %s", username)
	}
	s := &session{username: username, password: c.InitialPassword, accountID: c.Account.ID, orgID: c.Account.OrgID}
	e.logIn(s)
	return s
}

// passwords makes distinct passwords that satisfy the policy.
var passwords int

func nextPassword() string {
	passwords++
	return fmt.Sprintf("Ze-%d-Rn-pass!", passwords)
}

// logIn logs s in through the API and passes whatever step is pending.
func (e *env) logIn(s *session) {
	e.t.Helper()
	pending := e.startLogin(s)
	for pending != "" {
		var m meBody
		switch pending {
		case app.PendingPasswordChange:
			next := nextPassword()
			e.call(req("POST", "/api/v1/auth/password", passwordBody{CurrentPassword: s.password, NewPassword: next}).as(s), 200).decode(e.t, &m)
			s.password = next
		case app.PendingTOTPEnrol:
			var en app.TOTPEnrolment
			e.call(req("POST", "/api/v1/auth/totp/enrol", nil).as(s), 200).decode(e.t, &en)
			s.totpSecret = en.Secret
			e.call(req("POST", "/api/v1/auth/totp/verify", totpBody{Code: e.totpCode(s)}).as(s), 200).decode(e.t, &m)
		case app.PendingTOTP:
			e.call(req("POST", "/api/v1/auth/totp/verify", totpBody{Code: e.totpCode(s)}).as(s), 200).decode(e.t, &m)
		default:
			e.t.Fatalf("unknown pending step %q", pending)
		}
		if m.Pending == pending {
			e.t.Fatalf("%s: step %s did not pass", s.username, pending)
		}
		pending = m.Pending
	}
}

// startLogin posts the username and password and keeps the cookie; it
// returns the pending step.
func (e *env) startLogin(s *session) string {
	e.t.Helper()
	r := e.call(req("POST", "/api/v1/auth/login", loginBody{Username: s.username, Password: s.password}).anon(), 200)
	var res loginResult
	r.decode(e.t, &res)
	s.cookie = cookieOf(e.t, r)
	s.csrf = res.CSRFToken
	return res.Pending
}

// cookieOf returns the session cookie a response sets, checking its attributes.
func cookieOf(t testing.TB, r resp) string {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == sessionCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
				t.Fatalf("session cookie without HttpOnly, SameSite=Strict or Path=/: %s", r.header.Get("Set-Cookie"))
			}
			return c.Value
		}
	}
	t.Fatalf("no session cookie in %v", r.header)
	return ""
}

// totpCode is the current code of s's authenticator. A code is accepted once,
// so the clock moves to the next 30-second step when this one was used.
func (e *env) totpCode(s *session) string {
	e.t.Helper()
	if s.totpSecret == "" {
		e.t.Fatalf("%s has no second factor", s.username)
	}
	if step := e.clk.now().Unix() / 30; step <= s.lastStep {
		e.clk.add(time.Duration(s.lastStep-step+1) * 30 * time.Second)
	}
	s.lastStep = e.clk.now().Unix() / 30
	code, err := totp.GenerateCode(s.totpSecret, e.clk.now())
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}

// totpCodeAt is the code of secret at t.
func totpCodeAt(secret string, t time.Time) (string, error) { return totp.GenerateCode(secret, t) }

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
