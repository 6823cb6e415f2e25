-- +goose Up
-- Idempotency keys of activity creation: a phone on a flaky network retries
-- POST /activities with the same client-generated key, and the retry returns
-- the activity the first attempt created instead of a second one. A key is
-- unique per actor (an account, or an API token), never across actors, so
-- one account's keys cannot reach another's records. The row is written in
-- the same transaction as the activity; deleting the activity drops it.
CREATE TABLE activity_idempotency (
    actor       TEXT    NOT NULL,
    client_key  TEXT    NOT NULL,
    activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    request     TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (actor, client_key)
);
CREATE INDEX activity_idempotency_activity ON activity_idempotency(activity_id);

-- +goose Down
DROP TABLE activity_idempotency;
