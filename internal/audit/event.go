package audit

import (
	"encoding/json"
	"time"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Event is one entry of the audit trail. The application fills the
// description (Time … Detail); Seal fills Seq, PrevHash, Hash and Alg.
type Event struct {
	Seq        int64           `json:"seq"`              // 1, 2, 3… without gaps
	Time       time.Time       `json:"time"`             // when it happened; Seal stores it in UTC, truncated to the millisecond
	Actor      string          `json:"actor"`            // the username (for a failed login, the one typed)
	ActorID    int64           `json:"actor_id"`         // the account id; 0 when none (unknown user, system job)
	OrgID      int64           `json:"org_id"`           // the actor's org unit; 0 when none
	ClientAddr string          `json:"client_addr"`      // the client's IP address; "" for jobs and the command line
	Type       string          `json:"type"`             // one of the Type… constants, e.g. "activity.update"
	Target     string          `json:"target"`           // what it was done to, e.g. "activity:42", "account:7"; "" when nothing
	Outcome    string          `json:"outcome"`          // OutcomeSuccess, OutcomeFailure or OutcomeDenied
	Before     json.RawMessage `json:"before,omitempty"` // the record before a change; nil when not applicable
	After      json.RawMessage `json:"after,omitempty"`  // the record after a change; nil when not applicable
	Detail     string          `json:"detail,omitempty"` // free text: the reason given, the failure cause, export parameters…
	PrevHash   string          `json:"prev_hash"`        // Hash of the event Seq-1, GenesisHash for Seq 1 (lowercase hex)
	Hash       string          `json:"hash"`             // H(PrevHash || Canonical(event)) in lowercase hex
	Alg        string          `json:"alg"`              // the hash algorithm: "sha256" or "sm3"
}

// Head returns the position of e in its chain: what the next event links to,
// and what the system records outside the database to detect truncation.
func (e Event) Head() Head { return Head{Seq: e.Seq, Hash: e.Hash} }

// Outcomes.
const (
	OutcomeSuccess = "success" // it was done
	OutcomeFailure = "failure" // it was attempted and failed (wrong password, invalid input, locked account)
	OutcomeDenied  = "denied"  // the actor is not allowed to do it (permission or scope)
)

// Event types. A type is lowercase words joined by dots, the subject first,
// so a listing can filter by prefix ("login.", "account.", "activity.").
// Every create, update and delete records the record's JSON in Before and/or
// After.
const (
	// Sessions and credentials.
	TypeLoginSuccess   = "login.success"
	TypeLoginFailure   = "login.failure"
	TypeLogout         = "logout"
	TypeSessionExpire  = "session.expire"  // ended by the idle or absolute timeout
	TypeAccountLock    = "account.lock"    // locked after repeated login failures (lockout)
	TypeAccountUnlock  = "account.unlock"  // unlocked by a security admin
	TypePasswordChange = "password.change" // by the account holder
	TypePasswordReset  = "password.reset"  // by an administrator
	TypeTOTPEnrol      = "totp.enrol"      // second factor enrolled
	TypeTOTPReset      = "totp.reset"      // second factor removed by an administrator
	TypeTokenCreate    = "token.create"    // API token issued
	TypeTokenRevoke    = "token.revoke"    // API token revoked

	// Accounts, roles, permissions and coverage.
	TypeAccountCreate  = "account.create"
	TypeAccountUpdate  = "account.update"
	TypeAccountDisable = "account.disable"
	TypeAccountEnable  = "account.enable"
	TypeRoleCreate     = "role.create"     // a custom role (a permission set)
	TypeRoleUpdate     = "role.update"     // its permissions changed
	TypeRoleDelete     = "role.delete"     //
	TypeRoleGrant      = "role.grant"      // a role given to an account
	TypeRoleRevoke     = "role.revoke"     // a role taken from an account
	TypeCoverageUpdate = "coverage.update" // the units a leader covers (分片包抓)

	// The org tree, the activity catalog and the ledger.
	TypeOrgCreate          = "org.create"
	TypeOrgUpdate          = "org.update"
	TypeOrgDelete          = "org.delete"
	TypeActivityTypeCreate = "activity_type.create"
	TypeActivityTypeUpdate = "activity_type.update"
	TypeActivityTypeDelete = "activity_type.delete"
	TypeActivityCreate     = "activity.create"
	TypeActivityUpdate     = "activity.update"
	TypeActivityDelete     = "activity.delete"
	TypeActivitySubmit     = "activity.submit"
	TypeActivityApprove    = "activity.approve"
	TypeActivityReturn     = "activity.return"

	// Data leaving the system.
	TypeExport   = "export"   // a list, ledger or report exported; Detail holds the query
	TypeDownload = "download" // an evidence file downloaded

	// Settings and periods.
	TypeConfigUpdate = "config.update" // system settings
	TypePolicyUpdate = "policy.update" // password, lockout and session policy
	TypePeriodClose  = "period.close"
	TypePeriodReopen = "period.reopen"
)

// Types lists every event type above, for filters and documentation.
var Types = []string{
	TypeLoginSuccess, TypeLoginFailure, TypeLogout, TypeSessionExpire,
	TypeAccountLock, TypeAccountUnlock, TypePasswordChange, TypePasswordReset,
	TypeTOTPEnrol, TypeTOTPReset, TypeTokenCreate, TypeTokenRevoke,
	TypeAccountCreate, TypeAccountUpdate, TypeAccountDisable, TypeAccountEnable,
	TypeRoleCreate, TypeRoleUpdate, TypeRoleDelete, TypeRoleGrant, TypeRoleRevoke, TypeCoverageUpdate,
	TypeOrgCreate, TypeOrgUpdate, TypeOrgDelete,
	TypeActivityTypeCreate, TypeActivityTypeUpdate, TypeActivityTypeDelete,
	TypeActivityCreate, TypeActivityUpdate, TypeActivityDelete,
	TypeActivitySubmit, TypeActivityApprove, TypeActivityReturn,
	TypeExport, TypeDownload,
	TypeConfigUpdate, TypePolicyUpdate, TypePeriodClose, TypePeriodReopen,
}

// MaxTypeLen is the longest event type accepted.
const MaxTypeLen = 64

// validType reports whether t is lowercase words ([a-z][a-z0-9_]*) joined by
// single dots. Types not listed above are accepted, so a new capability can
// add its own; they should still be added to the list.
func validType(t string) bool {
	if t == "" || len(t) > MaxTypeLen {
		return false
	}
	wordStart := true
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'a' && c <= 'z':
		case (c >= '0' && c <= '9') || c == '_':
			if wordStart {
				return false
			}
		case c == '.':
			if wordStart {
				return false
			}
			wordStart = true
			continue
		default:
			return false
		}
		wordStart = false
	}
	return !wordStart
}

func validOutcome(o string) bool {
	return o == OutcomeSuccess || o == OutcomeFailure || o == OutcomeDenied
}

// validate checks the description an application fills in, before sealing.
func (e *Event) validate() error {
	if e.Time.IsZero() {
		return domain.Invalid("time", "is required")
	}
	if y := e.Time.UTC().Year(); y < 1970 || y > 9999 {
		return domain.Invalid("time", "must be between 1970 and 9999, not %s", e.Time.UTC().Format(time.RFC3339))
	}
	if !validType(e.Type) {
		return domain.Invalid("type", "must be lowercase words joined by dots (e.g. %q), at most %d characters, not %q", TypeActivityUpdate, MaxTypeLen, e.Type)
	}
	if !validOutcome(e.Outcome) {
		return domain.Invalid("outcome", "must be %q, %q or %q, not %q", OutcomeSuccess, OutcomeFailure, OutcomeDenied, e.Outcome)
	}
	for _, f := range []struct{ name, v string }{
		{"actor", e.Actor}, {"client_addr", e.ClientAddr}, {"target", e.Target}, {"detail", e.Detail},
	} {
		if err := storableText(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// storableText refuses what a text column cannot hold unchanged: invalid
// UTF-8 and NUL (PostgreSQL rejects both).
func storableText(field, s string) error {
	if !utf8.ValidString(s) {
		return domain.Invalid(field, "is not valid UTF-8")
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return domain.Invalid(field, "must not contain the NUL character")
		}
	}
	if len(s) > maxStr {
		return domain.TooLarge(field, "is longer than %d bytes", maxStr)
	}
	return nil
}
