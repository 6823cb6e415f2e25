-- +goose Up
-- The venue dimension of the rollups (issue 10): for every org unit and each
-- of its descendants' activities tagged with a venue (进机关、进校园、进课堂 …),
-- the count and attendance per (venue, day | month, type, status). A venue
-- figure of a work report reads these rows instead of every outreach record
-- of its period. An activity with two venues counts once under each; one
-- without a venue has no row here (activity_rollup counts every activity).
-- Kept in the transaction of every activity write and unit move, like
-- activity_rollup, and rebuilt by the bulk load with the same query as the
-- backfill below (store/bulk.go rollupVenueDaysSQL): a venue is the quoted tag
-- inside the activity's JSON list, the test a figure's record list uses.
CREATE TABLE activity_venue_rollup (
    org_id     INTEGER NOT NULL,
    venue      TEXT    NOT NULL,
    grain      TEXT    NOT NULL,
    bucket     TEXT    NOT NULL,
    type_id    INTEGER NOT NULL,
    status     TEXT    NOT NULL,
    n          INTEGER NOT NULL,
    attendance INTEGER NOT NULL,
    PRIMARY KEY (org_id, venue, grain, bucket, type_id, status)
) WITHOUT ROWID;

INSERT INTO activity_venue_rollup (org_id, venue, grain, bucket, type_id, status, n, attendance)
SELECT c.ancestor_id, v.venue, 'd', a.date, a.type_id, a.status, COUNT(*), CAST(SUM(a.attendance) AS BIGINT)
FROM activities a
CROSS JOIN (SELECT 'campus' AS venue UNION ALL SELECT 'classroom' UNION ALL SELECT 'community'
            UNION ALL SELECT 'office' UNION ALL SELECT 'online') v
CROSS JOIN org_closure c
WHERE a.venues <> '[]' AND a.venues LIKE ('%"' || v.venue || '"%') AND c.descendant_id = a.org_id
GROUP BY c.ancestor_id, v.venue, a.date, a.type_id, a.status;

INSERT INTO activity_venue_rollup (org_id, venue, grain, bucket, type_id, status, n, attendance)
SELECT org_id, venue, 'm', substr(bucket, 1, 7), type_id, status, CAST(SUM(n) AS BIGINT), CAST(SUM(attendance) AS BIGINT)
FROM activity_venue_rollup WHERE grain = 'd'
GROUP BY org_id, venue, substr(bucket, 1, 7), type_id, status;

-- +goose Down
DROP TABLE activity_venue_rollup;
