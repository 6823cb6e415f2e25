package report

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// RecordLine is one record behind a figure, as the appendix lists it.
type RecordLine struct {
	ID         int64
	Date       string
	Unit       string
	Type       string
	Title      string
	Attendance int64
	Status     string
}

// XLSX writes the appendix: a sheet of figures (each with its value, query
// and records link), a sheet of every figure split by direct child unit, and
// a sheet listing the records behind each figure.
func XLSX(d Document, records map[int][]RecordLine) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const figs, split, recs = "数据汇总", "分单位明细", "记录清单"
	if err := f.SetSheetName("Sheet1", figs); err != nil {
		return nil, err
	}
	for _, s := range []string{split, recs} {
		if _, err := f.NewSheet(s); err != nil {
			return nil, err
		}
	}
	put := func(sheet string, row int, vals ...any) error {
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return f.SetSheetRow(sheet, cell, &vals)
	}
	if err := put(figs, 1, d.Title); err != nil {
		return nil, err
	}
	if err := put(figs, 2, "序号", "表达式", "数值", "报告中写作", "单位", "统计口径", "记录链接", "记录数"); err != nil {
		return nil, err
	}
	if err := put(split, 1, "序号", "表达式", "单位（含下级）", "数值"); err != nil {
		return nil, err
	}
	if err := put(recs, 1, "序号", "表达式", "记录编号", "日期", "单位", "类型", "标题", "参与人次", "状态"); err != nil {
		return nil, err
	}
	rs, rr := 2, 2
	for i, fg := range d.Figures {
		if err := put(figs, i+3, i+1, fg.Expr, fg.Value, fg.Display, fg.Unit, fg.Query, fg.Records, fg.NRecords); err != nil {
			return nil, err
		}
		for _, u := range fg.Breakdown {
			if err := put(split, rs, i+1, fg.Expr, u.Name, u.Value); err != nil {
				return nil, err
			}
			rs++
		}
		for _, r := range records[i] {
			if err := put(recs, rr, i+1, fg.Expr, r.ID, r.Date, r.Unit, r.Type, r.Title, r.Attendance, r.Status); err != nil {
				return nil, err
			}
			rr++
		}
	}
	for _, s := range []string{figs, split, recs} {
		if err := f.SetColWidth(s, "B", "B", 40); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("appendix: %w", err)
	}
	return buf.Bytes(), nil
}
