package httpapi

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// The tests of this file hold the HTTP layer to the login and access policy
// of MLPS 2.0 level 3, one test per rule, each able to fail.

// secretary is a school admin (branch secretary) of the env's school, logged in.
func (e *env) secretary(username string) *session {
	e.t.Helper()
	return e.newSession(username, "王书记", e.school, domain.RoleSchoolAdmin)
}

func loginReq(username, password string) *request {
	return req("POST", "/api/v1/auth/login", loginBody{Username: username, Password: password}).anon()
}

func TestLogin(t *testing.T) {
	e := newEnv(t)
	s := e.secretary("wang.li")

	r := e.call(loginReq(s.username, s.password), 200)
	var res loginResult
	r.decode(t, &res)
	if res.Pending != "" || res.CSRFToken == "" || res.Account.ID != s.accountID || res.Account.Phone != "139****5678" {
		t.Fatalf("login answer: %+v", res)
	}
	if sc := r.header.Get("Set-Cookie"); strings.Contains(sc, "Secure") {
		t.Fatalf("a cookie over plain HTTP is not Secure: %s", sc)
	}
	s2 := &session{username: s.username, cookie: cookieOf(t, r), csrf: res.CSRFToken}

	// Over TLS the cookie is Secure.
	hr := loginReq(s.username, s.password).build()
	hr.TLS = &tls.ConnectionState{}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, hr)
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Set-Cookie"), "; Secure") {
		t.Fatalf("login over TLS: %d %s", rec.Code, rec.Header().Get("Set-Cookie"))
	}

	var m meBody
	e.call(req("GET", "/api/v1/auth/me", nil).as(s2), 200).decode(t, &m)
	if m.Account.Username != "wang.li" || m.Pending != "" || m.CSRFToken != res.CSRFToken ||
		!slices.Contains(m.Permissions, domain.PermActivityWrite) || slices.Contains(m.Permissions, domain.PermActivityApprove) {
		t.Fatalf("me: %+v", m)
	}

	// A wrong password and an unknown user answer alike.
	r1 := e.call(loginReq("wang.li", "Wrong-pass-1"), 401)
	r2 := e.call(loginReq("nobody", "Wrong-pass-1"), 401)
	if r1.errorOf(t) != r2.errorOf(t) || r1.errorOf(t).Code != "unauthorized" || r1.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("wrong password %s, unknown user %s", r1, r2)
	}
	if got := e.call(req("POST", "/api/v1/auth/login", `{"username": "wang.li"}`).anon(), 401).errorOf(t); got.Code != "unauthorized" {
		t.Fatalf("no password: %+v", got)
	}
	if got := e.call(req("POST", "/api/v1/auth/login", `{"user": "wang.li"}`).anon(), 400).errorOf(t); got.Field != "user" {
		t.Fatalf("unknown field: %+v", got)
	}

	// Logging out ends the session at once and clears the cookie.
	r = e.call(req("POST", "/api/v1/auth/logout", nil).as(s2), 204)
	if !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout does not clear the cookie: %s", r.header.Get("Set-Cookie"))
	}
	if got := e.call(req("GET", "/api/v1/auth/me", nil).as(s2), 401).errorOf(t); got.Code != "unauthorized" {
		t.Fatalf("after logout: %+v", got)
	}
	// The other session of the account lives on.
	e.call(req("GET", "/api/v1/auth/me", nil).as(s), 200)
}

// TestEveryProtectedRouteNeedsCredentials sends every route of the table
// without credentials, with a forged cookie and with a forged token: only the
// public routes answer, and nothing is written.
func TestEveryProtectedRouteNeedsCredentials(t *testing.T) {
	e := newEnv(t)
	forged := &session{cookie: "Q2FuIEkgY29tZSBpbj8", csrf: "x"}
	token := "zrn_0123456789abcdef_" + strings.Repeat("ab", 32)
	fill := strings.NewReplacer("{id}", "1", "{sha}", strings.Repeat("0", 64), "{code}", "2024", "{period}", "2024")
	e.unchanged("requests without credentials", func() {
		for _, rt := range routeTable() {
			path := fill.Replace(rt.path)
			for _, r := range []*request{req(rt.method, path, "{}").anon(), req(rt.method, path, "{}").as(forged),
				req(rt.method, path, "{}").bearer(token), req(rt.method, path, "{}").anon().with("Authorization", "Basic b2ZmaWNlOng=")} {
				got := e.do(r)
				if rt.public {
					if got.status == 401 {
						t.Fatalf("public %s %s: %s", rt.method, path, got)
					}
					continue
				}
				if got.status != 401 || got.errorOf(t).Code != "unauthorized" || got.header.Get("WWW-Authenticate") == "" {
					t.Fatalf("%s %s without valid credentials: %s", rt.method, path, got)
				}
			}
		}
	})
}

// TestLockout: the 5th consecutive failure locks the account for 10
// minutes, and the right password does not open it early (423, with the time
// to retry); the security administrator can unlock it.
func TestLockout(t *testing.T) {
	e := newEnv(t)
	s := e.secretary("zhao.min")
	lockedAt := e.clk.now()
	for i := 1; i <= 4; i++ {
		e.call(loginReq(s.username, "Wrong-pass-"+strconv.Itoa(i)), 401)
	}
	check := func(r resp) {
		t.Helper()
		got := r.errorOf(t)
		if got.Code != "locked" || got.RetryAt == nil || !strings.Contains(got.Message, "try again after") {
			t.Fatalf("locked: %s", r)
		}
		if d := got.RetryAt.Sub(lockedAt); d < 10*time.Minute || d > 11*time.Minute {
			t.Fatalf("retry_at %s is not 10 minutes after the lock (%s)", got.RetryAt, lockedAt)
		}
		secs, err := strconv.Atoi(r.header.Get("Retry-After"))
		if err != nil || secs < 590 || secs > 601 {
			t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
		}
	}
	check(e.call(loginReq(s.username, "Wrong-pass-5"), 423))
	// The right password meets the lock.
	check(e.call(loginReq(s.username, s.password), 423))

	// The security administrator unlocks it at once.
	sec := e.adminSession("secadmin")
	e.call(req("POST", fmt.Sprintf("/api/v1/accounts/%d/unlock", s.accountID), nil).as(sec), 204)
	e.call(loginReq(s.username, s.password), 200)

	// Locked again, it opens by itself after 10 minutes. (A minute passes
	// first: login attempts on one account are limited to 10 a minute.)
	e.clk.add(time.Minute)
	for i := 1; i <= 5; i++ {
		e.do(loginReq(s.username, "Wrong-again-"+strconv.Itoa(i)).from("10.1.1.1:9"))
	}
	e.call(loginReq(s.username, s.password), 423)
	e.clk.add(9 * time.Minute)
	e.call(loginReq(s.username, s.password), 423)
	e.clk.add(2 * time.Minute)
	e.call(loginReq(s.username, s.password), 200)
}

// TestLoginRateLimit: failed logins from one address are slowed down (429,
// with the time to retry), without touching other addresses.
func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t)
	s := e.secretary("qian.li")
	for i := 0; i < 10; i++ {
		e.call(loginReq(fmt.Sprintf("nobody%d", i), "Wrong-pass-1").from("10.9.9.9:4000"), 401)
	}
	r := e.call(loginReq(s.username, s.password).from("10.9.9.9:4001"), 429)
	got := r.errorOf(t)
	if got.Code != "rate_limited" || got.RetryAt == nil || !got.RetryAt.After(e.clk.now()) || got.RetryAt.Sub(e.clk.now()) > time.Minute+time.Second {
		t.Fatalf("rate limited: %s", r)
	}
	if secs, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || secs < 1 || secs > 61 {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	e.call(loginReq(s.username, s.password).from("10.9.9.10:4000"), 200)
	e.clk.add(61 * time.Second)
	e.call(loginReq(s.username, s.password).from("10.9.9.9:4002"), 200)
}

// TestExpiredPassword: a password older than 90 days forces the change flow;
// until it is changed, the session can do nothing else (403 pending).
func TestExpiredPassword(t *testing.T) {
	e := newEnv(t)
	s := e.secretary("sun.hua")
	e.call(req("GET", "/api/v1/activities", nil).as(s), 200)
	e.clk.add(91 * 24 * time.Hour)
	if pending := e.startLogin(s); pending != app.PendingPasswordChange {
		t.Fatalf("pending %q after 91 days", pending)
	}
	body := map[string]any{"org_id": e.school, "type_id": e.types["moral_education"].ID, "date": "2024-03-01", "title": "t"}
	e.unchanged("a pending session", func() {
		for _, r := range []*request{req("GET", "/api/v1/activities", nil), req("POST", "/api/v1/activities", body),
			req("GET", "/api/v1/orgs", nil), req("POST", "/api/v1/auth/totp/enrol", nil)} {
			got := e.call(r.as(s), 403).errorOf(t)
			if got.Code != "pending" || !strings.Contains(got.Message, "change your password") {
				t.Fatalf("%s %s while the password is expired: %+v", r.method, r.target, got)
			}
		}
	})
	var m meBody
	e.call(req("GET", "/api/v1/auth/me", nil).as(s), 200).decode(t, &m)
	if m.Pending != app.PendingPasswordChange || len(m.Permissions) != 0 {
		t.Fatalf("me while pending: %+v", m)
	}
	// The password page explains the rules: the policy is readable in this step.
	var pol struct {
		MinLength int `json:"min_length"`
	}
	e.call(req("GET", "/api/v1/policy", nil).as(s), 200).decode(t, &pol)
	if pol.MinLength < 8 {
		t.Fatalf("policy while the password waits to be changed: %+v", pol)
	}
	// The policy applies: no reuse, no weak password.
	for _, bad := range []string{s.password, "short1A", "alllowercase1"} {
		got := e.call(req("POST", "/api/v1/auth/password", passwordBody{CurrentPassword: s.password, NewPassword: bad}).as(s), 400).errorOf(t)
		if got.Field != "new_password" {
			t.Fatalf("new password %q: %+v", bad, got)
		}
	}
	if got := e.call(req("POST", "/api/v1/auth/password", passwordBody{CurrentPassword: "Wrong-pass-1", NewPassword: nextPassword()}).as(s), 400).errorOf(t); got.Field != "current_password" {
		t.Fatalf("wrong current password: %+v", got)
	}
	next := nextPassword()
	e.call(req("POST", "/api/v1/auth/password", passwordBody{CurrentPassword: s.password, NewPassword: next}).as(s), 200).decode(t, &m)
	if m.Pending != "" || !slices.Contains(m.Permissions, domain.PermActivityWrite) {
		t.Fatalf("after the change: %+v", m)
	}
	e.call(req("GET", "/api/v1/activities", nil).as(s), 200)
}

// TestSecondFactorSteps: an administrator's first login passes the password
// change, then the enrolment of a second factor; later logins ask for a code.
// Each step opens only its own routes.
func TestSecondFactorSteps(t *testing.T) {
	e := newEnv(t)
	c := e.admins["sysadmin"]
	s := &session{username: "sysadmin", password: c.InitialPassword, accountID: c.Account.ID}
	if p := e.startLogin(s); p != app.PendingPasswordChange {
		t.Fatalf("first login: pending %q", p)
	}
	pendingRefusal := func(r *request, want string) {
		t.Helper()
		got := e.call(r.as(s), 403).errorOf(t)
		if got.Code != "pending" || !strings.Contains(got.Message, want) {
			t.Fatalf("%s %s: %+v", r.method, r.target, got)
		}
	}
	pendingRefusal(req("GET", "/api/v1/accounts", nil), "password")
	pendingRefusal(req("POST", "/api/v1/auth/totp/verify", totpBody{Code: "123456"}), "password")
	var m meBody
	s.password = nextPassword()
	e.call(req("POST", "/api/v1/auth/password", passwordBody{CurrentPassword: c.InitialPassword, NewPassword: s.password}).as(s), 200).decode(t, &m)
	if m.Pending != app.PendingTOTPEnrol {
		t.Fatalf("after the password: %+v", m)
	}
	pendingRefusal(req("GET", "/api/v1/accounts", nil), "second factor")
	pendingRefusal(req("POST", "/api/v1/auth/password", passwordBody{CurrentPassword: s.password, NewPassword: nextPassword()}), "second factor")
	var en app.TOTPEnrolment
	e.call(req("POST", "/api/v1/auth/totp/enrol", nil).as(s), 200).decode(t, &en)
	if en.Secret == "" || !strings.HasPrefix(en.URI, "otpauth://totp/") {
		t.Fatalf("enrolment: %+v", en)
	}
	s.totpSecret = en.Secret
	if got := e.call(req("POST", "/api/v1/auth/totp/verify", totpBody{Code: "000000"}).as(s), 400).errorOf(t); got.Field != "code" {
		t.Fatalf("wrong code: %+v", got)
	}
	e.call(req("POST", "/api/v1/auth/totp/verify", totpBody{Code: e.totpCode(s)}).as(s), 200).decode(t, &m)
	if m.Pending != "" || !m.Account.TOTPEnabled || !slices.Contains(m.Permissions, domain.PermAccountManage) {
		t.Fatalf("after enrolment: %+v", m)
	}
	e.call(req("GET", "/api/v1/accounts", nil).as(s), 200)
	e.call(req("POST", "/api/v1/auth/totp/enrol", nil).as(s), 409)

	// The next login asks for a code; a used code is refused.
	e.call(req("POST", "/api/v1/auth/logout", nil).as(s), 204)
	if p := e.startLogin(s); p != app.PendingTOTP {
		t.Fatalf("second login: pending %q", p)
	}
	pendingRefusal(req("GET", "/api/v1/accounts", nil), "authenticator")
	pendingRefusal(req("POST", "/api/v1/auth/totp/enrol", nil), "authenticator")
	used, _ := totpCodeAt(s.totpSecret, e.clk.now())
	if s.lastStep == e.clk.now().Unix()/30 {
		e.call(req("POST", "/api/v1/auth/totp/verify", totpBody{Code: used}).as(s), 400)
	}
	e.call(req("POST", "/api/v1/auth/totp/verify", totpBody{Code: e.totpCode(s)}).as(s), 200)
	e.call(req("GET", "/api/v1/accounts", nil).as(s), 200)
}

// TestSecondFactorLockout (issue 9): wrong codes after a right password lock
// the account like wrong passwords; the 5th answers 423 with the time to
// retry, and the half-logged-in session is gone, so even the right code
// after it is refused.
func TestSecondFactorLockout(t *testing.T) {
	e := newEnv(t)
	s := e.office
	e.call(req("POST", "/api/v1/auth/logout", nil).as(s), 204)
	if p := e.startLogin(s); p != app.PendingTOTP {
		t.Fatalf("login: pending %q", p)
	}
	right := e.totpCode(s)
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	lockedAt := e.clk.now()
	for i := 1; i <= 4; i++ {
		if got := e.call(req("POST", "/api/v1/auth/totp/verify", totpBody{Code: wrong}).as(s), 400).errorOf(t); got.Field != "code" {
			t.Fatalf("wrong code %d: %+v", i, got)
		}
	}
	r := e.call(req("POST", "/api/v1/auth/totp/verify", totpBody{Code: wrong}).as(s), 423)
	if got := r.errorOf(t); got.Code != "locked" || got.RetryAt == nil || got.RetryAt.Sub(lockedAt) < 10*time.Minute || r.header.Get("Retry-After") == "" {
		t.Fatalf("5th wrong code: %s", r)
	}
	e.call(req("POST", "/api/v1/auth/totp/verify", totpBody{Code: right}).as(s), 401)
	e.call(req("GET", "/api/v1/auth/me", nil).as(s), 401)
	e.call(loginReq(s.username, s.password), 423)
}

// TestIdleSession: a session ends after 30 minutes without a request.
func TestIdleSession(t *testing.T) {
	e := newEnv(t)
	s := e.secretary("li.na")
	for i := 0; i < 3; i++ {
		e.clk.add(29 * time.Minute)
		e.call(req("GET", "/api/v1/orgs", nil).as(s), 200) // each request keeps it alive
	}
	e.clk.add(31 * time.Minute)
	r := e.call(req("GET", "/api/v1/orgs", nil).as(s), 401)
	if got := r.errorOf(t); !strings.Contains(got.Message, "idle") || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("idle session: %s %s", r, r.header.Get("Set-Cookie"))
	}
	e.call(req("GET", "/api/v1/orgs", nil).as(s), 401)
	e.logIn(s)
	e.call(req("GET", "/api/v1/orgs", nil).as(s), 200)
}

// TestCSRF: a cookie-authenticated change needs the session's CSRF token and
// no foreign Origin or Referer; a bearer token needs neither.
func TestCSRF(t *testing.T) {
	e := newEnv(t)
	s := e.secretary("zhou.jie")
	other := e.secretary("wu.fang")
	body := func() map[string]any {
		return map[string]any{"org_id": e.school, "type_id": e.types["moral_education"].ID, "date": "2024-03-01", "title": "四德教育"}
	}
	post := func() *request { return req("POST", "/api/v1/activities", body()).as(s) }
	e.unchanged("cross-site requests", func() {
		for name, r := range map[string]*request{
			"no token":            post().withoutCSRF(),
			"a wrong token":       post().with(csrfHeader, "guess"),
			"another's token":     post().with(csrfHeader, other.csrf),
			"a foreign Origin":    post().with("Origin", "https://evil.example"),
			"an opaque Origin":    post().with("Origin", "null"),
			"a foreign Referer":   post().with("Referer", "https://evil.example/form.html"),
			"a DELETE, no token":  req("DELETE", "/api/v1/activities/1", nil).as(s).withoutCSRF(),
			"a login from abroad": loginReq(s.username, s.password).with("Origin", "https://evil.example"),
		} {
			if got := e.call(r, 403).errorOf(t); got.Code != "csrf" {
				t.Fatalf("%s: %+v", name, got)
			}
		}
	})
	e.call(post(), 201)
	e.call(post().with("Origin", "http://example.com"), 201) // httptest's Host
	e.call(post().with("Referer", "http://example.com/ledger"), 201)
	e.call(req("GET", "/api/v1/activities", nil).as(s).withoutCSRF(), 200) // reads need no token
	e.call(loginReq(s.username, s.password).with("Origin", "http://example.com"), 200)
}

// TestBearerToken: an API token works without a session or a CSRF token,
// within its unit's subtree and its role, and stops at once when revoked.
func TestBearerToken(t *testing.T) {
	e := newEnv(t)
	sys, sec := e.adminSession("sysadmin"), e.adminSession("secadmin")
	// Issue 9: the system administrator minted an office_admin token and
	// read the ledger with it. None of the three administrators holds a
	// business permission, so none issues a token that carries one.
	for _, adm := range []*session{sys, sec, e.adminSession("auditadmin")} {
		got := e.call(req("POST", "/api/v1/tokens", map[string]any{"name": "越权", "role": domain.RoleOfficeAdmin, "org_id": e.bureau,
			"valid_days": 30}).as(adm), 403).errorOf(t)
		if got.Code != "forbidden" {
			t.Fatalf("%s issues an office_admin token: %+v", adm.username, got)
		}
	}
	var tok createdTokenBody
	e.call(req("POST", "/api/v1/tokens", map[string]any{"name": "台账导入", "role": domain.RoleSchoolAdmin, "org_id": e.school,
		"valid_days": 30}).as(e.office), 201).decode(t, &tok)
	if !strings.HasPrefix(tok.Token, "zrn_"+tok.ID+"_") {
		t.Fatalf("token: %+v", tok)
	}
	if got := e.call(req("POST", "/api/v1/tokens", map[string]any{"name": "x", "role": domain.RoleAuditAdmin, "org_id": e.school,
		"valid_days": 30}).as(e.office), 400).errorOf(t); got.Field != "role" {
		t.Fatalf("an administrator's token: %+v", got)
	}
	// A school's issuer (a custom role) gives only what it holds, over its school.
	e.call(req("POST", "/api/v1/roles", map[string]any{"code": "issuer", "name": "令牌签发", "permissions": []string{"token.create", "activity.read", "exam.take"}}).as(sec), 201) // a member sits exams
	iss := e.newSession("issuer1", "签发人", e.school, "issuer")
	if got := e.call(req("POST", "/api/v1/tokens", map[string]any{"name": "x", "role": domain.RoleSchoolAdmin, "org_id": e.school,
		"valid_days": 30}).as(iss), 403).errorOf(t); got.Field != "role" || !strings.Contains(got.Message, "activity.write") {
		t.Fatalf("a token beyond its issuer: %+v", got)
	}
	e.call(req("POST", "/api/v1/tokens", map[string]any{"name": "x", "role": domain.RoleMember, "org_id": e.school2, "valid_days": 30}).as(iss), 404)
	e.call(req("POST", "/api/v1/tokens", map[string]any{"name": "x", "role": domain.RoleMember, "org_id": e.school, "valid_days": 30}).as(iss), 201)
	r := e.call(req("GET", "/api/v1/tokens", nil).as(sys), 200)
	if strings.Contains(string(r.body), tok.Token[len(tok.Token)-64:]) || !strings.Contains(string(r.body), tok.ID) {
		t.Fatalf("token list: %s", r.body)
	}

	e.call(req("GET", "/api/v1/activities", nil).bearer(tok.Token), 200)
	e.call(req("POST", "/api/v1/activities", map[string]any{"org_id": e.school, "type_id": e.types["moral_education"].ID,
		"date": "2024-03-01", "title": "机器导入"}).bearer(tok.Token), 201)
	e.call(req("GET", fmt.Sprintf("/api/v1/orgs/%d", e.school2), nil).bearer(tok.Token), 404) // outside its subtree
	e.call(req("POST", "/api/v1/activities/approve", map[string]any{"ids": []int64{1}}).bearer(tok.Token), 403)
	if got := e.call(req("GET", "/api/v1/auth/me", nil).bearer(tok.Token), 403).errorOf(t); got.Code != "forbidden" {
		t.Fatalf("a token on a session route: %+v", got)
	}
	// The last digit changed (to one it is not: a fixed "0" left a token ending in 0 valid).
	last := "0"
	if strings.HasSuffix(tok.Token, "0") {
		last = "1"
	}
	for _, bad := range []string{tok.Token[:len(tok.Token)-1] + last, tok.Token + "0", "zrn_" + tok.ID, strings.ToUpper(tok.Token)} {
		e.call(req("GET", "/api/v1/activities", nil).bearer(bad), 401)
	}
	e.call(req("DELETE", "/api/v1/tokens/"+tok.ID, nil).as(sys), 204)
	if got := e.call(req("GET", "/api/v1/activities", nil).bearer(tok.Token), 401).errorOf(t); !strings.Contains(got.Message, "revoked") {
		t.Fatalf("revoked token: %+v", got)
	}
	e.call(req("DELETE", "/api/v1/tokens/"+tok.ID, nil).as(sys), 404) // no longer an active token
	e.call(req("DELETE", "/api/v1/tokens/0123456789abcdef", nil).as(sys), 404)
}

// TestAdministratorsAreSeparated: the system, security and audit
// administrators cannot do each other's work, and none touches business data.
func TestAdministratorsAreSeparated(t *testing.T) {
	e := newEnv(t)
	sys, sec, aud := e.adminSession("sysadmin"), e.adminSession("secadmin"), e.adminSession("auditadmin")
	a := e.activity(e.school, "moral_education", "2024-03-01", "四德教育", 20, true)
	e.call(upload(activityPath(a.ID)+"/evidence", "p.png", pngBytes(300, 1)), 201)
	sha := sha256Hex(pngBytes(300, 1))
	act := activityPath(a.ID)
	newAct := map[string]any{"org_id": e.school, "type_id": e.types["moral_education"].ID, "date": "2024-03-02", "title": "t"}
	business := []*request{
		req("GET", "/api/v1/activities", nil),
		req("GET", act, nil),
		req("POST", "/api/v1/activities", newAct),
		req("PUT", act, map[string]any{"org_id": e.school, "type_id": e.types["moral_education"].ID, "date": "2024-03-02", "title": "t", "version": 1}),
		req("DELETE", act, nil),
		req("POST", act+"/approve", nil),
		req("POST", "/api/v1/activities/approve", map[string]any{"ids": []int64{a.ID}}),
		req("GET", "/api/v1/evidence/"+sha, nil),
		req("GET", "/api/v1/evidence/"+sha+"/content", nil),
		req("GET", fmt.Sprintf("/api/v1/aggregates?org_id=%d&period=2024", e.bureau), nil),
		req("POST", "/api/v1/activity-types", map[string]any{"code": "x", "pillar": "theory", "name": "x"}),
		req("POST", "/api/v1/period-closures", map[string]any{"period": "2024"}),
	}
	e.unchanged("the administrators on business data", func() {
		for _, admin := range []*session{sys, sec, aud} {
			for _, r := range business {
				if got := e.call(r.clone().as(admin), 403).errorOf(t); got.Code != "forbidden" {
					t.Fatalf("%s: %s %s: %+v", admin.username, r.method, r.target, got)
				}
			}
		}
	})

	// Each one's own work, refused to the other two.
	var created createdAccountBody
	newAcct := map[string]any{"username": "chen.yu", "name": "陈雨", "org_id": e.school}
	e.call(req("POST", "/api/v1/accounts", newAcct).as(sec), 403)
	e.call(req("POST", "/api/v1/accounts", newAcct).as(aud), 403)
	e.call(req("POST", "/api/v1/accounts", newAcct).as(sys), 201).decode(t, &created)
	if created.InitialPassword == "" || len(created.Account.Roles) != 0 {
		t.Fatalf("created: %+v", created)
	}
	roles := fmt.Sprintf("/api/v1/accounts/%d/roles", created.Account.ID)
	e.call(req("PUT", roles, map[string]any{"roles": []string{"school_admin"}}).as(sys), 403)
	e.call(req("PUT", roles, map[string]any{"roles": []string{"school_admin"}}).as(aud), 403)
	e.call(req("PUT", roles, map[string]any{"roles": []string{"school_admin"}}).as(sec), 200)
	// No account holds two of the three, nor changes its own roles.
	e.call(req("PUT", roles, map[string]any{"roles": []string{"system_admin", "audit_admin"}}).as(sec), 409)
	e.call(req("PUT", roles, map[string]any{"roles": []string{"system_admin", "school_admin"}}).as(sec), 409)
	e.call(req("PUT", fmt.Sprintf("/api/v1/accounts/%d/roles", sec.accountID), map[string]any{"roles": []string{"security_admin", "office_admin"}}).as(sec), 403)
	e.call(req("PUT", fmt.Sprintf("/api/v1/accounts/%d/roles", aud.accountID), map[string]any{"roles": []string{"system_admin"}}).as(aud), 403)

	unlock := fmt.Sprintf("/api/v1/accounts/%d/unlock", created.Account.ID)
	e.call(req("POST", unlock, nil).as(sys), 403)
	e.call(req("POST", unlock, nil).as(aud), 403)
	e.call(req("POST", unlock, nil).as(sec), 204)

	var pol map[string]any
	e.call(req("GET", "/api/v1/policy", nil).as(aud), 200).decode(t, &pol)
	pol["min_length"] = 10
	e.call(req("PUT", "/api/v1/policy", pol).as(sys), 403)
	e.call(req("PUT", "/api/v1/policy", pol).as(aud), 403)
	e.call(req("PUT", "/api/v1/policy", pol).as(sec), 200)
	pol["min_length"] = 6
	if got := e.call(req("PUT", "/api/v1/policy", pol).as(sec), 400).errorOf(t); got.Field != "min_length" {
		t.Fatalf("a weaker policy: %+v", got)
	}
	settings := map[string]any{"alg": "sm3", "retention_days": 365}
	e.call(req("PUT", "/api/v1/audit/settings", settings).as(sys), 403)
	e.call(req("PUT", "/api/v1/audit/settings", settings).as(aud), 403)
	e.call(req("PUT", "/api/v1/audit/settings", settings).as(sec), 200)
	if got := e.call(req("PUT", "/api/v1/audit/settings", map[string]any{"alg": "sm3", "retention_days": 183}).as(sec), 400).errorOf(t); got.Field != "retention_days" {
		t.Fatalf("retention 183 days: %+v", got)
	}
	if got := e.call(req("PUT", "/api/v1/audit/settings", map[string]any{"alg": "md5", "retention_days": 200}).as(sec), 400).errorOf(t); got.Field != "alg" {
		t.Fatalf("md5: %+v", got)
	}

	for _, r := range []*request{req("GET", "/api/v1/audit/events", nil), req("POST", "/api/v1/audit/verify", nil)} {
		e.call(r.clone().as(sys), 403)
		e.call(r.clone().as(sec), 403)
		e.call(r.clone().as(aud), 200)
	}
	e.call(req("POST", "/api/v1/tokens", map[string]any{"name": "x", "role": "member", "org_id": e.school, "valid_days": 1}).as(sec), 403)
	e.call(req("POST", "/api/v1/tokens", map[string]any{"name": "x", "role": "member", "org_id": e.school, "valid_days": 1}).as(sys), 403)
	e.call(req("POST", "/api/v1/roles", map[string]any{"code": "viewer", "name": "查看", "permissions": []string{"activity.read"}}).as(sys), 403)
	e.call(req("POST", "/api/v1/roles", map[string]any{"code": "viewer", "name": "查看", "permissions": []string{"activity.read"}}).as(sec), 201)
	e.call(req("POST", "/api/v1/roles", map[string]any{"code": "mixed", "name": "混合", "permissions": []string{"activity.read", "audit.read"}}).as(sec), 400)
	e.call(req("GET", "/api/v1/roles", nil).as(aud), 403)
	var all list[domain.Role]
	e.call(req("GET", "/api/v1/roles", nil).as(sec), 200).decode(t, &all)
	for _, r := range all.Items {
		path := fmt.Sprintf("/api/v1/roles/%d", r.ID)
		upd := map[string]any{"name": "改名", "permissions": []string{"activity.read", "export"}}
		switch {
		case r.Builtin:
			e.call(req("PUT", path, upd).as(sec), 409) // built-in roles are fixed
		case r.Code == "viewer":
			e.call(req("PUT", path, upd).as(sys), 403)
			e.call(req("PUT", path, upd).as(sec), 200)
		}
	}
}

// TestAuditTrail performs, through the API, every kind of event the audit
// trail must hold, then reads them as the audit administrator; the trail
// verifies, and a row changed behind the application's back is found.
func TestAuditTrail(t *testing.T) {
	e := newEnv(t)
	sec, aud := e.adminSession("secadmin"), e.adminSession("auditadmin")
	s := e.secretary("he.ping")
	e.call(loginReq(s.username, "Wrong-pass-1").from("10.7.7.7:5000"), 401)
	e.call(req("POST", "/api/v1/auth/logout", nil).as(s), 204)
	for i := 0; i < 5; i++ {
		e.do(loginReq(s.username, "Wrong-pass-2"))
	}
	e.call(req("POST", fmt.Sprintf("/api/v1/accounts/%d/unlock", s.accountID), nil).as(sec), 204)
	e.call(req("PUT", fmt.Sprintf("/api/v1/accounts/%d/roles", s.accountID), map[string]any{"roles": []string{"school_admin", "member"}}).as(sec), 200)
	leader := e.newSession("ma.lin", "马林", e.bureau, domain.RoleLeader)
	e.call(req("PUT", fmt.Sprintf("/api/v1/accounts/%d/coverage", leader.accountID), map[string]any{"org_ids": []int64{e.district}}), 200)
	a := e.activity(e.school, "moral_education", "2024-03-01", "四德教育", 20, false)
	e.call(req("PUT", activityPath(a.ID), map[string]any{"org_id": e.school, "type_id": e.types["moral_education"].ID,
		"date": "2024-03-01", "title": "四德教育（修订）", "attendance": 21, "version": a.Version}), 200)
	e.call(req("POST", activityPath(a.ID)+"/submit", nil), 200)
	e.call(req("POST", activityPath(a.ID)+"/approve", nil), 200)
	e.call(upload(activityPath(a.ID)+"/evidence", "p.png", pngBytes(300, 2)), 201)
	e.call(req("GET", "/api/v1/evidence/"+sha256Hex(pngBytes(300, 2))+"/content", nil), 200)
	b := e.activity(e.school, "moral_education", "2024-03-02", "待删除", 3, false)
	e.call(req("DELETE", activityPath(b.ID), nil), 204)
	var pol map[string]any
	e.call(req("GET", "/api/v1/policy", nil).as(sec), 200).decode(t, &pol)
	pol["lockout_minutes"] = 15
	e.call(req("PUT", "/api/v1/policy", pol).as(sec), 200)

	events := func(query string) page[auditEventView] {
		var p page[auditEventView]
		e.call(req("GET", "/api/v1/audit/events?"+query, nil).as(aud), 200).decode(t, &p)
		return p
	}
	for _, typ := range []string{"login.success", "login.failure", "logout", "account.lockout", "account.unlock", "account.roles",
		"account.coverage", "activity.create", "activity.update", "activity.delete", "activity.approve", "evidence.download",
		"config.policy", "password.change", "totp.enrol"} {
		if p := events("type=" + typ); p.Total == 0 {
			t.Errorf("no %s event", typ)
		}
	}
	// An event says who, from where, what, to what, with what outcome.
	fail := events("type=login.failure&target=" + fmt.Sprintf("account:%d", s.accountID) + "&limit=500")
	if !slices.ContainsFunc(fail.Items, func(ev auditEventView) bool {
		return ev.ClientAddr == "10.7.7.7" && ev.Outcome == "failure" && ev.Actor == s.username
	}) {
		t.Errorf("the failed login from 10.7.7.7 is not recorded as such: %+v", fail.Items)
	}
	upd := events("type=activity.update")
	if len(upd.Items) != 1 || len(upd.Items[0].Before) == 0 || !strings.Contains(string(upd.Items[0].After), "修订") || upd.Items[0].Actor != "office" {
		t.Errorf("activity.update: %+v", upd.Items)
	}
	roles := events(fmt.Sprintf("type=account.roles&actor_id=%d", sec.accountID))
	if roles.Total != 1 || !strings.Contains(string(roles.Items[0].After), "member") {
		t.Errorf("account.roles by the security admin: %+v", roles.Items)
	}
	if p := events("from=" + e.clk.now().Add(time.Hour).Format(time.RFC3339)); p.Total != 0 {
		t.Errorf("events from the future: %d", p.Total)
	}
	if p := events("to=" + e.clk.now().Add(time.Hour).Format(time.RFC3339) + "&limit=1"); p.Total < 20 || len(p.Items) != 1 {
		t.Errorf("events until now: %d, %d items", p.Total, len(p.Items))
	}
	e.call(req("GET", "/api/v1/audit/events?from=yesterday", nil).as(aud), 400)

	// No route changes or deletes events.
	for _, rt := range routeTable() {
		if strings.HasPrefix(rt.path, api+"/audit/events") && rt.method != "GET" {
			t.Errorf("%s %s changes the audit trail", rt.method, rt.path)
		}
	}

	var rep auditReport
	e.call(req("POST", "/api/v1/audit/verify", nil).as(aud), 200).decode(t, &rep)
	if !rep.OK || rep.Checked < 20 || rep.FirstBad != nil {
		t.Fatalf("verify: %+v", rep)
	}
	if err := storetest.Exec(t, e.st, "UPDATE audit_events SET detail = 'nothing happened' WHERE seq = 3"); err != nil {
		t.Fatal(err)
	}
	e.call(req("POST", "/api/v1/audit/verify", nil).as(aud), 200).decode(t, &rep)
	if rep.OK || rep.FirstBad == nil || rep.FirstBad.Seq != 3 || rep.Checked != 2 {
		t.Fatalf("verify a tampered trail: %+v", rep)
	}
}

// TestClientAddress: the client's address comes from the connection, and from
// X-Forwarded-For only through a configured trusted proxy.
func TestClientAddress(t *testing.T) {
	s := &Server{opt: Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}
	for _, c := range []struct {
		remote, xff, proto string
		want               string
		secure             bool
	}{
		{"192.0.2.7:4000", "", "", "192.0.2.7", false},
		{"192.0.2.7:4000", "203.0.113.9", "https", "192.0.2.7", false}, // not a trusted proxy: ignored
		{"10.1.2.3:4000", "203.0.113.9", "https", "203.0.113.9", true},
		{"10.1.2.3:4000", "198.51.100.1, 203.0.113.9, 10.4.4.4", "http", "203.0.113.9", false},
		{"10.1.2.3:4000", "garbage, 203.0.113.9", "", "203.0.113.9", false},
		{"10.1.2.3:4000", "203.0.113.9, garbage", "", "10.1.2.3", false},
		{"10.1.2.3:4000", "10.5.5.5", "", "10.5.5.5", false},
		{"[::1]:4000", "2001:db8::5", "", "2001:db8::5", false},
		{"[::ffff:192.0.2.8]:80", "", "", "192.0.2.8", false},
		{"pipe", "", "", "pipe", false},
	} {
		r := httptest.NewRequest("GET", "/api/v1/orgs", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if c.proto != "" {
			r.Header.Set("X-Forwarded-Proto", c.proto)
		}
		if got := s.clientAddr(r); got != c.want {
			t.Errorf("%s + %q: %s, want %s", c.remote, c.xff, got, c.want)
		}
		if got := s.secure(r); got != c.secure {
			t.Errorf("%s + %q: secure %v", c.remote, c.proto, got)
		}
		// HSTS goes with what secure says: a request over TLS, or through a
		// trusted proxy that says it was.
		w := httptest.NewRecorder()
		s.withSecurityHeaders(http.NotFoundHandler()).ServeHTTP(w, r)
		if got := w.Header().Get("Strict-Transport-Security") != ""; got != c.secure {
			t.Errorf("%s + %q: HSTS %v, want %v", c.remote, c.proto, got, c.secure)
		}
	}

	// Through the server: the audit trail records the address.
	e := newEnv(t)
	e.call(loginReq("nobody", "Wrong-pass-1").from("198.51.100.77:1234").with("X-Forwarded-For", "203.0.113.1"), 401)
	aud := e.adminSession("auditadmin")
	var p page[auditEventView]
	e.call(req("GET", "/api/v1/audit/events?type=login.failure", nil).as(aud), 200).decode(t, &p)
	if len(p.Items) != 1 || p.Items[0].ClientAddr != "198.51.100.77" {
		t.Fatalf("without trusted proxies X-Forwarded-For is ignored: %+v", p.Items)
	}
}

// FuzzLogin sends arbitrary usernames, passwords and bodies to the login
// endpoint: never a panic, never a 5xx, every error in the error shape.
func FuzzLogin(f *testing.F) {
	e := newEnv(f)
	s := e.secretary("fuzz.user")
	f.Add(s.username, s.password, []byte(`{"username": "fuzz.user", "password": "x"}`))
	for _, c := range [][3]string{
		{"", "", `{}`}, {"office", "", `{"username": 1}`}, {strings.Repeat("a", 65), "p", `{"username": "a", "password": null}`},
		{"a\x00b", strings.Repeat("p", 2000), `[]`}, {"王丽", "密码", `{"username": "\ud800"}`}, {" OFFICE ", "Ze-1-Rn-pass!", `{"username": "x"} {}`},
		{"' OR 1=1 --", "%", "\xff\xfe"}, {"office%", "_", `{"username": "office", "password": "x", "extra": 1}`},
	} {
		f.Add(c[0], c[1], []byte(c[2]))
	}
	f.Fuzz(func(t *testing.T, username, password string, raw []byte) {
		for _, r := range []*request{loginReq(username, password), req("POST", "/api/v1/auth/login", raw).anon()} {
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, r.build())
			if rec.Code >= 500 {
				t.Fatalf("%q / %q / %q: %d %s", username, password, raw, rec.Code, rec.Body)
			}
			if rec.Code >= 400 {
				resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}.errorOf(t)
			}
			// Only a real account, with its password, logs in.
			if rec.Code == 200 && !strings.Contains(string(r.body), s.password) && !strings.Contains(string(r.body), e.office.password) {
				t.Fatalf("%q logged in", r.body)
			}
		}
	})
}

// FuzzBearer sends arbitrary Authorization headers: never a panic, never a
// 5xx, and never anything but 401 (no guess is a token).
func FuzzBearer(f *testing.F) {
	e := newEnv(f)
	for _, h := range []string{
		"Bearer zrn_0123456789abcdef_" + strings.Repeat("0", 64), "Bearer zrn_", "Bearer ", "Bearer", "bearer zrn_x_y",
		"Basic b2ZmaWNlOng=", "Bearer zrn_0123456789ABCDEF_" + strings.Repeat("a", 64), "Bearer zrn_0123456789abcdef__",
		"Bearer zrn_" + strings.Repeat("f", 16) + "_" + strings.Repeat("g", 64), "Bearer \x00", "Bearer " + strings.Repeat("zrn_", 500),
	} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		for _, target := range []string{"/api/v1/orgs", "/api/v1/activities?limit=1"} {
			r := httptest.NewRequest("GET", target, nil)
			r.Header.Set("Authorization", h)
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, r)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("Authorization %q: %d %s", h, rec.Code, rec.Body)
			}
			resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}.errorOf(t)
		}
	})
}
