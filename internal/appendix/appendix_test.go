package appendix

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"pgregory.net/rapid"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/officecheck"
)

const title = "××县教育局2024年度意识形态工作报告 附表"

func sample() []Figure {
	return []Figure{
		{
			Label: "宣讲活动场次", Expr: `count(type: "outreach_lecture", venue: "campus")`, Display: "5", Value: 5, Unit: "场次",
			Query: "activities type=outreach_lecture venue=campus status=approved 2024", Link: "/ledger?org_id=1&period=2024&type_id=7",
			Breakdown: []UnitRow{{"D01", "城关学区", 3}, {"D02", "河西学区", 1}, {"S09", "县一中", 0}},
			Records: []Record{
				{ID: 101, Date: "2024-03-15", UnitCode: "D01-S01", UnitName: "城关小学", Type: "宣讲", Title: "“<新思想>” & 进校园 😀", Attendance: 320, Status: "已审核"},
				{ID: 102, Date: "2024-04-02", UnitCode: "D01-S02", UnitName: "城关中学", Type: "宣讲", Title: "党的二十大精神宣讲", Attendance: 1200, Status: "已审核"},
				{ID: 103, Date: "2024-05-20", UnitCode: "D01", UnitName: "城关学区", Type: "宣讲", Title: "学区集中宣讲", Attendance: 80, Status: "已审核"},
				{ID: 104, Date: "2024-06-01", UnitCode: "D02-S01", UnitName: "河西小学", Type: "宣讲", Title: "=1+1 不是公式", Attendance: 45, Status: "已审核"},
				{ID: 105, Date: "2024年秋季", UnitCode: "X", UnitName: "县教育局", Type: "宣讲", Title: "局本级宣讲", Attendance: 60, Status: "已审核"},
			},
		},
		{
			Label: "", Expr: `attendance(pillar: "theory")`, Display: "1,600", Value: 1600, Unit: "人次",
			Breakdown: []UnitRow{{"D02", "河西学区", 45}, {"D01", "城关学区", 1555}},
			Records: []Record{
				{ID: 101, Date: "2024-03-15", UnitCode: "D01-S01", UnitName: "城关小学", Type: "宣讲", Title: "“<新思想>” & 进校园 😀", Attendance: 320, Status: "已审核"},
			},
		},
		{Label: "宣讲队伍", Expr: `teams(kind: "outreach")`, Display: "12", Value: 12, Unit: "支"},
	}
}

func writeBytes(t *testing.T, figs []Figure) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, title, figs); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

func open(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize cannot open the appendix: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func rows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	r, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("%s: %v", sheet, err)
	}
	return r
}

func TestExcelizeReadsEverySheet(t *testing.T) {
	figs := sample()
	f := open(t, writeBytes(t, figs))
	if got := f.GetSheetList(); strings.Join(got, ",") != "汇总,分单位,记录清单" {
		t.Fatalf("sheets %v", got)
	}

	sum := rows(t, f, SheetSummary)
	if sum[0][0] != title+" — 数据汇总" {
		t.Errorf("title row %q", sum[0])
	}
	if h := strings.Join(sum[1], "|"); h != "序号|数据项|表达式|数值|单位|报告中写作|统计口径|记录链接|记录数" {
		t.Errorf("summary header %q", h)
	}
	if len(sum) != 2+len(figs) {
		t.Fatalf("summary has %d rows, want %d", len(sum), 2+len(figs))
	}
	for i, fg := range figs {
		r := sum[2+i]
		wantLabel := fg.Label
		if wantLabel == "" {
			wantLabel = fg.Expr
		}
		want := []string{strconv.Itoa(i + 1), wantLabel, fg.Expr, fmt.Sprintf("%d", fg.Value), fg.Unit, fg.Display, fg.Query, fg.Link, strconv.Itoa(len(fg.Records))}
		// #,##0 shows 1600 as 1,600.
		want[3] = strings.ReplaceAll(want[3], "1600", "1,600")
		if strings.Join(pad(r, len(want)), "|") != strings.Join(want, "|") {
			t.Errorf("summary row %d = %q, want %q", i+1, r, want)
		}
	}
	raw, _ := f.GetCellValue(SheetSummary, "D4", excelize.Options{RawCellValue: true})
	if raw != "1600" {
		t.Errorf("value cell holds %q, want the number 1600", raw)
	}
	if typ, _ := f.GetCellType(SheetSummary, "D4"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("value cell type %v, want a number", typ)
	}

	// Units × figures: units in order of first appearance, totals and the report's values.
	by := rows(t, f, SheetByUnit)
	wantBy := [][]string{
		{"单位代码", "单位名称", "1. 宣讲活动场次（场次）", `2. attendance(pillar: "theory")（人次）`, "3. 宣讲队伍（支）"},
		{"D01", "城关学区", "3", "1,555", ""},
		{"D02", "河西学区", "1", "45", ""},
		{"S09", "县一中", "0", "0", ""},
		{"", "下级合计", "4", "1,600", "不分单位"},
		{"", "报告数值（含本级）", "5", "1,600", "12"},
	}
	for i, w := range wantBy {
		if got := pad(by[i+1], len(w)); strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("分单位 row %d = %q, want %q", i+2, got, w)
		}
	}
	if formula, _ := f.GetCellFormula(SheetByUnit, "C6"); formula != "SUM(C3:C5)" {
		t.Errorf("total formula %q, want SUM(C3:C5)", formula)
	}

	// Records: every record of every figure, with its figure.
	rec := rows(t, f, SheetRecords)
	if h := strings.Join(rec[1], "|"); h != "序号|数据项|记录编号|日期|单位代码|单位名称|类型|标题|参与人次|状态" {
		t.Errorf("records header %q", h)
	}
	n := 2
	for i, fg := range figs {
		for _, r := range fg.Records {
			got := pad(rec[n], 10)
			want := []string{strconv.Itoa(i + 1), got[1], strconv.FormatInt(r.ID, 10), r.Date, r.UnitCode, r.UnitName, r.Type, r.Title, strconv.FormatInt(r.Attendance, 10), r.Status}
			want[8] = strings.ReplaceAll(want[8], "1200", "1,200")
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("record row %d = %q, want %q", n+1, got, want)
			}
			n++
		}
	}
	if len(rec) != n {
		t.Errorf("records sheet has %d rows, want %d", len(rec), n)
	}
	if raw, _ := f.GetCellValue(SheetRecords, "D3", excelize.Options{RawCellValue: true}); raw != "45366" {
		t.Errorf("date cell raw %q, want the serial 45366 (2024-03-15)", raw)
	}
	if raw, _ := f.GetCellValue(SheetRecords, "H6"); raw != "=1+1 不是公式" {
		t.Errorf("text beginning with = became %q", raw)
	}
	if formula, _ := f.GetCellFormula(SheetRecords, "H6"); formula != "" {
		t.Errorf("text beginning with = was stored as formula %q", formula)
	}

	// Frozen header rows, widths and number formats.
	for _, s := range []string{SheetSummary, SheetByUnit, SheetRecords} {
		p, err := f.GetPanes(s)
		if err != nil || !p.Freeze || p.YSplit != 2 {
			t.Errorf("%s: panes %+v (%v), want the two header rows frozen", s, p, err)
		}
	}
	if p, _ := f.GetPanes(SheetByUnit); p.XSplit != 2 {
		t.Errorf("分单位: unit columns not frozen: %+v", p)
	}
	if w, _ := f.GetColWidth(SheetRecords, "H"); w != 40 {
		t.Errorf("title column width %v, want 40", w)
	}
	for sheet, c := range map[string]string{SheetSummary: "D3", SheetByUnit: "D6"} {
		id, _ := f.GetCellStyle(sheet, c)
		st, err := f.GetStyle(id)
		if err != nil || st.NumFmt != 3 {
			t.Errorf("%s!%s number format %+v, want #,##0 (3)", sheet, c, st)
		}
	}
}

func pad(r []string, n int) []string {
	out := append([]string(nil), r...)
	for len(out) < n {
		out = append(out, "")
	}
	return out
}

// TestLibreOfficeReadsEverySheet: the workbook opens in LibreOffice Calc and its CSV
// export shows the same figures and records.
func TestLibreOfficeReadsEverySheet(t *testing.T) {
	officecheck.Require(t)
	figs := sample()
	dir := t.TempDir()
	src := filepath.Join(dir, "appendix.xlsx")
	if err := os.WriteFile(src, writeBytes(t, figs), 0o644); err != nil {
		t.Fatal(err)
	}
	paths, err := officecheck.ConvertToCSV(context.Background(), src, filepath.Join(dir, "csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 3 {
		t.Fatalf("%d CSVs, want 3", len(paths))
	}
	read := func(p string) [][]string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return recs
	}
	sum := read(paths[0])
	if len(sum) != 2+len(figs) || sum[1][1] != "数据项" {
		t.Fatalf("汇总 CSV: %q", sum)
	}
	for i, fg := range figs {
		if got := strings.ReplaceAll(sum[2+i][3], ",", ""); got != strconv.FormatInt(fg.Value, 10) {
			t.Errorf("汇总 row %d value %q, want %d", i+1, sum[2+i][3], fg.Value)
		}
	}
	by := read(paths[1])
	last := by[len(by)-2]
	if last[1] != "下级合计" || strings.ReplaceAll(last[2], ",", "") != "4" || strings.ReplaceAll(last[3], ",", "") != "1600" {
		t.Errorf("分单位 totals as LibreOffice computes them: %q", last)
	}
	rec := read(paths[2])
	var ids []string
	for _, r := range rec[2:] {
		ids = append(ids, r[2])
	}
	if strings.Join(ids, ",") != "101,102,103,104,105,101" {
		t.Errorf("记录清单 ids %v", ids)
	}
	if rec[2][3] != "2024-03-15" || rec[2][7] != "“<新思想>” & 进校园 😀" {
		t.Errorf("first record as LibreOffice reads it: %q", rec[2])
	}
}

func TestManyRecordsStream(t *testing.T) {
	fg := Figure{Label: "活动场次", Expr: "count()", Value: 5000, Unit: "场次"}
	for i := 0; i < 5000; i++ {
		fg.Records = append(fg.Records, Record{ID: int64(i + 1), Date: "2024-01-02", UnitCode: "S", UnitName: "学校", Type: "t", Title: "活动", Attendance: 1, Status: "ok"})
	}
	f := open(t, writeBytes(t, []Figure{fg}))
	rec := rows(t, f, SheetRecords)
	if len(rec) != 2+5000 || rec[len(rec)-1][2] != "5000" {
		t.Fatalf("records sheet has %d rows (last %q), want 5002", len(rec), rec[len(rec)-1])
	}
}

func TestRejectsBadText(t *testing.T) {
	cases := []struct {
		field string
		edit  func([]Figure)
	}{
		{"figures[0].records[2].title", func(f []Figure) { f[0].Records[2].Title = "a\x00b" }},
		{"figures[1].breakdown[0].name", func(f []Figure) { f[1].Breakdown[0].Name = "\x1b[31m" }},
		{"figures[2].label", func(f []Figure) { f[2].Label = strings.Repeat("长", 32768) }},
		{"figures[0].expr", func(f []Figure) { f[0].Expr = "\xff" }},
	}
	for _, c := range cases {
		figs := sample()
		c.edit(figs)
		var buf bytes.Buffer
		err := Write(&buf, title, figs)
		var de *domain.Error
		if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Field != c.field {
			t.Errorf("%s: err = %v, want invalid %s", c.field, err, c.field)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written despite the error", c.field, buf.Len())
		}
	}
}

// TestByUnitMatrixProperty: for any figures and breakdowns, each matrix cell is the sum of
// that unit's rows in the figure's breakdown, and 下级合计 is the column's sum.
func TestByUnitMatrixProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		codes := []string{"D01", "D02", "D03", "S01", "S02"}
		nf := rapid.IntRange(1, 5).Draw(rt, "figures")
		figs := make([]Figure, nf)
		want := map[[2]int]int64{} // (unit code index, figure) → value
		for i := range figs {
			figs[i] = Figure{Expr: fmt.Sprintf("f%d()", i), Value: rapid.Int64Range(0, 1e6).Draw(rt, "value")}
			if rapid.Bool().Draw(rt, "split") {
				figs[i].Breakdown = []UnitRow{}
				for _, k := range rapid.SliceOfN(rapid.IntRange(0, len(codes)-1), 0, 8).Draw(rt, "units") {
					v := rapid.Int64Range(0, 1e6).Draw(rt, "v")
					figs[i].Breakdown = append(figs[i].Breakdown, UnitRow{Code: codes[k], Name: "单位" + codes[k], Value: v})
					want[[2]int{k, i}] += v
				}
			}
		}
		var buf bytes.Buffer
		if err := Write(&buf, "t", figs); err != nil {
			rt.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			rt.Fatal(err)
		}
		defer f.Close()
		got, err := f.GetRows(SheetByUnit, excelize.Options{RawCellValue: true})
		if err != nil {
			rt.Fatal(err)
		}
		units := got[2 : len(got)-2]
		seen := map[string]bool{}
		for _, row := range units {
			row = pad(row, 2+nf)
			k := indexOf(codes, row[0])
			if k < 0 || seen[row[0]] {
				rt.Fatalf("unexpected or repeated unit row %q", row)
			}
			seen[row[0]] = true
			for i := range figs {
				cellText := row[2+i]
				if figs[i].Breakdown == nil {
					if cellText != "" {
						rt.Fatalf("figure %d has no split but unit %s shows %q", i, row[0], cellText)
					}
					continue
				}
				if cellText != strconv.FormatInt(want[[2]int{k, i}], 10) {
					rt.Fatalf("unit %s figure %d = %q, want %d", row[0], i, cellText, want[[2]int{k, i}])
				}
			}
		}
		total := pad(got[len(got)-2], 2+nf)
		for i, fg := range figs {
			if fg.Breakdown == nil {
				continue
			}
			var s int64
			for _, r := range fg.Breakdown {
				s += r.Value
			}
			if total[2+i] != strconv.FormatInt(s, 10) {
				rt.Fatalf("figure %d total %q, want %d", i, total[2+i], s)
			}
		}
	})
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}
