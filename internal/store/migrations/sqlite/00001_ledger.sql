-- +goose Up
-- The org tree: adjacency (parent_id) for edits, a closure table for cheap
-- subtree queries at any depth and size.
CREATE TABLE org_units (
    id           INTEGER PRIMARY KEY,
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
CREATE INDEX org_units_parent ON org_units(parent_id);

CREATE TABLE org_closure (
    ancestor_id   INTEGER NOT NULL REFERENCES org_units(id),
    descendant_id INTEGER NOT NULL REFERENCES org_units(id),
    depth         INTEGER NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX org_closure_descendant ON org_closure(descendant_id, ancestor_id);

-- Semester boundaries per bureau (the root of a tree).
CREATE TABLE semester_calendars (
    org_id       INTEGER PRIMARY KEY REFERENCES org_units(id),
    spring_start TEXT NOT NULL,
    autumn_start TEXT NOT NULL
);

CREATE TABLE activity_types (
    id                 INTEGER PRIMARY KEY,
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

CREATE TABLE activities (
    id             INTEGER PRIMARY KEY,
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
CREATE INDEX activities_org_date ON activities(org_id, date);
CREATE INDEX activities_date ON activities(date);
CREATE INDEX activities_type_date ON activities(type_id, date);

-- Rollups kept in the same transaction as every activity write, for every
-- ancestor of the activity's unit (itself included), at two grains: 'd' (bucket
-- YYYY-MM-DD) and 'm' (bucket YYYY-MM). An aggregate reads at most a few hundred
-- rows whatever the number of activities.
CREATE TABLE activity_rollup (
    org_id     INTEGER NOT NULL,
    grain      TEXT    NOT NULL,
    bucket     TEXT    NOT NULL,
    type_id    INTEGER NOT NULL,
    status     TEXT    NOT NULL,
    n          INTEGER NOT NULL,
    attendance INTEGER NOT NULL,
    PRIMARY KEY (org_id, grain, bucket, type_id, status)
) WITHOUT ROWID;

CREATE TABLE evidence_blobs (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    media_type TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);

CREATE TABLE activity_evidence (
    activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    sha256      TEXT    NOT NULL REFERENCES evidence_blobs(sha256),
    filename    TEXT    NOT NULL,
    attached_at TEXT    NOT NULL,
    PRIMARY KEY (activity_id, sha256)
);
CREATE INDEX activity_evidence_sha ON activity_evidence(sha256);

-- Closed periods: approved activities dated inside one are locked.
CREATE TABLE period_closures (
    period     TEXT PRIMARY KEY,
    from_date  TEXT NOT NULL,
    to_date    TEXT NOT NULL,
    closed_at  TEXT NOT NULL,
    closed_by  TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE period_closures;
DROP TABLE activity_evidence;
DROP TABLE evidence_blobs;
DROP TABLE activity_rollup;
DROP TABLE activities;
DROP TABLE activity_types;
DROP TABLE semester_calendars;
DROP TABLE org_closure;
DROP TABLE org_units;
