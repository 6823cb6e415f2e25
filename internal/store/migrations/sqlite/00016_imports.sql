-- +goose Up
-- One import of an office's own workbook: who imported which file (by its
-- SHA-256) into which unit, and how many records. Imported records point at
-- their batch, so the anti-formalism rules tell back-filled ledgers from daily
-- recording, and the ledger lists one import's records.
CREATE TABLE import_batches (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL,
    org_id        INTEGER NOT NULL REFERENCES org_units(id),
    file_sha256   TEXT    NOT NULL,
    file_name     TEXT    NOT NULL DEFAULT '',
    rows          INTEGER NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX import_batches_org ON import_batches(org_id, id);
ALTER TABLE activities ADD COLUMN import_batch_id INTEGER REFERENCES import_batches(id);
CREATE INDEX activities_import_batch ON activities(import_batch_id) WHERE import_batch_id IS NOT NULL;
-- The column mapping an office chose for its own workbooks, per unit.
CREATE TABLE import_mappings (
    org_id     INTEGER NOT NULL REFERENCES org_units(id),
    kind       TEXT    NOT NULL,
    mapping    TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (org_id, kind)
);

-- +goose Down
DROP TABLE import_mappings;
DROP INDEX activities_import_batch;
ALTER TABLE activities DROP COLUMN import_batch_id;
DROP TABLE import_batches;
