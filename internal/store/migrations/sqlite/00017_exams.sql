-- +goose Up
-- Online exams (在线考试, issue 15).
--
-- A question keeps its current content in exam_questions (what lists and
-- filters read) and every version it ever had in exam_question_versions,
-- which is never changed: an attempt points at the versions it drew, so an
-- edit never changes a finished attempt.
CREATE TABLE question_banks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES org_units(id),
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    created_by  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX question_banks_org ON question_banks (org_id);

CREATE TABLE exam_questions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    bank_id     INTEGER NOT NULL REFERENCES question_banks(id),
    version     INTEGER NOT NULL DEFAULT 1,
    version_id  INTEGER NOT NULL DEFAULT 0,
    kind        TEXT    NOT NULL CHECK (kind IN ('single','multiple','judge','fill')),
    stem        TEXT    NOT NULL,
    options     TEXT    NOT NULL DEFAULT '[]',
    answer      TEXT    NOT NULL,
    tags        TEXT    NOT NULL DEFAULT '[]',
    difficulty  INTEGER NOT NULL DEFAULT 3,
    explanation TEXT    NOT NULL DEFAULT '',
    points      INTEGER NOT NULL DEFAULT 1,
    retired     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX exam_questions_bank ON exam_questions (bank_id, retired, difficulty);

CREATE TABLE exam_question_versions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id INTEGER NOT NULL REFERENCES exam_questions(id),
    version     INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    stem        TEXT    NOT NULL,
    options     TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    explanation TEXT    NOT NULL DEFAULT '',
    points      INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (question_id, version)
);

-- paper is the manager's paper (fixed ids or draw rules); pool, written at
-- publication, is the frozen version ids each rule draws from (or the fixed
-- paper's versions), so a start reads one row and draws without contention.
CREATE TABLE exams (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id           INTEGER NOT NULL REFERENCES org_units(id),
    title            TEXT    NOT NULL,
    opens_at         TEXT    NOT NULL,
    closes_at        TEXT    NOT NULL,
    duration_minutes INTEGER NOT NULL,
    pass_mark        INTEGER NOT NULL DEFAULT 0,
    attempts_allowed INTEGER NOT NULL DEFAULT 1,
    paper            TEXT    NOT NULL,
    pool             TEXT    NOT NULL DEFAULT '',
    shuffle_options  BOOLEAN NOT NULL DEFAULT FALSE,
    reveal           TEXT    NOT NULL CHECK (reveal IN ('score','answers','explanations')),
    reveal_after     TEXT    NOT NULL CHECK (reveal_after IN ('submit','close')),
    state            TEXT    NOT NULL CHECK (state IN ('draft','published','cancelled')),
    candidates       INTEGER NOT NULL DEFAULT 0,
    max_score        INTEGER NOT NULL DEFAULT 0,
    created_by       TEXT    NOT NULL,
    created_by_id    INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX exams_org ON exams (org_id, state);

-- The audience as the manager wrote it: one row per unit, role or account.
CREATE TABLE exam_audience (
    exam_id    INTEGER NOT NULL REFERENCES exams(id),
    kind       TEXT    NOT NULL CHECK (kind IN ('org','role','account')),
    org_id     INTEGER REFERENCES org_units(id),
    role       TEXT    NOT NULL DEFAULT '',
    account_id INTEGER REFERENCES accounts(id)
);
CREATE INDEX exam_audience_exam ON exam_audience (exam_id);

-- The candidates, resolved at publication (with their unit then).
CREATE TABLE exam_candidates (
    exam_id    INTEGER NOT NULL REFERENCES exams(id),
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    org_id     INTEGER NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (exam_id, account_id)
);
CREATE INDEX exam_candidates_account ON exam_candidates (account_id);
CREATE INDEX exam_candidates_org ON exam_candidates (exam_id, org_id);

-- An attempt and, once submitted, its result. deadline = min(start +
-- duration, the window's close), on the server's clock.
CREATE TABLE exam_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    exam_id      INTEGER NOT NULL REFERENCES exams(id),
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    org_id       INTEGER NOT NULL REFERENCES org_units(id),
    attempt_no   INTEGER NOT NULL,
    started_at   TEXT    NOT NULL,
    deadline     TEXT    NOT NULL,
    submitted_at TEXT    NOT NULL DEFAULT '',
    state        TEXT    NOT NULL CHECK (state IN ('open','submitted','expired')),
    score        INTEGER NOT NULL DEFAULT 0,
    max_score    INTEGER NOT NULL DEFAULT 0,
    passed       BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (exam_id, account_id, attempt_no)
);
CREATE INDEX exam_attempts_due ON exam_attempts (state, deadline);
CREATE INDEX exam_attempts_exam ON exam_attempts (exam_id, org_id);
CREATE INDEX exam_attempts_account ON exam_attempts (account_id);

-- The drawn paper: which version, the option order shown (original keys in
-- display order), the points, and the score once graded (-1 before).
CREATE TABLE exam_attempt_questions (
    attempt_id   INTEGER NOT NULL REFERENCES exam_attempts(id),
    position     INTEGER NOT NULL,
    question_id  INTEGER NOT NULL REFERENCES exam_questions(id),
    version_id   INTEGER NOT NULL REFERENCES exam_question_versions(id),
    option_order TEXT    NOT NULL DEFAULT '',
    points       INTEGER NOT NULL,
    score        INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (attempt_id, position)
);

-- Saved answers: the value as the candidate gave it (display keys) and the
-- device's counter; an older seq never overwrites a newer one.
CREATE TABLE exam_answers (
    attempt_id  INTEGER NOT NULL REFERENCES exam_attempts(id),
    question_id INTEGER NOT NULL,
    value       TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    saved_at    TEXT    NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
);

-- +goose Down
DROP TABLE exam_answers;
DROP TABLE exam_attempt_questions;
DROP TABLE exam_attempts;
DROP TABLE exam_candidates;
DROP TABLE exam_audience;
DROP TABLE exams;
DROP TABLE exam_question_versions;
DROP TABLE exam_questions;
DROP TABLE question_banks;
