package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Sessions end after the policy's idle time, and in any case after this long.
const sessionMaxAge = 12 * time.Hour

// touchEvery limits how often a session's last-seen time is written.
const touchEvery = time.Minute

const settingPolicy = "policy"

// Policy returns the password and session policy in force.
func (a *App) Policy(ctx context.Context) (auth.Policy, error) {
	var p auth.Policy
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		p, err = a.policy(ctx, tx)
		return err
	})
	return p, err
}

func (a *App) policy(ctx context.Context, tx *store.Tx) (auth.Policy, error) {
	p := auth.Level3()
	ok, err := tx.Setting(ctx, settingPolicy, &p)
	if err != nil || !ok {
		return auth.Level3(), err
	}
	if p.Validate() != nil { // a stored policy below the floor never applies
		return auth.Level3(), nil
	}
	return p, nil
}

// SetPolicy changes the policy; it may tighten the level-3 defaults, never weaken them.
func (a *App) SetPolicy(ctx context.Context, ac domain.Actor, p auth.Policy) (auth.Policy, error) {
	if err := ac.Require(domain.PermPolicyManage); err != nil {
		return p, err
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		old, err := a.policy(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, settingPolicy, p, ac.Name); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "config.policy", Target: "policy", Before: old, After: p})
	})
	return p, err
}

// LoginResult says what a login produced and what the client must do next.
type LoginResult struct {
	SessionID string         `json:"-"`
	CSRFToken string         `json:"csrf_token"`
	Account   domain.Account `json:"account"`
	// Pending is the step the session must pass before it can do anything
	// else: "totp" (enter a code), "totp_enrol" (the role needs a second factor
	// and none is enrolled), "password_change" (first login or expired); "" when none.
	Pending string `json:"pending,omitempty"`
}

// Pending steps of a session.
const (
	PendingTOTP           = "totp"
	PendingTOTPEnrol      = "totp_enrol"
	PendingPasswordChange = "password_change"
)

// Login checks a username and password. Unknown usernames and wrong passwords
// give the same answer, so usernames cannot be probed.
func (a *App) Login(ctx context.Context, username, password, clientAddr, userAgent string) (LoginResult, error) {
	now := a.now()
	username = strings.TrimSpace(username)
	if username == "" {
		return LoginResult{}, domain.Invalid("username", "is required")
	}
	if len(username) > 64 || len(password) > 1024 {
		return LoginResult{}, domain.Unauthorized("wrong username or password")
	}
	who := domain.Actor{Name: username, ClientAddr: clientAddr}
	if ok, retry := a.addrLimiter.Check(clientAddr, now); !ok {
		return LoginResult{}, &domain.Error{Kind: domain.KindRateLimited, Field: "username", RetryAt: now.Add(retry),
			Message: fmt.Sprintf("too many failed logins from this address; try again in %d seconds", int(retry.Seconds())+1)}
	}
	if ok, retry := a.accountLimiter.Allow(strings.ToLower(username), now); !ok {
		return LoginResult{}, &domain.Error{Kind: domain.KindRateLimited, Field: "username", RetryAt: now.Add(retry),
			Message: fmt.Sprintf("too many login attempts on this account; try again in %d seconds", int(retry.Seconds())+1)}
	}
	// 1. Read the account; 2. verify the password outside any transaction
	// (argon2id takes ~150 ms and must not hold SQLite's single writer);
	// 3. record the outcome in one transaction that re-reads the login state
	// under a row lock, so concurrent failures all count.
	var pol auth.Policy
	var cred store.Credentials
	var acct domain.Account
	known := true
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if pol, err = a.policy(ctx, tx); err != nil {
			return err
		}
		cred, err = tx.CredentialsByUsername(ctx, username)
		if domain.IsKind(err, domain.KindNotFound) {
			known = false
			return nil
		}
		if err != nil {
			return err
		}
		acct, err = tx.GetAccount(ctx, cred.AccountID)
		return err
	})
	if err != nil {
		return LoginResult{}, err
	}
	if !known {
		// Spend the time a real check would, then refuse alike.
		_, _ = a.verifyPassword(ctx, a.dummyHash, password)
		a.addrLimiter.Record(clientAddr, now)
		if err := a.recordAlone(ctx, who, AuditEntry{Type: "login.failure", Target: "account:?", Outcome: "failure", Detail: "unknown username"}); err != nil {
			return LoginResult{}, err
		}
		return LoginResult{}, domain.Unauthorized("wrong username or password")
	}
	who = domain.Actor{Name: acct.Username, AccountID: acct.ID, OrgID: acct.OrgID, ClientAddr: clientAddr}
	target := fmt.Sprintf("account:%d", acct.ID)
	lockedErr := func(until time.Time) error { return a.lockedError("username", until) }
	if locked, until := pol.Locked(auth.LoginState{Failures: cred.Failures, LockedUntil: cred.LockedUntil}, now); locked {
		if err := a.recordAlone(ctx, who, AuditEntry{Type: "login.failure", Target: target, Outcome: "denied", Detail: "account locked"}); err != nil {
			return LoginResult{}, err
		}
		return LoginResult{}, lockedErr(until)
	}
	ok := false
	if !cred.Disabled {
		ok, err = a.verifyPassword(ctx, cred.PasswordHash, password)
		if err != nil {
			return LoginResult{}, fmt.Errorf("verifying the password of %s: %w", acct.Username, err)
		}
	} else {
		_, _ = a.verifyPassword(ctx, a.dummyHash, password)
	}
	// A hash made with other argon2 parameters than the App's is replaced at
	// this login, hashed here, outside the transaction like the verification.
	rehash := ""
	if ok && auth.NeedsRehash(cred.PasswordHash, a.hashParams) {
		if rehash, err = a.hashPassword(ctx, password); err != nil {
			return LoginResult{}, fmt.Errorf("re-hashing the password of %s: %w", acct.Username, err)
		}
	}
	var res LoginResult
	var failure error
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		fresh, err := tx.CredentialsForUpdate(ctx, acct.ID)
		if err != nil {
			return err
		}
		state := auth.LoginState{Failures: fresh.Failures, LockedUntil: fresh.LockedUntil}
		if locked, until := pol.Locked(state, now); locked {
			// Locked by a concurrent failure since we read: the right password
			// does not open it.
			failure = lockedErr(until)
			return a.record(ctx, tx, who, AuditEntry{Type: "login.failure", Target: target, Outcome: "denied", Detail: "account locked"})
		}
		if fresh.Disabled {
			failure = domain.Unauthorized("wrong username or password")
			return a.record(ctx, tx, who, AuditEntry{Type: "login.failure", Target: target, Outcome: "denied", Detail: "account disabled"})
		}
		if !ok {
			a.addrLimiter.Record(clientAddr, now)
			next := pol.AfterFailure(state, now)
			if err := tx.SetLoginState(ctx, acct.ID, next.Failures, next.LockedUntil); err != nil {
				return err
			}
			failure = domain.Unauthorized("wrong username or password")
			if err := a.record(ctx, tx, who, AuditEntry{Type: "login.failure", Target: target, Outcome: "failure", Detail: "wrong password"}); err != nil {
				return err
			}
			if locked, until := pol.Locked(next, now); locked {
				failure = lockedErr(until)
				return a.record(ctx, tx, who, AuditEntry{Type: "account.lockout", Target: target, Outcome: "success",
					Detail: fmt.Sprintf("locked until %s", until.UTC().Format(time.RFC3339))})
			}
			return nil
		}
		if err := tx.RecordLogin(ctx, acct.ID); err != nil {
			return err
		}
		// The failure count starts again only when the login is complete: while
		// the second factor is to come, a right password must not wipe the
		// wrong codes, or guessing codes would cost one password per four.
		if !fresh.TOTPEnabled {
			next := pol.AfterSuccess(state, now)
			if err := tx.SetLoginState(ctx, acct.ID, next.Failures, next.LockedUntil); err != nil {
				return err
			}
		}
		if rehash != "" {
			if err := tx.RehashPassword(ctx, acct.ID, cred.PasswordHash, rehash); err != nil {
				return err
			}
		}
		res.Account = maskAccount(acct)
		switch {
		case fresh.MustChangePassword || auth.PasswordExpired(pol, fresh.PasswordChangedAt, now):
			res.Pending = PendingPasswordChange
		case fresh.TOTPEnabled:
			res.Pending = PendingTOTP
		case acct.NeedsSecondFactor():
			res.Pending = PendingTOTPEnrol
		}
		res.SessionID, res.CSRFToken = randomToken(), randomToken()
		s := store.Session{IDHash: hashSecret(res.SessionID), AccountID: acct.ID, CSRFToken: res.CSRFToken,
			ClientAddr: clientAddr, ExpiresAt: now.Add(sessionMaxAge)}
		if err := tx.CreateSession(ctx, s, truncate(userAgent, 300)); err != nil {
			return err
		}
		if err := a.record(ctx, tx, who, AuditEntry{Type: "login.success", Target: target, Detail: res.Pending}); err != nil {
			return err
		}
		if res.Pending == "" {
			return a.limitSessions(ctx, tx, pol, who, s.IDHash, now)
		}
		return nil
	})
	if err != nil {
		return LoginResult{}, err
	}
	if failure != nil {
		return LoginResult{}, failure
	}
	return res, nil
}

// lockedError is the answer while an account is locked: when to try again.
func (a *App) lockedError(field string, until time.Time) error {
	return &domain.Error{Kind: domain.KindLocked, Field: field, RetryAt: until,
		Message: "the account is locked after too many failed logins; try again after " + until.In(a.clock.Location()).Format("15:04")}
}

// limitSessions ends the account's oldest sessions so that, with the session
// keep (which has just become usable: all its steps passed), at most the
// policy's MaxSessions stay. Ended sessions (idle or past their age) are
// cleared on the way and do not count. It runs only when a session becomes
// usable, so someone who knows the password but not the second factor
// cannot push the owner's sessions out.
func (a *App) limitSessions(ctx context.Context, tx *store.Tx, pol auth.Policy, who domain.Actor, keep string, now time.Time) error {
	all, err := tx.AccountSessions(ctx, who.AccountID)
	if err != nil {
		return err
	}
	var live []store.Session
	for _, s := range all {
		switch {
		case s.IDHash == keep:
		case auth.SessionIdle(pol, s.LastSeenAt, now) || now.After(s.ExpiresAt):
			if err := tx.DeleteSession(ctx, s.IDHash); err != nil {
				return err
			}
		default:
			live = append(live, s)
		}
	}
	excess := len(live) + 1 - pol.SessionLimit()
	for _, s := range live[:max(excess, 0)] { // oldest first
		if err := tx.DeleteSession(ctx, s.IDHash); err != nil {
			return err
		}
		if err := a.record(ctx, tx, who, AuditEntry{Type: "session.end", Target: fmt.Sprintf("account:%d", who.AccountID),
			Detail: fmt.Sprintf("more than %d sessions: the oldest, from %s at %s, ended", pol.SessionLimit(), s.ClientAddr,
				s.CreatedAt.UTC().Format(time.RFC3339))}); err != nil {
			return err
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// SessionInfo describes the session behind a request.
type SessionInfo struct {
	CSRFToken string
	Pending   string
	Account   domain.Account
}

// SessionActor turns a session id into the actor of a request. A session
// with a pending step yields an actor without permissions: it can only pass
// that step (or log out).
func (a *App) SessionActor(ctx context.Context, sessionID, clientAddr string) (domain.Actor, SessionInfo, error) {
	now := a.now()
	if sessionID == "" || len(sessionID) > 128 {
		return domain.Actor{}, SessionInfo{}, domain.Unauthorized("log in first")
	}
	idHash := hashSecret(sessionID)
	var ac domain.Actor
	var info SessionInfo
	var touch bool
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		s, err := tx.GetSession(ctx, idHash)
		if domain.IsKind(err, domain.KindNotFound) {
			return domain.Unauthorized("the session has ended; log in again")
		}
		if err != nil {
			return err
		}
		pol, err := a.policy(ctx, tx)
		if err != nil {
			return err
		}
		if auth.SessionIdle(pol, s.LastSeenAt, now) || now.After(s.ExpiresAt) {
			return domain.Unauthorized("the session ended after %d idle minutes; log in again", pol.IdleMinutes)
		}
		cred, err := tx.CredentialsByID(ctx, s.AccountID)
		if err != nil {
			return err
		}
		acct, err := tx.GetAccount(ctx, s.AccountID)
		if err != nil {
			return err
		}
		if cred.Disabled {
			return domain.Unauthorized("the account is disabled")
		}
		info = SessionInfo{CSRFToken: s.CSRFToken, Account: acct}
		switch {
		case cred.MustChangePassword || auth.PasswordExpired(pol, cred.PasswordChangedAt, now):
			info.Pending = PendingPasswordChange
		case cred.TOTPEnabled && !s.SecondFactor:
			info.Pending = PendingTOTP
		case acct.NeedsSecondFactor() && !cred.TOTPEnabled:
			info.Pending = PendingTOTPEnrol
		}
		ac = actorOf(acct, clientAddr)
		if info.Pending != "" {
			ac.Permissions = nil
			ac.Scope = domain.Scope{}
		}
		touch = now.Sub(s.LastSeenAt) > touchEvery
		return nil
	})
	if err != nil {
		if domain.IsKind(err, domain.KindUnauthorized) {
			_ = a.st.Write(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, idHash) })
		}
		return domain.Actor{}, SessionInfo{}, err
	}
	if touch {
		if err := a.st.Write(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, idHash) }); err != nil {
			return domain.Actor{}, SessionInfo{}, err
		}
	}
	return ac, info, nil
}

// actorOf builds the actor of an account: its unit's subtree, the units it
// covers (read-only), and its roles' permissions.
func actorOf(acct domain.Account, clientAddr string) domain.Actor {
	return domain.Actor{Name: acct.Username, AccountID: acct.ID, OrgID: acct.OrgID, ClientAddr: clientAddr,
		Scope: domain.Scope{Roots: []int64{acct.OrgID}, Covered: acct.Coverage}, Permissions: acct.Permissions()}
}

// Logout ends a session.
func (a *App) Logout(ctx context.Context, sessionID, clientAddr string) error {
	idHash := hashSecret(sessionID)
	return a.st.Write(ctx, func(tx *store.Tx) error {
		s, err := tx.GetSession(ctx, idHash)
		if err != nil {
			return err
		}
		acct, err := tx.GetAccount(ctx, s.AccountID)
		if err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, idHash); err != nil {
			return err
		}
		return a.record(ctx, tx, actorOf(acct, clientAddr), AuditEntry{Type: "logout", Target: fmt.Sprintf("account:%d", acct.ID)})
	})
}

// ChangePassword sets a new password for the session's account after
// checking the current one; every other session of the account ends.
func (a *App) ChangePassword(ctx context.Context, sessionID, current, next, clientAddr string) error {
	idHash := hashSecret(sessionID)
	return a.st.Write(ctx, func(tx *store.Tx) error {
		cred, acct, err := sessionAccount(ctx, tx, idHash)
		if err != nil {
			return err
		}
		ok, err := a.verifyPassword(ctx, cred.PasswordHash, current)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Invalid("current_password", "the current password is wrong")
		}
		pol, err := a.policy(ctx, tx)
		if err != nil {
			return err
		}
		hist, err := tx.PasswordHistory(ctx, acct.ID, pol.HistoryCount)
		if err != nil {
			return err
		}
		if err := auth.CheckNewPassword(pol, acct.Username, next, hist); err != nil {
			return err
		}
		h, err := auth.HashPassword(next, a.hashParams)
		if err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, acct.ID, h, false); err != nil {
			return err
		}
		if err := tx.DeleteAccountSessions(ctx, acct.ID, idHash); err != nil {
			return err
		}
		return a.record(ctx, tx, actorOf(acct, clientAddr), AuditEntry{Type: "password.change", Target: fmt.Sprintf("account:%d", acct.ID)})
	})
}

// TOTPEnrolment is a new secret to show once as a QR code.
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
}

// EnrolTOTP starts enrolment: the secret is stored unconfirmed until a code
// from it is confirmed.
func (a *App) EnrolTOTP(ctx context.Context, sessionID string) (TOTPEnrolment, error) {
	var out TOTPEnrolment
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		s, err := tx.GetSession(ctx, hashSecret(sessionID))
		if err != nil {
			return domain.Unauthorized("log in first")
		}
		cred, err := tx.CredentialsByID(ctx, s.AccountID)
		if err != nil {
			return err
		}
		if cred.TOTPEnabled {
			return domain.Conflict("totp", "a second factor is already enrolled")
		}
		acct, err := tx.GetAccount(ctx, s.AccountID)
		if err != nil {
			return err
		}
		out.Secret, out.URI, err = auth.NewTOTPSecret("zeren", acct.Username)
		if err != nil {
			return err
		}
		return tx.SetTOTP(ctx, acct.ID, a.secrets.Seal(out.Secret, totpAD(acct.ID)), false, 0)
	})
	return out, err
}

// totpAD binds a sealed TOTP secret to its account.
func totpAD(accountID int64) string { return fmt.Sprintf("totp:account:%d", accountID) }

// openTOTP returns the plain TOTP secret of a stored one. A plaintext secret
// (written by a node that did not seal yet) is taken as it is; the next
// SealTOTPSecrets seals it.
func (a *App) openTOTP(stored string, accountID int64) (string, error) {
	plain, err := a.secrets.Open(stored, totpAD(accountID))
	if errors.Is(err, auth.ErrNotSealed) {
		return stored, nil
	}
	return plain, err
}

// VerifyTOTP checks a code for the session: it confirms a pending enrolment,
// or passes the second factor of a login.
//
// A wrong code is a failed login: it counts toward the account's lockout
// (the same count and threshold as wrong passwords) and toward the client
// address's failure limit. When the lock falls, the half-logged-in sessions
// of the account end, and the answer says when to try again. The account's
// row is locked while the last used step is read and written, so one code
// passes once even when sent twice at the same moment.
func (a *App) VerifyTOTP(ctx context.Context, sessionID, code, clientAddr string) error {
	now := a.now()
	idHash := hashSecret(sessionID)
	if ok, retry := a.addrLimiter.Check(clientAddr, now); !ok {
		return &domain.Error{Kind: domain.KindRateLimited, Field: "code", RetryAt: now.Add(retry),
			Message: fmt.Sprintf("too many failed logins from this address; try again in %d seconds", int(retry.Seconds())+1)}
	}
	var failure error
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		s, err := tx.GetSession(ctx, idHash)
		if err != nil {
			return domain.Unauthorized("log in first")
		}
		pol, err := a.policy(ctx, tx)
		if err != nil {
			return err
		}
		cred, err := tx.CredentialsForUpdate(ctx, s.AccountID)
		if err != nil {
			return err
		}
		acct, err := tx.GetAccount(ctx, s.AccountID)
		if err != nil {
			return err
		}
		who := actorOf(acct, clientAddr)
		target := fmt.Sprintf("account:%d", acct.ID)
		state := auth.LoginState{Failures: cred.Failures, LockedUntil: cred.LockedUntil}
		if locked, until := pol.Locked(state, now); locked {
			failure = a.lockedError("code", until)
			if err := tx.DeletePendingSessions(ctx, acct.ID); err != nil {
				return err
			}
			return a.record(ctx, tx, who, AuditEntry{Type: "login.totp", Target: target, Outcome: "denied", Detail: "account locked"})
		}
		if cred.TOTPSecret == "" {
			return domain.Conflict("code", "no second factor is enrolled; enrol first")
		}
		secret, err := a.openTOTP(cred.TOTPSecret, acct.ID)
		if err != nil {
			return fmt.Errorf("the TOTP secret of %s: %w", acct.Username, err)
		}
		ok, step := auth.VerifyTOTP(secret, code, now, cred.TOTPLastStep)
		if !ok {
			a.addrLimiter.Record(clientAddr, now)
			next := pol.AfterFailure(state, now)
			if err := tx.SetLoginState(ctx, acct.ID, next.Failures, next.LockedUntil); err != nil {
				return err
			}
			failure = domain.Invalid("code", "the code is wrong or already used; enter the current code")
			if err := a.record(ctx, tx, who, AuditEntry{Type: "login.totp", Target: target, Outcome: "failure"}); err != nil {
				return err
			}
			if locked, until := pol.Locked(next, now); locked {
				failure = a.lockedError("code", until)
				if err := tx.DeletePendingSessions(ctx, acct.ID); err != nil {
					return err
				}
				return a.record(ctx, tx, who, AuditEntry{Type: "account.lockout", Target: target, Outcome: "success",
					Detail: fmt.Sprintf("locked until %s after wrong second-factor codes", until.UTC().Format(time.RFC3339))})
			}
			return nil
		}
		stored := cred.TOTPSecret
		if a.secrets.Stale(stored) {
			stored = a.secrets.Seal(secret, totpAD(acct.ID))
		}
		if err := tx.SetTOTP(ctx, acct.ID, stored, true, step); err != nil {
			return err
		}
		next := pol.AfterSuccess(state, now)
		if err := tx.SetLoginState(ctx, acct.ID, next.Failures, next.LockedUntil); err != nil {
			return err
		}
		if err := tx.UpgradeSession(ctx, idHash); err != nil {
			return err
		}
		typ := "login.totp"
		if !cred.TOTPEnabled {
			typ = "totp.enrol"
		}
		if err := a.record(ctx, tx, who, AuditEntry{Type: typ, Target: target}); err != nil {
			return err
		}
		return a.limitSessions(ctx, tx, pol, who, idHash, now)
	})
	if err != nil {
		return err
	}
	return failure
}

// SealTOTPSecrets seals, under the current key, every stored TOTP secret
// that is plaintext or sealed under an older key, in one transaction with
// its audit row. It runs at every start, so a new key put first in the key
// file takes over at the next start (README, Accounts: key rotation).
func (a *App) SealTOTPSecrets(ctx context.Context) (int, error) {
	n := 0
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		all, err := tx.TOTPSecrets(ctx)
		if err != nil {
			return err
		}
		n = 0
		for _, s := range all {
			if !a.secrets.Stale(s.Stored) {
				continue
			}
			plain, err := a.openTOTP(s.Stored, s.AccountID)
			if err != nil {
				return fmt.Errorf("account %d: %w", s.AccountID, err)
			}
			if err := tx.ReplaceTOTPSecret(ctx, s.AccountID, s.Stored, a.secrets.Seal(plain, totpAD(s.AccountID))); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return nil
		}
		return a.record(ctx, tx, domain.Actor{Name: operatorName, Operator: true}, AuditEntry{Type: "config.secrets", Target: "totp",
			Detail: fmt.Sprintf("%d TOTP secrets sealed under key %s", n, a.secrets.CurrentID())})
	})
	return n, err
}

// TokenActor turns an API token into the actor of a request.
func (a *App) TokenActor(ctx context.Context, token, clientAddr string) (domain.Actor, error) {
	id, secret, err := auth.ParseAPIToken(token)
	if err != nil {
		return domain.Actor{}, domain.Unauthorized("the API token is malformed")
	}
	var ac domain.Actor
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		t, err := tx.GetToken(ctx, id)
		if err != nil {
			return domain.Unauthorized("the API token is not valid")
		}
		if subtle.ConstantTimeCompare([]byte(t.SecretHash), []byte(auth.HashToken(secret))) != 1 {
			return domain.Unauthorized("the API token is not valid")
		}
		if !t.RevokedAt.IsZero() || a.now().After(t.ExpiresAt) {
			return domain.Unauthorized("the API token is revoked or expired")
		}
		role, err := tx.GetRole(ctx, t.RoleID)
		if err != nil {
			return err
		}
		// A token lends its issuer's authority (CreateToken): at every use it
		// holds only what its role and its issuer both hold now, over a unit
		// still in the issuer's subtree; a disabled issuer's tokens stop.
		issuer, err := tx.GetAccount(ctx, t.CreatedBy)
		if err != nil {
			return err
		}
		if issuer.Disabled {
			return domain.Unauthorized("the API token's issuer is disabled")
		}
		if ok, err := tx.InScope(ctx, []int64{issuer.OrgID}, t.OrgID); err != nil || !ok {
			return domain.Unauthorized("the API token's unit is no longer in its issuer's unit")
		}
		held := issuer.Permissions()
		perms := []domain.Permission{}
		for _, p := range role.Permissions {
			if slices.Contains(held, p) && !p.Administrative() {
				perms = append(perms, p)
			}
		}
		ac = domain.Actor{Name: "token:" + t.ID, OrgID: t.OrgID, ClientAddr: clientAddr,
			Scope: domain.Scope{Roots: []int64{t.OrgID}}, Permissions: perms}
		if a.now().Sub(t.LastUsedAt) > touchEvery {
			return tx.TouchToken(ctx, t.ID)
		}
		return nil
	})
	return ac, err
}

// sessionAccount loads the account behind a session, with its credentials.
func sessionAccount(ctx context.Context, tx *store.Tx, idHash string) (store.Credentials, domain.Account, error) {
	s, err := tx.GetSession(ctx, idHash)
	if err != nil {
		return store.Credentials{}, domain.Account{}, domain.Unauthorized("log in first")
	}
	cred, err := tx.CredentialsByID(ctx, s.AccountID)
	if err != nil {
		return cred, domain.Account{}, err
	}
	acct, err := tx.GetAccount(ctx, s.AccountID)
	return cred, acct, err
}
