package app

import (
	"context"
	"encoding/json"

	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

const (
	settingAuditAlg  = "audit_alg"
	settingRetention = "audit_retention_days"
)

// auditAlg is the hash of new audit events: SHA-256 unless SM3 is chosen.
func (a *App) auditAlg(ctx context.Context, tx *store.Tx) (audit.Alg, error) {
	var s string
	ok, err := tx.Setting(ctx, settingAuditAlg, &s)
	if err != nil || !ok {
		return audit.SHA256, err
	}
	alg, err := audit.ParseAlg(s)
	if err != nil {
		return audit.SHA256, nil
	}
	return alg, nil
}

func toEvent(r store.AuditRow) audit.Event {
	e := audit.Event{Seq: r.Seq, Time: r.Time, Actor: r.Actor, ActorID: r.ActorID, OrgID: r.OrgID, ClientAddr: r.ClientAddr,
		Type: r.Type, Target: r.Target, Outcome: r.Outcome, Detail: r.Detail, PrevHash: r.PrevHash, Hash: r.Hash, Alg: r.Alg}
	if r.Before != "" {
		e.Before = json.RawMessage(r.Before)
	}
	if r.After != "" {
		e.After = json.RawMessage(r.After)
	}
	return e
}

// sealRow seals a row onto the chain whose head is (headSeq, headHash).
func sealRow(headSeq int64, headHash string, r store.AuditRow, alg audit.Alg) (store.AuditRow, error) {
	prev := audit.Genesis
	if headSeq > 0 {
		prev = audit.Head{Seq: headSeq, Hash: headHash}
	}
	e := toEvent(r)
	if err := audit.Seal(prev, &e, alg); err != nil {
		return r, err
	}
	r.Seq, r.Time, r.PrevHash, r.Hash, r.Alg = e.Seq, e.Time, e.PrevHash, e.Hash, e.Alg
	r.Before, r.After = string(e.Before), string(e.After)
	return r, nil
}

// ListAudit lists audit events; only the audit admin reads them.
func (a *App) ListAudit(ctx context.Context, ac domain.Actor, f store.AuditFilter) ([]store.AuditRow, int, error) {
	if err := ac.Require(domain.PermAuditRead); err != nil {
		return nil, 0, err
	}
	if f.Limit < 0 || f.Limit > MaxPageSize {
		return nil, 0, domain.Invalid("limit", "must be between 1 and %d", MaxPageSize)
	}
	f.Scope = ac.Scope // an audit admin reads the events of its own subtree
	var out []store.AuditRow
	var total int
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, total, err = tx.ListAudit(ctx, f)
		return err
	})
	return out, total, err
}

// VerifyAudit re-computes the whole chain and reports the first bad event.
// It is not itself an actor's use case: `zeren audit verify` runs it at the
// console, and the audit admin's API calls it after the permission check.
func (a *App) VerifyAudit(ctx context.Context) (audit.Report, error) {
	return a.verifyAudit(ctx, audit.Options{})
}

// verifyAudit streams the chain into audit.VerifyWith.
func (a *App) verifyAudit(ctx context.Context, opt audit.Options) (audit.Report, error) {
	var rep audit.Report
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		events := make(chan store.AuditRow, 256)
		errc := make(chan error, 1)
		go func() {
			defer close(events)
			errc <- tx.EachAudit(ctx, func(r store.AuditRow) error {
				select {
				case events <- r:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
		}()
		var err error
		rep, err = audit.VerifyWith(func() (audit.Event, bool, error) {
			r, ok := <-events
			if !ok {
				return audit.Event{}, false, nil
			}
			return toEvent(r), true, nil
		}, opt)
		for range events { // drain if Verify stopped early
		}
		if e := <-errc; e != nil && err == nil {
			err = e
		}
		return err
	})
	return rep, err
}

// SetAuditSettings chooses the hash algorithm of new events and the retention.
func (a *App) SetAuditSettings(ctx context.Context, ac domain.Actor, alg string, retentionDays int) error {
	if err := ac.Require(domain.PermPolicyManage); err != nil {
		return err
	}
	al, err := audit.ParseAlg(alg)
	if err != nil {
		return err
	}
	if err := audit.ValidateRetention(retentionDays); err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetSetting(ctx, settingAuditAlg, string(al), ac.Name); err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, settingRetention, retentionDays, ac.Name); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "config.audit", Target: "audit", After: map[string]any{"alg": al, "retention_days": retentionDays}})
	})
}
