package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Granting is one account handing permissions over units to someone or
// something else: an API token, roles to an account, a custom role's
// permission set, coverage (分片包抓) to a leader. Every such path asks
// checkGrant, the one rule: no one grants more than they hold.
//
//   - Permissions: an actor grants only permissions it holds. A token is a
//     delegation of its issuer's own authority and gets nothing more. The one
//     widening is the security administrator's separated duty (授权): a holder
//     of role.manage assigns roles and defines custom roles with business
//     permissions (and org.manage), which it cannot use itself — it holds none,
//     cannot change its own roles and cannot issue tokens. It never hands out
//     another administrator's permissions (accounts, configuration, the audit
//     trail): no administrator appoints the one who checks it; new system and
//     audit administrators come from the console (`zeren init`, the operator).
//   - Units: what is granted applies inside the actor's own write subtrees
//     (its unit), never a unit it only reads by coverage.
//
// The console operator holds everything and grants anything.

// grantKind tells a delegation (the actor's own authority, lent to a token)
// from an assignment (a role or coverage given to another account).
type grantKind int

const (
	grantDelegate grantKind = iota
	grantAssign
)

// grant is a request to give perms over the subtrees of orgs.
type grant struct {
	kind  grantKind
	perms []domain.Permission
	orgs  []int64
	// field names the request's field in errors ("role", "roles", "permissions", "org_ids").
	field    string
	orgField string
}

// mayGrantPermission reports whether ac may hand out p in a grant of kind k.
func mayGrantPermission(ac domain.Actor, k grantKind, p domain.Permission) bool {
	if ac.Can(p) {
		return true
	}
	return k == grantAssign && ac.Can(domain.PermRoleManage) && p.Valid() && !p.Administrative()
}

// checkGrant applies the rule. within reports whether a unit lies in the
// actor's write subtrees. It answers forbidden naming the first permission
// the actor may not give, and not found (named by orgField) for a unit
// outside its subtrees, as every out-of-scope lookup does.
func checkGrant(ac domain.Actor, g grant, within func(org int64) (bool, error)) error {
	for _, p := range g.perms {
		if !mayGrantPermission(ac, g.kind, p) {
			e := domain.Forbidden("you do not hold the %s permission, so you cannot grant it", p)
			e.Field = g.field
			return e
		}
	}
	if ac.Operator {
		return nil
	}
	for i, o := range g.orgs {
		ok, err := within(o)
		if err != nil {
			return err
		}
		if !ok {
			e := domain.NotFound("unit %d", o)
			e.Field = g.orgField
			if len(g.orgs) > 1 {
				e.Field = fmt.Sprintf("%s[%d]", g.orgField, i)
			}
			return e
		}
	}
	return nil
}

// checkGrantTx is checkGrant with units looked up in the actor's write
// subtrees in tx.
func checkGrantTx(ctx context.Context, tx *store.Tx, ac domain.Actor, g grant) error {
	return checkGrant(ac, g, func(org int64) (bool, error) { return tx.InScope(ctx, ac.Scope.Roots, org) })
}

// rolePermissions is the union of the roles' permissions.
func rolePermissions(roles []domain.Role) []domain.Permission {
	var out []domain.Permission
	for _, r := range roles {
		for _, p := range r.Permissions {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}
