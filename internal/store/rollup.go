package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
)

// The rollup table holds, for every org unit and each of its descendants'
// activities, the count and attendance per (day | month, type, status); the
// venue rollup table the same per venue tag, for the activities carrying it.
// They are changed only here, inside the transaction that changes an activity
// or moves a unit, so an aggregate is exact the moment the write commits.

// fact is the part of an activity that the rollups see.
type fact struct {
	org        int64
	typ        int64
	status     domain.Status
	date       domain.Date
	attendance int64
	venues     []string // known venue tags, each once
}

type rollupKey struct {
	venue  string // "": activity_rollup; a tag: activity_venue_rollup
	org    int64
	grain  string
	bucket string
	typ    int64
	status string
}

// factVenues keeps the known venue tags of an activity, each once: the tags
// the venue rollups count (the rebuild's venue list is domain.VenueNames too).
func factVenues(vs []string) []string {
	var out []string
	for _, v := range vs {
		if _, ok := domain.VenueNames[v]; ok && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

type rollupDelta struct{ n, attendance int64 }

// rollupBatch collects deltas so one write applies each key once, in a fixed
// order (PostgreSQL row locks are then always taken in the same order, which
// rules out deadlocks between concurrent writers).
type rollupBatch map[rollupKey]rollupDelta

func (tx *Tx) addFact(ctx context.Context, b rollupBatch, f fact, sign int64) error {
	anc, err := tx.Ancestors(ctx, f.org)
	if err != nil {
		return err
	}
	venues := append([]string{""}, f.venues...)
	for _, a := range anc {
		for _, v := range venues {
			for _, k := range []rollupKey{
				{v, a, "d", f.date.String(), f.typ, string(f.status)},
				{v, a, "m", f.date.MonthKey(), f.typ, string(f.status)},
			} {
				d := b[k]
				d.n += sign
				d.attendance += sign * f.attendance
				b[k] = d
			}
		}
	}
	return nil
}

// flushChunk bounds the rows of one multi-row upsert (8 parameters each,
// well inside SQLite's limit on parameters).
const flushChunk = 500

// flush applies a batch in one total order — the activity_rollup keys
// first, then the venue keys, each table's in key order — with a few
// multi-row upserts instead of one statement (and round trip) per key. A
// PostgreSQL statement locks its rows in the order of its VALUES, so every
// writer locks rollup rows in that same order.
func (tx *Tx) flush(ctx context.Context, b rollupBatch) error {
	keys := make([]rollupKey, 0, len(b))
	for k, d := range b {
		if d.n != 0 || d.attendance != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if (a.venue == "") != (c.venue == "") {
			return a.venue == ""
		}
		if a.org != c.org {
			return a.org < c.org
		}
		if a.venue != c.venue {
			return a.venue < c.venue
		}
		if a.grain != c.grain {
			return a.grain < c.grain
		}
		if a.bucket != c.bucket {
			return a.bucket < c.bucket
		}
		if a.typ != c.typ {
			return a.typ < c.typ
		}
		return a.status < c.status
	})
	for len(keys) > 0 {
		// One statement per table and chunk.
		n := 0
		for n < len(keys) && n < flushChunk && (keys[n].venue == "") == (keys[0].venue == "") {
			n++
		}
		if err := tx.upsertRollups(ctx, keys[:n], b); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

// upsertRollups adds the deltas of keys (all of one table) to their rows.
func (tx *Tx) upsertRollups(ctx context.Context, keys []rollupKey, b rollupBatch) error {
	table, cols := "activity_rollup", "org_id, grain, bucket, type_id, status"
	if keys[0].venue != "" {
		table, cols = "activity_venue_rollup", "org_id, venue, grain, bucket, type_id, status"
	}
	args := make([]any, 0, len(keys)*8)
	var q strings.Builder
	q.WriteString("INSERT INTO " + table + " (" + cols + ", n, attendance) VALUES ")
	for i, k := range keys {
		d := b[k]
		row := []any{k.org, k.grain, k.bucket, k.typ, k.status, d.n, d.attendance}
		if k.venue != "" {
			row = []any{k.org, k.venue, k.grain, k.bucket, k.typ, k.status, d.n, d.attendance}
		}
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(" + placeholders(&args, row...) + ")")
	}
	q.WriteString(" ON CONFLICT (" + cols + ") DO UPDATE SET n = " + table + ".n + excluded.n, attendance = " +
		table + ".attendance + excluded.attendance")
	_, err := tx.exec(ctx, q.String(), args...)
	return err
}

// changeFacts applies the rollup effect of replacing old facts with new ones
// (either may be nil: create, delete).
func (tx *Tx) changeFacts(ctx context.Context, old, new *fact) error {
	if err := tx.LockTree(ctx); err != nil {
		return err
	}
	b := tx.batch
	if b == nil {
		b = rollupBatch{}
	}
	if old != nil {
		if err := tx.addFact(ctx, b, *old, -1); err != nil {
			return err
		}
	}
	if new != nil {
		if err := tx.addFact(ctx, b, *new, +1); err != nil {
			return err
		}
	}
	if tx.batch != nil {
		return nil // FlushRollups applies it
	}
	return tx.flush(ctx, b)
}

// BatchRollups makes the transaction collect the rollup deltas of its
// activity changes until FlushRollups, which applies them in one key-ordered
// pass. A write that changes several activities (a bulk approval) uses it:
// flushed one by one, its rollup rows would be locked in several ascending
// runs, and two such writes over the same days could deadlock.
func (tx *Tx) BatchRollups() {
	if tx.batch == nil {
		tx.batch = rollupBatch{}
	}
}

// FlushRollups applies the deltas collected since BatchRollups.
func (tx *Tx) FlushRollups(ctx context.Context) error {
	b := tx.batch
	tx.batch = nil
	if b == nil {
		return nil
	}
	return tx.flush(ctx, b)
}

// shiftRollup adds sign × (unit's own rollup rows, i.e. its subtree totals) to
// every ancestor of target, target included. Used by MoveOrg.
func (tx *Tx) shiftRollup(ctx context.Context, unit, target int64, sign int) error {
	for _, t := range []struct{ table, cols string }{
		{"activity_rollup", "grain, bucket, type_id, status"},
		{"activity_venue_rollup", "venue, grain, bucket, type_id, status"},
	} {
		_, err := tx.exec(ctx, `INSERT INTO `+t.table+` (org_id, `+t.cols+`, n, attendance)
			SELECT c.ancestor_id, `+prefixed("m.", t.cols)+`, m.n * $3, m.attendance * $3
			FROM `+t.table+` m CROSS JOIN org_closure c
			WHERE m.org_id = $1 AND c.descendant_id = $2
			ON CONFLICT (org_id, `+t.cols+`)
			DO UPDATE SET n = `+t.table+`.n + excluded.n, attendance = `+t.table+`.attendance + excluded.attendance`,
			unit, target, sign)
		if err != nil {
			return err
		}
		// Rows that fell to zero carry no information; drop them to keep reads short.
		if _, err = tx.exec(ctx, `DELETE FROM `+t.table+` WHERE n = 0 AND attendance = 0
			AND org_id IN (SELECT ancestor_id FROM org_closure WHERE descendant_id = $1)`, target); err != nil {
			return err
		}
	}
	return nil
}

// prefixed qualifies each column of a comma-separated list: "m.a, m.b".
func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, c := range parts {
		parts[i] = prefix + c
	}
	return strings.Join(parts, ", ")
}

// Figure is a count of activities (场次) and their summed attendance (人次).
type Figure struct {
	Count      int64 `json:"count"`
	Attendance int64 `json:"attendance"`
}

// AggQuery asks for the figure of one unit's subtree over a date range.
type AggQuery struct {
	OrgID    int64
	TypeIDs  []int64 // nil: every type
	Range    domain.Range
	Statuses []domain.Status // nil: approved only
	Venue    string          // "": every activity; a venue tag: the activities carrying it
}

// GroupBy splits an aggregate.
type GroupBy string

const (
	GroupNone   GroupBy = ""
	GroupType   GroupBy = "type"
	GroupChild  GroupBy = "child" // the unit's direct children, each with its subtree
	GroupMonth  GroupBy = "month"
	GroupStatus GroupBy = "status"
)

// Group is one row of a grouped aggregate. Key is the type id, child unit id,
// month "YYYY-MM" or status, as text.
type Group struct {
	Key string `json:"key"`
	Figure
}

// rangeParts splits [from, to) into leading days, whole months and trailing
// days, so the query reads month rows where it can.
type rangePart struct {
	grain    string
	from, to string // bucket bounds, half-open
}

func rangeParts(r domain.Range) []rangePart {
	if !r.From.Before(r.To) {
		return nil
	}
	firstMonth := domain.NewDate(r.From.Year, r.From.Month, 1)
	if firstMonth.Before(r.From) {
		firstMonth = domain.NewDate(r.From.Year, r.From.Month+1, 1)
	}
	lastMonth := domain.NewDate(r.To.Year, r.To.Month, 1) // start of the month holding To
	if !firstMonth.Before(lastMonth) {
		// No whole month inside: days only.
		return []rangePart{{"d", r.From.String(), r.To.String()}}
	}
	var parts []rangePart
	if r.From.Before(firstMonth) {
		parts = append(parts, rangePart{"d", r.From.String(), firstMonth.String()})
	}
	parts = append(parts, rangePart{"m", firstMonth.MonthKey(), lastMonth.MonthKey()})
	if lastMonth.Before(r.To) {
		parts = append(parts, rangePart{"d", lastMonth.String(), r.To.String()})
	}
	return parts
}

// Aggregate answers a figure for one unit's subtree from the rollups: its cost
// depends on the range and the number of types, never on the number of activities.
//
// The scope check rides in the same statement (a condition PostgreSQL and
// SQLite evaluate once): rows come back only for a unit in scope, so the
// common answer costs one round trip; an empty answer is checked apart, to
// tell "nothing counted" from "not found".
func (tx *Tx) Aggregate(ctx context.Context, scope domain.Scope, q AggQuery, by GroupBy) ([]Group, error) {
	parts := rangeParts(q.Range)
	roots := scope.ReadRoots()
	if len(parts) == 0 || len(roots) == 0 || q.TypeIDs != nil && len(q.TypeIDs) == 0 {
		if err := tx.requireReadable(ctx, scope, q.OrgID); err != nil {
			return nil, err
		}
		return []Group{}, nil
	}
	statuses := q.Statuses
	if statuses == nil {
		statuses = []domain.Status{domain.StatusApproved}
	}
	args := []any{}
	var orgCond string
	if by == GroupChild {
		args = append(args, q.OrgID)
		orgCond = "r.org_id IN (SELECT id FROM org_units WHERE parent_id = $1)"
	} else {
		args = append(args, q.OrgID)
		orgCond = "r.org_id = $1"
	}
	common := orgCond + " AND EXISTS (SELECT 1 FROM org_closure sc WHERE sc.descendant_id = $1 AND sc.ancestor_id IN (" +
		placeholders(&args, int64s(roots)...) + "))"
	common += " AND r.status IN (" + placeholders(&args, strs(statuses)...) + ")"
	if q.TypeIDs != nil {
		common += " AND r.type_id IN (" + placeholders(&args, int64s(q.TypeIDs)...) + ")"
	}
	table := "activity_rollup"
	if q.Venue != "" {
		table = "activity_venue_rollup"
		args = append(args, q.Venue)
		common += fmt.Sprintf(" AND r.venue = $%d", len(args))
	}
	key := "''"
	switch by {
	case GroupType:
		key = "CAST(r.type_id AS TEXT)"
	case GroupChild:
		key = "CAST(r.org_id AS TEXT)"
	case GroupMonth:
		key = "substr(r.bucket, 1, 7)"
	case GroupStatus:
		key = "r.status"
	}
	var subs []string
	for _, p := range parts {
		args = append(args, p.grain, p.from, p.to)
		n := len(args)
		subs = append(subs, fmt.Sprintf("SELECT %s AS k, r.n, r.attendance FROM %s r WHERE %s AND r.grain = $%d AND r.bucket >= $%d AND r.bucket < $%d",
			key, table, common, n-2, n-1, n))
	}
	sqlText := "SELECT k, CAST(COALESCE(SUM(n), 0) AS BIGINT), CAST(COALESCE(SUM(attendance), 0) AS BIGINT) FROM (" +
		strings.Join(subs, " UNION ALL ") + ") x GROUP BY k ORDER BY k"
	out, rowsSeen, err := tx.aggregateRows(ctx, sqlText, args)
	if err != nil {
		return nil, err
	}
	if !rowsSeen {
		if err := tx.requireReadable(ctx, scope, q.OrgID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// aggregateRows runs an aggregate's statement; rowsSeen tells whether any
// group came back (zero groups included, which prove the scope check passed).
func (tx *Tx) aggregateRows(ctx context.Context, sqlText string, args []any) (out []Group, rowsSeen bool, err error) {
	rows, err := tx.query(ctx, sqlText, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	out = []Group{}
	for rows.Next() {
		rowsSeen = true
		var g Group
		if err := rows.Scan(&g.Key, &g.Count, &g.Attendance); err != nil {
			return nil, false, tx.d.wrap(err)
		}
		if g.Count != 0 || g.Attendance != 0 {
			out = append(out, g)
		}
	}
	return out, rowsSeen, tx.d.wrap(rows.Err())
}

// Total sums grouped rows.
func Total(gs []Group) Figure {
	var f Figure
	for _, g := range gs {
		f.Count += g.Count
		f.Attendance += g.Attendance
	}
	return f
}

// NaiveAggregate recounts a figure from the activity rows themselves. It is the
// baseline the benchmarks compare against and the oracle of the property tests;
// the application never calls it.
func (tx *Tx) NaiveAggregate(ctx context.Context, q AggQuery) (Figure, error) {
	statuses := q.Statuses
	if statuses == nil {
		statuses = []domain.Status{domain.StatusApproved}
	}
	args := []any{q.OrgID, q.Range.From.String(), q.Range.To.String()}
	cond := "c.ancestor_id = $1 AND a.date >= $2 AND a.date < $3 AND a.status IN (" + placeholders(&args, strs(statuses)...) + ")"
	if q.TypeIDs != nil {
		if len(q.TypeIDs) == 0 {
			return Figure{}, nil
		}
		cond += " AND a.type_id IN (" + placeholders(&args, int64s(q.TypeIDs)...) + ")"
	}
	if q.Venue != "" {
		cond += " AND " + venueCond(q.Venue, &args)
	}
	var f Figure
	err := tx.queryRow(ctx, `SELECT COUNT(*), CAST(COALESCE(SUM(a.attendance), 0) AS BIGINT)
		FROM activities a JOIN org_closure c ON c.descendant_id = a.org_id WHERE `+cond, args...).Scan(&f.Count, &f.Attendance)
	return f, tx.d.wrap(err)
}
