package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// MaxIdempotencyKeyLen bounds an idempotency key; a UUID has 36 characters.
const MaxIdempotencyKeyLen = 100

// createRequest is the canonical form of a creation request, stored with its
// idempotency key and compared field by field when the key comes again.
type createRequest struct {
	OrgID       int64    `json:"org_id"`
	TypeID      int64    `json:"type_id"`
	Date        string   `json:"date"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Attendance  int      `json:"attendance"`
	Venues      []string `json:"venues"`
	Publication string   `json:"publication"`
	Submit      bool     `json:"submit"`
}

func createRequestOf(in domain.ActivityInput, submit bool) createRequest {
	v := in.Venues
	if v == nil {
		v = []string{}
	}
	return createRequest{OrgID: in.OrgID, TypeID: in.TypeID, Date: in.Date.String(), Title: in.Title,
		Description: in.Description, Attendance: in.Attendance, Venues: v, Publication: in.Publication, Submit: submit}
}

// differences names the fields in which two requests differ, in a fixed order.
func (r createRequest) differences(o createRequest) []string {
	var d []string
	add := func(name string, differ bool) {
		if differ {
			d = append(d, name)
		}
	}
	add("org_id", r.OrgID != o.OrgID)
	add("type_id", r.TypeID != o.TypeID)
	add("date", r.Date != o.Date)
	add("title", r.Title != o.Title)
	add("description", r.Description != o.Description)
	add("attendance", r.Attendance != o.Attendance)
	add("venues", !slices.Equal(r.Venues, o.Venues))
	add("publication", r.Publication != o.Publication)
	add("submit", r.Submit != o.Submit)
	return d
}

// idempotencyOwner names whose key space a key lives in: the account, or for
// an API token (which has no account) the token; the operator has its own.
func idempotencyOwner(ac domain.Actor) string {
	if ac.AccountID != 0 {
		return fmt.Sprintf("account:%d", ac.AccountID)
	}
	if ac.Operator {
		return "operator"
	}
	return "actor:" + ac.Name
}

// ValidateIdempotencyKey checks a client-generated key: 1 to 100 characters of
// letters, digits and - _ . : (a UUID fits).
func ValidateIdempotencyKey(key string) error {
	if key == "" {
		return domain.Invalid("Idempotency-Key", "is empty; send a new UUID for each activity")
	}
	if len(key) > MaxIdempotencyKeyLen {
		return domain.Invalid("Idempotency-Key", "must be at most %d characters, got %d", MaxIdempotencyKeyLen, len(key))
	}
	for _, r := range key {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)
		if !ok {
			return domain.Invalid("Idempotency-Key", "may hold only letters, digits and - _ . : (a UUID fits)")
		}
	}
	return nil
}

// CreateActivityOnce is CreateActivity with an idempotency key: the first
// request with a key creates the activity and stores the key in the same
// transaction; a repeat of the same request by the same actor returns the
// activity it created (replayed true) and creates nothing. The same key with
// a different request is a conflict naming Idempotency-Key and the fields
// that differ. Two racing requests with one key create one activity: the
// table's primary key lets one insert win, and the loser re-reads the
// winner's activity. Deleting the activity forgets its key.
func (a *App) CreateActivityOnce(ctx context.Context, ac domain.Actor, key string, in domain.ActivityInput, submit bool) (out domain.Activity, replayed bool, err error) {
	if err := ValidateIdempotencyKey(key); err != nil {
		return out, false, err
	}
	if err := ac.Require(domain.PermActivityWrite); err != nil {
		return out, false, err
	}
	if submit {
		if err := ac.Require(domain.PermActivitySubmit); err != nil {
			return out, false, err
		}
	}
	owner := idempotencyOwner(ac)
	req := createRequestOf(in, submit)
	reqJSON, err := json.Marshal(req)
	if err != nil {
		return out, false, err
	}
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		act, found, err := a.replay(ctx, tx, ac, owner, key, req)
		if err != nil || found {
			out, replayed = act, found
			return err
		}
		out, err = a.createActivity(ctx, tx, ac, in, submit)
		if err != nil {
			return err
		}
		return tx.RememberIdempotencyKey(ctx, store.IdempotencyKey{Actor: owner, Key: key, ActivityID: out.ID, Request: string(reqJSON)})
	})
	if errors.Is(err, store.ErrKeyRace) {
		// A concurrent request with this key committed first (PostgreSQL;
		// SQLite's single writer serialises the two and the second one
		// replays above). Answer with its activity.
		err = a.st.Read(ctx, func(tx *store.Tx) error {
			act, found, err := a.replay(ctx, tx, ac, owner, key, req)
			out = act
			if err == nil && !found {
				return domain.Conflict("Idempotency-Key", "a concurrent request with this key failed; send the request again")
			}
			return err
		})
		return out, err == nil, err
	}
	return out, replayed, err
}

// replay looks the key up; when it is stored and the request matches, it
// returns the activity the key created.
func (a *App) replay(ctx context.Context, tx *store.Tx, ac domain.Actor, owner, key string, req createRequest) (domain.Activity, bool, error) {
	k, found, err := tx.LookupIdempotencyKey(ctx, owner, key)
	if err != nil || !found {
		return domain.Activity{}, false, err
	}
	var stored createRequest
	if err := json.Unmarshal([]byte(k.Request), &stored); err != nil {
		return domain.Activity{}, false, fmt.Errorf("decoding the stored request of idempotency key %q: %w", key, err)
	}
	if diff := stored.differences(req); len(diff) > 0 {
		return domain.Activity{}, false, domain.Conflict("Idempotency-Key",
			"this key already recorded activity %d with a different %s; use a new key for a new activity",
			k.ActivityID, strings.Join(diff, ", "))
	}
	act, err := tx.GetActivity(ctx, ac.Scope, k.ActivityID)
	return act, err == nil, err
}
