package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/export"
)

// Export is a finished .xlsx workbook of a list. Write it out with WriteTo,
// then Close it (the stream writer may keep a temporary file).
type Export struct {
	Filename string // <list>-<period, dates or 全部>.xlsx
	Rows     int    // data rows, the header block not counted
	b        *export.Book
}

// LedgerExport is the ledger's export (the name it had before every list
// had one).
type LedgerExport = Export

// WriteTo writes the workbook.
func (e *Export) WriteTo(w io.Writer) (int64, error) { return e.b.WriteTo(w) }

// Close releases the workbook's temporary files.
func (e *Export) Close() error { return e.b.Close() }

// exportRow is one record of an export: its key, so that a record met again
// on a later page (offset paging over a list being written) is written once,
// and its cells, one per column.
type exportRow struct {
	key   int64
	cells []any
}

// listExport is a list plugged into the one export writer (writeExport).
// A list brings its columns, its filter (in words for the file, as the
// audit trail records it) and a way to read its rows a page at a time; the
// writer brings the header block, the row cap, the paging, the audit row.
// A new list's export is a listExport and a route (see README, "Exports").
type listExport struct {
	auditType string // the audit event, e.g. team.export
	target    string // the audit target, e.g. teams
	noun      string // what a row is, for the cap's message: teams
	title     string // the sheet, the file's stem and the header's title: 队伍名册
	what      string // the file name's part after the stem: a period, dates; "" for 全部
	filter    []string
	detail    string // the filter as the audit trail records it
	columns   []export.Column
	// count, when set, counts the matching rows first (one query), so an
	// export over the cap is refused before a row is read.
	count func(ctx context.Context) (int, error)
	// next reads the next page of rows, each page in its own short read
	// transaction; done when no page follows. It keeps its own position (an
	// offset, a key).
	next func(ctx context.Context) (rows []exportRow, done bool, err error)
}

// maxExportRows is the cap of one export.
func (a *App) maxExportRows() int {
	if a.cfg.MaxExportRows > 0 {
		return a.cfg.MaxExportRows
	}
	return DefaultMaxExportRows
}

// writeExport runs a list's export: every matching row exactly once, in the
// list's order, or a 413 naming the cap — never a cut-short file. The
// workbook is complete before anything is sent, so a slow client holds no
// transaction open. The export is audited: who (the actor), what (the
// filter) and how many rows.
func (a *App) writeExport(ctx context.Context, ac domain.Actor, le listExport) (*Export, error) {
	maxRows := a.maxExportRows()
	if le.count != nil {
		n, err := le.count(ctx)
		if err != nil {
			return nil, err
		}
		if n > maxRows {
			return nil, tooManyToExport(le.noun, n, maxRows)
		}
	}
	b, err := export.New(le.title, export.Header{Title: le.title, Filter: le.filter,
		At: a.now().In(a.clock.Location()), By: ac.Name}, le.columns)
	if err != nil {
		return nil, err
	}
	out := &Export{Filename: export.Filename(le.title, le.what), b: b}
	seen := map[int64]bool{}
	for err == nil {
		var rows []exportRow
		var done bool
		if rows, done, err = le.next(ctx); err != nil {
			break
		}
		for _, r := range rows {
			if seen[r.key] {
				continue
			}
			seen[r.key] = true
			if b.Rows() >= maxRows {
				err = tooManyToExport(le.noun, b.Rows()+1, maxRows)
				break
			}
			if err = b.Add(r.cells...); err != nil {
				break
			}
		}
		if done {
			break
		}
	}
	if err == nil {
		err = b.Finish()
	}
	out.Rows = b.Rows()
	if err == nil {
		detail := le.detail
		if detail == "" {
			detail = "whole scope"
		}
		err = a.recordAlone(ctx, ac, AuditEntry{Type: le.auditType, Target: le.target,
			Detail: fmt.Sprintf("%d rows; %s", out.Rows, detail)})
	}
	if err != nil {
		b.Close()
		return nil, err
	}
	return out, nil
}

func tooManyToExport(noun string, n, maxRows int) error {
	return domain.TooLarge("limit", "the filter matches more than %d %s (%d or more); an export holds at most %d. Narrow the filter and export in parts", maxRows, noun, n, maxRows)
}

// offsetPages reads a list through its own paged list function (limit and
// offset), a page per call, each call its own read transaction. Offset paging
// over a list written meanwhile may meet a row twice (writeExport keeps the
// first) — the lists exported this way are ordered so that new rows come
// first or in place, never removed, and a row written during the export may
// or may not be in it.
func offsetPages[T any](pageSize int, list func(ctx context.Context, limit, offset int) ([]T, int, error),
	row func(T) exportRow) func(ctx context.Context) ([]exportRow, bool, error) {
	offset := 0
	return func(ctx context.Context) ([]exportRow, bool, error) {
		items, total, err := list(ctx, pageSize, offset)
		if err != nil {
			return nil, false, err
		}
		rows := make([]exportRow, len(items))
		for i, it := range items {
			rows[i] = row(it)
		}
		offset += len(items)
		return rows, len(items) < pageSize || offset >= total, nil
	}
}

// words collects the conditions of a filter as the file states them.
type words []string

func (w *words) add(label, value string) {
	if value != "" {
		*w = append(*w, label+"："+value)
	}
}

func (w *words) date(label string, d domain.Date) {
	if !d.IsZero() {
		w.add(label, d.String())
	}
}

func (w *words) flag(label string, b *bool) {
	if b != nil {
		w.add(label, map[bool]string{true: "是", false: "否"}[*b])
	}
}

// audit is a filter as the audit trail records it: key=value pairs.
type auditWords []string

func (w *auditWords) add(key string, v any) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return
		}
	case int64:
		if x == 0 {
			return
		}
	case int:
		if x == 0 {
			return
		}
	case bool:
		if !x {
			return
		}
	case *bool:
		if x == nil {
			return
		}
		v = *x
	case domain.Date:
		if x.IsZero() {
			return
		}
	}
	*w = append(*w, fmt.Sprintf("%s=%v", key, v))
}

func (w auditWords) String() string { return strings.Join(w, " ") }

// unitWords names a unit of a filter: its name, with its subtree.
func (a *App) unitWords(ctx context.Context, ac domain.Actor, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	o, err := a.GetOrg(ctx, ac, id)
	if err != nil {
		return "", fieldNotFound(err, "org_id")
	}
	return o.Name + "（含下级单位）", nil
}
