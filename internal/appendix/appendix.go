// Package appendix writes the work report's .xlsx appendix (excelize): every figure of
// the report with what it counts, every figure split by child unit, and every record
// behind every figure — so the office can check each number against its records.
//
// Three sheets:
//
//	汇总     one row per figure: number, label, expression, value, unit, the wording in
//	         the report, what was counted, the link to the records, how many records
//	分单位   a matrix: rows are the child units, columns the figures; a 下级合计 row sums
//	         the child units (a SUM formula with its value cached) and a 报告数值 row gives
//	         the figure itself, which also counts the unit's own records
//	记录清单 one row per (figure, record), streamed, for any number of records
//
// Every sheet has Chinese headers, frozen header rows, set column widths and number
// formats. The package knows nothing of the store: internal/report fills the model.
package appendix

import (
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Figure is one figure of the report.
type Figure struct {
	// Label says in words what the figure is (e.g. "宣讲活动场次"); "" falls back to Expr.
	Label string
	// Expr is the template expression that computed it, e.g. count(type: "outreach_lecture").
	Expr string
	// Display is how the report writes it (e.g. "86" or "80余").
	Display string
	Value   int64
	// Unit is the display unit (场次, 人次, 个 …); may be empty.
	Unit string
	// Query is the canonical text of what was counted; Link the address of the records.
	Query, Link string
	// Breakdown is the figure per direct child unit; nil when the figure has no such split.
	Breakdown []UnitRow
	// Records are the records the figure counted.
	Records []Record
}

// UnitRow is a figure's value for one child unit.
type UnitRow struct {
	Code, Name string
	Value      int64
}

// Record is one record behind a figure.
type Record struct {
	ID int64
	// Date is the record's date as YYYY-MM-DD (written as a date cell); any other text is
	// written as text.
	Date               string
	UnitCode, UnitName string
	Type, Title        string
	Attendance         int64
	Status             string
}

// Sheet names.
const (
	SheetSummary = "汇总"
	SheetByUnit  = "分单位"
	SheetRecords = "记录清单"
)

// maxCellChars is Excel's limit on the text of one cell.
const maxCellChars = 32767

// Write validates the figures and writes the appendix to w. Invalid text (control
// characters, over-long cells) is refused with the field named — "figures[2].records[5].title"
// — before anything is written.
func Write(w io.Writer, title string, figs []Figure) error {
	if err := validate(title, figs); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return fmt.Errorf("appendix: %w", err)
	}
	for _, s := range []string{SheetByUnit, SheetRecords} {
		if _, err := f.NewSheet(s); err != nil {
			return fmt.Errorf("appendix: %w", err)
		}
	}
	// The summary opens first. Set before anything is streamed: afterwards,
	// SetActiveSheet would parse every streamed sheet back into memory (it
	// visits each sheet's view), which took seconds for a county's records.
	f.SetActiveSheet(0)
	if err := writeSummary(f, st, title, figs); err != nil {
		return fmt.Errorf("appendix: %s: %w", SheetSummary, err)
	}
	if err := writeByUnit(f, st, title, figs); err != nil {
		return fmt.Errorf("appendix: %s: %w", SheetByUnit, err)
	}
	if err := writeRecords(f, st, title, figs); err != nil {
		return fmt.Errorf("appendix: %s: %w", SheetRecords, err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "zeren", Language: "zh-CN"}); err != nil {
		return fmt.Errorf("appendix: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("appendix: %w", err)
	}
	return nil
}

func validate(title string, figs []Figure) error {
	if err := checkText("title", title); err != nil {
		return err
	}
	for i, fg := range figs {
		p := fmt.Sprintf("figures[%d].", i)
		for name, s := range map[string]string{"label": fg.Label, "expr": fg.Expr, "display": fg.Display, "unit": fg.Unit, "query": fg.Query, "link": fg.Link} {
			if err := checkText(p+name, s); err != nil {
				return err
			}
		}
		for j, u := range fg.Breakdown {
			q := fmt.Sprintf("%sbreakdown[%d].", p, j)
			if err := checkText(q+"code", u.Code); err != nil {
				return err
			}
			if err := checkText(q+"name", u.Name); err != nil {
				return err
			}
		}
		for j, r := range fg.Records {
			q := fmt.Sprintf("%srecords[%d].", p, j)
			for name, s := range map[string]string{"date": r.Date, "unit_code": r.UnitCode, "unit_name": r.UnitName, "type": r.Type, "title": r.Title, "status": r.Status} {
				if err := checkText(q+name, s); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// checkText refuses what an .xlsx cell cannot hold: invalid UTF-8, control characters
// other than tab and line feed, and more than 32767 characters.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return domain.Invalid(field, "is not valid UTF-8")
	}
	n := 0
	for i, r := range s {
		n++
		if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f || r == 0xFFFE || r == 0xFFFF {
			return domain.Invalid(field, "contains the control character U+%04X at byte %d", r, i)
		}
	}
	if n > maxCellChars {
		return domain.Invalid(field, "has %d characters; a spreadsheet cell holds at most %d", n, maxCellChars)
	}
	return nil
}

type styles struct {
	title, header, text, wrap, integer, id, date, total, totalInt int
}

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	font := &excelize.Font{Family: "宋体", Size: 11}
	bold := &excelize.Font{Family: "宋体", Size: 11, Bold: true}
	dateFmt := "yyyy-mm-dd"
	defs := []*excelize.Style{
		{Font: &excelize.Font{Family: "黑体", Size: 14}, Alignment: &excelize.Alignment{Vertical: "center"}},
		{Font: bold, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}},
		{Font: font, Border: border, Alignment: &excelize.Alignment{Vertical: "top"}},
		{Font: font, Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}},
		{Font: font, Border: border, NumFmt: 3, Alignment: &excelize.Alignment{Vertical: "top"}}, // #,##0
		{Font: font, Border: border, NumFmt: 1, Alignment: &excelize.Alignment{Vertical: "top"}}, // 0
		{Font: font, Border: border, CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top"}},
		{Font: bold, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}},
		{Font: bold, Border: border, NumFmt: 3, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}},
	}
	ids := make([]int, len(defs))
	for i, d := range defs {
		id, err := f.NewStyle(d)
		if err != nil {
			return styles{}, fmt.Errorf("appendix: style: %w", err)
		}
		ids[i] = id
	}
	return styles{ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7], ids[8]}, nil
}

func cell(style int, v any) excelize.Cell { return excelize.Cell{StyleID: style, Value: v} }

func ref(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// start opens a stream on sheet with its column widths, the title in row 1 (merged over
// the table's width) and the header rows frozen.
func start(f *excelize.File, st styles, sheet, title string, widths []float64, frozenCols int, header []string) (*excelize.StreamWriter, error) {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: frozenCols, YSplit: 2, TopLeftCell: ref(frozenCols+1, 3), ActivePane: activePane(frozenCols)}); err != nil {
		return nil, err
	}
	if len(header) > 1 {
		if err := sw.MergeCell("A1", ref(len(header), 1)); err != nil {
			return nil, err
		}
	}
	if err := sw.SetRow("A1", []any{cell(st.title, title)}, excelize.RowOpts{Height: 24}); err != nil {
		return nil, err
	}
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = cell(st.header, h)
	}
	if err := sw.SetRow("A2", row, excelize.RowOpts{Height: 30}); err != nil {
		return nil, err
	}
	return sw, nil
}

func activePane(frozenCols int) string {
	if frozenCols > 0 {
		return "bottomRight"
	}
	return "bottomLeft"
}

func label(fg Figure) string {
	if fg.Label != "" {
		return fg.Label
	}
	return fg.Expr
}

func writeSummary(f *excelize.File, st styles, title string, figs []Figure) error {
	sw, err := start(f, st, SheetSummary, title+" — 数据汇总",
		[]float64{6, 24, 40, 12, 8, 14, 40, 40, 10}, 0,
		[]string{"序号", "数据项", "表达式", "数值", "单位", "报告中写作", "统计口径", "记录链接", "记录数"})
	if err != nil {
		return err
	}
	for i, fg := range figs {
		row := []any{cell(st.integer, i+1), cell(st.wrap, label(fg)), cell(st.wrap, fg.Expr), cell(st.integer, fg.Value),
			cell(st.text, fg.Unit), cell(st.text, fg.Display), cell(st.wrap, fg.Query), cell(st.wrap, fg.Link), cell(st.integer, len(fg.Records))}
		if err := sw.SetRow(ref(1, i+3), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// writeByUnit writes the units × figures matrix. Units are listed in the order they
// first appear across the figures' breakdowns (the report's child units in its order).
func writeByUnit(f *excelize.File, st styles, title string, figs []Figure) error {
	type unit struct{ code, name string }
	var units []unit
	index := map[unit]int{}
	for _, fg := range figs {
		for _, u := range fg.Breakdown {
			k := unit{u.Code, u.Name}
			if _, ok := index[k]; !ok {
				index[k] = len(units)
				units = append(units, k)
			}
		}
	}
	header := []string{"单位代码", "单位名称"}
	widths := []float64{12, 28}
	for i, fg := range figs {
		h := fmt.Sprintf("%d. %s", i+1, label(fg))
		if fg.Unit != "" {
			h += "（" + fg.Unit + "）"
		}
		header = append(header, h)
		widths = append(widths, 16)
	}
	sw, err := start(f, st, SheetByUnit, title+" — 分单位明细", widths, 2, header)
	if err != nil {
		return err
	}
	// values[u][i] is figure i for unit u; a figure without a breakdown has no column values.
	values := make([][]*int64, len(units))
	for u := range values {
		values[u] = make([]*int64, len(figs))
	}
	for i, fg := range figs {
		for _, r := range fg.Breakdown {
			u := index[unit{r.Code, r.Name}]
			v := r.Value
			if values[u][i] != nil {
				v += *values[u][i] // the same unit listed twice: add up
			}
			values[u][i] = &v
		}
	}
	for u, un := range units {
		row := []any{cell(st.text, un.code), cell(st.text, un.name)}
		for i := range figs {
			switch {
			case values[u][i] != nil:
				row = append(row, cell(st.integer, *values[u][i]))
			case figs[i].Breakdown != nil:
				row = append(row, cell(st.integer, 0)) // split, but nothing for this unit
			default:
				row = append(row, cell(st.text, ""))
			}
		}
		if err := sw.SetRow(ref(1, u+3), row); err != nil {
			return err
		}
	}
	totalRow, figureRow := len(units)+3, len(units)+4
	total := []any{cell(st.total, ""), cell(st.total, "下级合计")}
	report := []any{cell(st.total, ""), cell(st.total, "报告数值（含本级）")}
	for i, fg := range figs {
		if fg.Breakdown == nil {
			total = append(total, cell(st.total, "不分单位"))
		} else {
			var sum int64
			for _, r := range fg.Breakdown {
				sum += r.Value
			}
			c := cell(st.totalInt, sum)
			if len(units) > 0 {
				c.Formula = fmt.Sprintf("SUM(%s:%s)", ref(i+3, 3), ref(i+3, len(units)+2))
			}
			total = append(total, c)
		}
		report = append(report, cell(st.totalInt, fg.Value))
	}
	if err := sw.SetRow(ref(1, totalRow), total); err != nil {
		return err
	}
	if err := sw.SetRow(ref(1, figureRow), report); err != nil {
		return err
	}
	return sw.Flush()
}

func writeRecords(f *excelize.File, st styles, title string, figs []Figure) error {
	sw, err := start(f, st, SheetRecords, title+" — 记录清单",
		[]float64{6, 24, 10, 12, 12, 24, 16, 40, 10, 10}, 0,
		[]string{"序号", "数据项", "记录编号", "日期", "单位代码", "单位名称", "类型", "标题", "参与人次", "状态"})
	if err != nil {
		return err
	}
	row := 3
	for i, fg := range figs {
		for _, r := range fg.Records {
			var date any = cell(st.text, r.Date)
			if d, err := time.Parse(time.DateOnly, r.Date); err == nil {
				date = cell(st.date, d)
			}
			vals := []any{cell(st.integer, i+1), cell(st.text, label(fg)), cell(st.id, r.ID), date,
				cell(st.text, r.UnitCode), cell(st.text, r.UnitName), cell(st.text, r.Type), cell(st.wrap, r.Title),
				cell(st.integer, r.Attendance), cell(st.text, r.Status)}
			if err := sw.SetRow(ref(1, row), vals); err != nil {
				return err
			}
			row++
		}
	}
	return sw.Flush()
}
