-- +goose Up
-- The history of each activity, as its ledger shows it: who created, edited
-- (each changed field, old → new), submitted, approved, returned (with the
-- reason) or sent it back to review, and when. Written in the transaction of
-- the change; it goes with the activity when the activity is deleted (the
-- audit trail keeps the deletion). account_id is NULL for the console
-- operator and API tokens; actor is the username (or token) at the time.
CREATE TABLE activity_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    account_id  INTEGER,
    action      TEXT    NOT NULL,
    changes     TEXT    NOT NULL DEFAULT '[]',
    reason      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX activity_history_activity ON activity_history(activity_id, id);

-- +goose Down
DROP TABLE activity_history;
