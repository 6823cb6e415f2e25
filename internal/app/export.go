package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/domain"
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

// LedgerExport is a finished .xlsx workbook of ledger rows. Write it out
// with WriteTo, then Close it (the stream writer may keep a temporary file).
type LedgerExport struct {
	Filename string // 工作台账-<period or dates>.xlsx
	Rows     int    // data rows, the header not counted
	f        *excelize.File
}

// WriteTo writes the workbook.
func (e *LedgerExport) WriteTo(w io.Writer) (int64, error) { return e.f.WriteTo(w) }

// Close releases the workbook's temporary files.
func (e *LedgerExport) Close() error { return e.f.Close() }

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
	maxRows := a.cfg.MaxExportRows
	if maxRows <= 0 {
		maxRows = DefaultMaxExportRows
	}
	w, err := newLedgerWriter()
	if err != nil {
		return nil, err
	}
	out := &LedgerExport{Filename: exportFilename(q), f: w.f}
	// The filter is resolved and the rows counted once; the rows are then
	// read a page at a time by key, each page in its own short read
	// transaction, so a large export neither recounts per page nor holds
	// one transaction open for its whole length (which would keep SQLite's
	// checkpoint from running). What it promises: every row that matches
	// from the export's start to its end is in the file exactly once, in the
	// list's order; a row written meanwhile may or may not be.
	var f store.ActivityFilter
	var names *exportNames
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if f, err = a.activityFilter(ctx, tx, ac, q); err != nil {
			return err
		}
		if names, err = newExportNames(ctx, tx); err != nil {
			return err
		}
		f.Limit, f.Count, f.CountCap = 1, store.CountCapped, maxRows
		p, err := tx.ListActivityPage(ctx, ac.Scope, f)
		if err != nil {
			return err
		}
		if p.Capped || p.Total > maxRows {
			return tooManyToExport(p.Total, maxRows)
		}
		return nil
	})
	f.Limit, f.Count, f.NoSharedWith = pageSize, store.CountNone, true
	seen := map[int64]bool{} // a row re-dated between two pages may come again
	for err == nil {
		var page store.ActivityPage
		err = a.st.Read(ctx, func(tx *store.Tx) error {
			var err error
			if page, err = tx.ListActivityPage(ctx, ac.Scope, f); err != nil {
				return err
			}
			for _, act := range page.Items {
				if seen[act.ID] {
					continue
				}
				seen[act.ID] = true
				if out.Rows >= maxRows {
					return tooManyToExport(out.Rows+1, maxRows)
				}
				row, err := names.row(ctx, tx, ac.Scope, act)
				if err != nil {
					return err
				}
				if err := w.add(row); err != nil {
					return err
				}
				out.Rows++
			}
			return nil
		})
		if page.Next == nil {
			break
		}
		f.After = page.Next
	}
	if err == nil {
		err = w.finish()
	}
	if err == nil {
		err = a.recordAlone(ctx, ac, AuditEntry{Type: "activity.export", Target: "activities",
			Detail: fmt.Sprintf("%d rows; %s", out.Rows, describeQuery(q))})
	}
	if err != nil {
		out.Close()
		return nil, err
	}
	return out, nil
}

func tooManyToExport(n, maxRows int) error {
	return domain.TooLarge("limit", "the filter matches more than %d activities (%d or more); an export holds at most %d. Narrow the period, unit or type and export in parts", maxRows, n, maxRows)
}

// exportFilename names the file after the period or the dates it covers.
func exportFilename(q ActivityQuery) string {
	what := "全部"
	switch {
	case q.Period != "":
		what = q.Period
	case !q.From.IsZero() && !q.To.IsZero():
		what = q.From.String() + "至" + q.To.String()
	case !q.From.IsZero():
		what = q.From.String() + "起"
	case !q.To.IsZero():
		what = "至" + q.To.String()
	}
	// A period label is user text: keep it out of path syntax.
	what = strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, what)
	return "工作台账-" + what + ".xlsx"
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

// ledgerWriter streams rows into the first sheet of a new workbook.
type ledgerWriter struct {
	f         *excelize.File
	sw        *excelize.StreamWriter
	dateStyle int
	next      int // the next row number, 1-based
}

const exportSheet = "工作台账"

func newLedgerWriter() (*ledgerWriter, error) {
	f := excelize.NewFile()
	w := &ledgerWriter{f: f, next: 1}
	fail := func(err error) (*ledgerWriter, error) {
		f.Close()
		return nil, fmt.Errorf("starting the Excel export: %w", err)
	}
	if err := f.SetSheetName("Sheet1", exportSheet); err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(exportSheet)
	if err != nil {
		return fail(err)
	}
	w.sw = sw
	dateFmt := "yyyy-mm-dd"
	if w.dateStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return fail(err)
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6EEF8"}}})
	if err != nil {
		return fail(err)
	}
	// Widths in characters: a Chinese character counts about two.
	widths := []float64{12, 24, 14, 22, 16, 40, 10, 16, 8, 11, 9}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return fail(err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	header := make([]any, len(ExportColumns))
	for i, c := range ExportColumns {
		header[i] = excelize.Cell{StyleID: head, Value: c}
	}
	if err := w.addCells(header); err != nil {
		return fail(err)
	}
	return w, nil
}

// add writes one data row; the date becomes a real date cell, so that Excel
// sorts and filters it as a date.
func (w *ledgerWriter) add(row []any) error {
	if d, ok := row[0].(domain.Date); ok {
		row[0] = excelize.Cell{StyleID: w.dateStyle, Value: d.Time()}
	}
	return w.addCells(row)
}

func (w *ledgerWriter) addCells(row []any) error {
	cell, err := excelize.CoordinatesToCellName(1, w.next)
	if err != nil {
		return err
	}
	if err := w.sw.SetRow(cell, row); err != nil {
		return fmt.Errorf("writing export row %d: %w", w.next, err)
	}
	w.next++
	return nil
}

// finish completes the sheet; the workbook is then ready to write out.
func (w *ledgerWriter) finish() error {
	if err := w.sw.Flush(); err != nil {
		return fmt.Errorf("finishing the Excel export: %w", err)
	}
	return nil
}
