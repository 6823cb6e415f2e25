-- +goose Up
-- Ids are never reused (issue 9). On SQLite this migration rebuilds the
-- tables whose ids are stored elsewhere with AUTOINCREMENT; PostgreSQL's
-- identity columns draw from sequences, which never hand out a value twice,
-- so they need nothing.
--
-- The records behind a stored report are matched by id and creation stamp,
-- so an id that ever named two records cannot make a report vouch for the
-- second. Existing snapshots take the stamp of the record that holds the id
-- now if that record is older than the report.
ALTER TABLE report_records ADD COLUMN created_at TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE report_records rr SET created_at = CASE WHEN a.created_at <= r.created_at THEN a.created_at ELSE 'replaced' END
    FROM activities a, reports r WHERE a.id = rr.activity_id AND r.id = rr.report_id;

-- +goose Down
ALTER TABLE report_records DROP COLUMN created_at;
