package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/zeren-edu/zeren/internal/domain"
)

// ErrKeyRace marks the failure of RememberIdempotencyKey when another
// transaction stored the same (actor, key) first. The caller's transaction is
// then lost (PostgreSQL aborts it); the caller re-reads the key in a new one
// and answers with the activity the winner created.
var ErrKeyRace = errors.New("the idempotency key was stored by a concurrent request")

// IdempotencyKey is a stored key of an activity creation: who sent it, the
// activity it created and the request it came with (canonical JSON, compared
// on a retry so a reused key with another body is refused).
type IdempotencyKey struct {
	Actor      string
	Key        string
	ActivityID int64
	Request    string
}

// LookupIdempotencyKey returns the stored key of actor, or ok false. Keys are
// looked up by their owner: another actor's key with the same text is a
// different key.
func (tx *Tx) LookupIdempotencyKey(ctx context.Context, actor, key string) (IdempotencyKey, bool, error) {
	k := IdempotencyKey{Actor: actor, Key: key}
	err := tx.queryRow(ctx, `SELECT activity_id, request FROM activity_idempotency WHERE actor = $1 AND client_key = $2`,
		actor, key).Scan(&k.ActivityID, &k.Request)
	if errors.Is(err, sql.ErrNoRows) {
		return k, false, nil
	}
	if err != nil {
		return k, false, tx.d.wrap(err)
	}
	return k, true, nil
}

// RememberIdempotencyKey stores a key with the activity it created, in the
// transaction that created the activity. The primary key (actor, client_key)
// is the arbiter between racing requests: the loser gets a conflict wrapping
// ErrKeyRace.
func (tx *Tx) RememberIdempotencyKey(ctx context.Context, k IdempotencyKey) error {
	_, err := tx.exec(ctx, `INSERT INTO activity_idempotency (actor, client_key, activity_id, request, created_at)
		VALUES ($1, $2, $3, $4, $5)`, k.Actor, k.Key, k.ActivityID, k.Request, timeText(tx.now))
	var de *domain.Error
	if errors.As(err, &de) && de.Kind == domain.KindConflict {
		return &domain.Error{Kind: domain.KindConflict, Field: "Idempotency-Key",
			Message: "a concurrent request with the same key is being recorded", Err: errors.Join(ErrKeyRace, err)}
	}
	return err
}
