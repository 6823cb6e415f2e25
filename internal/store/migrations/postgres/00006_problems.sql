-- +goose Up
-- The office's decisions on the problems zeren suggests from the ledger
-- (issue 5 item 6). Suggestions themselves are never stored: they are
-- recomputed from the records each time, so they are as fresh as the ledger.
-- A decision is keyed by the report's unit, its period and the problem's
-- key, a stable hash of the problem's kind and parameters (e.g. "no theory
-- study in 2024Q2"), so it survives re-running and is found again as long as
-- the data still suggests the problem. No row means undecided.
CREATE TABLE problem_decisions (
    org_id      BIGINT NOT NULL REFERENCES org_units(id),
    period      TEXT COLLATE "C"    NOT NULL,
    problem_key TEXT COLLATE "C"    NOT NULL,
    kind        TEXT COLLATE "C"    NOT NULL,
    decision    TEXT COLLATE "C"    NOT NULL CHECK (decision IN ('accepted','dropped')),
    note        TEXT    NOT NULL DEFAULT '',
    decided_by  TEXT    NOT NULL DEFAULT '',
    decided_at  TEXT COLLATE "C"    NOT NULL,
    PRIMARY KEY (org_id, period, problem_key)
);

-- +goose Down
DROP TABLE problem_decisions;
