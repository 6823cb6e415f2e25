package auth

import "time"

// LoginState is an account's login-failure record, kept in the database so
// that it holds across restarts and across nodes: the database is the
// authority on lockout, the in-memory Limiter only a per-node brake.
type LoginState struct {
	// Failures counts consecutive failed logins since the last success or
	// the end of the last lock.
	Failures int `json:"failures"`
	// LockedUntil is when the current lock ends; zero when never locked.
	LockedUntil time.Time `json:"locked_until"`
}

// Locked reports whether the account is locked at now, and until when.
//
// The caller must ask before it verifies the password and refuse the login
// while locked, without verifying: the right password must not open a locked
// account early (GB/T 22239-2019 8.1.4.1 b), 限制非法登录次数), otherwise
// the lock would only slow an attacker who guesses right. Only the lock
// running out, or a security admin's audited unlock (which stores the zero
// LoginState), opens it.
func (p Policy) Locked(s LoginState, now time.Time) (bool, time.Time) {
	if now.Before(s.LockedUntil) {
		return true, s.LockedUntil
	}
	return false, time.Time{}
}

// AfterFailure returns the state after a failed login at now: one more
// consecutive failure, and a lock of LockoutMinutes once they reach
// MaxFailures. A failure reported while the account is locked changes
// nothing (it neither counts nor extends the lock: extending would let
// anyone keep a user out forever at no cost). Once a lock has run out the
// count starts again from zero, so the user gets MaxFailures fresh attempts.
func (p Policy) AfterFailure(s LoginState, now time.Time) LoginState {
	p = p.floor()
	if locked, _ := p.Locked(s, now); locked {
		return s
	}
	if !s.LockedUntil.IsZero() { // a lock that has run out
		s = LoginState{}
	}
	s.Failures++
	if s.Failures >= p.MaxFailures {
		s.LockedUntil = now.Add(p.LockoutDuration())
	}
	return s
}

// AfterSuccess returns the state after a successful login at now: the
// failure count starts again. While the account is locked it returns s
// unchanged — the caller should never get that far (see Locked), and if it
// does, a success must not reset the lock.
func (p Policy) AfterSuccess(s LoginState, now time.Time) LoginState {
	if locked, _ := p.Locked(s, now); locked {
		return s
	}
	return LoginState{}
}

// PasswordExpired reports whether a password set at changedAt must be
// changed at now: from exactly ExpiryDays × 24 hours after changedAt on
// (GB/T 22239-2019 8.1.4.1 a), 定期更换). A zero changedAt — a password set by
// someone else, such as the first admin's from `zeren init` or one reset by
// an admin — is always expired, which forces the change at the next login.
func PasswordExpired(p Policy, changedAt, now time.Time) bool {
	if changedAt.IsZero() {
		return true
	}
	p = p.floor()
	return !now.Before(changedAt.Add(time.Duration(p.ExpiryDays) * 24 * time.Hour))
}

// SessionIdle reports whether a session last used at lastSeen has been idle
// too long at now and must end (GB/T 22239-2019 8.1.4.1 b), 登录连接超时自动退出):
// from exactly IdleMinutes after lastSeen on.
func SessionIdle(p Policy, lastSeen, now time.Time) bool {
	return !now.Before(lastSeen.Add(p.IdleTimeout()))
}

// IdleTimeout is IdleMinutes as a duration (the level-3 30 minutes when the
// policy is invalid).
func (p Policy) IdleTimeout() time.Duration {
	return time.Duration(p.floor().IdleMinutes) * time.Minute
}

// SessionLimit is MaxSessions (the level-3 3 when the policy is invalid).
func (p Policy) SessionLimit() int { return p.floor().MaxSessions }

// LockoutDuration is LockoutMinutes as a duration (the level-3 10 minutes
// when the policy is invalid).
func (p Policy) LockoutDuration() time.Duration {
	return time.Duration(p.floor().LockoutMinutes) * time.Minute
}
