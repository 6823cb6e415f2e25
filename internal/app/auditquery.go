package app

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// AuditQuery filters the audit trail. It is store.AuditFilter in the app's
// vocabulary, for callers that do not import the store (the HTTP layer).
type AuditQuery struct {
	OrgID    int64  // events of actors in this unit's subtree (in the reader's scope)
	Outcome  string // success, failure or denied
	Type     string // a prefix, e.g. "login"
	ActorID  int64
	Target   string
	From, To time.Time
	Limit    int
	Offset   int
}

// maxAuditTargetLen bounds the target filter: targets are short ("activity:42").
const maxAuditTargetLen = 200

func (q AuditQuery) validate() error {
	switch q.Outcome {
	case "", audit.OutcomeSuccess, audit.OutcomeFailure, audit.OutcomeDenied:
	default:
		return domain.Invalid("outcome", "must be %s, %s or %s, not %q", audit.OutcomeSuccess, audit.OutcomeFailure, audit.OutcomeDenied, clipText(q.Outcome))
	}
	if len(q.Type) > audit.MaxTypeLen {
		return domain.Invalid("type", "is longer than %d characters", audit.MaxTypeLen)
	}
	if len(q.Target) > maxAuditTargetLen {
		return domain.Invalid("target", "is longer than %d characters", maxAuditTargetLen)
	}
	if q.OrgID < 0 {
		return domain.Invalid("org_id", "must be a unit's id")
	}
	if q.Offset < 0 {
		return domain.Invalid("offset", "must not be negative")
	}
	return nil
}

func clipText(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// ListAuditEvents lists audit events, newest first; only the audit admin
// reads them (ListAudit checks).
func (a *App) ListAuditEvents(ctx context.Context, ac domain.Actor, q AuditQuery) ([]store.AuditRow, int, error) {
	if err := q.validate(); err != nil {
		return nil, 0, err
	}
	return a.ListAudit(ctx, ac, q.filter())
}

func (q AuditQuery) filter() store.AuditFilter {
	return store.AuditFilter{OrgID: q.OrgID, Outcome: q.Outcome, Type: q.Type, ActorID: q.ActorID, Target: q.Target,
		From: q.From, To: q.To, Limit: q.Limit, Offset: q.Offset}
}

// NamedAuditEvent is an audit event with the names a person reads instead
// of ids: who acted, in which unit, and on what.
type NamedAuditEvent struct {
	store.AuditRow
	ActorName  string // the account's name; "" when the actor has no account (a mistyped username, the console)
	OrgName    string // the actor's unit
	TargetKind string // account, org, activity, role, type, team, member, report, report_template, token, period, evidence, …
	TargetName string // the target's name (a title for an activity); "" when it has none the reader may see
}

// ListNamedAuditEvents lists audit events like ListAuditEvents, naming their
// actors, units and targets. A unit filter outside the reader's scope is
// not found. A target is named from the record the event carries (after,
// else before: its name as it was then), else from the record as it is now,
// within the reader's scope, else left unnamed.
func (a *App) ListNamedAuditEvents(ctx context.Context, ac domain.Actor, q AuditQuery) ([]NamedAuditEvent, int, error) {
	if err := ac.Require(domain.PermAuditRead); err != nil {
		return nil, 0, err
	}
	if err := q.validate(); err != nil {
		return nil, 0, err
	}
	if q.Limit < 0 || q.Limit > MaxPageSize {
		return nil, 0, domain.Invalid("limit", "must be between 1 and %d", MaxPageSize)
	}
	f := q.filter()
	f.Scope = ac.Scope // an audit admin reads the events of its own subtree
	var out []NamedAuditEvent
	var total int
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		if q.OrgID != 0 {
			ok, err := tx.InScope(ctx, ac.Scope.ReadRoots(), q.OrgID)
			if err != nil {
				return err
			}
			if !ok {
				return domain.NotFound("org unit %d", q.OrgID)
			}
		}
		rows, n, err := tx.ListAudit(ctx, f)
		if err != nil {
			return err
		}
		total = n
		out = make([]NamedAuditEvent, len(rows))
		var refs store.AuditRefs
		for i, r := range rows {
			out[i].AuditRow = r
			if r.ActorID != 0 {
				refs.Accounts = append(refs.Accounts, r.ActorID)
			}
			if r.OrgID != 0 {
				refs.Orgs = append(refs.Orgs, r.OrgID)
			}
			kind, id := parseTarget(r.Target)
			out[i].TargetKind = kind
			switch kind {
			case "account":
				refs.Accounts = append(refs.Accounts, id)
			case "org":
				refs.Orgs = append(refs.Orgs, id)
			case "activity":
				refs.Activities = append(refs.Activities, id)
			case "role":
				refs.Roles = append(refs.Roles, id)
			case "type":
				refs.Types = append(refs.Types, id)
			case "team", "member":
				refs.Teams = append(refs.Teams, id)
			}
		}
		names, err := tx.AuditNames(ctx, ac.Scope, refs)
		if err != nil {
			return err
		}
		for i := range out {
			e := &out[i]
			e.ActorName = names.Accounts[e.ActorID].Name
			e.OrgName = names.Orgs[e.OrgID]
			kind, id := parseTarget(e.Target)
			if named := id != 0 || kind == "token"; named && kind != "member" {
				// The record as the event saw it comes first: a deleted
				// record's id may since name another one (SQLite reuses
				// the highest id).
				if e.TargetName = nameInRecord(e.After, e.Before); e.TargetName != "" {
					continue
				}
			}
			switch kind {
			case "account":
				e.TargetName = names.Accounts[id].Name
			case "org":
				e.TargetName = names.Orgs[id]
			case "activity":
				e.TargetName = names.Activities[id]
			case "role":
				e.TargetName = names.Roles[id]
			case "type":
				e.TargetName = names.Types[id]
			case "team", "member":
				e.TargetName = names.Teams[id]
			case "evidence":
				if _, sha, ok := strings.Cut(e.Target, ":"); ok && len(sha) > 12 {
					e.TargetName = sha[:12] + "…" // a file is its hash; a short one is enough to tell files apart
				}
			case "period":
				_, e.TargetName, _ = strings.Cut(e.Target, ":")
			}
		}
		return nil
	})
	return out, total, err
}

// parseTarget splits a target such as "activity:42" into its kind and id.
// "team:3/member:9" is a member of team 3 (id is the team's); a target
// without an id ("policy", "period:2024Q3", "evidence:<sha>") has id 0.
func parseTarget(t string) (kind string, id int64) {
	if team, _, ok := strings.Cut(t, "/member:"); ok {
		_, n, _ := strings.Cut(team, ":")
		id, _ = strconv.ParseInt(n, 10, 64)
		return "member", id
	}
	kind, rest, ok := strings.Cut(t, ":")
	if !ok {
		return t, 0
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 {
		return kind, 0
	}
	return kind, id
}

// nameInRecord finds a record's name in the JSON an event carries (the
// record after, else before, the change): its "title" or "name".
func nameInRecord(docs ...string) string {
	for _, d := range docs {
		if d == "" {
			continue
		}
		var rec struct {
			Title string `json:"title"`
			Name  string `json:"name"`
		}
		if json.Unmarshal([]byte(d), &rec) != nil {
			continue
		}
		if rec.Title != "" {
			return rec.Title
		}
		if rec.Name != "" {
			return rec.Name
		}
	}
	return ""
}
