package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// EnsureBuiltinRoles creates or refreshes the built-in roles (on every start).
func (a *App) EnsureBuiltinRoles(ctx context.Context) error {
	return a.st.Write(ctx, func(tx *store.Tx) error {
		for _, r := range domain.BuiltinRoles() {
			if err := tx.UpsertBuiltinRole(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// NewOneTimePassword makes a random password that satisfies the policy; it is
// shown once and must be changed at first login.
func NewOneTimePassword() string {
	t := randomToken()
	return "Zr-" + t[:14] + "9a"
}

// AccountInput creates an account.
type AccountInput struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	OrgID    int64  `json:"org_id"`
	Phone    string `json:"phone"`
	// Roles are role codes; only the security admin assigns roles, so the
	// system admin creates accounts without them unless it is the operator.
	Roles []string `json:"roles"`
}

// CreatedAccount is a new account and its one-time password, shown once.
type CreatedAccount struct {
	Account         domain.Account `json:"account"`
	InitialPassword string         `json:"initial_password"`
}

func validUsername(u string) error {
	if len(u) < 3 || len(u) > 64 {
		return domain.Invalid("username", "must be 3 to 64 characters")
	}
	for _, r := range u {
		if !(r == '.' || r == '_' || r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z')) {
			return domain.Invalid("username", "may contain only lower-case letters, digits, '.', '_' and '-'")
		}
	}
	if u == operatorName {
		// The system's own name in the ledger and the audit trail: an account
		// under it would pass for the console (and escape the back-filling rule).
		return domain.Invalid("username", "%q is the name of the system itself; choose another", u)
	}
	return nil
}

func validPhone(p string) error {
	if p == "" {
		return nil
	}
	if len(p) > 20 {
		return domain.Invalid("phone", "is too long")
	}
	for _, r := range p {
		if !(r == '+' || r == '-' || r == ' ' || (r >= '0' && r <= '9')) {
			return domain.Invalid("phone", "may contain only digits, '+', '-' and spaces")
		}
	}
	return nil
}

// CreateAccount adds an account in the actor's subtree with a one-time password.
func (a *App) CreateAccount(ctx context.Context, ac domain.Actor, in AccountInput) (CreatedAccount, error) {
	if err := ac.Require(domain.PermAccountManage); err != nil {
		return CreatedAccount{}, err
	}
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	if err := validUsername(in.Username); err != nil {
		return CreatedAccount{}, err
	}
	if err := domain.ValidateName("name", in.Name, 50); err != nil {
		return CreatedAccount{}, err
	}
	if err := validPhone(in.Phone); err != nil {
		return CreatedAccount{}, err
	}
	if err := domain.CheckCount("roles", len(in.Roles), domain.MaxAccountRoles, "roles"); err != nil {
		return CreatedAccount{}, err
	}
	if len(in.Roles) > 0 && !ac.Operator && !ac.Can(domain.PermRoleManage) {
		return CreatedAccount{}, domain.Invalid("roles", "roles are assigned by the security administrator")
	}
	pw := NewOneTimePassword()
	h, err := auth.HashPassword(pw, a.hashParams)
	if err != nil {
		return CreatedAccount{}, err
	}
	var out CreatedAccount
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, in.OrgID); err != nil {
			return fieldNotFound(err, "org_id")
		}
		roleIDs, roles, err := a.rolesByCode(ctx, tx, in.Roles)
		if err != nil {
			return err
		}
		if err := checkGrantTx(ctx, tx, ac, grant{kind: grantAssign, perms: rolePermissions(roles), orgs: []int64{in.OrgID},
			field: "roles", orgField: "org_id"}); err != nil {
			return err
		}
		acct, err := tx.CreateAccount(ctx, store.NewAccount{Username: in.Username, Name: in.Name, OrgID: in.OrgID, Phone: in.Phone, PasswordHash: h, RoleIDs: roleIDs})
		if err != nil {
			return err
		}
		out = CreatedAccount{Account: acct, InitialPassword: pw}
		return a.record(ctx, tx, ac, AuditEntry{Type: "account.create", Target: fmt.Sprintf("account:%d", acct.ID), After: maskAccount(acct)})
	})
	return out, err
}

func (a *App) rolesByCode(ctx context.Context, tx *store.Tx, codes []string) ([]int64, []domain.Role, error) {
	var ids []int64
	var roles []domain.Role
	for i, c := range codes {
		r, err := tx.RoleByCode(ctx, c)
		if err != nil {
			if domain.IsKind(err, domain.KindNotFound) {
				return nil, nil, domain.Invalid(fmt.Sprintf("roles[%d]", i), "%q is not a role", c)
			}
			return nil, nil, err
		}
		ids = append(ids, r.ID)
		roles = append(roles, r)
	}
	return ids, roles, domain.CheckRoleSet(roles)
}

// maskAccount is how an account appears in lists and audit rows: the phone masked.
func maskAccount(acct domain.Account) domain.Account {
	acct.Phone = domain.MaskPhone(acct.Phone)
	return acct
}

// ListAccounts lists accounts of the actor's subtree, phones masked.
func (a *App) ListAccounts(ctx context.Context, ac domain.Actor, query string, limit, offset int) ([]domain.Account, int, error) {
	if !ac.Can(domain.PermAccountManage) && !ac.Can(domain.PermRoleManage) && !ac.Can(domain.PermAccountUnlock) && !ac.Can(domain.PermCoverageManage) {
		return nil, 0, domain.Forbidden("listing accounts needs an administrator")
	}
	var out []domain.Account
	var total int
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, total, err = tx.ListAccounts(ctx, ac.Scope, query, limit, offset)
		return err
	})
	for i := range out {
		out[i] = maskAccount(out[i])
	}
	return out, total, err
}

// SetRoles replaces an account's roles (security admin), keeping the three
// administrators separate. The account must lie in the actor's own subtree,
// and with its coverage, and the roles must be the actor's to give
// (checkGrant).
func (a *App) SetRoles(ctx context.Context, ac domain.Actor, id int64, codes []string) (domain.Account, error) {
	if err := ac.Require(domain.PermRoleManage); err != nil {
		return domain.Account{}, err
	}
	if err := domain.CheckCount("roles", len(codes), domain.MaxAccountRoles, "roles"); err != nil {
		return domain.Account{}, err
	}
	var out domain.Account
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.GetAccountInScope(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		if before.ID == ac.AccountID {
			return domain.Forbidden("no one changes their own roles")
		}
		ids, roles, err := a.rolesByCode(ctx, tx, codes)
		if err != nil {
			return err
		}
		if err := a.requireWritable(ctx, tx, ac, before); err != nil {
			return err
		}
		if err := checkGrantTx(ctx, tx, ac, grant{kind: grantAssign, perms: rolePermissions(roles), orgs: before.Coverage,
			field: "roles", orgField: "coverage"}); err != nil {
			return err
		}
		if err := tx.SetAccountRoles(ctx, id, ids); err != nil {
			return err
		}
		out, err = tx.GetAccount(ctx, id)
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "account.roles", Target: fmt.Sprintf("account:%d", id), Before: roleCodes(before.Roles), After: roleCodes(out.Roles)})
	})
	return maskAccount(out), err
}

func roleCodes(rs []domain.Role) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

// requireWritable answers not found unless the account's own unit lies in
// the actor's write subtrees: what is granted to an account is granted over
// its unit, and a unit the actor only reads by coverage is not its to give.
func (a *App) requireWritable(ctx context.Context, tx *store.Tx, ac domain.Actor, acct domain.Account) error {
	if ac.Operator {
		return nil
	}
	ok, err := tx.InScope(ctx, ac.Scope.Roots, acct.OrgID)
	if err != nil {
		return err
	}
	if !ok {
		return domain.NotFound("account %d", acct.ID)
	}
	return nil
}

// SetCoverage replaces the units a leader covers (office admin). Coverage
// lets the account use its permissions over those units, so it is a grant of
// the account's permissions over them: the actor must hold them, and the
// units must lie in its own subtree (checkGrant).
func (a *App) SetCoverage(ctx context.Context, ac domain.Actor, id int64, orgIDs []int64) (domain.Account, error) {
	if err := ac.Require(domain.PermCoverageManage); err != nil {
		return domain.Account{}, err
	}
	if err := domain.CheckCount("org_ids", len(orgIDs), domain.MaxCoverage, "units"); err != nil {
		return domain.Account{}, err
	}
	var out domain.Account
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.GetAccountInScope(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		if err := a.requireWritable(ctx, tx, ac, before); err != nil {
			return err
		}
		for i, o := range orgIDs {
			if _, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, o); err != nil {
				return fieldNotFound(err, fmt.Sprintf("org_ids[%d]", i))
			}
		}
		if err := checkGrantTx(ctx, tx, ac, grant{kind: grantAssign, perms: before.Permissions(), orgs: orgIDs,
			field: "account", orgField: "org_ids"}); err != nil {
			return err
		}
		if err := tx.SetCoverage(ctx, id, orgIDs); err != nil {
			return err
		}
		out, err = tx.GetAccount(ctx, id)
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "account.coverage", Target: fmt.Sprintf("account:%d", id), Before: before.Coverage, After: out.Coverage})
	})
	return maskAccount(out), err
}

// Unlock opens a locked account (security admin).
func (a *App) Unlock(ctx context.Context, ac domain.Actor, id int64) error {
	if err := ac.Require(domain.PermAccountUnlock); err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetAccountInScope(ctx, ac.Scope, id); err != nil {
			return err
		}
		if err := tx.SetLoginState(ctx, id, 0, time.Time{}); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "account.unlock", Target: fmt.Sprintf("account:%d", id)})
	})
}

// SetAccountDisabled disables or re-enables an account (system admin); a
// disabled account's sessions end at once.
func (a *App) SetAccountDisabled(ctx context.Context, ac domain.Actor, id int64, disabled bool) (domain.Account, error) {
	if err := ac.Require(domain.PermAccountManage); err != nil {
		return domain.Account{}, err
	}
	var out domain.Account
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.GetAccountInScope(ctx, ac.Scope, id)
		if err != nil {
			return err
		}
		if err := tx.UpdateAccount(ctx, id, store.AccountPatch{Disabled: &disabled}); err != nil {
			return err
		}
		if disabled {
			if err := tx.DeleteAccountSessions(ctx, id, ""); err != nil {
				return err
			}
		}
		out, err = tx.GetAccount(ctx, id)
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "account.update", Target: fmt.Sprintf("account:%d", id), Before: maskAccount(before), After: maskAccount(out)})
	})
	return maskAccount(out), err
}

// ResetPassword gives an account a new one-time password (system admin).
func (a *App) ResetPassword(ctx context.Context, ac domain.Actor, id int64) (string, error) {
	if err := ac.Require(domain.PermAccountManage); err != nil {
		return "", err
	}
	pw := NewOneTimePassword()
	h, err := auth.HashPassword(pw, a.hashParams)
	if err != nil {
		return "", err
	}
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetAccountInScope(ctx, ac.Scope, id); err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, id, h, true); err != nil {
			return err
		}
		if err := tx.DeleteAccountSessions(ctx, id, ""); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "password.reset", Target: fmt.Sprintf("account:%d", id)})
	})
	return pw, err
}

// ListRoles lists roles (anyone who manages accounts or roles, or issues
// tokens, which carry one).
func (a *App) ListRoles(ctx context.Context, ac domain.Actor) ([]domain.Role, error) {
	if !ac.Can(domain.PermRoleManage) && !ac.Can(domain.PermAccountManage) && !ac.Can(domain.PermTokenCreate) {
		return nil, domain.Forbidden("listing roles needs an administrator")
	}
	var out []domain.Role
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListRoles(ctx)
		return err
	})
	return out, err
}

// CreateRole adds a custom role (security admin), with permissions the actor
// may give (checkGrant).
func (a *App) CreateRole(ctx context.Context, ac domain.Actor, r domain.Role) (domain.Role, error) {
	if err := ac.Require(domain.PermRoleManage); err != nil {
		return r, err
	}
	if err := domain.ValidateCode("code", r.Code); err != nil {
		return r, err
	}
	if err := domain.ValidateName("name", r.Name, 50); err != nil {
		return r, err
	}
	if err := domain.CheckRolePermissions(r.Permissions); err != nil {
		return r, err
	}
	if err := checkGrant(ac, grant{kind: grantAssign, perms: r.Permissions, field: "permissions"}, nil); err != nil {
		return r, err
	}
	var out domain.Role
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.CreateRole(ctx, r)
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "role.create", Target: fmt.Sprintf("role:%d", out.ID), After: out})
	})
	return out, err
}

// TokenInput creates an API token.
type TokenInput struct {
	Name      string `json:"name"`
	Role      string `json:"role"`
	OrgID     int64  `json:"org_id"`
	ValidDays int    `json:"valid_days"`
}

// CreatedToken is a new token; Token is shown once and never stored.
type CreatedToken struct {
	store.APIToken
	Token string `json:"token"`
}

// CreateToken issues an API token for a machine client. A token lends its
// issuer's own authority to a machine: its role's permissions must all be
// the issuer's, over a unit of the issuer's own subtree (checkGrant), and it
// never carries an administrator role — so none of the three administrators
// can issue one that reads or writes the ledger. TokenActor applies the same
// rule again at every use, so a token loses what its issuer loses.
func (a *App) CreateToken(ctx context.Context, ac domain.Actor, in TokenInput) (CreatedToken, error) {
	if err := ac.Require(domain.PermTokenCreate); err != nil {
		return CreatedToken{}, err
	}
	if ac.AccountID == 0 {
		return CreatedToken{}, domain.Forbidden("API tokens are issued by a person's account, not by another token")
	}
	if err := domain.ValidateName("name", in.Name, 100); err != nil {
		return CreatedToken{}, err
	}
	if in.ValidDays <= 0 || in.ValidDays > 366 {
		return CreatedToken{}, domain.Invalid("valid_days", "must be between 1 and 366")
	}
	var out CreatedToken
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		role, err := tx.RoleByCode(ctx, in.Role)
		if err != nil {
			return fieldNotFound(err, "role")
		}
		if role.IsAdmin() {
			return domain.Invalid("role", "a token cannot carry an administrator role")
		}
		if _, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, in.OrgID); err != nil {
			return fieldNotFound(err, "org_id")
		}
		if err := checkGrantTx(ctx, tx, ac, grant{kind: grantDelegate, perms: role.Permissions, orgs: []int64{in.OrgID},
			field: "role", orgField: "org_id"}); err != nil {
			return err
		}
		plain, id, hash := auth.NewAPIToken()
		t := store.APIToken{ID: id, Name: in.Name, SecretHash: hash, RoleID: role.ID, OrgID: in.OrgID, CreatedBy: ac.AccountID,
			CreatedAt: tx.Now(), ExpiresAt: tx.Now().Add(time.Duration(in.ValidDays) * 24 * time.Hour)}
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		out = CreatedToken{APIToken: t, Token: plain}
		return a.record(ctx, tx, ac, AuditEntry{Type: "token.create", Target: "token:" + id, After: t})
	})
	return out, err
}

// mayManageTokens: the system admin lists and revokes the tokens of its
// subtree (revoking takes nothing from anyone but the machine); an issuer
// those of its own.
func mayManageTokens(ac domain.Actor) error {
	if ac.Can(domain.PermAccountManage) || ac.Can(domain.PermTokenCreate) {
		return nil
	}
	return domain.Forbidden("API tokens are managed by the system administrator and by those who issue them")
}

// RevokeToken revokes a token at once.
func (a *App) RevokeToken(ctx context.Context, ac domain.Actor, id string) error {
	if err := mayManageTokens(ac); err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		t, err := tx.GetToken(ctx, id)
		if err != nil {
			return err
		}
		if ok, err := tx.InScope(ctx, ac.Scope.Roots, t.OrgID); err != nil || !ok {
			return domain.NotFound("token %q", id)
		}
		if err := tx.RevokeToken(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "token.revoke", Target: "token:" + id})
	})
}

// ListTokens lists the tokens of the actor's subtree.
func (a *App) ListTokens(ctx context.Context, ac domain.Actor) ([]store.APIToken, error) {
	if err := mayManageTokens(ac); err != nil {
		return nil, err
	}
	var out []store.APIToken
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListTokens(ctx, ac.Scope)
		return err
	})
	return out, err
}

// InitResult is what `zeren init` prints once.
type InitResult struct {
	Bureau   domain.OrgUnit
	Accounts []CreatedAccount
}

// Init sets up a new installation: the built-in roles, the root bureau if
// there is none, and the three separated administrators, each with a one-time
// password that must be changed (and a second factor enrolled) at first login.
// It refuses to run when any account exists: there is never a default account.
func (a *App) Init(ctx context.Context, bureauCode, bureauName string) (InitResult, error) {
	if err := a.EnsureBuiltinRoles(ctx); err != nil {
		return InitResult{}, err
	}
	sys := domain.Actor{Name: "zeren init", Operator: true}
	var res InitResult
	var n int
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CountAccounts(ctx)
		return err
	}); err != nil {
		return res, err
	}
	if n > 0 {
		return res, domain.Conflict("accounts", "zeren is already initialised (%d accounts exist); administrators are created by the system administrator", n)
	}
	roots, err := a.OperatorActor(ctx)
	if err != nil {
		return res, err
	}
	if len(roots.Scope.Roots) == 0 {
		res.Bureau, err = a.CreateOrg(ctx, sys, OrgInput{Kind: domain.OrgBureau, Code: bureauCode, Name: bureauName})
		if err != nil {
			return res, err
		}
	} else {
		res.Bureau, err = a.GetOrg(ctx, roots, roots.Scope.Roots[0])
		if err != nil {
			return res, err
		}
	}
	sys.Scope = domain.Scope{Roots: []int64{res.Bureau.ID}}
	for _, x := range []struct{ user, name, role string }{
		{"sysadmin", "系统管理员", domain.RoleSystemAdmin},
		{"secadmin", "安全管理员", domain.RoleSecurityAdmin},
		{"auditadmin", "审计管理员", domain.RoleAuditAdmin},
	} {
		c, err := a.CreateAccount(ctx, sys, AccountInput{Username: x.user, Name: x.name, OrgID: res.Bureau.ID, Roles: []string{x.role}})
		if err != nil {
			return res, err
		}
		res.Accounts = append(res.Accounts, c)
	}
	return res, nil
}

// UpdateRole changes a custom role's names and permissions (security admin),
// with permissions the actor may give (checkGrant). Built-in roles are
// fixed, and the change is refused when an account holding the role would
// then combine an administrator's powers with other roles.
func (a *App) UpdateRole(ctx context.Context, ac domain.Actor, r domain.Role) (domain.Role, error) {
	if err := ac.Require(domain.PermRoleManage); err != nil {
		return r, err
	}
	if err := domain.ValidateName("name", r.Name, 50); err != nil {
		return r, err
	}
	if err := domain.CheckRolePermissions(r.Permissions); err != nil {
		return r, err
	}
	if err := checkGrant(ac, grant{kind: grantAssign, perms: r.Permissions, field: "permissions"}, nil); err != nil {
		return r, err
	}
	var out domain.Role
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.GetRole(ctx, r.ID)
		if err != nil {
			return err
		}
		if before.Builtin {
			return domain.Conflict("code", "the built-in role %s cannot be changed; create a custom role instead", before.Code)
		}
		out, err = tx.UpdateRole(ctx, r)
		if err != nil {
			return err
		}
		holders, err := tx.AccountsWithRole(ctx, r.ID)
		if err != nil {
			return err
		}
		for _, h := range holders {
			acct, err := tx.GetAccount(ctx, h)
			if err != nil {
				return err
			}
			if err := domain.CheckRoleSet(acct.Roles); err != nil {
				return domain.Conflict("permissions", "%s holds this role with others; %s", acct.Username, err.(*domain.Error).Message)
			}
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "role.update", Target: fmt.Sprintf("role:%d", r.ID), Before: before, After: out})
	})
	return out, err
}
