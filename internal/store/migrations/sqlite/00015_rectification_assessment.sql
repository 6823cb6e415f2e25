-- +goose Up
-- Rectification (整改, issue 13 item 5) and the yearly assessment (考核, item 6).
--
-- A rectification belongs to its owner unit (org_id), which fixes it, and is
-- signed off by its reviewing unit (review_org_id: the creator's unit, or the
-- owner's parent when the owner found it itself). escalation is how many
-- levels above the owner an overdue item stands; escalated_to is that unit.
-- submitted_on is the day of the latest submission: once closed it is the day
-- the work was done, by which on-time and 立行立改 are judged.
CREATE TABLE rectifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id          INTEGER NOT NULL REFERENCES org_units(id),
    review_org_id   INTEGER NOT NULL REFERENCES org_units(id),
    source          TEXT    NOT NULL CHECK (source IN ('problem','inspection','case','manual')),
    ref             TEXT    NOT NULL DEFAULT '',
    finding         TEXT    NOT NULL,
    measures        TEXT    NOT NULL DEFAULT '',
    responsible     TEXT    NOT NULL DEFAULT '',
    responsible_id  INTEGER REFERENCES accounts(id),
    opened_on       TEXT    NOT NULL,
    deadline        TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('open','submitted','closed','returned')),
    submitted_on    TEXT    NOT NULL DEFAULT '',
    submitted_by_id INTEGER NOT NULL DEFAULT 0,
    closed_on       TEXT    NOT NULL DEFAULT '',
    return_reason   TEXT    NOT NULL DEFAULT '',
    escalation      INTEGER NOT NULL DEFAULT 0,
    escalated_to    INTEGER REFERENCES org_units(id),
    created_by      TEXT    NOT NULL,
    created_by_id   INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX rectifications_org ON rectifications (org_id, state);
CREATE INDEX rectifications_review ON rectifications (review_org_id, state);
CREATE INDEX rectifications_due ON rectifications (state, deadline);

-- The timeline: progress notes, submissions, sign-offs, send-backs, escalations.
CREATE TABLE rectification_notes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    rectification_id INTEGER NOT NULL REFERENCES rectifications(id),
    kind             TEXT    NOT NULL,
    body             TEXT    NOT NULL DEFAULT '',
    author           TEXT    NOT NULL,
    author_id        INTEGER NOT NULL DEFAULT 0,
    at               TEXT    NOT NULL
);
CREATE INDEX rectification_notes_item ON rectification_notes (rectification_id, id);

-- Closure evidence: the ledger's content-addressed blobs, linked here.
CREATE TABLE rectification_evidence (
    rectification_id INTEGER NOT NULL REFERENCES rectifications(id),
    sha256           TEXT    NOT NULL REFERENCES evidence_blobs(sha256),
    filename         TEXT    NOT NULL,
    attached_at      TEXT    NOT NULL,
    PRIMARY KEY (rectification_id, sha256)
);

-- A rubric scores the units of one kind in one unit's subtree for a year.
-- Its items (weights, indicators, rules) are one JSON document checked by
-- internal/assess: they are read and written whole.
CREATE TABLE rubrics (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     INTEGER NOT NULL REFERENCES org_units(id),
    year       INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    unit_kind  TEXT    NOT NULL CHECK (unit_kind IN ('district','school','branch')),
    total      REAL    NOT NULL,
    items      TEXT    NOT NULL,
    created_by TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (org_id, year, name)
);

-- Manual adjustments of a unit's score, each with its written reason.
CREATE TABLE rubric_adjustments (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    rubric_id INTEGER NOT NULL REFERENCES rubrics(id),
    org_id    INTEGER NOT NULL REFERENCES org_units(id),
    points    REAL    NOT NULL,
    reason    TEXT    NOT NULL,
    author    TEXT    NOT NULL,
    at        TEXT    NOT NULL
);
CREATE INDEX rubric_adjustments_unit ON rubric_adjustments (rubric_id, org_id);

-- +goose Down
DROP TABLE rubric_adjustments;
DROP TABLE rubrics;
DROP TABLE rectification_evidence;
DROP TABLE rectification_notes;
DROP TABLE rectifications;
