package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
)

// The ledger list at province size (issue 10): pages by key, counts once,
// and limits the scope by joining the subtree's closure rows — or not at all
// when the scope is the whole tree.

// ActivityCursor is where a keyset page starts: the sort key and id of the
// last row of the page before it. The page holds the rows that follow that
// row in the list's order, whatever was inserted or deleted meanwhile.
type ActivityCursor struct {
	Sort string `json:"s"`
	Asc  bool   `json:"a,omitempty"`
	Key  string `json:"k"` // the sort column's stored value as text
	ID   int64  `json:"i"`
}

// CountMode says what total a page carries.
type CountMode int

const (
	// CountExact counts every matching row: exact from the rollups when the
	// filter is one they answer (unit, type, status, dates), otherwise a COUNT.
	CountExact CountMode = iota
	// CountCapped is exact from the rollups when the filter allows; otherwise
	// it counts at most CountCap+1 rows and says "at least CountCap".
	CountCapped
	// CountNone computes no total (later pages, the export).
	CountNone
)

// CountCap is where a capped count stops.
const CountCap = 10_000

// ActivityPage is a page of the ledger.
type ActivityPage struct {
	Items  []domain.Activity
	Total  int             // -1 under CountNone
	Capped bool            // Total is a lower bound: more than CountCap rows match
	Next   *ActivityCursor // the cursor of the next page; nil: this page is the last
}

// sortColumn is the column of a sort key (date when empty or unknown).
func sortColumn(sort string) (string, string) {
	col, ok := activitySorts[sort]
	if !ok {
		return "date", activitySorts["date"]
	}
	return sort, col
}

// ledgerScope is the part of the read scope a list covers.
type ledgerScope struct {
	roots []int64 // disjoint subtrees
	whole bool    // the subtrees hold every unit: no filter needed
	trees []int64 // the roots of every tree
	empty bool
}

// listScope resolves the units a ledger list covers: the subtree of f.OrgID
// when given (inside the read scope, or nothing), otherwise the read scope,
// with roots lying under another root dropped so that joining the closure
// rows yields each activity once.
func (tx *Tx) listScope(ctx context.Context, scope domain.Scope, org int64) (ledgerScope, error) {
	roots := scope.ReadRoots()
	if len(roots) == 0 {
		return ledgerScope{empty: true}, nil
	}
	if org != 0 {
		ok, err := tx.InScope(ctx, roots, org)
		if err != nil || !ok {
			return ledgerScope{empty: true}, err
		}
		roots = []int64{org}
	} else if len(roots) > 1 {
		roots = slices.Compact(slices.Sorted(slices.Values(roots)))
	}
	if len(roots) > 1 {
		args := []any{}
		in := placeholders(&args, int64s(roots)...)
		rows, err := tx.query(ctx, "SELECT DISTINCT descendant_id FROM org_closure WHERE depth > 0 AND ancestor_id IN ("+in+") AND descendant_id IN ("+in+")", args...)
		if err != nil {
			return ledgerScope{}, err
		}
		under := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return ledgerScope{}, tx.d.wrap(err)
			}
			under[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return ledgerScope{}, tx.d.wrap(err)
		}
		var kept []int64
		for _, r := range roots {
			if !under[r] {
				kept = append(kept, r)
			}
		}
		roots = kept
	}
	trees, err := tx.RootIDs(ctx)
	if err != nil {
		return ledgerScope{}, err
	}
	whole := true
	for _, t := range trees {
		found := false
		for _, r := range roots {
			found = found || r == t
		}
		whole = whole && found
	}
	return ledgerScope{roots: roots, whole: whole, trees: trees}, nil
}

// rollupCount counts the activities of the subtrees of roots with the given
// types (nil: all), statuses (empty: all) and dates (nil: all) from the
// rollups: month rows for whole months, day rows for the ragged ends.
func (tx *Tx) rollupCount(ctx context.Context, roots []int64, types []int64, statuses []domain.Status, r *domain.Range) (int64, error) {
	args := []any{}
	where := []string{"r.org_id IN (" + placeholders(&args, int64s(roots)...) + ")"}
	if types != nil {
		if len(types) == 0 {
			return 0, nil
		}
		where = append(where, "r.type_id IN ("+placeholders(&args, int64s(types)...)+")")
	}
	if len(statuses) > 0 {
		where = append(where, "r.status IN ("+placeholders(&args, strs(statuses)...)+")")
	}
	if r == nil {
		where = append(where, "r.grain = 'm'")
	} else {
		parts := rangeParts(*r)
		if len(parts) == 0 {
			return 0, nil
		}
		var ors []string
		for _, p := range parts {
			args = append(args, p.grain, p.from, p.to)
			n := len(args)
			ors = append(ors, fmt.Sprintf("(r.grain = $%d AND r.bucket >= $%d AND r.bucket < $%d)", n-2, n-1, n))
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	var n int64
	err := tx.queryRow(ctx, "SELECT CAST(COALESCE(SUM(r.n), 0) AS BIGINT) FROM activity_rollup r WHERE "+strings.Join(where, " AND "), args...).Scan(&n)
	return n, tx.d.wrap(err)
}

// rollupAnswers tells whether the rollups count f exactly: it narrows only
// by unit, type, status and dates.
func (f ActivityFilter) rollupAnswers() bool {
	return f.HasEvidence == nil && f.Query == "" && f.EvidenceSHA == "" && f.Venue == "" &&
		f.CreatedBy == "" && f.CreatedFrom.IsZero() && f.CreatedTo.IsZero() && f.ImportBatch == 0
}

// ListActivityPage returns a page of the ledger in the read scope.
//
// The page is read in one of two ways. When the scope is large next to the
// page (the province, a district), the rows are read in the order of the
// sort's index and the scope is a probe of the closure rows per row, so a
// page costs about LIMIT × (all rows ÷ rows in scope) index steps. When the
// scope is small (a school), its rows are read through the unit index and
// sorted. The number of rows in scope comes from the rollups, which also
// give the total exactly whenever the filter is one they hold.
func (tx *Tx) ListActivityPage(ctx context.Context, scope domain.Scope, f ActivityFilter) (ActivityPage, error) {
	empty := ActivityPage{Items: []domain.Activity{}}
	if f.Count == CountNone {
		empty.Total = -1
	}
	sc, err := tx.listScope(ctx, scope, f.OrgID)
	if err != nil || sc.empty {
		return empty, err
	}
	if f.TypeIDs != nil && len(f.TypeIDs) == 0 {
		return empty, nil
	}
	sort, col := sortColumn(f.Sort)
	if f.After != nil && (f.After.Sort != sort || f.After.Asc != f.Asc) {
		return empty, domain.Invalid("after", "the cursor belongs to another order (%s); start again from the first page", f.After.Sort)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	// How many rows the scope holds for the rollups' part of the filter: an
	// upper bound of the rows that match, exact when the filter is only that.
	inScope, err := tx.rollupCount(ctx, sc.roots, f.TypeIDs, f.Statuses, f.Range)
	if err != nil {
		return empty, err
	}
	if inScope == 0 {
		empty.Total = max(empty.Total, 0)
		return empty, nil
	}
	// Below this many rows, reading the scope and sorting it costs less than
	// a millisecond: no need to weigh it against walking the sort index.
	const sortAlways = 2000
	walk := sc.whole
	if !sc.whole && inScope > sortAlways {
		all, err := tx.rollupCount(ctx, sc.trees, nil, nil, nil)
		if err != nil {
			return empty, err
		}
		// Walking the sort index reads about limit·all/inScope rows; reading
		// the scope and sorting it, inScope rows: walk when that is fewer.
		walk = float64(inScope) > math.Sqrt(float64(limit+f.Offset)*float64(all))
	}

	args := []any{}
	from := "activities a"
	var where []string
	if !sc.whole {
		in := placeholders(&args, int64s(sc.roots)...)
		if walk {
			// The activities in the sort index's order, each tested against
			// the subtree's unit ids read once into memory (dialect.go).
			var c string
			from, c = tx.d.walkSubtree("SELECT descendant_id FROM org_closure WHERE ancestor_id IN (" + in + ")")
			where = append(where, c)
		} else {
			// The closure rows first, then each unit's activities through
			// activities_org_date; CROSS JOIN fixes that order on SQLite
			// (PostgreSQL plans it the same way by itself).
			from = "org_closure sc CROSS JOIN activities a"
			where = append(where, "sc.descendant_id = a.org_id AND sc.ancestor_id IN ("+in+")")
		}
	}
	where = append(where, f.conditions(&args)...)
	cond := "1=1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}

	page := ActivityPage{Items: []domain.Activity{}}
	countCap := f.CountCap
	if countCap <= 0 {
		countCap = CountCap
	}
	switch {
	case f.Count == CountNone:
		page.Total = -1
	case f.rollupAnswers():
		page.Total = int(inScope)
	case f.Count == CountExact || inScope <= int64(countCap):
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM "+from+" WHERE "+cond, args...).Scan(&page.Total); err != nil {
			return empty, tx.d.wrap(err)
		}
	default:
		q := fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d) x", from, cond, countCap+1)
		if err := tx.queryRow(ctx, q, args...).Scan(&page.Total); err != nil {
			return empty, tx.d.wrap(err)
		}
		if page.Total > countCap {
			page.Total, page.Capped = countCap, true
		}
	}

	dir, cmp := "DESC", "<"
	if f.Asc {
		dir, cmp = "ASC", ">"
	}
	if f.After != nil {
		if sort == "id" {
			args = append(args, f.After.ID)
			cond += fmt.Sprintf(" AND a.id %s $%d", cmp, len(args))
		} else {
			var key any = f.After.Key
			if sort == "attendance" {
				n, err := strconv.ParseInt(f.After.Key, 10, 64)
				if err != nil {
					return empty, domain.Invalid("after", "not a cursor of this list")
				}
				key = n
			}
			args = append(args, key, f.After.ID)
			cond += fmt.Sprintf(" AND (%s, a.id) %s ($%d, $%d)", col, cmp, len(args)-1, len(args))
		}
	}
	order := col + " " + dir + ", a.id " + dir
	if sort == "id" {
		order = "a.id " + dir
	}
	args = append(args, limit+1, f.Offset)
	q := fmt.Sprintf("SELECT %s, CAST(%s AS TEXT) FROM %s WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d",
		activityCols, col, from, cond, order, len(args)-1, len(args))
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return empty, err
	}
	var lastKey string
	for rows.Next() {
		var key string
		a, err := scanActivity(scanPlus{rows, &key})
		if err != nil {
			rows.Close()
			return empty, tx.d.wrap(err)
		}
		if len(page.Items) == limit {
			page.Next = &ActivityCursor{Sort: sort, Asc: f.Asc, Key: lastKey, ID: page.Items[limit-1].ID}
			break
		}
		page.Items = append(page.Items, a)
		lastKey = key
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return empty, tx.d.wrap(err)
	}
	if err := tx.fillEvidence(ctx, scope, page.Items, !f.NoSharedWith); err != nil {
		return empty, err
	}
	return page, nil
}

// scanPlus scans a row of activityCols followed by more columns.
type scanPlus struct {
	sc   interface{ Scan(...any) error }
	more *string
}

func (s scanPlus) Scan(dest ...any) error { return s.sc.Scan(append(dest, s.more)...) }

// conditions are the filter's narrowing conditions other than the scope.
func (f ActivityFilter) conditions(args *[]any) []string {
	var where []string
	if f.TypeIDs != nil {
		where = append(where, "a.type_id IN ("+placeholders(args, int64s(f.TypeIDs)...)+")")
	}
	if f.Range != nil {
		*args = append(*args, f.Range.From.String(), f.Range.To.String())
		where = append(where, fmt.Sprintf("a.date >= $%d AND a.date < $%d", len(*args)-1, len(*args)))
	}
	if len(f.Statuses) > 0 {
		where = append(where, "a.status IN ("+placeholders(args, strs(f.Statuses)...)+")")
	}
	if f.HasEvidence != nil {
		if *f.HasEvidence {
			where = append(where, "a.evidence_count > 0")
		} else {
			where = append(where, "a.evidence_count = 0")
		}
	}
	if f.Query != "" {
		*args = append(*args, "%"+likeEscape(f.Query)+"%")
		where = append(where, fmt.Sprintf(`a.title LIKE $%d ESCAPE '\'`, len(*args)))
	}
	if f.Venue != "" {
		// The same test as a report figure's venue (figureWhere).
		where = append(where, venueCond(f.Venue, args))
	}
	if f.EvidenceSHA != "" {
		*args = append(*args, f.EvidenceSHA)
		where = append(where, fmt.Sprintf("a.id IN (SELECT activity_id FROM activity_evidence WHERE sha256 = $%d)", len(*args)))
	}
	if f.CreatedBy != "" {
		*args = append(*args, f.CreatedBy)
		where = append(where, fmt.Sprintf("a.created_by = $%d", len(*args)))
	}
	if c := createdRange(f.CreatedFrom, f.CreatedTo, args); c != "" {
		where = append(where, c)
	}
	if f.ImportBatch != 0 {
		*args = append(*args, f.ImportBatch)
		where = append(where, fmt.Sprintf("a.import_batch_id = $%d", len(*args)))
	}
	return where
}
