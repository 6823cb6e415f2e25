-- +goose Up
-- The ledger's indexes (issue 10): one per sort the ledger offers, ending in
-- the id that breaks ties, so the first page of the province and every
-- keyset page after it is a range scan of LIMIT rows (no sort of the whole
-- scope); and the filters a ledger list narrows by that no other index
-- serves: status (the approvals to do) and creator with creation time (the
-- records of a back-filled batch). Each sort index carries the unit after
-- the id: walking it for a district, the scope test reads the index alone and
-- only the rows on the page are fetched. A small subtree is read through
-- activities_org_date and sorted. (date, id, org_id) replaces the index on
-- date alone.
DROP INDEX activities_date;
CREATE INDEX activities_date_id ON activities(date, id, org_id);
CREATE INDEX activities_created_at_id ON activities(created_at, id, org_id);
CREATE INDEX activities_updated_at_id ON activities(updated_at, id, org_id);
CREATE INDEX activities_attendance_id ON activities(attendance, id, org_id);
CREATE INDEX activities_title_id ON activities(title, id, org_id);
CREATE INDEX activities_status_date_id ON activities(status, date, id, org_id);
CREATE INDEX activities_creator_created ON activities(created_by, created_at, id);

-- A file's other records, listed by id and bounded (the "shared with" of
-- a page): a range of this index per file, not every carrier.
DROP INDEX activity_evidence_sha;
CREATE INDEX activity_evidence_sha_activity ON activity_evidence(sha256, activity_id);

-- +goose Down
DROP INDEX activity_evidence_sha_activity;
CREATE INDEX activity_evidence_sha ON activity_evidence(sha256);
DROP INDEX activities_creator_created;
DROP INDEX activities_status_date_id;
DROP INDEX activities_title_id;
DROP INDEX activities_attendance_id;
DROP INDEX activities_updated_at_id;
DROP INDEX activities_created_at_id;
DROP INDEX activities_date_id;
CREATE INDEX activities_date ON activities(date);
