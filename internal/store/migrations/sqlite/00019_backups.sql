-- +goose Up
-- Scheduled backups: the system admin's settings (one row) and every run,
-- scheduled or started by hand, with its outcome. A scheduled run carries its
-- slot (the day it is for), unique, so two nodes never back up the same day twice.
CREATE TABLE backup_settings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT CHECK (id = 1),
    enabled     BOOLEAN NOT NULL DEFAULT FALSE,
    time_of_day TEXT    NOT NULL DEFAULT '02:00',
    dir         TEXT    NOT NULL DEFAULT '',
    keep        INTEGER NOT NULL DEFAULT 14,
    updated_by  TEXT    NOT NULL DEFAULT '',
    updated_at  TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE backup_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slot        TEXT UNIQUE,
    started_by  TEXT    NOT NULL,
    started_at  TEXT    NOT NULL,
    finished_at TEXT    NOT NULL DEFAULT '',
    file        TEXT    NOT NULL DEFAULT '',
    size        INTEGER NOT NULL DEFAULT 0,
    result      TEXT    NOT NULL DEFAULT 'running',
    error       TEXT    NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE backup_runs;
DROP TABLE backup_settings;
