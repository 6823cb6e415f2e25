package httpapi

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Authentication. Every route but the public ones needs a login session (the
// session cookie) or an API token (a bearer token). The credentials become
// the request's domain.Actor here, before the route's parameters are read;
// the app layer then checks the actor's permissions and scope. Nothing in
// request handling acts as the console operator.

const (
	sessionCookie = "zeren_session"
	csrfHeader    = "X-CSRF-Token"
	bearerPrefix  = "Bearer "
)

// authMethod says how a request authenticated.
type authMethod int

const (
	authNone authMethod = iota
	authSession
	authBearer
)

// authenticate turns the request's credentials into c.ac. A bearer token,
// when an Authorization header is present, wins over a cookie: browsers never
// add that header by themselves, so it cannot be forged across sites, and it
// needs no CSRF token.
func (s *Server) authenticate(c *call) error {
	r, rt := c.r, c.rt
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := bearerToken(h)
		if !ok {
			return domain.Unauthorized("the Authorization header must be \"Bearer\" and an API token (zrn_…)")
		}
		ac, err := s.app.TokenActor(c.ctx(), token, c.addr)
		if err != nil {
			return err
		}
		if rt.session {
			return domain.Forbidden("this works on a login session; an API token cannot use it")
		}
		c.ac, c.method = ac, authBearer
		return nil
	}
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return domain.Unauthorized("log in first (POST %s/auth/login), or send an API token", api)
	}
	ac, info, err := s.app.SessionActor(c.ctx(), ck.Value, c.addr)
	if err != nil {
		if domain.IsKind(err, domain.KindUnauthorized) {
			clearSessionCookie(c.w, s.secure(r))
		}
		return err
	}
	if unsafeMethod(r.Method) {
		if err := s.checkCSRF(r, info.CSRFToken); err != nil {
			return err
		}
	}
	if !rt.allowedIn(info.Pending) {
		return &httpError{status: http.StatusForbidden, code: codePending, message: pendingMessage(info.Pending)}
	}
	c.ac, c.info, c.sessionID, c.method = ac, info, ck.Value, authSession
	return nil
}

// pendingMessage tells a session what it must do before anything else,
// naming the step as GET /api/v1/auth/me's `pending` does.
func pendingMessage(step string) string {
	what := "finish logging in first"
	switch step {
	case app.PendingPasswordChange:
		what = "change your password first (POST " + api + "/auth/password): it is a first login, or the password expired"
	case app.PendingTOTPEnrol:
		what = "enrol a second factor first (POST " + api + "/auth/totp/enrol, then " + api + "/auth/totp/verify): your role requires one"
	case app.PendingTOTP:
		what = "enter the code of your authenticator app first (POST " + api + "/auth/totp/verify)"
	}
	return "the login step " + step + " is pending: " + what
}

// bearerToken extracts the token of an "Authorization: Bearer …" header.
func bearerToken(h string) (string, bool) {
	if len(h) < len(bearerPrefix) || !strings.EqualFold(h[:len(bearerPrefix)], bearerPrefix) {
		return "", false
	}
	t := strings.TrimSpace(h[len(bearerPrefix):])
	return t, t != ""
}

// checkCSRF guards a cookie-authenticated change: the X-CSRF-Token header
// must equal the session's token (a page of another site cannot read it),
// and, as defence in depth, an Origin or Referer, when sent, must be this
// server's.
func (s *Server) checkCSRF(r *http.Request, want string) error {
	got := r.Header.Get(csrfHeader)
	if got == "" || want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return &httpError{status: http.StatusForbidden, code: codeCSRF,
			message: "send the session's CSRF token (from the login answer or GET " + api + "/auth/me) in the " + csrfHeader + " header"}
	}
	return s.checkOrigin(r)
}

// checkOrigin refuses a request whose Origin (or, without one, Referer)
// names another host than the one it was sent to.
func (s *Server) checkOrigin(r *http.Request) error {
	src := r.Header.Get("Origin")
	if src == "" {
		src = r.Header.Get("Referer")
	}
	if src == "" {
		return nil
	}
	if u, err := url.Parse(src); err == nil && u.Host != "" {
		for _, h := range s.hosts(r) {
			if strings.EqualFold(u.Host, h) {
				return nil
			}
		}
	}
	return &httpError{status: http.StatusForbidden, code: codeCSRF,
		message: "the request comes from another site (Origin or Referer " + clip(src) + ")"}
}

// hosts are the names the client used to reach the server: the Host header,
// and the one a trusted proxy forwarded.
func (s *Server) hosts(r *http.Request) []string {
	hs := []string{r.Host}
	if s.fromTrustedProxy(r) {
		if fh := strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Host"), ",")[0]); fh != "" {
			hs = append(hs, fh)
		}
	}
	return hs
}

// clientAddr is the client's address, for the audit trail and the login rate
// limits: the connection's peer, or, when the peer is a trusted proxy, the
// nearest address in X-Forwarded-For that is not a trusted proxy.
func (s *Server) clientAddr(r *http.Request) string {
	peer, ok := remoteIP(r)
	if !ok {
		return clip(r.RemoteAddr)
	}
	if !s.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a forged or garbled hop: trust nothing left of it
		}
		addr = ip.Unmap()
		if !s.trusted(addr) {
			break
		}
	}
	return addr.String()
}

func remoteIP(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return ip.Unmap(), true
}

func (s *Server) trusted(ip netip.Addr) bool {
	for _, p := range s.opt.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// fromTrustedProxy reports whether the connection comes from a trusted proxy.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	ip, ok := remoteIP(r)
	return ok && s.trusted(ip)
}

// secure reports whether the client reached the server over TLS, directly or
// through a trusted proxy that says so.
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || s.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func setSessionCookie(w http.ResponseWriter, id string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode})
}

func clearSessionCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode})
}

// Handlers of the auth routes.

type loginBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// loginResult is what a login answers; the session id travels in the cookie only.
type loginResult struct {
	CSRFToken string         `json:"csrf_token"`
	Account   domain.Account `json:"account"`
	Pending   string         `json:"pending"`
}

func (s *Server) login(c *call) error {
	// A login form posted from another site would log the victim into the
	// attacker's account (login CSRF).
	if err := s.checkOrigin(c.r); err != nil {
		return err
	}
	var b loginBody
	if err := c.decode(&b); err != nil {
		return err
	}
	res, err := s.app.Login(c.ctx(), b.Username, b.Password, c.addr, clip(c.r.UserAgent()))
	if err != nil {
		return err
	}
	setSessionCookie(c.w, res.SessionID, s.secure(c.r))
	return c.reply(loginResult{CSRFToken: res.CSRFToken, Account: accountView(res.Account), Pending: res.Pending})
}

func (s *Server) logout(c *call) error {
	if err := s.app.Logout(c.ctx(), c.sessionID, c.addr); err != nil && !domain.IsKind(err, domain.KindNotFound) {
		return err
	}
	clearSessionCookie(c.w, s.secure(c.r))
	return c.noContent()
}

// meBody describes the session.
type meBody struct {
	Account domain.Account `json:"account"`
	Pending string         `json:"pending"`
	// Permissions are what the session may do now: none while a step is pending.
	Permissions []domain.Permission `json:"permissions"`
	CSRFToken   string              `json:"csrf_token"`
}

func (s *Server) getMe(c *call) error { return c.reply(me(c.ac, c.info)) }

func me(ac domain.Actor, info app.SessionInfo) meBody {
	perms := ac.Permissions
	if perms == nil {
		perms = []domain.Permission{}
	}
	return meBody{Account: accountView(info.Account), Pending: info.Pending, Permissions: perms, CSRFToken: info.CSRFToken}
}

// replyMe answers the session's state after a step changed it.
func (s *Server) replyMe(c *call) error {
	ac, info, err := s.app.SessionActor(c.ctx(), c.sessionID, c.addr)
	if err != nil {
		return err
	}
	return c.reply(me(ac, info))
}

type passwordBody struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) changePassword(c *call) error {
	var b passwordBody
	if err := c.decode(&b); err != nil {
		return err
	}
	if err := s.app.ChangePassword(c.ctx(), c.sessionID, b.CurrentPassword, b.NewPassword, c.addr); err != nil {
		return renameField(err, "password", "new_password")
	}
	return s.replyMe(c)
}

// renameField gives a domain error the name its field has in this request.
func renameField(err error, from, to string) error {
	var de *domain.Error
	if errors.As(err, &de) && de.Field == from {
		cp := *de
		cp.Field = to
		return &cp
	}
	return err
}

func (s *Server) enrolTOTP(c *call) error {
	e, err := s.app.EnrolTOTP(c.ctx(), c.sessionID)
	if err != nil {
		return err
	}
	return c.reply(e)
}

type totpBody struct {
	Code string `json:"code"`
}

func (s *Server) verifyTOTP(c *call) error {
	var b totpBody
	if err := c.decode(&b); err != nil {
		return err
	}
	if err := s.app.VerifyTOTP(c.ctx(), c.sessionID, b.Code, c.addr); err != nil {
		return err
	}
	return s.replyMe(c)
}

// accountView is an account as the API shows it: the phone masked, empty
// lists as [] rather than null.
func accountView(a domain.Account) domain.Account {
	a.Phone = domain.MaskPhone(a.Phone)
	roles := make([]domain.Role, len(a.Roles))
	for i, r := range a.Roles {
		roles[i] = roleView(r)
	}
	a.Roles = roles
	if a.Coverage == nil {
		a.Coverage = []int64{}
	}
	return a
}

func roleView(r domain.Role) domain.Role {
	if r.Permissions == nil {
		r.Permissions = []domain.Permission{}
	}
	return r
}
