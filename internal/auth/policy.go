package auth

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Policy is the password and login policy. Level3 gives the MLPS 2.0 level-3
// defaults; a deployment may tighten any of them (Validate accepts that) but
// weaken none (Validate refuses that). Every function here also applies the
// level-3 floor itself, so a Policy that never went through Validate — a zero
// value, a half-filled JSON document — still never acts weaker than Level3.
//
// The two rate limits are zeren's own design (the standard asks only that
// illegal login attempts be limited, GB/T 22239-2019 8.1.4.1 b)):
//
//   - AccountAttemptsPerMinute counts every login attempt on one account,
//     before its password is checked. The lockout already stops guessing
//     after MaxFailures; this brake stops a burst of parallel requests from
//     all being verified before the first failure is written.
//   - AddressFailuresPerMinute counts failed attempts from one client
//     address, which catches password spraying (one password against many
//     accounts, so no single account locks). It counts failures, not
//     attempts, because a whole school reaches zeren from one NAT address:
//     counting successful logins would lock the school out at the start of
//     an online exam.
type Policy struct {
	// MinLength is the fewest characters (Unicode code points) a password has.
	MinLength int `json:"min_length"`
	// MinClasses is how many of the four classes (lower-case letters,
	// upper-case letters, digits, anything else) a password must mix.
	MinClasses int `json:"min_classes"`
	// ExpiryDays is how long a password lasts before the next login must change it.
	ExpiryDays int `json:"expiry_days"`
	// HistoryCount is how many of the previous passwords may not be reused.
	HistoryCount int `json:"history_count"`
	// MaxFailures consecutive failed logins lock the account…
	MaxFailures int `json:"max_failures"`
	// …for LockoutMinutes.
	LockoutMinutes int `json:"lockout_minutes"`
	// IdleMinutes without a request end a session.
	IdleMinutes int `json:"idle_minutes"`
	// AccountAttemptsPerMinute bounds login attempts on one account (per node).
	AccountAttemptsPerMinute int `json:"account_attempts_per_minute"`
	// AddressFailuresPerMinute bounds failed logins from one client address (per node).
	AddressFailuresPerMinute int `json:"address_failures_per_minute"`
	// MaxSessions bounds the sessions one account holds at once; a login
	// beyond it ends the account's oldest session. Level-3 assessors ask
	// that one account's concurrent sessions be limited: 3 lets a person use
	// a desktop, a phone and a second browser, and no more. It is a ceiling
	// like the others (1 to 3); there is no "unlimited".
	MaxSessions int `json:"max_sessions"`
}

// The level-3 floor, and the bounds beyond which tightening stops making sense.
const (
	level3MinLength      = 8
	level3MinClasses     = 3
	level3ExpiryDays     = 90
	level3HistoryCount   = 5
	level3MaxFailures    = 5
	level3LockoutMinutes = 10
	level3IdleMinutes    = 30
	level3AccountPerMin  = 10
	level3AddressPerMin  = 10
	level3MaxSessions    = 3

	maxMinLength      = 64   // MaxPasswordBytes still has to hold it
	maxHistoryCount   = 24   // each entry costs one argon2 verification per change
	maxLockoutMinutes = 1440 // longer only helps an attacker keep a user out

	// MaxPasswordBytes caps a new password. Far above any memorable
	// passphrase; it keeps hashing cost and stored form sizes predictable.
	MaxPasswordBytes = 128

	// minUsernameCheck: usernames shorter than this are not searched for in
	// passwords — a two-letter name such as "li" occurs in too many good
	// passwords to be a useful rule.
	minUsernameCheck = 3
)

// Level3 returns the MLPS 2.0 level-3 defaults: at least 8 characters from at
// least 3 of 4 classes, expiry after 90 days, no reuse of the last 5
// passwords, 5 consecutive failures lock the account for 10 minutes, 30 idle
// minutes end a session, at most 10 login attempts a minute on one account
// and 10 failed logins a minute from one client address, at most 3 sessions
// of one account at once.
func Level3() Policy {
	return Policy{
		MinLength:                level3MinLength,
		MinClasses:               level3MinClasses,
		ExpiryDays:               level3ExpiryDays,
		HistoryCount:             level3HistoryCount,
		MaxFailures:              level3MaxFailures,
		LockoutMinutes:           level3LockoutMinutes,
		IdleMinutes:              level3IdleMinutes,
		AccountAttemptsPerMinute: level3AccountPerMin,
		AddressFailuresPerMinute: level3AddressPerMin,
		MaxSessions:              level3MaxSessions,
	}
}

// Validate refuses a policy weaker than Level3 anywhere, naming the field (its
// JSON name) and the floor, and refuses values so tight they make no sense
// (zero, negative, or past the bounds above). It reports the first problem.
func (p Policy) Validate() error {
	type rule struct {
		field  string
		v      int
		lo, hi int
		loMsg  string // when v < lo
		hiMsg  string // when v > hi
	}
	const mlps = " (MLPS level 3)" // marks the bounds that are the level-3 floor
	rules := []rule{
		{"min_length", p.MinLength, level3MinLength, maxMinLength,
			fmt.Sprintf("the minimum password length cannot be lower than %d", level3MinLength) + mlps,
			fmt.Sprintf("the minimum password length cannot be higher than %d", maxMinLength)},
		{"min_classes", p.MinClasses, level3MinClasses, 4,
			fmt.Sprintf("passwords must mix at least %d character classes", level3MinClasses) + mlps,
			"there are only 4 character classes"},
		{"expiry_days", p.ExpiryDays, 1, level3ExpiryDays,
			"passwords must expire: the expiry cannot be 0 days" + mlps,
			fmt.Sprintf("the password expiry cannot be longer than %d days", level3ExpiryDays) + mlps},
		{"history_count", p.HistoryCount, level3HistoryCount, maxHistoryCount,
			fmt.Sprintf("at least the last %d passwords must be refused for reuse", level3HistoryCount) + mlps,
			fmt.Sprintf("the password history cannot be longer than %d", maxHistoryCount)},
		{"max_failures", p.MaxFailures, 1, level3MaxFailures,
			"the number of failures before a lockout must be at least 1",
			fmt.Sprintf("an account must lock after at most %d consecutive failures", level3MaxFailures) + mlps},
		{"lockout_minutes", p.LockoutMinutes, level3LockoutMinutes, maxLockoutMinutes,
			fmt.Sprintf("the lockout cannot be shorter than %d minutes", level3LockoutMinutes) + mlps,
			fmt.Sprintf("the lockout cannot be longer than %d minutes", maxLockoutMinutes)},
		{"idle_minutes", p.IdleMinutes, 1, level3IdleMinutes,
			"the idle timeout must be at least 1 minute",
			fmt.Sprintf("the idle timeout cannot be longer than %d minutes", level3IdleMinutes) + mlps},
		{"account_attempts_per_minute", p.AccountAttemptsPerMinute, 1, level3AccountPerMin,
			"at least 1 login attempt a minute must be allowed",
			fmt.Sprintf("login attempts on one account cannot exceed %d a minute", level3AccountPerMin) + mlps},
		{"address_failures_per_minute", p.AddressFailuresPerMinute, 1, level3AddressPerMin,
			"at least 1 failed login a minute must be allowed",
			fmt.Sprintf("failed logins from one address cannot exceed %d a minute", level3AddressPerMin) + mlps},
		{"max_sessions", p.MaxSessions, 1, level3MaxSessions,
			"an account must be allowed at least 1 session",
			fmt.Sprintf("an account cannot hold more than %d sessions at once", level3MaxSessions) + mlps},
	}
	for _, r := range rules {
		switch {
		case r.v < r.lo:
			return domain.Invalid(r.field, "%s", r.loMsg)
		case r.v > r.hi:
			return domain.Invalid(r.field, "%s", r.hiMsg)
		}
	}
	return nil
}

// floor returns p with every field that Validate would refuse replaced by
// the level-3 default, so the engine never runs weaker than level 3.
func (p Policy) floor() Policy {
	d := Level3()
	fix := func(v *int, lo, hi, def int) {
		if *v < lo || *v > hi {
			*v = def
		}
	}
	fix(&p.MinLength, level3MinLength, maxMinLength, d.MinLength)
	fix(&p.MinClasses, level3MinClasses, 4, d.MinClasses)
	fix(&p.ExpiryDays, 1, level3ExpiryDays, d.ExpiryDays)
	fix(&p.HistoryCount, level3HistoryCount, maxHistoryCount, d.HistoryCount)
	fix(&p.MaxFailures, 1, level3MaxFailures, d.MaxFailures)
	fix(&p.LockoutMinutes, level3LockoutMinutes, maxLockoutMinutes, d.LockoutMinutes)
	fix(&p.IdleMinutes, 1, level3IdleMinutes, d.IdleMinutes)
	fix(&p.AccountAttemptsPerMinute, 1, level3AccountPerMin, d.AccountAttemptsPerMinute)
	fix(&p.AddressFailuresPerMinute, 1, level3AddressPerMin, d.AddressFailuresPerMinute)
	fix(&p.MaxSessions, 1, level3MaxSessions, d.MaxSessions)
	return p
}

// Rule codes of the password rules, stable identifiers the web app translates
// (the English Message is for logs and API clients). CheckNewPassword puts a
// *Violation carrying one of them into the returned domain.Error's Err.
const (
	RuleInvalidUTF8      = "password_invalid_utf8"
	RuleControlChar      = "password_control_char"
	RuleTooLong          = "password_too_long"
	RuleTooShort         = "password_too_short"
	RuleTooFewClasses    = "password_too_few_classes"
	RuleContainsUsername = "password_contains_username"
	RuleReused           = "password_reused"
)

// Violation names the password rule a candidate broke and the rule's number
// (the minimum length, the number of classes, the history depth; 0 when the
// rule has none), so a translated message can say "at least 8 characters".
// Find it with errors.As on CheckNewPassword's error.
type Violation struct {
	Rule  string
	Limit int
}

func (v *Violation) Error() string { return v.Rule }

func violation(rule string, limit int, format string, args ...any) error {
	e := domain.Invalid("password", format, args...)
	e.Err = &Violation{Rule: rule, Limit: limit}
	return e
}

// CheckNewPassword judges a password the account wants to set (GB/T
// 22239-2019 8.1.4.1 a): complexity, and periodic change only means something
// if old passwords cannot come back). history holds the encoded hashes of the
// account's previous passwords, newest first, the current one included; the
// first HistoryCount of them may not be reused, older ones may.
//
// A broken rule gives a *domain.Error of kind invalid with Field "password",
// a fixed English Message per rule and a *Violation as its Err. A history
// entry that cannot be decoded gives an untyped error (a data bug): the check
// fails closed rather than skip it.
func CheckNewPassword(p Policy, username, pw string, history []string) error {
	p = p.floor()
	if !utf8.ValidString(pw) {
		return violation(RuleInvalidUTF8, 0, "the password is not valid UTF-8 text")
	}
	if len(pw) > MaxPasswordBytes {
		return violation(RuleTooLong, MaxPasswordBytes, "the password cannot be longer than %d bytes", MaxPasswordBytes)
	}
	for _, r := range pw {
		if unicode.IsControl(r) {
			return violation(RuleControlChar, 0, "the password cannot contain control characters")
		}
	}
	if n := utf8.RuneCountInString(pw); n < p.MinLength {
		return violation(RuleTooShort, p.MinLength, "the password must be at least %d characters long", p.MinLength)
	}
	if n := countClasses(pw); n < p.MinClasses {
		return violation(RuleTooFewClasses, p.MinClasses,
			"the password must mix at least %d of: lower-case letters, upper-case letters, digits, other characters", p.MinClasses)
	}
	if u := strings.ToLower(strings.TrimSpace(username)); utf8.RuneCountInString(u) >= minUsernameCheck &&
		strings.Contains(strings.ToLower(pw), u) {
		return violation(RuleContainsUsername, 0, "the password cannot contain the username")
	}
	// Last, because each comparison is a full argon2 verification.
	for i, h := range history[:min(len(history), p.HistoryCount)] {
		ok, _, err := VerifyPassword(h, pw)
		if err != nil {
			return fmt.Errorf("auth: password history entry %d: %w", i, err)
		}
		if ok {
			return violation(RuleReused, p.HistoryCount, "the password cannot be one of the last %d passwords", p.HistoryCount)
		}
	}
	return nil
}

// countClasses counts which of the four character classes s uses. Letters
// without case (Chinese characters) count as "other", like punctuation.
func countClasses(s string) int {
	var lower, upper, digit, other int
	for _, r := range s {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}
