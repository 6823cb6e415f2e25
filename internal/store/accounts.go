package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Accounts, roles, coverage, sessions, tokens and settings. These are
// administration records: the app layer decides who may touch them; the
// methods that list accounts still take the actor's scope so a unit's
// administrator sees only the accounts of its subtree.

func parseTimeOpt(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return parseTime(s)
}

func timeOpt(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return timeText(t)
}

const roleCols = `id, code, name, name_en, builtin, admin_kind, permissions`

func scanRole(sc interface{ Scan(...any) error }) (domain.Role, error) {
	var r domain.Role
	var admin, perms string
	if err := sc.Scan(&r.ID, &r.Code, &r.Name, &r.NameEN, &r.Builtin, &admin, &perms); err != nil {
		return r, err
	}
	r.Admin = domain.AdminKind(admin)
	if err := json.Unmarshal([]byte(perms), &r.Permissions); err != nil || r.Permissions == nil {
		r.Permissions = []domain.Permission{}
	}
	return r, nil
}

// UpsertBuiltinRole creates a built-in role or refreshes its permissions, so
// a new release's built-in roles apply on start.
func (tx *Tx) UpsertBuiltinRole(ctx context.Context, r domain.Role) error {
	now := timeText(tx.now)
	_, err := tx.exec(ctx, `INSERT INTO roles (code, name, name_en, builtin, admin_kind, permissions, created_at, updated_at)
		VALUES ($1, $2, $3, TRUE, $4, $5, $6, $6)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, builtin = TRUE,
			admin_kind = excluded.admin_kind, permissions = excluded.permissions, updated_at = excluded.updated_at`,
		r.Code, r.Name, r.NameEN, string(r.Admin), jsonText(r.Permissions), now)
	return err
}

// CreateRole adds a custom role.
func (tx *Tx) CreateRole(ctx context.Context, r domain.Role) (domain.Role, error) {
	now := timeText(tx.now)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO roles (code, name, name_en, builtin, admin_kind, permissions, created_at, updated_at)
		VALUES ($1, $2, $3, FALSE, '', $4, $5, $5) RETURNING id`, r.Code, r.Name, r.NameEN, jsonText(r.Permissions), now).Scan(&id)
	if err != nil {
		err = tx.d.wrap(err)
		if domain.IsKind(err, domain.KindConflict) {
			return r, domain.Conflict("code", "a role with code %q already exists", r.Code)
		}
		return r, err
	}
	return tx.GetRole(ctx, id)
}

// UpdateRole changes a custom role's names and permissions.
func (tx *Tx) UpdateRole(ctx context.Context, r domain.Role) (domain.Role, error) {
	res, err := tx.exec(ctx, `UPDATE roles SET name = $1, name_en = $2, permissions = $3, updated_at = $4 WHERE id = $5 AND builtin = FALSE`,
		r.Name, r.NameEN, jsonText(r.Permissions), timeText(tx.now), r.ID)
	if err != nil {
		return r, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return r, domain.NotFound("custom role %d", r.ID)
	}
	return tx.GetRole(ctx, r.ID)
}

// GetRole returns one role.
func (tx *Tx) GetRole(ctx context.Context, id int64) (domain.Role, error) {
	r, err := scanRole(tx.queryRow(ctx, "SELECT "+roleCols+" FROM roles WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, domain.NotFound("role %d", id)
	}
	return r, tx.d.wrap(err)
}

// RoleByCode returns the role with the code.
func (tx *Tx) RoleByCode(ctx context.Context, code string) (domain.Role, error) {
	r, err := scanRole(tx.queryRow(ctx, "SELECT "+roleCols+" FROM roles WHERE code = $1", code))
	if errors.Is(err, sql.ErrNoRows) {
		return r, domain.NotFound("role %q", code)
	}
	return r, tx.d.wrap(err)
}

// ListRoles lists every role, built-in first.
func (tx *Tx) ListRoles(ctx context.Context) ([]domain.Role, error) {
	rows, err := tx.query(ctx, "SELECT "+roleCols+" FROM roles ORDER BY builtin DESC, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.Role{}
	for rows.Next() {
		r, err := scanRole(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, r)
	}
	return out, tx.d.wrap(rows.Err())
}

const accountCols = `a.id, a.username, a.name, a.org_id, a.phone, a.disabled, a.must_change_password, a.password_changed_at,
	a.totp_enabled, a.locked_until, a.last_login_at, a.created_at`

func scanAccount(sc interface{ Scan(...any) error }) (domain.Account, error) {
	var a domain.Account
	var changed, locked, last, created string
	err := sc.Scan(&a.ID, &a.Username, &a.Name, &a.OrgID, &a.Phone, &a.Disabled, &a.MustChangePassword, &changed,
		&a.TOTPEnabled, &locked, &last, &created)
	if err != nil {
		return a, err
	}
	a.PasswordChangedAt, a.LockedUntil, a.LastLoginAt, a.CreatedAt = parseTime(changed), parseTimeOpt(locked), parseTimeOpt(last), parseTime(created)
	return a, nil
}

// NewAccount is what CreateAccount stores.
type NewAccount struct {
	Username     string
	Name         string
	OrgID        int64
	Phone        string
	PasswordHash string
	RoleIDs      []int64
}

// CreateAccount stores an account that must change its password at first login.
func (tx *Tx) CreateAccount(ctx context.Context, n NewAccount) (domain.Account, error) {
	now := timeText(tx.now)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO accounts (username, name, org_id, phone, password_hash, password_changed_at, must_change_password, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, TRUE, $6, $6) RETURNING id`, n.Username, n.Name, n.OrgID, n.Phone, n.PasswordHash, now).Scan(&id)
	if err != nil {
		err = tx.d.wrap(err)
		if domain.IsKind(err, domain.KindConflict) {
			return domain.Account{}, domain.Conflict("username", "the username %q is taken", n.Username)
		}
		return domain.Account{}, err
	}
	if _, err := tx.exec(ctx, "INSERT INTO password_history (account_id, password_hash, created_at) VALUES ($1, $2, $3)", id, n.PasswordHash, now); err != nil {
		return domain.Account{}, err
	}
	if err := tx.SetAccountRoles(ctx, id, n.RoleIDs); err != nil {
		return domain.Account{}, err
	}
	return tx.GetAccount(ctx, id)
}

// SetAccountRoles replaces an account's roles.
func (tx *Tx) SetAccountRoles(ctx context.Context, id int64, roleIDs []int64) error {
	if _, err := tx.exec(ctx, "DELETE FROM account_roles WHERE account_id = $1", id); err != nil {
		return err
	}
	for _, r := range roleIDs {
		if _, err := tx.exec(ctx, "INSERT INTO account_roles (account_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", id, r); err != nil {
			return err
		}
	}
	return nil
}

// SetCoverage replaces the units an account covers.
func (tx *Tx) SetCoverage(ctx context.Context, id int64, orgIDs []int64) error {
	if _, err := tx.exec(ctx, "DELETE FROM coverage WHERE account_id = $1", id); err != nil {
		return err
	}
	for _, o := range orgIDs {
		if _, err := tx.exec(ctx, "INSERT INTO coverage (account_id, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", id, o); err != nil {
			return err
		}
	}
	return nil
}

// GetAccount returns an account with its roles and coverage (no scope: the
// caller decides; used for the session's own account and after scoped checks).
func (tx *Tx) GetAccount(ctx context.Context, id int64) (domain.Account, error) {
	a, err := scanAccount(tx.queryRow(ctx, "SELECT "+accountCols+" FROM accounts a WHERE a.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, domain.NotFound("account %d", id)
	}
	if err != nil {
		return a, tx.d.wrap(err)
	}
	return a, tx.fillAccount(ctx, &a)
}

func (tx *Tx) fillAccount(ctx context.Context, a *domain.Account) error {
	rows, err := tx.query(ctx, "SELECT "+strings.ReplaceAll(roleCols, "id,", "r.id,")+" FROM roles r JOIN account_roles ar ON ar.role_id = r.id WHERE ar.account_id = $1 ORDER BY r.id", a.ID)
	if err != nil {
		return err
	}
	a.Roles = []domain.Role{}
	for rows.Next() {
		r, err := scanRole(rows)
		if err != nil {
			rows.Close()
			return tx.d.wrap(err)
		}
		a.Roles = append(a.Roles, r)
	}
	rows.Close()
	rows, err = tx.query(ctx, "SELECT org_id FROM coverage WHERE account_id = $1 ORDER BY org_id", a.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	a.Coverage = []int64{}
	for rows.Next() {
		var o int64
		if err := rows.Scan(&o); err != nil {
			return tx.d.wrap(err)
		}
		a.Coverage = append(a.Coverage, o)
	}
	return tx.d.wrap(rows.Err())
}

// GetAccountInScope returns an account whose unit lies in the write scope:
// its callers change the account (roles, coverage, lock, password), and a
// leader's coverage (Scope.Covered) is reach to read, never to administer.
// It locks the account's row until the transaction ends, so two changes of
// one account queue: replacing its roles or coverage is a delete and inserts,
// and two of them overlapping under READ COMMITTED would leave the union.
func (tx *Tx) GetAccountInScope(ctx context.Context, scope domain.Scope, id int64) (domain.Account, error) {
	if err := tx.LockTree(ctx); err != nil { // the scope check reads ancestors
		return domain.Account{}, err
	}
	args := []any{id}
	var got int64
	err := tx.queryRow(ctx, "SELECT a.id FROM accounts a WHERE a.id = $1 AND "+scopeFilter("a.org_id", scope.Roots, &args)+tx.d.forUpdate(), args...).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Account{}, domain.NotFound("account %d", id)
	}
	if err != nil {
		return domain.Account{}, tx.d.wrap(err)
	}
	return tx.GetAccount(ctx, id)
}

// ListAccounts lists the accounts of units in the read scope.
func (tx *Tx) ListAccounts(ctx context.Context, scope domain.Scope, query string, limit, offset int) ([]domain.Account, int, error) {
	args := []any{}
	cond := scopeFilter("a.org_id", scope.ReadRoots(), &args)
	if query != "" {
		args = append(args, "%"+likeEscape(query)+"%")
		cond += fmt.Sprintf(` AND (a.username LIKE $%d ESCAPE '\' OR a.name LIKE $%d ESCAPE '\')`, len(args), len(args))
	}
	var total int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM accounts a WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit, offset)
	rows, err := tx.query(ctx, fmt.Sprintf("SELECT %s FROM accounts a WHERE %s ORDER BY a.username LIMIT $%d OFFSET $%d", accountCols, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, err
	}
	out := []domain.Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			rows.Close()
			return nil, 0, tx.d.wrap(err)
		}
		out = append(out, a)
	}
	rows.Close()
	for i := range out {
		if err := tx.fillAccount(ctx, &out[i]); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// Credentials is what login needs of an account.
type Credentials struct {
	AccountID          int64
	PasswordHash       string
	PasswordChangedAt  time.Time
	MustChangePassword bool
	Disabled           bool
	Failures           int
	LockedUntil        time.Time
	TOTPSecret         string
	TOTPEnabled        bool
	TOTPLastStep       int64
}

// CredentialsByUsername loads the login state of an account.
func (tx *Tx) CredentialsByUsername(ctx context.Context, username string) (Credentials, error) {
	return tx.credentials(ctx, "username = $1", username)
}

// CredentialsByID loads the login state of an account.
func (tx *Tx) CredentialsByID(ctx context.Context, id int64) (Credentials, error) {
	return tx.credentials(ctx, "id = $1", id)
}

// CredentialsForUpdate loads the login state of an account and locks its row
// until the transaction ends, so concurrent failed logins all count.
func (tx *Tx) CredentialsForUpdate(ctx context.Context, id int64) (Credentials, error) {
	return tx.credentials(ctx, "id = $1"+tx.d.forUpdate(), id)
}

func (tx *Tx) credentials(ctx context.Context, cond string, arg any) (Credentials, error) {
	var c Credentials
	var changed, locked string
	err := tx.queryRow(ctx, `SELECT id, password_hash, password_changed_at, must_change_password, disabled, failures, locked_until,
		totp_secret, totp_enabled, totp_last_step FROM accounts WHERE `+cond, arg).
		Scan(&c.AccountID, &c.PasswordHash, &changed, &c.MustChangePassword, &c.Disabled, &c.Failures, &locked, &c.TOTPSecret, &c.TOTPEnabled, &c.TOTPLastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return c, domain.NotFound("account")
	}
	c.PasswordChangedAt, c.LockedUntil = parseTime(changed), parseTimeOpt(locked)
	return c, tx.d.wrap(err)
}

// SetLoginState records failures and a lock.
func (tx *Tx) SetLoginState(ctx context.Context, id int64, failures int, lockedUntil time.Time) error {
	_, err := tx.exec(ctx, "UPDATE accounts SET failures = $1, locked_until = $2 WHERE id = $3", failures, timeOpt(lockedUntil), id)
	return err
}

// RecordLogin notes a successful login. The failure count is the caller's
// (SetLoginState): a right password does not clear it while the second
// factor is still to come.
func (tx *Tx) RecordLogin(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, "UPDATE accounts SET last_login_at = $1 WHERE id = $2", timeText(tx.now), id)
	return err
}

// RehashPassword replaces the stored hash of the same password (made with
// older argon2 parameters) by newHash, in the account and in its password
// history, so no weaker hash of it stays behind. It changes nothing when the
// stored hash is no longer oldHash (the password changed meanwhile), and
// leaves the password's age alone.
func (tx *Tx) RehashPassword(ctx context.Context, id int64, oldHash, newHash string) error {
	res, err := tx.exec(ctx, "UPDATE accounts SET password_hash = $1 WHERE id = $2 AND password_hash = $3", newHash, id, oldHash)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	_, err = tx.exec(ctx, "UPDATE password_history SET password_hash = $1 WHERE account_id = $2 AND password_hash = $3", newHash, id, oldHash)
	return err
}

// TOTPSecret is an account's stored TOTP secret (sealed, or plaintext from
// before secrets were sealed).
type TOTPSecret struct {
	AccountID int64
	Stored    string
}

// TOTPSecrets lists every stored TOTP secret, for re-sealing under a new key.
func (tx *Tx) TOTPSecrets(ctx context.Context) ([]TOTPSecret, error) {
	rows, err := tx.query(ctx, "SELECT id, totp_secret FROM accounts WHERE totp_secret <> '' ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TOTPSecret
	for rows.Next() {
		var s TOTPSecret
		if err := rows.Scan(&s.AccountID, &s.Stored); err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, s)
	}
	return out, tx.d.wrap(rows.Err())
}

// ReplaceTOTPSecret stores another form of the same TOTP secret (re-sealed)
// when the stored one is still old.
func (tx *Tx) ReplaceTOTPSecret(ctx context.Context, id int64, old, next string) error {
	_, err := tx.exec(ctx, "UPDATE accounts SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3", next, id, old)
	return err
}

// AccountsWithRole lists the ids of the accounts holding a role.
func (tx *Tx) AccountsWithRole(ctx context.Context, roleID int64) ([]int64, error) {
	rows, err := tx.query(ctx, "SELECT account_id FROM account_roles WHERE role_id = $1 ORDER BY account_id", roleID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, id)
	}
	return out, tx.d.wrap(rows.Err())
}

// SetPassword stores a new password hash and keeps it in the history.
func (tx *Tx) SetPassword(ctx context.Context, id int64, hash string, mustChange bool) error {
	now := timeText(tx.now)
	if _, err := tx.exec(ctx, "UPDATE accounts SET password_hash = $1, password_changed_at = $2, must_change_password = $3, updated_at = $2 WHERE id = $4",
		hash, now, mustChange, id); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO password_history (account_id, password_hash, created_at) VALUES ($1, $2, $3)", id, hash, now)
	return err
}

// PasswordHistory returns the last n password hashes, newest first.
func (tx *Tx) PasswordHistory(ctx context.Context, id int64, n int) ([]string, error) {
	rows, err := tx.query(ctx, "SELECT password_hash FROM password_history WHERE account_id = $1 ORDER BY created_at DESC LIMIT $2", id, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, h)
	}
	return out, tx.d.wrap(rows.Err())
}

// SetTOTP stores a TOTP secret (enabled or pending confirmation).
func (tx *Tx) SetTOTP(ctx context.Context, id int64, secret string, enabled bool, lastStep int64) error {
	_, err := tx.exec(ctx, "UPDATE accounts SET totp_secret = $1, totp_enabled = $2, totp_last_step = $3 WHERE id = $4", secret, enabled, lastStep, id)
	return err
}

// AccountPatch changes an account; nil fields stay.
type AccountPatch struct {
	Name     *string
	OrgID    *int64
	Phone    *string
	Disabled *bool
}

// UpdateAccount applies a patch.
func (tx *Tx) UpdateAccount(ctx context.Context, id int64, p AccountPatch) error {
	a, err := tx.GetAccount(ctx, id)
	if err != nil {
		return err
	}
	if p.Name != nil {
		a.Name = *p.Name
	}
	if p.OrgID != nil {
		a.OrgID = *p.OrgID
	}
	if p.Phone != nil {
		a.Phone = *p.Phone
	}
	if p.Disabled != nil {
		a.Disabled = *p.Disabled
	}
	_, err = tx.exec(ctx, "UPDATE accounts SET name = $1, org_id = $2, phone = $3, disabled = $4, updated_at = $5 WHERE id = $6",
		a.Name, a.OrgID, a.Phone, a.Disabled, timeText(tx.now), id)
	return err
}

// CountAccounts returns how many accounts exist (zeren init refuses a second first admin).
func (tx *Tx) CountAccounts(ctx context.Context) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT COUNT(*) FROM accounts").Scan(&n)
	return n, tx.d.wrap(err)
}

// Session is a stored login session.
type Session struct {
	IDHash       string
	AccountID    int64
	CSRFToken    string
	SecondFactor bool
	ClientAddr   string
	CreatedAt    time.Time
	LastSeenAt   time.Time
	ExpiresAt    time.Time
}

// CreateSession stores a session.
func (tx *Tx) CreateSession(ctx context.Context, s Session, userAgent string) error {
	_, err := tx.exec(ctx, `INSERT INTO sessions (id_hash, account_id, csrf_token, second_factor, client_addr, user_agent, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`, s.IDHash, s.AccountID, s.CSRFToken, s.SecondFactor, s.ClientAddr, userAgent, timeText(tx.now), timeText(s.ExpiresAt))
	return err
}

// GetSession loads a session by the hash of its id.
func (tx *Tx) GetSession(ctx context.Context, idHash string) (Session, error) {
	var s Session
	var created, seen, exp string
	err := tx.queryRow(ctx, `SELECT id_hash, account_id, csrf_token, second_factor, client_addr, created_at, last_seen_at, expires_at
		FROM sessions WHERE id_hash = $1`, idHash).Scan(&s.IDHash, &s.AccountID, &s.CSRFToken, &s.SecondFactor, &s.ClientAddr, &created, &seen, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return s, domain.NotFound("session")
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = parseTime(created), parseTime(seen), parseTime(exp)
	return s, tx.d.wrap(err)
}

// AccountSessions lists an account's sessions, oldest first.
func (tx *Tx) AccountSessions(ctx context.Context, accountID int64) ([]Session, error) {
	rows, err := tx.query(ctx, `SELECT id_hash, account_id, csrf_token, second_factor, client_addr, created_at, last_seen_at, expires_at
		FROM sessions WHERE account_id = $1 ORDER BY created_at, id_hash`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var s Session
		var created, seen, exp string
		if err := rows.Scan(&s.IDHash, &s.AccountID, &s.CSRFToken, &s.SecondFactor, &s.ClientAddr, &created, &seen, &exp); err != nil {
			return nil, tx.d.wrap(err)
		}
		s.CreatedAt, s.LastSeenAt, s.ExpiresAt = parseTime(created), parseTime(seen), parseTime(exp)
		out = append(out, s)
	}
	return out, tx.d.wrap(rows.Err())
}

// TouchSession records activity on a session.
func (tx *Tx) TouchSession(ctx context.Context, idHash string) error {
	_, err := tx.exec(ctx, "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2", timeText(tx.now), idHash)
	return err
}

// UpgradeSession marks a session as having passed the second factor.
func (tx *Tx) UpgradeSession(ctx context.Context, idHash string) error {
	_, err := tx.exec(ctx, "UPDATE sessions SET second_factor = TRUE, last_seen_at = $1 WHERE id_hash = $2", timeText(tx.now), idHash)
	return err
}

// DeleteSession ends one session.
func (tx *Tx) DeleteSession(ctx context.Context, idHash string) error {
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE id_hash = $1", idHash)
	return err
}

// DeleteAccountSessions ends every session of an account (password change, disable).
func (tx *Tx) DeleteAccountSessions(ctx context.Context, id int64, except string) error {
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2", id, except)
	return err
}

// DeletePendingSessions ends the account's sessions that have not passed the
// second factor (after a lockout by wrong codes).
func (tx *Tx) DeletePendingSessions(ctx context.Context, id int64) error {
	_, err := tx.exec(ctx, "DELETE FROM sessions WHERE account_id = $1 AND second_factor = FALSE", id)
	return err
}

// APIToken is a stored machine token (the secret is never stored).
type APIToken struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	SecretHash string    `json:"-"`
	RoleID     int64     `json:"role_id"`
	OrgID      int64     `json:"org_id"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
}

// CreateToken stores a token.
func (tx *Tx) CreateToken(ctx context.Context, t APIToken) error {
	_, err := tx.exec(ctx, `INSERT INTO api_tokens (id, name, secret_hash, role_id, org_id, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, t.ID, t.Name, t.SecretHash, t.RoleID, t.OrgID, t.CreatedBy, timeText(tx.now), timeText(t.ExpiresAt))
	return err
}

const tokenCols = `id, name, secret_hash, role_id, org_id, created_by, created_at, expires_at, revoked_at, last_used_at`

func scanToken(sc interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var c, e, r, u string
	err := sc.Scan(&t.ID, &t.Name, &t.SecretHash, &t.RoleID, &t.OrgID, &t.CreatedBy, &c, &e, &r, &u)
	t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt = parseTime(c), parseTime(e), parseTimeOpt(r), parseTimeOpt(u)
	return t, err
}

// GetToken loads a token by id.
func (tx *Tx) GetToken(ctx context.Context, id string) (APIToken, error) {
	t, err := scanToken(tx.queryRow(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, domain.NotFound("token %q", id)
	}
	return t, tx.d.wrap(err)
}

// ListTokens lists the tokens of units in the read scope.
func (tx *Tx) ListTokens(ctx context.Context, scope domain.Scope) ([]APIToken, error) {
	args := []any{}
	rows, err := tx.query(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE "+scopeFilter("org_id", scope.ReadRoots(), &args)+" ORDER BY created_at DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []APIToken{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, t)
	}
	return out, tx.d.wrap(rows.Err())
}

// RevokeToken revokes a token at once.
func (tx *Tx) RevokeToken(ctx context.Context, id string) error {
	res, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at = ''", timeText(tx.now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound("active token %q", id)
	}
	return nil
}

// TouchToken records a token's use.
func (tx *Tx) TouchToken(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", timeText(tx.now), id)
	return err
}

// Setting reads a JSON setting into v; ok is false when unset.
func (tx *Tx) Setting(ctx context.Context, key string, v any) (ok bool, err error) {
	var s string
	err = tx.queryRow(ctx, "SELECT value FROM settings WHERE key = $1", key).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, tx.d.wrap(err)
	}
	return true, json.Unmarshal([]byte(s), v)
}

// SetSetting stores a JSON setting.
func (tx *Tx) SetSetting(ctx context.Context, key string, v any, by string) error {
	_, err := tx.exec(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		key, jsonText(v), timeText(tx.now), by)
	return err
}
