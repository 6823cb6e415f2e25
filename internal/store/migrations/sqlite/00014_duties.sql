-- +goose Up
-- The duty list (责任清单): one row per duty of a year's plan. A duty's
-- progress is never stored: it is computed from activity_rollup. Type ids
-- are a JSON array; the units of a list applicability are rows of
-- duty_units, so "which duties concern this unit" is an indexed query.
CREATE TABLE duties (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    year             INTEGER NOT NULL,
    title            TEXT    NOT NULL,
    pillar           TEXT    NOT NULL,
    owner_org_id     INTEGER NOT NULL REFERENCES org_units(id),
    owner_person     TEXT    NOT NULL DEFAULT '',
    applies_kind     TEXT    NOT NULL CHECK (applies_kind IN ('subtree','kind','list')),
    applies_root     INTEGER REFERENCES org_units(id),
    applies_org_kind TEXT    NOT NULL DEFAULT '',
    measure          TEXT    NOT NULL CHECK (measure IN ('count','attendance','checklist')),
    grain            TEXT    NOT NULL CHECK (grain IN ('month','quarter','semester','year')),
    at_least         INTEGER NOT NULL DEFAULT 0,
    type_ids         TEXT    NOT NULL DEFAULT '[]',
    target_pillar    TEXT    NOT NULL DEFAULT '',
    from_date        TEXT    NOT NULL,
    to_date          TEXT    NOT NULL,
    deadline         TEXT    NOT NULL DEFAULT '',
    weight           INTEGER NOT NULL DEFAULT 0,
    note             TEXT    NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    created_by       TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX duties_year ON duties(year, id);
CREATE INDEX duties_owner ON duties(owner_org_id, year);

CREATE TABLE duty_units (
    duty_id INTEGER NOT NULL REFERENCES duties(id) ON DELETE CASCADE,
    org_id  INTEGER NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (duty_id, org_id)
);
CREATE INDEX duty_units_org ON duty_units(org_id);

-- A checklist duty is met per unit by a reviewer's sign-off of what the unit
-- submitted (a note and evidence files from the evidence store).
CREATE TABLE duty_checks (
    duty_id      INTEGER NOT NULL REFERENCES duties(id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES org_units(id),
    note         TEXT    NOT NULL DEFAULT '',
    evidence     TEXT    NOT NULL DEFAULT '[]',
    submitted_by TEXT    NOT NULL DEFAULT '',
    submitted_at TEXT    NOT NULL,
    signed_by    TEXT    NOT NULL DEFAULT '',
    signed_at    TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (duty_id, org_id)
);

-- Leading groups (领导小组): one per unit, its members as one JSON list (the
-- group is appointed and edited as one document).
CREATE TABLE leading_groups (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER NOT NULL UNIQUE REFERENCES org_units(id),
    name       TEXT    NOT NULL,
    members    TEXT    NOT NULL DEFAULT '[]',
    version    INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT    NOT NULL DEFAULT '',
    updated_at TEXT    NOT NULL
);

-- +goose Down
DROP TABLE leading_groups;
DROP TABLE duty_checks;
DROP TABLE duty_units;
DROP TABLE duties;
