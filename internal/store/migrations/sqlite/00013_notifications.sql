-- +goose Up
-- Notifications (issue 13). notices is the outbox: a notice is written in the
-- transaction of the change that causes it, and dedup_key (unique) makes a
-- second one with the same key a no-op, so nothing is sent twice. A job fans
-- each due notice (not_before passed, fanned_at empty) out to its recipients'
-- inboxes and to one delivery row per outside channel; deliveries are sent by
-- jobs retried with backoff and end 'sent' or 'failed' (with the error).
CREATE TABLE notices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL DEFAULT '',
    link        TEXT    NOT NULL DEFAULT '',
    dedup_key   TEXT    NOT NULL UNIQUE,
    recipients  TEXT    NOT NULL DEFAULT '[]',
    units       TEXT    NOT NULL DEFAULT '[]',
    perm        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    not_before  TEXT    NOT NULL,
    fanned_at   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX notices_due ON notices(fanned_at, not_before, id);

CREATE TABLE inbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    notice_id  INTEGER NOT NULL REFERENCES notices(id),
    kind       TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL DEFAULT '',
    link       TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    read_at    TEXT    NOT NULL DEFAULT '',
    UNIQUE (account_id, notice_id)
);
CREATE INDEX inbox_account ON inbox(account_id, id);
CREATE INDEX inbox_unread ON inbox(account_id, read_at);

-- One row per notice, destination and channel: an account's e-mail or a
-- unit's robot. state: pending → sent | failed; 'digest' waits for the
-- account's daily digest, which sends every one of them in one message.
CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id  INTEGER NOT NULL REFERENCES notices(id),
    account_id INTEGER NOT NULL DEFAULT 0,
    robot_id   INTEGER NOT NULL DEFAULT 0,
    channel    TEXT    NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('pending','digest','sent','failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT    NOT NULL DEFAULT '',
    not_before TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    done_at    TEXT    NOT NULL DEFAULT '',
    UNIQUE (notice_id, account_id, robot_id, channel)
);
CREATE INDEX deliveries_state ON deliveries(state, account_id, id);

-- Per-account settings: the e-mail address, which notice kinds go by e-mail
-- (JSON list; empty: none), quiet hours in the bureau's zone (HH:MM, both
-- empty: none), and the daily digest hour (-1: no digest).
CREATE TABLE notify_settings (
    account_id  INTEGER PRIMARY KEY REFERENCES accounts(id),
    email       TEXT    NOT NULL DEFAULT '',
    email_kinds TEXT    NOT NULL DEFAULT '[]',
    quiet_from  TEXT    NOT NULL DEFAULT '',
    quiet_to    TEXT    NOT NULL DEFAULT '',
    digest_hour INTEGER NOT NULL DEFAULT -1,
    updated_at  TEXT    NOT NULL
);

-- A unit's group robots: the webhook and its secret sealed with the server's
-- secret keys (like TOTP secrets), and which notice kinds go to the group.
CREATE TABLE unit_robots (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER NOT NULL REFERENCES org_units(id),
    kind       TEXT    NOT NULL CHECK (kind IN ('dingtalk','wecom','feishu')),
    name       TEXT    NOT NULL,
    webhook    TEXT    NOT NULL,
    secret     TEXT    NOT NULL DEFAULT '',
    kinds      TEXT    NOT NULL DEFAULT '[]',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX unit_robots_org ON unit_robots(org_id);

-- +goose Down
DROP TABLE unit_robots;
DROP TABLE notify_settings;
DROP TABLE deliveries;
DROP TABLE inbox;
DROP TABLE notices;
