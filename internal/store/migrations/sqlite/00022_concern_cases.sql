-- +goose Up
-- Public-concern cases (舆情事件处置, issue 14 item 5; internal/casework).
--
-- A case belongs to the unit where it happened (org_id, 属地管理): that
-- unit's subtree readers and every unit above see it. It is opened from a
-- story (story_id) or by hand (also for incidents never seen online).
-- escalated_to is the unit a passed deadline moved it to (the parent of
-- org_id); rectification_id the rectification opened from it.
CREATE TABLE cases (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id           INTEGER NOT NULL REFERENCES org_units(id),
    story_id         INTEGER REFERENCES concern_stories(id),
    title            TEXT    NOT NULL,
    summary          TEXT    NOT NULL DEFAULT '',
    kind             TEXT NOT NULL CHECK (kind IN ('ideology','safety','ethics','service','other')),
    severity         TEXT NOT NULL CHECK (severity IN ('major','significant','general')),
    state            TEXT NOT NULL CHECK (state IN ('new','assessing','responding','resolved','closed')),
    assessment       TEXT    NOT NULL DEFAULT '',
    public_response  TEXT    NOT NULL DEFAULT '',
    review           TEXT    NOT NULL DEFAULT '',
    opened_at        TEXT NOT NULL,
    resolved_at      TEXT NOT NULL DEFAULT '',
    closed_at        TEXT NOT NULL DEFAULT '',
    escalated_to     INTEGER REFERENCES org_units(id),
    rectification_id INTEGER REFERENCES rectifications(id),
    created_by       TEXT    NOT NULL,
    created_by_id    INTEGER NOT NULL DEFAULT 0,
    updated_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_org ON cases (org_id, state);
CREATE INDEX cases_opened ON cases (opened_at);
CREATE INDEX cases_story ON cases (story_id);
CREATE INDEX cases_escalated ON cases (escalated_to);

-- A case's three deadlines (triage, response, resolution): when each falls
-- (recomputed when the severity changes), when its step was done, and when
-- its passing escalated the case — set once, by whichever node's sweep
-- updates the row first (escalated_at = '' in the WHERE), so it fires once.
CREATE TABLE case_deadlines (
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    kind         TEXT NOT NULL CHECK (kind IN ('triage','response','resolution')),
    due_at       TEXT NOT NULL,
    done_at      TEXT NOT NULL DEFAULT '',
    escalated_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, kind)
);
CREATE INDEX case_deadlines_due ON case_deadlines (done_at, escalated_at, due_at);

-- The timeline: every step, note, file, severity change and escalation.
CREATE TABLE case_steps (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    kind      TEXT NOT NULL,
    body      TEXT    NOT NULL DEFAULT '',
    author    TEXT    NOT NULL,
    author_id INTEGER NOT NULL DEFAULT 0,
    at        TEXT NOT NULL
);
CREATE INDEX case_steps_case ON case_steps (case_id, id);

-- Evidence files: the ledger's content-addressed blobs, linked here.
CREATE TABLE case_evidence (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    sha256      TEXT NOT NULL REFERENCES evidence_blobs(sha256),
    filename    TEXT    NOT NULL,
    attached_at TEXT NOT NULL,
    PRIMARY KEY (case_id, sha256)
);

-- The office's time limits per severity, in minutes; a severity without a
-- row uses casework.DefaultTiers.
CREATE TABLE case_tiers (
    severity           TEXT PRIMARY KEY CHECK (severity IN ('major','significant','general')),
    triage_minutes     INTEGER NOT NULL,
    response_minutes   INTEGER NOT NULL,
    resolution_minutes INTEGER NOT NULL,
    updated_by         TEXT    NOT NULL,
    updated_at         TEXT NOT NULL
);

-- +goose Down
DROP TABLE case_tiers;
DROP TABLE case_evidence;
DROP TABLE case_steps;
DROP TABLE case_deadlines;
DROP TABLE cases;
