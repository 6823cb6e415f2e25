package app

import (
	"context"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// AuditQuery filters the audit trail. It is store.AuditFilter in the app's
// vocabulary, for callers that do not import the store (the HTTP layer).
type AuditQuery struct {
	Type     string // a prefix, e.g. "login"
	ActorID  int64
	Target   string
	From, To time.Time
	Limit    int
	Offset   int
}

// ListAuditEvents lists audit events, newest first; only the audit admin
// reads them (ListAudit checks).
func (a *App) ListAuditEvents(ctx context.Context, ac domain.Actor, q AuditQuery) ([]store.AuditRow, int, error) {
	return a.ListAudit(ctx, ac, store.AuditFilter{Type: q.Type, ActorID: q.ActorID, Target: q.Target,
		From: q.From, To: q.To, Limit: q.Limit, Offset: q.Offset})
}
