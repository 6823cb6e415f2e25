// Package tabular reads the sheets offices keep — .xlsx saved by Excel, WPS
// or LibreOffice, and CSV in UTF-8 or GBK — into rows of text, and parses the
// values people type into them: dates in every form Chinese offices write
// them, counts such as "约50人", names matched against a list with
// suggestions for near misses. Importers (ledger records, members, accounts,
// questions) build on it; it knows nothing of what the rows mean.
//
// Reading is bounded: the file's size, the workbook's unzipped size (a zip
// bomb is refused before it is inflated), the rows and the length of a cell.
// Every refusal is an *Error naming the row and column as the sheet shows
// them (第 5 行 C 列).
package tabular

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Limits bound what Read accepts.
type Limits struct {
	MaxBytes     int64 // the file
	MaxUnzipped  int64 // an .xlsx's parts, inflated
	MaxRows      int   // data rows after the header
	MaxCellRunes int
}

// DefaultLimits suit a year's ledger of one school or a county's backlog.
var DefaultLimits = Limits{MaxBytes: 32 << 20, MaxUnzipped: 512 << 20, MaxRows: 200_000, MaxCellRunes: 4000}

// Error is a refusal that names where in the sheet it lies.
type Error struct {
	Row    int    // 1-based, as the sheet shows it; 0 when the whole file
	Column string // "C" or a header name; "" when the whole row or file
	Msg    string // in the user's words (Chinese)
}

func (e *Error) Error() string {
	switch {
	case e.Row > 0 && e.Column != "":
		return fmt.Sprintf("第 %d 行 %s 列：%s", e.Row, e.Column, e.Msg)
	case e.Row > 0:
		return fmt.Sprintf("第 %d 行：%s", e.Row, e.Msg)
	}
	return e.Msg
}

// Row is one row of a sheet: its number as the sheet shows it and its cells.
type Row struct {
	Line  int
	Cells []string
}

// Cell returns the i-th cell, "" past the end.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// Blank reports whether every cell is empty.
func (r Row) Blank() bool {
	for _, c := range r.Cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Sheet is what Read returns: the rows of the first visible sheet (or the
// CSV), blank rows dropped, and what kind of file it was.
type Sheet struct {
	Name   string // the sheet's name; "" for CSV
	Format string // "xlsx", "csv-utf8", "csv-gbk"
	Rows   []Row
	// Merged are merged ranges ("A5:A7") with their first row, for the
	// caller to refuse where they cover data (see MergedBelow).
	Merged []Merge
}

// Merge is one merged range.
type Merge struct {
	Range    string
	FirstRow int
	LastRow  int
}

// MergedBelow returns an error for the first merged range that reaches a
// row after header: a merged cell among records hides values in every row
// but its first, so such a sheet is refused rather than guessed.
func (s Sheet) MergedBelow(header int) error {
	for _, m := range s.Merged {
		if m.LastRow > header {
			return &Error{Row: m.FirstRow, Msg: fmt.Sprintf("合并单元格 %s：请取消合并、把值填到每一行后再导入", m.Range)}
		}
	}
	return nil
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Read reads a workbook or a CSV file.
func Read(data []byte, lim Limits) (Sheet, error) {
	if lim == (Limits{}) {
		lim = DefaultLimits
	}
	if int64(len(data)) > lim.MaxBytes {
		return Sheet{}, &Error{Msg: fmt.Sprintf("文件超过 %d MB，请拆分后再导入", lim.MaxBytes>>20)}
	}
	switch {
	case len(data) == 0:
		return Sheet{}, &Error{Msg: "文件是空的"}
	case bytes.HasPrefix(data, oleMagic):
		return Sheet{}, &Error{Msg: "这是旧版 .xls 或加密的工作簿：请在 Excel 或 WPS 中另存为 .xlsx（不加密）后再导入"}
	case bytes.HasPrefix(data, zipMagic):
		return readXLSX(data, lim)
	}
	return readCSV(data, lim)
}

// readXLSX checks the archive's inflated size before excelize opens it, then
// streams the first visible sheet's rows.
func readXLSX(data []byte, lim Limits) (Sheet, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Sheet{}, &Error{Msg: "工作簿已损坏，无法打开（不是完整的 .xlsx 文件）"}
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnzipped) {
			return Sheet{}, &Error{Msg: fmt.Sprintf("工作簿解压后超过 %d MB，拒绝导入", lim.MaxUnzipped>>20)}
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.MaxUnzipped, UnzipXMLSizeLimit: lim.MaxUnzipped,
	})
	if err != nil {
		return Sheet{}, &Error{Msg: "工作簿已损坏，无法打开：请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入"}
	}
	defer f.Close()
	name := ""
	for _, s := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(s); err == nil && visible {
			name = s
			break
		}
	}
	if name == "" {
		return Sheet{}, &Error{Msg: "工作簿没有可见的工作表"}
	}
	out := Sheet{Name: name, Format: "xlsx"}
	if merged, err := f.GetMergeCells(name); err == nil {
		for _, m := range merged {
			_, r1, e1 := excelize.CellNameToCoordinates(m.GetStartAxis())
			_, r2, e2 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if e1 == nil && e2 == nil {
				out.Merged = append(out.Merged, Merge{Range: m.GetStartAxis() + ":" + m.GetEndAxis(), FirstRow: r1, LastRow: r2})
			}
		}
	}
	rows, err := f.Rows(name)
	if err != nil {
		return Sheet{}, &Error{Msg: "工作表无法读取：" + err.Error()}
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true}) // dates as serial numbers, not a locale's format
		if err != nil {
			return Sheet{}, &Error{Row: n, Msg: "这一行无法读取"}
		}
		r := Row{Line: n, Cells: cells}
		if err := checkRow(r, lim); err != nil {
			return Sheet{}, err
		}
		if r.Blank() {
			continue
		}
		if len(out.Rows) > lim.MaxRows {
			return Sheet{}, &Error{Msg: fmt.Sprintf("超过 %d 行，请拆分成几个文件后再导入", lim.MaxRows)}
		}
		out.Rows = append(out.Rows, r)
	}
	if err := rows.Error(); err != nil {
		return Sheet{}, &Error{Msg: "工作表无法读取完：" + err.Error()}
	}
	return out, nil
}

// readCSV decodes UTF-8 (with or without a BOM) or, when the bytes are not
// UTF-8, GBK (GB18030, its superset: what Excel on a Chinese Windows saves).
func readCSV(data []byte, lim Limits) (Sheet, error) {
	format := "csv-utf8"
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		dec, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
		if err != nil || !utf8.Valid(dec) {
			return Sheet{}, &Error{Msg: "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx"}
		}
		data, format = dec, "csv-gbk"
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return Sheet{}, &Error{Msg: "这不是文本 CSV 文件（含二进制内容）：请上传 .xlsx 或 CSV"}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	out := Sheet{Format: format}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return Sheet{}, &Error{Row: pe.StartLine, Msg: "CSV 格式有误：" + pe.Err.Error()}
			}
			return Sheet{}, &Error{Msg: "CSV 无法读取：" + err.Error()}
		}
		r := Row{Line: line, Cells: rec}
		if err := checkRow(r, lim); err != nil {
			return Sheet{}, err
		}
		if r.Blank() {
			continue
		}
		if len(out.Rows) > lim.MaxRows {
			return Sheet{}, &Error{Msg: fmt.Sprintf("超过 %d 行，请拆分成几个文件后再导入", lim.MaxRows)}
		}
		out.Rows = append(out.Rows, r)
	}
	return out, nil
}

func checkRow(r Row, lim Limits) error {
	for i, c := range r.Cells {
		if utf8.RuneCountInString(c) > lim.MaxCellRunes {
			return &Error{Row: r.Line, Column: ColumnName(i), Msg: fmt.Sprintf("内容超过 %d 字", lim.MaxCellRunes)}
		}
	}
	return nil
}

// ColumnName is the sheet's letter name of a 0-based column: 0 → A, 27 → AB.
func ColumnName(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return fmt.Sprint(i + 1)
	}
	return name
}
