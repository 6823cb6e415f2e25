-- +goose Up
-- "Units with" (issue 10): how many schools of a subtree hold at least one
-- record of a type in a period — the work report's 共有N所学校开展了宣讲. For
-- the province that is every school: probing each school's rollup rows (one
-- index descent per school, the year's rows of every type read) cost most of
-- the province preview. This index answers it with one range scan per type
-- and status — the month rows of every unit that has one, in
-- (type, grain, status, bucket) order — tested against the subtree's units
-- of the kind held in memory. n is a column so the scan never reads the
-- table (covering). Partial on n > 0: only a query that says n > 0 (the
-- units-with query, store.UnitsWithRollup) can use it, so the planner never
-- trades an aggregate's unit-first primary key for it.
CREATE INDEX activity_rollup_units_with ON activity_rollup (type_id, grain, status, bucket, org_id, n) WHERE n > 0;

-- +goose Down
DROP INDEX activity_rollup_units_with;
