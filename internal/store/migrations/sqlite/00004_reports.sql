-- +goose Up
-- The work report (issue 5): versioned templates and generated reports kept as
-- snapshots. A template version is never overwritten: an edit adds a version.
-- A report stores what it said (rendered blocks and figures) and, per figure,
-- the ids of the records it counted, so later edits to them can be flagged.
CREATE TABLE report_templates (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    version     INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE report_template_versions (
    template_id INTEGER NOT NULL REFERENCES report_templates(id),
    version     INTEGER NOT NULL,
    source      TEXT    NOT NULL,
    created_by  TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (template_id, version)
);

CREATE TABLE reports (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES org_units(id),
    period           TEXT    NOT NULL,
    template_id      INTEGER NOT NULL REFERENCES report_templates(id),
    template_version INTEGER NOT NULL,
    params           TEXT    NOT NULL DEFAULT '{}',
    rendered         TEXT    NOT NULL,
    created_by       TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL
);
CREATE INDEX reports_org ON reports(org_id, created_at);

-- One row per figure: value, canonical query, records link, the SHA-256 of
-- its sorted record ids (hex) and the ids themselves as a JSON list (the
-- appendix lists them; a recheck recomputes the digest against them).
CREATE TABLE report_figures (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    expr      TEXT    NOT NULL,
    value     INTEGER NOT NULL,
    query     TEXT    NOT NULL,
    records   TEXT    NOT NULL DEFAULT '',
    digest    TEXT    NOT NULL,
    n_records INTEGER NOT NULL DEFAULT 0,
    record_ids TEXT   NOT NULL DEFAULT '[]',
    PRIMARY KEY (report_id, idx)
);

-- The records behind a report (any figure), with the version and status they
-- had when it was generated: staleness is one indexed join against
-- activities, never a recount. No foreign key to activities: a deleted record
-- must stay listed here so its deletion can be reported.
CREATE TABLE report_records (
    report_id   INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    activity_id INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    status      TEXT    NOT NULL,
    title       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, activity_id)
);

-- +goose Down
DROP TABLE report_records;
DROP TABLE report_figures;
DROP TABLE reports;
DROP TABLE report_template_versions;
DROP TABLE report_templates;
