package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// ——— figures: the records behind a count ———

// RecordFilter selects the records a report figure counts: one unit's
// subtree, a date range, types, statuses and optionally a venue tag (counted
// by the venue rollups; the records behind a figure are always read here).
type RecordFilter struct {
	OrgID    int64
	TypeIDs  []int64 // nil: every type; empty: nothing
	Range    domain.Range
	Statuses []domain.Status // nil: approved only
	Venue    string          // "": any
}

// RecordRow is one counted record: its id, unit and attendance.
type RecordRow struct {
	ID         int64
	OrgID      int64
	Attendance int64
}

// figureWhere builds the WHERE clause of a RecordFilter over activities a. ok
// is false when the filter can match nothing (empty type list).
func figureWhere(f RecordFilter, args *[]any) (string, bool) {
	statuses := f.Statuses
	if statuses == nil {
		statuses = []domain.Status{domain.StatusApproved}
	}
	*args = append(*args, f.OrgID, f.Range.From.String(), f.Range.To.String())
	n := len(*args)
	where := []string{
		fmt.Sprintf("a.org_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $%d)", n-2),
		fmt.Sprintf("a.date >= $%d AND a.date < $%d", n-1, n),
		"a.status IN (" + placeholders(args, strs(statuses)...) + ")",
	}
	if f.TypeIDs != nil {
		if len(f.TypeIDs) == 0 {
			return "", false
		}
		where = append(where, "a.type_id IN ("+placeholders(args, int64s(f.TypeIDs)...)+")")
	}
	if f.Venue != "" {
		where = append(where, venueCond(f.Venue, args))
	}
	return strings.Join(where, " AND "), true
}

// venueCond tests that activity a carries a venue tag. Venues are stored as a
// JSON list of plain tags (["campus","classroom"]); a quoted tag matches
// exactly one element. The venue rollups count the same (rollupVenueDaysSQL).
func venueCond(venue string, args *[]any) string {
	*args = append(*args, `%"`+likeEscape(venue)+`"%`)
	return fmt.Sprintf(`a.venues LIKE $%d ESCAPE '\'`, len(*args))
}

// FigureRecords lists the records a figure counts, by id: one indexed query
// over the unit's subtree (the closure) and the date. The unit must lie in the
// read scope; outside it the answer is not found.
func (tx *Tx) FigureRecords(ctx context.Context, scope domain.Scope, f RecordFilter) ([]RecordRow, error) {
	if err := tx.requireReadable(ctx, scope, f.OrgID); err != nil {
		return nil, err
	}
	args := []any{}
	where, ok := figureWhere(f, &args)
	if !ok {
		return []RecordRow{}, nil
	}
	rows, err := tx.query(ctx, "SELECT a.id, a.org_id, a.attendance FROM activities a WHERE "+where+" ORDER BY a.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RecordRow{}
	for rows.Next() {
		var r RecordRow
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Attendance); err != nil {
			return nil, tx.d.wrap(err)
		}
		out = append(out, r)
	}
	return out, tx.d.wrap(rows.Err())
}

// FigureRecordsWithVenues is FigureRecords with each record's type, status
// and venues: figures that differ only by venue (宣讲进机关、进校园、进课堂) read
// the records once and split them in memory. f.Venue is ignored.
func (tx *Tx) FigureRecordsWithVenues(ctx context.Context, scope domain.Scope, f RecordFilter) ([]PeriodRecord, error) {
	if err := tx.requireReadable(ctx, scope, f.OrgID); err != nil {
		return nil, err
	}
	f.Venue = ""
	args := []any{}
	where, ok := figureWhere(f, &args)
	if !ok {
		return []PeriodRecord{}, nil
	}
	rows, err := tx.query(ctx, "SELECT a.id, a.org_id, a.attendance, a.type_id, a.status, a.venues FROM activities a WHERE "+where+" ORDER BY a.id", args...)
	if err != nil {
		return nil, err
	}
	return tx.scanPeriodRecords(rows)
}

// UnitsWithRecords counts the units of a kind inside f.OrgID's subtree whose
// own subtree holds at least one record matching f (a school counts when it
// or one of its branches held the activity). It returns the unit ids. It is
// the recount UnitsWithRollup is checked against; the application never calls it.
func (tx *Tx) UnitsWithRecords(ctx context.Context, scope domain.Scope, kind domain.OrgKind, f RecordFilter) ([]int64, error) {
	if err := tx.requireReadable(ctx, scope, f.OrgID); err != nil {
		return nil, err
	}
	args := []any{}
	where, ok := figureWhere(f, &args)
	if !ok {
		return []int64{}, nil
	}
	args = append(args, string(kind))
	q := fmt.Sprintf(`SELECT DISTINCT u.id FROM activities a
		JOIN org_closure ua ON ua.descendant_id = a.org_id
		JOIN org_units u ON u.id = ua.ancestor_id AND u.kind = $%d
		WHERE %s AND u.id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1) ORDER BY u.id`, len(args), where)
	return tx.queryIDs(ctx, q, args...)
}

// ——— templates ———

// ReportTemplate is a named, versioned report template; Source is the text of
// Version (or of the version asked for).
type ReportTemplate struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Version   int       `json:"version"`
	IsDefault bool      `json:"is_default"`
	Source    string    `json:"source,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// TemplateVersion is one stored version of a template.
type TemplateVersion struct {
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// CreateReportTemplate stores a template as version 1.
func (tx *Tx) CreateReportTemplate(ctx context.Context, name, source string, isDefault bool, by string) (ReportTemplate, error) {
	now := timeText(tx.now)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO report_templates (name, is_default, version, created_at, updated_at, updated_by)
		VALUES ($1, $2, 1, $3, $3, $4) RETURNING id`, name, isDefault, now, by).Scan(&id)
	if err != nil {
		err = tx.d.wrap(err)
		if domain.IsKind(err, domain.KindConflict) {
			return ReportTemplate{}, domain.Conflict("name", "a template named %q already exists", name)
		}
		return ReportTemplate{}, err
	}
	if _, err := tx.exec(ctx, `INSERT INTO report_template_versions (template_id, version, source, created_by, created_at)
		VALUES ($1, 1, $2, $3, $4)`, id, source, by, now); err != nil {
		return ReportTemplate{}, err
	}
	return tx.GetReportTemplate(ctx, id, 0)
}

// AddTemplateVersion stores a new version of a template. expect is the
// version the editor started from: if another edit came first, a conflict.
func (tx *Tx) AddTemplateVersion(ctx context.Context, id int64, expect int, source, by string) (ReportTemplate, error) {
	now := timeText(tx.now)
	res, err := tx.exec(ctx, `UPDATE report_templates SET version = version + 1, updated_at = $1, updated_by = $2
		WHERE id = $3 AND version = $4`, now, by, id, expect)
	if err != nil {
		return ReportTemplate{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		cur, err := tx.GetReportTemplate(ctx, id, 0)
		if err != nil {
			return cur, err
		}
		return cur, domain.Conflict("version", "the template was changed by someone else (version %d, yours %d); reload and try again", cur.Version, expect)
	}
	if _, err := tx.exec(ctx, `INSERT INTO report_template_versions (template_id, version, source, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5)`, id, expect+1, source, by, now); err != nil {
		return ReportTemplate{}, err
	}
	return tx.GetReportTemplate(ctx, id, 0)
}

// GetReportTemplate returns a template with the source of version (0: the current one).
func (tx *Tx) GetReportTemplate(ctx context.Context, id int64, version int) (ReportTemplate, error) {
	var t ReportTemplate
	var updated string
	err := tx.queryRow(ctx, `SELECT id, name, version, is_default, updated_at, updated_by FROM report_templates WHERE id = $1`, id).
		Scan(&t.ID, &t.Name, &t.Version, &t.IsDefault, &updated, &t.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return t, domain.NotFound("report template %d", id)
	}
	if err != nil {
		return t, tx.d.wrap(err)
	}
	t.UpdatedAt = parseTime(updated)
	if version == 0 {
		version = t.Version
	}
	var created string
	err = tx.queryRow(ctx, `SELECT source, created_by, created_at FROM report_template_versions WHERE template_id = $1 AND version = $2`, id, version).
		Scan(&t.Source, &t.UpdatedBy, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return t, &domain.Error{Kind: domain.KindNotFound, Field: "version", Message: fmt.Sprintf("report template %d has no version %d", id, version)}
	}
	if err != nil {
		return t, tx.d.wrap(err)
	}
	t.Version = version
	t.UpdatedAt = parseTime(created)
	return t, nil
}

// ReportTemplateByName finds a template by its name.
func (tx *Tx) ReportTemplateByName(ctx context.Context, name string) (ReportTemplate, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM report_templates WHERE name = $1`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return ReportTemplate{}, domain.NotFound("report template %q", name)
	}
	if err != nil {
		return ReportTemplate{}, tx.d.wrap(err)
	}
	return tx.GetReportTemplate(ctx, id, 0)
}

// DefaultReportTemplate returns the template marked default, if any.
func (tx *Tx) DefaultReportTemplate(ctx context.Context) (ReportTemplate, bool, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM report_templates WHERE is_default ORDER BY id LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return ReportTemplate{}, false, nil
	}
	if err != nil {
		return ReportTemplate{}, false, tx.d.wrap(err)
	}
	t, err := tx.GetReportTemplate(ctx, id, 0)
	return t, err == nil, err
}

// ListReportTemplates lists templates (without sources), default first.
func (tx *Tx) ListReportTemplates(ctx context.Context) ([]ReportTemplate, error) {
	rows, err := tx.query(ctx, `SELECT id, name, version, is_default, updated_at, updated_by FROM report_templates ORDER BY is_default DESC, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ReportTemplate{}
	for rows.Next() {
		var t ReportTemplate
		var updated string
		if err := rows.Scan(&t.ID, &t.Name, &t.Version, &t.IsDefault, &updated, &t.UpdatedBy); err != nil {
			return nil, tx.d.wrap(err)
		}
		t.UpdatedAt = parseTime(updated)
		out = append(out, t)
	}
	return out, tx.d.wrap(rows.Err())
}

// ListTemplateVersions lists a template's versions, newest first.
func (tx *Tx) ListTemplateVersions(ctx context.Context, id int64) ([]TemplateVersion, error) {
	if _, err := tx.GetReportTemplate(ctx, id, 0); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT version, created_by, created_at FROM report_template_versions WHERE template_id = $1 ORDER BY version DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TemplateVersion{}
	for rows.Next() {
		var v TemplateVersion
		var created string
		if err := rows.Scan(&v.Version, &v.UpdatedBy, &created); err != nil {
			return nil, tx.d.wrap(err)
		}
		v.UpdatedAt = parseTime(created)
		out = append(out, v)
	}
	return out, tx.d.wrap(rows.Err())
}

// ——— snapshots ———

// StoredFigure is one figure of a stored report.
type StoredFigure struct {
	Index    int
	Expr     string
	Value    int64
	Query    string
	Records  string
	Digest   string // hex SHA-256 of the sorted record ids
	NRecords int
	IDs      []int64 // what it counted (activity or roster ids)
}

// SnapshotRecord is a record behind a stored report, as it stood then.
type SnapshotRecord struct {
	ActivityID int64
	Version    int64
	Status     domain.Status
	Title      string
}

// NewReport is what CreateReport stores.
type NewReport struct {
	OrgID           int64
	Period          string
	TemplateID      int64
	TemplateVersion int
	Params          string // JSON
	Rendered        string // JSON
	CreatedBy       string
	Figures         []StoredFigure
}

// StoredReport is a report snapshot as listed (Rendered only from GetReport).
type StoredReport struct {
	ID              int64
	OrgID           int64
	Period          string
	TemplateID      int64
	TemplateName    string
	TemplateVersion int
	Params          string
	Rendered        string
	CreatedBy       string
	CreatedAt       time.Time
	StaleCount      int
}

// CreateReport stores a snapshot, its figures and the records behind them as
// they stand in this transaction (version, status, title), so staleness is a
// join. ids are the distinct record ids of all figures.
func (tx *Tx) CreateReport(ctx context.Context, r NewReport, ids []int64) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO reports (org_id, period, template_id, template_version, params, rendered, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.OrgID, r.Period, r.TemplateID, r.TemplateVersion, r.Params, r.Rendered, r.CreatedBy, timeText(tx.now)).Scan(&id)
	if err != nil {
		return 0, tx.d.wrap(err)
	}
	for _, f := range r.Figures {
		ids := f.IDs
		if ids == nil {
			ids = []int64{}
		}
		if _, err := tx.exec(ctx, `INSERT INTO report_figures (report_id, idx, expr, value, query, records, digest, n_records, record_ids)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, f.Index, f.Expr, f.Value, f.Query, f.Records, f.Digest, f.NRecords, jsonText(ids)); err != nil {
			return 0, err
		}
	}
	// Copy the records' current state in batches, by INSERT … SELECT: the
	// rows never travel through Go.
	const batch = 500
	for i := 0; i < len(ids); i += batch {
		j := min(i+batch, len(ids))
		args := []any{id}
		in := placeholders(&args, int64s(ids[i:j])...)
		if _, err := tx.exec(ctx, `INSERT INTO report_records (report_id, activity_id, version, status, title, created_at)
			SELECT $1, a.id, a.version, a.status, a.title, a.created_at FROM activities a WHERE a.id IN (`+in+`)`, args...); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// reportScope limits reports to those of units in the read scope.
func reportScope(scope domain.Scope, args *[]any) string {
	return scopeFilter("r.org_id", scope.ReadRoots(), args)
}

// ListReports lists stored reports of units inside scope (of org's subtree
// when org is not 0), newest first, with the number of stale records.
func (tx *Tx) ListReports(ctx context.Context, scope domain.Scope, org int64, limit, offset int) ([]StoredReport, int, error) {
	args := []any{}
	cond, ok, err := tx.subtreeInScope(ctx, scope, "r.org_id", org, &args)
	if err != nil || !ok {
		return []StoredReport{}, 0, err
	}
	var total int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM reports r WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, tx.d.wrap(err)
	}
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit, offset)
	q := fmt.Sprintf(`SELECT r.id, r.org_id, r.period, r.template_id, t.name, r.template_version, r.created_by, r.created_at,
		(SELECT COUNT(*) FROM report_records rr LEFT JOIN activities a ON a.id = rr.activity_id
		 WHERE rr.report_id = r.id AND `+staleRecord+`)
		FROM reports r JOIN report_templates t ON t.id = r.template_id
		WHERE %s ORDER BY r.created_at DESC, r.id DESC LIMIT $%d OFFSET $%d`, cond, len(args)-1, len(args))
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []StoredReport{}
	for rows.Next() {
		var r StoredReport
		var created string
		if err := rows.Scan(&r.ID, &r.OrgID, &r.Period, &r.TemplateID, &r.TemplateName, &r.TemplateVersion, &r.CreatedBy, &created, &r.StaleCount); err != nil {
			return nil, 0, tx.d.wrap(err)
		}
		r.CreatedAt = parseTime(created)
		out = append(out, r)
	}
	return out, total, tx.d.wrap(rows.Err())
}

// GetReport returns a stored report inside scope with its figures.
func (tx *Tx) GetReport(ctx context.Context, scope domain.Scope, id int64) (StoredReport, []StoredFigure, error) {
	args := []any{id}
	q := `SELECT r.id, r.org_id, r.period, r.template_id, t.name, r.template_version, r.params, r.rendered, r.created_by, r.created_at
		FROM reports r JOIN report_templates t ON t.id = r.template_id WHERE r.id = $1 AND ` + reportScope(scope, &args)
	var r StoredReport
	var created string
	err := tx.queryRow(ctx, q, args...).Scan(&r.ID, &r.OrgID, &r.Period, &r.TemplateID, &r.TemplateName, &r.TemplateVersion,
		&r.Params, &r.Rendered, &r.CreatedBy, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil, domain.NotFound("report %d", id)
	}
	if err != nil {
		return r, nil, tx.d.wrap(err)
	}
	r.CreatedAt = parseTime(created)
	rows, err := tx.query(ctx, `SELECT idx, expr, value, query, records, digest, n_records, record_ids FROM report_figures WHERE report_id = $1 ORDER BY idx`, id)
	if err != nil {
		return r, nil, err
	}
	defer rows.Close()
	figs := []StoredFigure{}
	for rows.Next() {
		var f StoredFigure
		var ids string
		if err := rows.Scan(&f.Index, &f.Expr, &f.Value, &f.Query, &f.Records, &f.Digest, &f.NRecords, &ids); err != nil {
			return r, nil, tx.d.wrap(err)
		}
		if err := json.Unmarshal([]byte(ids), &f.IDs); err != nil {
			return r, nil, fmt.Errorf("report %d figure %d: record ids: %w", id, f.Index, err)
		}
		figs = append(figs, f)
	}
	return r, figs, tx.d.wrap(rows.Err())
}

// StaleRecord is a record behind a report that changed after it was generated.
type StaleRecord struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Change    string    `json:"change"` // "edited", "status", "deleted"
	Status    string    `json:"status,omitempty"`
	ChangedAt time.Time `json:"changed_at,omitzero"`
}

// goneRecord holds, over report_records rr LEFT JOIN activities a, when the
// record a report counted no longer exists: no row has its id, or the row
// with its id is another record (created at another time; an id reused
// before migration 00008, which made ids unique for good on SQLite).
const goneRecord = "(a.id IS NULL OR a.created_at <> rr.created_at)"

// staleRecord holds when the record is gone, or was edited or re-reviewed.
const staleRecord = "(" + goneRecord + " OR a.version <> rr.version OR a.status <> rr.status)"

// StaleRecords lists the records behind a report whose version or status
// moved, or which were deleted, since the snapshot: one join on the primary
// keys of report_records and activities, the record's identity being its id
// and its creation stamp. The caller has checked the report is in scope.
func (tx *Tx) StaleRecords(ctx context.Context, report int64) ([]StaleRecord, error) {
	rows, err := tx.query(ctx, `SELECT rr.activity_id, CASE WHEN `+goneRecord+` THEN rr.title ELSE a.title END, rr.status, `+goneRecord+`,
		COALESCE(a.status, ''), CASE WHEN `+goneRecord+` THEN '' ELSE a.updated_at END
		FROM report_records rr LEFT JOIN activities a ON a.id = rr.activity_id
		WHERE rr.report_id = $1 AND `+staleRecord+`
		ORDER BY rr.activity_id`, report)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []StaleRecord{}
	for rows.Next() {
		var s StaleRecord
		var was, now, updated string
		var deleted bool
		if err := rows.Scan(&s.ID, &s.Title, &was, &deleted, &now, &updated); err != nil {
			return nil, tx.d.wrap(err)
		}
		switch {
		case deleted:
			s.Change = "deleted"
		case was != now:
			s.Change, s.Status = "status", now
		default:
			s.Change, s.Status = "edited", now
		}
		if updated != "" {
			s.ChangedAt = parseTime(updated)
		}
		out = append(out, s)
	}
	return out, tx.d.wrap(rows.Err())
}

// ActivitiesByID returns the activities with the ids inside the read scope,
// in id order (missing or out-of-scope ids are left out; no evidence loaded).
func (tx *Tx) ActivitiesByID(ctx context.Context, scope domain.Scope, ids []int64) ([]domain.Activity, error) {
	out := []domain.Activity{}
	const batch = 500
	for i := 0; i < len(ids); i += batch {
		j := min(i+batch, len(ids))
		args := []any{}
		in := placeholders(&args, int64s(ids[i:j])...)
		q := "SELECT " + activityCols + " FROM activities a WHERE a.id IN (" + in + ") AND " + scopeFilter("a.org_id", scope.ReadRoots(), &args) + " ORDER BY a.id"
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			a, err := scanActivity(rows)
			if err != nil {
				rows.Close()
				return nil, tx.d.wrap(err)
			}
			out = append(out, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, tx.d.wrap(err)
		}
	}
	return out, nil
}

// UnitsWithRollup answers UnitsWithRecords from the rollups (the venue
// rollups for a filter with a venue): a unit's rollup rows count its whole
// subtree, so a unit of the kind qualifies exactly when one of its rows in
// the range, types and statuses is non-zero. Its cost follows the number of
// units and months, not of activities.
//
// Two plans, chosen by the size of the subtree (whether f's unit is a
// bureau, the root of a tree):
//   - a bureau's figure of some types reads, for each type and status, the
//     month (and day) rows of every unit holding one, in the order of the
//     partial index activity_rollup_units_with (migration 00021), and keeps
//     the units of the kind in the subtree, read once into an in-memory set:
//     one range scan where probing every school of a province cost one
//     index descent per school;
//   - otherwise each unit of the kind in the subtree is probed for one
//     matching row through the primary key (EXISTS stops at the first).
//
// "+" on a column keeps the planner off an index for it (both engines), so
// neither plan can turn into the other: the per-unit probe must not walk
// the type index for every unit, the scan must not probe per unit.
func (tx *Tx) UnitsWithRollup(ctx context.Context, scope domain.Scope, kind domain.OrgKind, f RecordFilter) ([]int64, error) {
	unit, err := tx.GetOrg(ctx, scope, f.OrgID)
	if err != nil {
		return nil, err
	}
	parts := rangeParts(f.Range)
	if len(parts) == 0 || f.TypeIDs != nil && len(f.TypeIDs) == 0 {
		return []int64{}, nil
	}
	statuses := f.Statuses
	if statuses == nil {
		statuses = []domain.Status{domain.StatusApproved}
	}
	args := []any{f.OrgID, string(kind)}
	units := "SELECT c.descendant_id FROM org_closure c JOIN org_units u ON u.id = c.descendant_id WHERE c.ancestor_id = $1 AND u.kind = $2"
	table := "activity_rollup"
	if f.Venue != "" {
		table = "activity_venue_rollup"
	}
	if unit.Kind == domain.OrgBureau && f.TypeIDs != nil && f.Venue == "" {
		common := "r.type_id IN (" + placeholders(&args, int64s(f.TypeIDs)...) + ")" +
			" AND r.status IN (" + placeholders(&args, strs(statuses)...) + ") AND r.n > 0"
		var subs []string
		for _, p := range parts {
			args = append(args, p.grain, p.from, p.to)
			n := len(args)
			subs = append(subs, fmt.Sprintf("SELECT r.org_id FROM activity_rollup r WHERE %s AND r.grain = $%d AND r.bucket >= $%d AND r.bucket < $%d AND +r.org_id IN (%s)",
				common, n-2, n-1, n, units))
		}
		return tx.queryIDs(ctx, "SELECT DISTINCT org_id FROM ("+strings.Join(subs, " UNION ALL ")+") x ORDER BY org_id", args...)
	}
	common := "r.org_id = u.id AND r.n > 0 AND r.status IN (" + placeholders(&args, strs(statuses)...) + ")"
	if f.TypeIDs != nil {
		common += " AND +r.type_id IN (" + placeholders(&args, int64s(f.TypeIDs)...) + ")"
	}
	if f.Venue != "" {
		args = append(args, f.Venue)
		common += fmt.Sprintf(" AND r.venue = $%d", len(args))
	}
	var exists []string
	for _, p := range parts {
		args = append(args, p.grain, p.from, p.to)
		n := len(args)
		exists = append(exists, fmt.Sprintf("EXISTS (SELECT 1 FROM %s r WHERE %s AND r.grain = $%d AND r.bucket >= $%d AND r.bucket < $%d)", table, common, n-2, n-1, n))
	}
	return tx.queryIDs(ctx, "SELECT u.id FROM org_closure c JOIN org_units u ON u.id = c.descendant_id WHERE c.ancestor_id = $1 AND u.kind = $2 AND ("+
		strings.Join(exists, " OR ")+") ORDER BY u.id", args...)
}

// PeriodRecord is one activity of a unit's subtree in a period, with what a
// figure filters on.
type PeriodRecord struct {
	RecordRow
	TypeID int64
	Status domain.Status
	Venues []string
}

// PeriodRecords lists every activity of a unit's subtree in a range, in any
// status: a report with many figures over one unit and period reads them
// once and filters in memory instead of querying once per figure.
func (tx *Tx) PeriodRecords(ctx context.Context, scope domain.Scope, org int64, r domain.Range) ([]PeriodRecord, error) {
	if err := tx.requireReadable(ctx, scope, org); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT a.id, a.org_id, a.attendance, a.type_id, a.status, a.venues FROM activities a
		JOIN org_closure c ON c.descendant_id = a.org_id
		WHERE c.ancestor_id = $1 AND a.date >= $2 AND a.date < $3 ORDER BY a.id`, org, r.From.String(), r.To.String())
	if err != nil {
		return nil, err
	}
	return tx.scanPeriodRecords(rows)
}

func (tx *Tx) scanPeriodRecords(rows *sql.Rows) ([]PeriodRecord, error) {
	defer rows.Close()
	out := []PeriodRecord{}
	for rows.Next() {
		var p PeriodRecord
		var status, venues string
		if err := rows.Scan(&p.ID, &p.OrgID, &p.Attendance, &p.TypeID, &status, &venues); err != nil {
			return nil, tx.d.wrap(err)
		}
		p.Status = domain.Status(status)
		if venues != "[]" && venues != "" {
			if err := json.Unmarshal([]byte(venues), &p.Venues); err != nil {
				return nil, fmt.Errorf("activity %d: venues: %w", p.ID, err)
			}
		}
		out = append(out, p)
	}
	return out, tx.d.wrap(rows.Err())
}
