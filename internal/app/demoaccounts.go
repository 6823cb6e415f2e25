package app

import (
	"context"
	"fmt"

	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// CreateAccountWithPassword creates an account with a known password that
// need not be changed. Only the system itself (an Operator actor, never a
// network request) may do this: `zeren demo` uses it for the demo accounts,
// which exist in no other mode. The password must still satisfy the policy.
func (a *App) CreateAccountWithPassword(ctx context.Context, ac domain.Actor, in AccountInput, password string) (domain.Account, error) {
	if !ac.Operator {
		return domain.Account{}, domain.Forbidden("accounts with known passwords are created only by the demo builder")
	}
	pol, err := a.Policy(ctx)
	if err != nil {
		return domain.Account{}, err
	}
	if err := auth.CheckNewPassword(pol, in.Username, password, nil); err != nil {
		return domain.Account{}, err
	}
	c, err := a.CreateAccount(ctx, ac, in)
	if err != nil {
		return domain.Account{}, err
	}
	h, err := auth.HashPassword(password, a.hashParams)
	if err != nil {
		return domain.Account{}, err
	}
	var out domain.Account
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, c.Account.ID, h, false); err != nil {
			return err
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "password.reset", Target: fmt.Sprintf("account:%d", c.Account.ID), Detail: "demo account"}); err != nil {
			return err
		}
		out, err = tx.GetAccount(ctx, c.Account.ID)
		return err
	})
	return out, err
}
