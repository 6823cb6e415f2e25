package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// AccountEdit changes an account's name, unit or phone; a nil field stays.
// The phone is answered masked in lists, so a form sends it only when the
// administrator typed a new one ("" clears it).
type AccountEdit struct {
	Name  *string `json:"name,omitempty"`
	OrgID *int64  `json:"org_id,omitempty"`
	Phone *string `json:"phone,omitempty"`
}

// UpdateAccount edits an account of the actor's write subtree (system
// admin). Moving an account to another unit hands its permissions over that
// unit, so it is a grant (checkGrant): the new unit must lie in the actor's
// write subtrees, and the actor must hold what the account holds — an
// administrator who holds no ledger permission moves only accounts without
// roles (such as freshly imported ones); the console operator moves any.
func (a *App) UpdateAccount(ctx context.Context, ac domain.Actor, id int64, in AccountEdit) (domain.Account, error) {
	if err := ac.Require(domain.PermAccountManage); err != nil {
		return domain.Account{}, err
	}
	var patch store.AccountPatch
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if err := domain.ValidateName("name", name, 50); err != nil {
			return domain.Account{}, err
		}
		patch.Name = &name
	}
	if in.Phone != nil {
		if err := domain.TextLine("phone", *in.Phone); err != nil {
			return domain.Account{}, err
		}
		p, err := domain.NormalizePhone("phone", *in.Phone)
		if err != nil {
			return domain.Account{}, err
		}
		patch.Phone = &p
	}
	if in.OrgID != nil {
		if *in.OrgID <= 0 {
			return domain.Account{}, domain.Invalid("org_id", "is required")
		}
		patch.OrgID = in.OrgID
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
		if patch.OrgID != nil && *patch.OrgID != before.OrgID {
			if _, err := tx.GetOrg(ctx, domain.Scope{Roots: ac.Scope.Roots}, *patch.OrgID); err != nil {
				return fieldNotFound(err, "org_id")
			}
			if err := checkGrantTx(ctx, tx, ac, grant{kind: grantAssign, perms: before.Permissions(), orgs: []int64{*patch.OrgID},
				field: "org_id", orgField: "org_id"}); err != nil {
				return err
			}
		}
		if err := tx.UpdateAccount(ctx, id, patch); err != nil {
			return err
		}
		out, err = tx.GetAccount(ctx, id)
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "account.update", Target: fmt.Sprintf("account:%d", id), Before: maskAccount(before), After: maskAccount(out)})
	})
	return maskAccount(out), err
}
