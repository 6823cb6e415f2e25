-- +goose Up
-- "Units with" (issue 10): how many schools of a subtree hold at least one
-- record of a type in a period — the work report's 共有N所学校开展了宣讲. For
-- the province that is every school: probing each school's rollup rows (one
-- index descent per school, the year's rows of every type read) cost most of
-- the province preview. This index answers it with one range scan per type
-- and status — the month rows of every unit that has one, in
-- (type, grain, status, bucket) order — hashed against the subtree's units
-- of the kind. Partial on n > 0: only a query that says n > 0 (the
-- units-with query, store.UnitsWithRollup) can use it, and PostgreSQL reads
-- it alone (an index-only scan: the predicate answers n > 0).
CREATE INDEX activity_rollup_units_with ON activity_rollup (type_id, grain, status, bucket, org_id) WHERE n > 0;

-- +goose Down
DROP INDEX activity_rollup_units_with;
