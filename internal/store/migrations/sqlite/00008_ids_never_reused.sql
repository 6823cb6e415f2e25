-- +goose NO TRANSACTION
-- +goose Up
-- Ids are never reused (issue 9). A SQLite table whose key is a plain
-- INTEGER PRIMARY KEY gives a new row the largest id + 1, so deleting the
-- newest activity and recording another hands the deleted one's id to a
-- different record — and a stored report, an audit event, an idempotency key
-- or a shared ledger link that names the old id then vouches for the new
-- record. AUTOINCREMENT never hands out an id twice (sqlite_sequence keeps
-- the largest ever used). It cannot be added to a table in place: each table
-- whose ids are stored elsewhere is rebuilt — created anew, its rows copied,
-- the old one dropped, the new one renamed, its indexes recreated — the
-- procedure of https://www.sqlite.org/lang_altertable.html#otheralter.
--
-- Foreign keys must be off while a referenced table is dropped: with them on,
-- DROP TABLE deletes every row first, which cascades to evidence links and
-- idempotency keys. PRAGMA foreign_keys is ignored inside a transaction, hence
-- NO TRANSACTION here and an explicit BEGIN … COMMIT around the rebuild; the
-- store's writer pool is one connection, so every statement runs on it. The
-- guard table refuses to go on if foreign keys are still on, and a second
-- guard refuses to commit a rebuild that left a dangling reference.
--
-- The copies are INSERT … SELECT *: a column added to one of these tables by
-- an earlier migration that this file does not know makes the copy fail
-- loudly instead of losing the column.
--
-- PostgreSQL's identity columns draw from sequences, which never go back:
-- its 00008 only adds the creation stamp to report_records.
PRAGMA foreign_keys = OFF;
CREATE TEMP TABLE migration_guard (what TEXT NOT NULL, n INTEGER NOT NULL CHECK (n = 0));
INSERT INTO migration_guard SELECT 'foreign keys are still on', foreign_keys FROM pragma_foreign_keys;
BEGIN;

CREATE TABLE org_units_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id    INTEGER REFERENCES org_units(id),
    kind         TEXT    NOT NULL CHECK (kind IN ('bureau','district','school','branch')),
    code         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    aliases      TEXT    NOT NULL DEFAULT '[]',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    active_from  TEXT    NOT NULL DEFAULT '',
    active_until TEXT    NOT NULL DEFAULT '',
    depth        INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
INSERT INTO org_units_new SELECT * FROM org_units;
DROP TABLE org_units;
ALTER TABLE org_units_new RENAME TO org_units;
CREATE INDEX org_units_parent ON org_units(parent_id);

CREATE TABLE activity_types_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    code               TEXT    NOT NULL UNIQUE,
    pillar             TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    name_en            TEXT    NOT NULL DEFAULT '',
    venues             TEXT    NOT NULL DEFAULT '[]',
    expects_attendance BOOLEAN NOT NULL DEFAULT FALSE,
    expects_evidence   BOOLEAN NOT NULL DEFAULT FALSE,
    tracks_publication BOOLEAN NOT NULL DEFAULT FALSE,
    active             BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order         INTEGER NOT NULL DEFAULT 0,
    description        TEXT    NOT NULL DEFAULT '',
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
INSERT INTO activity_types_new SELECT * FROM activity_types;
DROP TABLE activity_types;
ALTER TABLE activity_types_new RENAME TO activity_types;

CREATE TABLE activities_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id         INTEGER NOT NULL REFERENCES org_units(id),
    type_id        INTEGER NOT NULL REFERENCES activity_types(id),
    date           TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    attendance     INTEGER NOT NULL DEFAULT 0,
    venues         TEXT    NOT NULL DEFAULT '[]',
    publication    TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL CHECK (status IN ('draft','submitted','approved','returned')),
    return_reason  TEXT    NOT NULL DEFAULT '',
    evidence_count INTEGER NOT NULL DEFAULT 0,
    created_by     TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
INSERT INTO activities_new SELECT * FROM activities;
DROP TABLE activities;
ALTER TABLE activities_new RENAME TO activities;
CREATE INDEX activities_org_date ON activities(org_id, date);
CREATE INDEX activities_date ON activities(date);
CREATE INDEX activities_type_date ON activities(type_id, date);

CREATE TABLE roles_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    name_en     TEXT    NOT NULL DEFAULT '',
    builtin     BOOLEAN NOT NULL DEFAULT FALSE,
    admin_kind  TEXT    NOT NULL DEFAULT '',
    permissions TEXT    NOT NULL DEFAULT '[]',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
INSERT INTO roles_new SELECT * FROM roles;
DROP TABLE roles;
ALTER TABLE roles_new RENAME TO roles;

CREATE TABLE accounts_new (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO accounts_new SELECT * FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;
CREATE INDEX accounts_org ON accounts(org_id);

CREATE TABLE teams_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id       INTEGER NOT NULL REFERENCES org_units(id),
    kind         TEXT    NOT NULL CHECK (kind IN ('outreach','commentator','monitor','information','volunteer')),
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    founded_on   TEXT    NOT NULL,
    dissolved_on TEXT    NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_by   TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
INSERT INTO teams_new SELECT * FROM teams;
DROP TABLE teams;
ALTER TABLE teams_new RENAME TO teams;
CREATE UNIQUE INDEX teams_org_name ON teams(org_id, name);
CREATE INDEX teams_kind_org ON teams(kind, org_id);

CREATE TABLE team_members_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id    INTEGER NOT NULL REFERENCES teams(id),
    org_id     INTEGER NOT NULL REFERENCES org_units(id),
    name       TEXT    NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('leader','deputy','member','liaison')),
    title      TEXT    NOT NULL DEFAULT '',
    phone      TEXT    NOT NULL DEFAULT '',
    joined_on  TEXT    NOT NULL,
    left_on    TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
INSERT INTO team_members_new SELECT * FROM team_members;
DROP TABLE team_members;
ALTER TABLE team_members_new RENAME TO team_members;
CREATE INDEX team_members_team ON team_members(team_id, joined_on);
CREATE UNIQUE INDEX team_members_current ON team_members(team_id, org_id, name) WHERE left_on = '';

CREATE TABLE report_templates_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    version     INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL DEFAULT ''
);
INSERT INTO report_templates_new SELECT * FROM report_templates;
DROP TABLE report_templates;
ALTER TABLE report_templates_new RENAME TO report_templates;

CREATE TABLE reports_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id           INTEGER NOT NULL REFERENCES org_units(id),
    period           TEXT    NOT NULL,
    template_id      INTEGER NOT NULL REFERENCES report_templates(id),
    template_version INTEGER NOT NULL,
    params           TEXT    NOT NULL DEFAULT '{}',
    rendered         TEXT    NOT NULL,
    created_by       TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL
);
INSERT INTO reports_new SELECT * FROM reports;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;
CREATE INDEX reports_org ON reports(org_id, created_at);

-- The records behind a stored report are matched by id and creation stamp:
-- an id that now names another record (reused before this migration) makes
-- the record count as deleted, not as unchanged. Existing snapshots take the
-- stamp of the record that holds the id now if that record is older than the
-- report; a younger one cannot be the record the report counted.
ALTER TABLE report_records ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
UPDATE report_records SET created_at = COALESCE((SELECT CASE WHEN a.created_at <= r.created_at THEN a.created_at ELSE 'replaced' END
    FROM activities a, reports r WHERE a.id = report_records.activity_id AND r.id = report_records.report_id), '');

INSERT INTO migration_guard SELECT 'dangling references', COUNT(*) FROM pragma_foreign_key_check;
COMMIT;
DROP TABLE migration_guard;
PRAGMA foreign_keys = ON;

-- +goose Down
-- The tables keep AUTOINCREMENT: it changes no data, only which ids are handed out.
ALTER TABLE report_records DROP COLUMN created_at;
