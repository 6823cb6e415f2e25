package app

import (
	"context"
	"encoding/json"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// AuditEntry is what a use case says about itself; record seals it into the
// hash chain in the same transaction as the change it describes.
type AuditEntry struct {
	Type    string
	Target  string
	Outcome string
	Before  any
	After   any
	Detail  string
}

func rawJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// record appends an audit event in tx. If the append fails, the whole change
// fails with it: no change without its audit row.
func (a *App) record(ctx context.Context, tx *store.Tx, ac domain.Actor, e AuditEntry) error {
	if e.Outcome == "" {
		e.Outcome = "success"
	}
	alg, err := a.auditAlg(ctx, tx)
	if err != nil {
		return err
	}
	_, err = tx.AppendAudit(ctx, func(headSeq int64, headHash string) (store.AuditRow, error) {
		r := store.AuditRow{Time: tx.Now(), Actor: ac.Name, ActorID: ac.AccountID, OrgID: ac.OrgID, ClientAddr: ac.ClientAddr,
			Type: e.Type, Target: e.Target, Outcome: e.Outcome, Before: rawJSON(e.Before), After: rawJSON(e.After), Detail: e.Detail}
		return sealRow(headSeq, headHash, r, alg)
	})
	return err
}

// recordAlone writes an audit event in a transaction of its own: for events
// whose use case writes nothing else (a failed login, a download).
func (a *App) recordAlone(ctx context.Context, ac domain.Actor, e AuditEntry) error {
	return a.st.Write(ctx, func(tx *store.Tx) error { return a.record(ctx, tx, ac, e) })
}
