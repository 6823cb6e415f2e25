package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/export"
	"github.com/zeren-edu/zeren/internal/store"
)

// DefaultMaxExportRows bounds one Excel export of the ledger. A larger export
// is refused whole, naming the limit, rather than cut short: a truncated
// ledger handed on as complete would be a wrong figure.
const DefaultMaxExportRows = 100_000

// exportPage is how many rows one page of the list reads while exporting.
const exportPage = 2000

// ExportColumns are the header row of a ledger export, in order.
var ExportColumns = []string{"日期", "单位", "单位编码", "活动类型", "方面", "标题", "参与人次", "场所", "状态", "佐证材料数", "编号"}

// statusNamesZH are the statuses as the ledger's users say them.
var statusNamesZH = map[domain.Status]string{
	domain.StatusDraft:     "草稿",
	domain.StatusSubmitted: "待审核",
	domain.StatusApproved:  "已通过",
	domain.StatusReturned:  "已退回",
}

// ledgerColumns are the ledger export's columns with their widths.
var ledgerColumns = func() []export.Column {
	widths := []float64{12, 24, 14, 22, 16, 40, 10, 16, 8, 11, 9}
	out := make([]export.Column, len(ExportColumns))
	for i, c := range ExportColumns {
		out[i] = export.Column{Title: c, Width: widths[i]}
	}
	return out
}()

// ExportActivities writes the ledger rows that ListActivities would list for
// q (every page of them, limit and offset ignored) into an Excel workbook.
// The rows are read by key a page at a time, each page its own short read
// transaction (see export); the workbook is built before anything is sent,
// so a slow client holds no transaction open. The export is audited.
func (a *App) ExportActivities(ctx context.Context, ac domain.Actor, q ActivityQuery) (*LedgerExport, error) {
	return a.export(ctx, ac, q, exportPage)
}

// export reads the rows pageSize at a time (tests make pages small).
func (a *App) export(ctx context.Context, ac domain.Actor, q ActivityQuery, pageSize int) (*LedgerExport, error) {
	if err := ac.Require(domain.PermExport); err != nil {
		return nil, err
	}
	// Export only reads the ledger: an exporter must also be a reader, so an
	// export never shows more than the list would.
	if err := ac.Require(domain.PermActivityRead); err != nil {
		return nil, err
	}
	maxRows := a.maxExportRows()
	// The filter is resolved and the rows counted once; the rows are then
	// read a page at a time by key, each page in its own short read
	// transaction, so a large export neither recounts per page nor holds
	// one transaction open for its whole length (which would keep SQLite's
	// checkpoint from running). What it promises: every row that matches
	// from the export's start to its end is in the file exactly once, in the
	// list's order; a row written meanwhile may or may not be.
	var f store.ActivityFilter
	var names *exportNames
	var filter []string
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if f, err = a.activityFilter(ctx, tx, ac, q); err != nil {
			return err
		}
		if names, err = newExportNames(ctx, tx); err != nil {
			return err
		}
		if filter, err = names.words(ctx, tx, ac.Scope, q); err != nil {
			return err
		}
		f.Limit, f.Count, f.CountCap = 1, store.CountCapped, maxRows
		p, err := tx.ListActivityPage(ctx, ac.Scope, f)
		if err != nil {
			return err
		}
		if p.Capped || p.Total > maxRows {
			return tooManyToExport("activities", p.Total, maxRows)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.Limit, f.Count, f.NoSharedWith = pageSize, store.CountNone, true
	return a.writeExport(ctx, ac, listExport{
		auditType: "activity.export", target: "activities", noun: "activities",
		title: exportSheet, what: exportWhat(q), filter: filter, detail: describeQuery(q), columns: ledgerColumns,
		next: func(ctx context.Context) (rows []exportRow, done bool, err error) {
			var page store.ActivityPage
			err = a.st.Read(ctx, func(tx *store.Tx) error {
				var err error
				if page, err = tx.ListActivityPage(ctx, ac.Scope, f); err != nil {
					return err
				}
				for _, act := range page.Items {
					row, err := names.row(ctx, tx, ac.Scope, act)
					if err != nil {
						return err
					}
					rows = append(rows, exportRow{key: act.ID, cells: row})
				}
				return nil
			})
			if page.Next == nil {
				return rows, true, err
			}
			f.After = page.Next
			return rows, false, err
		},
	})
}

// exportWhat is the part of the file name after 工作台账: the period or the
// dates the export covers.
func exportWhat(q ActivityQuery) string {
	switch {
	case q.Period != "":
		return q.Period
	case !q.From.IsZero() && !q.To.IsZero():
		return q.From.String() + "至" + q.To.String()
	case !q.From.IsZero():
		return q.From.String() + "起"
	case !q.To.IsZero():
		return "至" + q.To.String()
	}
	return ""
}

// describeQuery is the audit trail's note of what was exported.
func describeQuery(q ActivityQuery) string {
	var parts []string
	add := func(k string, v any) { parts = append(parts, fmt.Sprintf("%s=%v", k, v)) }
	if q.OrgID != 0 {
		add("org_id", q.OrgID)
	}
	if len(q.TypeIDs) > 0 {
		add("type_id", q.TypeIDs)
	}
	if q.Pillar != "" {
		add("pillar", q.Pillar)
	}
	if q.Period != "" {
		add("period", q.Period)
	}
	if !q.From.IsZero() {
		add("from", q.From)
	}
	if !q.To.IsZero() {
		add("to", q.To)
	}
	if len(q.Statuses) > 0 {
		add("status", q.Statuses)
	}
	if q.HasEvidence != nil {
		add("has_evidence", *q.HasEvidence)
	}
	if q.Query != "" {
		add("q", q.Query)
	}
	if q.EvidenceSHA != "" {
		add("evidence", q.EvidenceSHA)
	}
	if q.ImportBatch != 0 {
		add("import_batch", q.ImportBatch)
	}
	if len(parts) == 0 {
		return "whole scope"
	}
	return strings.Join(parts, " ")
}

// exportNames resolves the ids of a row into names, reading each unit once.
type exportNames struct {
	types map[int64]domain.ActivityType
	orgs  map[int64]domain.OrgUnit
}

func newExportNames(ctx context.Context, tx *store.Tx) (*exportNames, error) {
	types, err := tx.ListTypes(ctx, "", false)
	if err != nil {
		return nil, err
	}
	n := &exportNames{types: map[int64]domain.ActivityType{}, orgs: map[int64]domain.OrgUnit{}}
	for _, t := range types {
		n.types[t.ID] = t
	}
	return n, nil
}

func (n *exportNames) row(ctx context.Context, tx *store.Tx, scope domain.Scope, act domain.Activity) ([]any, error) {
	o, ok := n.orgs[act.OrgID]
	if !ok {
		var err error
		if o, err = tx.GetOrg(ctx, scope, act.OrgID); err != nil {
			return nil, err
		}
		n.orgs[act.OrgID] = o
	}
	t := n.types[act.TypeID]
	pillar := t.Pillar
	if p, ok := domain.PillarByCode(t.Pillar); ok {
		pillar = p.Name
	}
	venues := make([]string, 0, len(act.Venues))
	for _, v := range act.Venues {
		if name, ok := domain.VenueNames[v]; ok {
			v = name
		}
		venues = append(venues, v)
	}
	status := statusNamesZH[act.Status]
	if status == "" {
		status = string(act.Status)
	}
	return []any{act.Date, o.Name, o.Code, t.Name, pillar, act.Title, act.Attendance,
		strings.Join(venues, "、"), status, len(act.Evidence), act.ID}, nil
}

const exportSheet = "工作台账"

// words is the ledger filter q as the exported file states it: names, not ids.
func (n *exportNames) words(ctx context.Context, tx *store.Tx, scope domain.Scope, q ActivityQuery) ([]string, error) {
	var w words
	if q.OrgID != 0 {
		o, err := tx.GetOrg(ctx, scope, q.OrgID)
		if err != nil {
			return nil, fieldNotFound(err, "org_id")
		}
		w.add("单位", o.Name+"（含下级单位）")
	}
	if q.Pillar != "" {
		name := q.Pillar
		if p, ok := domain.PillarByCode(q.Pillar); ok {
			name = p.Name
		}
		w.add("方面", name)
	}
	var types []string
	for _, id := range q.TypeIDs {
		if t, ok := n.types[id]; ok {
			types = append(types, t.Name)
		}
	}
	w.add("活动类型", strings.Join(types, "、"))
	w.add("期间", q.Period)
	w.date("起始日期", q.From)
	w.date("截止日期", q.To)
	var statuses []string
	for _, s := range q.Statuses {
		statuses = append(statuses, statusNamesZH[s])
	}
	w.add("状态", strings.Join(statuses, "、"))
	w.flag("有佐证材料", q.HasEvidence)
	w.add("标题包含", q.Query)
	if q.EvidenceSHA != "" {
		w.add("佐证材料", q.EvidenceSHA[:min(12, len(q.EvidenceSHA))])
	}
	if q.Venue != "" {
		name := q.Venue
		if v, ok := domain.VenueNames[q.Venue]; ok {
			name = v
		}
		w.add("场所", name)
	}
	w.add("录入人", q.CreatedBy)
	w.date("录入日期", q.EnteredOn)
	if q.ImportBatch != 0 {
		w.add("导入批次", strconv.FormatInt(q.ImportBatch, 10))
	}
	return w, nil
}
