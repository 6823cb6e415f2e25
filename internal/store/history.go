package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// History actions: what happened to an activity.
const (
	HistCreated         = "created"
	HistEdited          = "edited"
	HistSubmitted       = "submitted"
	HistApproved        = "approved"
	HistReturned        = "returned"
	HistReopened        = "reopened" // an approved record edited by someone who may not approve: back to review
	HistEvidenceAdded   = "evidence_added"
	HistEvidenceRemoved = "evidence_removed"
)

// FieldChange is one field of an edit, old → new. Label holds the names of
// ids (a unit, an activity type), so the history reads without look-ups.
type FieldChange struct {
	Field    string `json:"field"`
	Old      any    `json:"old"`
	New      any    `json:"new"`
	OldLabel string `json:"old_label,omitempty"`
	NewLabel string `json:"new_label,omitempty"`
}

// HistoryEntry is one line of an activity's history.
type HistoryEntry struct {
	ID         int64     `json:"id"`
	ActivityID int64     `json:"activity_id"`
	At         time.Time `json:"at"`
	// Actor is the username (or API token) that acted; ActorName the
	// account's name, empty for the console operator and API tokens, which
	// ActorKind tells apart (account, system, token).
	Actor     string        `json:"-"`
	AccountID int64         `json:"-"`
	ActorName string        `json:"actor_name"`
	ActorKind string        `json:"actor_kind"`
	Action    string        `json:"action"`
	Changes   []FieldChange `json:"changes"`
	Reason    string        `json:"reason,omitempty"`
}

// AddHistory appends a line to an activity's history, in the transaction of
// the change it tells.
func (tx *Tx) AddHistory(ctx context.Context, e HistoryEntry) error {
	var account any
	if e.AccountID != 0 {
		account = e.AccountID
	}
	changes := e.Changes
	if changes == nil {
		changes = []FieldChange{}
	}
	_, err := tx.exec(ctx, `INSERT INTO activity_history (activity_id, at, actor, account_id, action, changes, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.ActivityID, timeText(tx.now), e.Actor, account, e.Action, jsonText(changes), e.Reason)
	return err
}

// ActivityHistory lists an activity's history, oldest first, if the activity
// is inside the read scope (an empty list otherwise: the caller has checked
// the activity itself and answers its not found).
func (tx *Tx) ActivityHistory(ctx context.Context, scope domain.Scope, id int64) ([]HistoryEntry, error) {
	args := []any{id}
	q := `SELECT h.id, h.activity_id, h.at, h.actor, COALESCE(h.account_id, 0), COALESCE(ac.name, ''), h.action, h.changes, h.reason
		FROM activity_history h JOIN activities a ON a.id = h.activity_id
		LEFT JOIN accounts ac ON ac.id = h.account_id
		WHERE h.activity_id = $1 AND ` + scopeFilter("a.org_id", scope.ReadRoots(), &args) + ` ORDER BY h.id`
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []HistoryEntry{}
	for rows.Next() {
		var e HistoryEntry
		var at, changes string
		var name sql.NullString
		if err := rows.Scan(&e.ID, &e.ActivityID, &at, &e.Actor, &e.AccountID, &name, &e.Action, &changes, &e.Reason); err != nil {
			return nil, tx.d.wrap(err)
		}
		e.At = parseTime(at)
		e.ActorName = name.String
		switch {
		case e.AccountID != 0:
			e.ActorKind = "account"
			if e.ActorName == "" {
				e.ActorName = e.Actor
			}
		case strings.HasPrefix(e.Actor, "token:"):
			e.ActorKind = "token"
		default:
			e.ActorKind = "system"
		}
		if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil || e.Changes == nil {
			e.Changes = []FieldChange{}
		}
		out = append(out, e)
	}
	return out, tx.d.wrap(rows.Err())
}
