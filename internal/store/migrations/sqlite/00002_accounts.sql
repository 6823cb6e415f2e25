-- +goose Up
-- Accounts, roles, coverage, sessions, API tokens, settings and the audit
-- trail (issue 3: MLPS 2.0 level 3).
CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    name_en     TEXT    NOT NULL DEFAULT '',
    builtin     BOOLEAN NOT NULL DEFAULT FALSE,
    admin_kind  TEXT    NOT NULL DEFAULT '',
    permissions TEXT    NOT NULL DEFAULT '[]',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

-- One person, one login. Personal data is minimal: name, unit, contact.
CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    username             TEXT    NOT NULL UNIQUE,
    name                 TEXT    NOT NULL,
    org_id               INTEGER NOT NULL REFERENCES org_units(id),
    phone                TEXT    NOT NULL DEFAULT '',
    password_hash        TEXT    NOT NULL,
    password_changed_at  TEXT    NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    failures             INTEGER NOT NULL DEFAULT 0,
    locked_until         TEXT    NOT NULL DEFAULT '',
    totp_secret          TEXT    NOT NULL DEFAULT '',
    totp_enabled         BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step       INTEGER NOT NULL DEFAULT 0,
    last_login_at        TEXT    NOT NULL DEFAULT '',
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL
);
CREATE INDEX accounts_org ON accounts(org_id);

CREATE TABLE password_history (
    account_id    INTEGER NOT NULL REFERENCES accounts(id),
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX password_history_account ON password_history(account_id, created_at);

CREATE TABLE account_roles (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    role_id    INTEGER NOT NULL REFERENCES roles(id),
    PRIMARY KEY (account_id, role_id)
);

-- Coverage (分片包抓): a leader covers units, read-only unless a role grants more.
CREATE TABLE coverage (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    org_id     INTEGER NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (account_id, org_id)
);

-- Sessions live in the database so they survive restarts and work across nodes.
-- Only a hash of the session id is stored.
CREATE TABLE sessions (
    id_hash      TEXT    PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    csrf_token   TEXT    NOT NULL,
    second_factor BOOLEAN NOT NULL DEFAULT FALSE,
    client_addr  TEXT    NOT NULL DEFAULT '',
    user_agent   TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

-- API tokens for machine clients: a role and a unit, shown once, stored hashed.
CREATE TABLE api_tokens (
    id           TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL,
    secret_hash  TEXT    NOT NULL,
    role_id      INTEGER NOT NULL REFERENCES roles(id),
    org_id       INTEGER NOT NULL REFERENCES org_units(id),
    created_by   INTEGER NOT NULL REFERENCES accounts(id),
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    revoked_at   TEXT    NOT NULL DEFAULT '',
    last_used_at TEXT    NOT NULL DEFAULT ''
);

-- Settings: policy, retention, audit hash algorithm; JSON values by key.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

-- The audit trail: append-only, hash-chained. No code path updates or deletes
-- a row; `zeren audit verify` re-computes the chain.
CREATE TABLE audit_events (
    seq         INTEGER PRIMARY KEY,
    time        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    actor_id    INTEGER NOT NULL DEFAULT 0,
    org_id      INTEGER NOT NULL DEFAULT 0,
    client_addr TEXT    NOT NULL DEFAULT '',
    type        TEXT    NOT NULL,
    target      TEXT    NOT NULL DEFAULT '',
    outcome     TEXT    NOT NULL,
    before      TEXT    NOT NULL DEFAULT '',
    after       TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT '',
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    alg         TEXT    NOT NULL
);
CREATE INDEX audit_events_time ON audit_events(time);
CREATE INDEX audit_events_actor ON audit_events(actor_id, time);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE settings;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE coverage;
DROP TABLE account_roles;
DROP TABLE password_history;
DROP TABLE accounts;
DROP TABLE roles;
