// Package export writes a list as an Excel workbook, streaming: the one
// writer every list export of zeren plugs into with its columns (the ledger,
// rosters, accounts, the audit trail, problems, rectifications, a figure's
// records, and the lists other pillars add).
//
// A workbook has one sheet. Its first HeaderRows rows say what the file is:
// the list's title, the filter in words, and when and by whom it was
// exported (in the bureau's time zone); then the column header row (frozen
// and bold) and one row per record. Rows go through excelize's StreamWriter,
// which keeps memory bounded by spilling to a temporary file: Close the book.
package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/domain"
)

// HeaderRows is how many rows describe the file before the column header
// row: the title, the filter, the time and exporter.
const HeaderRows = 3

// Column is one column of a list's export.
type Column struct {
	Title string
	// Width in characters (a Chinese character counts about two); 0 means 12.
	Width float64
}

// Header is what the file says about itself above the rows.
type Header struct {
	Title  string    // the list, e.g. 队伍名册
	Filter []string  // the filter in words, one condition each (全部 when empty)
	At     time.Time // the time of the export, shown in At's location
	By     string    // who exported it
}

// Book is a workbook being written. Add rows, then Finish, then WriteTo; Close
// it in every case.
type Book struct {
	f         *excelize.File
	sw        *excelize.StreamWriter
	cols      int
	dateStyle int
	timeStyle int
	next      int // the next row number, 1-based
	rows      int
}

// New starts a workbook of one sheet named sheet (at most 31 characters,
// none of []:*?/\) with the header block and the column header row.
func New(sheet string, h Header, cols []Column) (*Book, error) {
	f := excelize.NewFile()
	b := &Book{f: f, cols: len(cols), next: 1}
	fail := func(err error) (*Book, error) {
		f.Close()
		return nil, fmt.Errorf("starting the Excel export: %w", err)
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fail(err)
	}
	b.sw = sw
	dateFmt, timeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	if b.dateStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return fail(err)
	}
	if b.timeStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt}); err != nil {
		return fail(err)
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return fail(err)
	}
	note, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "555555"}})
	if err != nil {
		return fail(err)
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6EEF8"}}})
	if err != nil {
		return fail(err)
	}
	for i, c := range cols {
		w := c.Width
		if w <= 0 {
			w = 12
		}
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return fail(err)
		}
	}
	headRow := HeaderRows + 1
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headRow, TopLeftCell: fmt.Sprintf("A%d", headRow+1), ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	filter := "全部"
	if len(h.Filter) > 0 {
		filter = strings.Join(h.Filter, "；")
	}
	at := "导出时间：" + h.At.Format("2006-01-02 15:04:05")
	if h.By != "" {
		at += "　导出人：" + h.By
	}
	for _, line := range []excelize.Cell{
		{StyleID: title, Value: h.Title},
		{StyleID: note, Value: "筛选条件：" + filter},
		{StyleID: note, Value: at},
	} {
		if err := b.put([]any{line}); err != nil {
			return fail(err)
		}
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: head, Value: c.Title}
	}
	if err := b.put(header); err != nil {
		return fail(err)
	}
	return b, nil
}

// Add writes one record's row, a value per column: a domain.Date becomes a
// date cell and a time.Time a date-and-time cell (in its own location), so
// Excel sorts and filters them as such; a zero Date or time is left blank.
func (b *Book) Add(row ...any) error {
	if len(row) != b.cols {
		return fmt.Errorf("export row %d has %d cells for %d columns", b.rows+1, len(row), b.cols)
	}
	cells := make([]any, len(row))
	for i, v := range row {
		switch v := v.(type) {
		case domain.Date:
			if !v.IsZero() {
				cells[i] = excelize.Cell{StyleID: b.dateStyle, Value: v.Time()}
			}
		case time.Time:
			if !v.IsZero() {
				// excelize writes a time's wall clock: the zone is the caller's.
				wall := time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), 0, time.UTC)
				cells[i] = excelize.Cell{StyleID: b.timeStyle, Value: wall}
			}
		default:
			cells[i] = v
		}
	}
	if err := b.put(cells); err != nil {
		return err
	}
	b.rows++
	return nil
}

// Rows is how many records were added (the header block not counted).
func (b *Book) Rows() int { return b.rows }

func (b *Book) put(row []any) error {
	cell, err := excelize.CoordinatesToCellName(1, b.next)
	if err != nil {
		return err
	}
	if err := b.sw.SetRow(cell, row); err != nil {
		return fmt.Errorf("writing export row %d: %w", b.next, err)
	}
	b.next++
	return nil
}

// Finish completes the sheet; the workbook is then ready to write out.
func (b *Book) Finish() error {
	if err := b.sw.Flush(); err != nil {
		return fmt.Errorf("finishing the Excel export: %w", err)
	}
	return nil
}

// WriteTo writes the finished workbook.
func (b *Book) WriteTo(w io.Writer) (int64, error) { return b.f.WriteTo(w) }

// Close releases the workbook's temporary files.
func (b *Book) Close() error { return b.f.Close() }

// Filename makes a download's file name from a stem and a part naming what
// it covers (a period, dates, 全部): stem-what.xlsx, with path syntax and
// control characters of user text replaced.
func Filename(stem, what string) string {
	if what == "" {
		what = "全部"
	}
	what = strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, what)
	return stem + "-" + what + ".xlsx"
}
