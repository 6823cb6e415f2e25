package tabular_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/officecheck"
	"github.com/zeren-edu/zeren/internal/tabular"
)

func TestParseDateForms(t *testing.T) {
	want := domain.Date{Year: 2024, Month: 3, Day: 1}
	for _, s := range []string{
		"2024-03-01", "2024-3-1", "2024/3/1", "2024/03/01", "2024年3月1日", "2024年03月01日", "2024.3.1",
		"20240301", "45352", "45352.5", "２０２４年３月１日", " 2024-03-01 ", "2024-03-01 09:30", "2024年3月1号",
		"3月1日", "3/1", "3-1", "3.1",
	} {
		got, err := tabular.ParseDate(s, 2024)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "2024-02-30", "2024-13-01", "1800-01-01", "abc", "3月1日前", "-5", "12", "2024年"} {
		if d, err := tabular.ParseDate(s, 2024); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", s, d)
		}
	}
	if _, err := tabular.ParseDate("3月1日", 0); err == nil || !strings.Contains(err.Error(), "年份") {
		t.Errorf("a day without its year and no year chosen: %v", err)
	}
}

// TestParseDateProperty: every day of 1990–2060 written in each form an
// office uses parses back to itself.
func TestParseDateProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 3000; i++ {
		tm := base.AddDate(0, 0, r.IntN(70*365))
		d := domain.DateOf(tm)
		// Excel's serial: days since 1899-12-30 (after its 1900 leap-year quirk).
		serial := int(tm.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
		forms := []string{strconv.Itoa(serial),
			tm.Format("2006-01-02"), tm.Format("2006/1/2"), tm.Format("2006年1月2日"), tm.Format("2006.1.2"), tm.Format("20060102"),
		}
		for _, f := range forms {
			got, err := tabular.ParseDate(f, 0)
			if err != nil || got != d {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", f, got, err, d)
			}
		}
		if got, err := tabular.ParseDate(tm.Format("1月2日"), tm.Year()); err != nil || got != d {
			t.Fatalf("ParseDate(%q, %d) = %v, %v", tm.Format("1月2日"), tm.Year(), got, err)
		}
	}
}

func TestParseCount(t *testing.T) {
	for s, want := range map[string]int{
		"50": 50, "约50人": 50, "50人次": 50, "50余人": 50, "５０名": 50, "大约 120 人": 120, "共计300人次": 300,
		"一百二十人": 120, "三十五": 35, "十二人": 12, "两千人": 2000, "": 0, "0": 0, "50+": 50,
	} {
		got, err := tabular.ParseCount(s)
		if err != nil || got != want {
			t.Errorf("ParseCount(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"-3", "2.5", "很多", "50-60人", "9999999"} {
		if n, err := tabular.ParseCount(s); err == nil {
			t.Errorf("ParseCount(%q) = %d, want an error", s, n)
		}
	}
}

func TestMatcher(t *testing.T) {
	m := tabular.NewMatcher([]tabular.Name{
		{ID: 1, Name: "城关第一中学", Code: "CG01", Aliases: []string{"城关一中"}},
		{ID: 2, Name: "城关第二中学", Code: "CG02"},
		{ID: 3, Name: "南山小学", Code: "NS01"},
		{ID: 4, Name: "东风小学", Code: "DF01"},
		{ID: 5, Name: "东风小学", Code: "DF02"},
	})
	for cell, want := range map[string]int64{"城关第一中学": 1, "城关一中": 1, "cg01": 1, " 南山小学 ": 3, "ＮＳ０１": 3} {
		if id, ok, _ := m.Match(cell); !ok || id != want {
			t.Errorf("Match(%q) = %d, %v; want %d", cell, id, ok, want)
		}
	}
	if _, ok, sug := m.Match("城关第1中学"); ok || len(sug) == 0 || sug[0] != "城关第一中学" {
		t.Errorf("a near miss gets the close name as a suggestion, not a match: %v %v", ok, sug)
	}
	if _, ok, sug := m.Match("东风小学"); ok || len(sug) != 2 {
		t.Errorf("a name two units share is not guessed: %v %v", ok, sug)
	}
	if _, ok, sug := m.Match("完全无关的名字"); ok || len(sug) != 0 {
		t.Errorf("no suggestion for an unrelated name: %v", sug)
	}
}

// workbook writes an .xlsx with excelize: a title row merged across the
// header, a header, and rows.
func workbook(t *testing.T, rows [][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	s := f.GetSheetName(0)
	if err := f.SetSheetRow(s, "A1", &[]any{"城关一中 2024 年意识形态工作台账"}); err != nil {
		t.Fatal(err)
	}
	if err := f.MergeCell(s, "A1", "E1"); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(s, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var ledgerRows = [][]any{
	{"日期", "单位", "活动类型", "标题", "参加人数"},
	{"2024/3/1", "城关一中", "中心组学习", "学习二十届三中全会精神", "约50人"},
	{"", "", "", "", ""},
	{"2024年3月8日", "城关一中", "主题党日", "清明祭扫", "30人次"},
}

func TestReadXLSX(t *testing.T) {
	data := workbook(t, ledgerRows, func(f *excelize.File) {
		s := f.GetSheetName(0)
		// A real date cell (a serial with a date format) and a formula.
		_ = f.SetCellValue(s, "A6", time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC))
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		_ = f.SetCellStyle(s, "A6", "A6", style)
		_ = f.SetCellValue(s, "B6", "城关一中")
		_ = f.SetCellValue(s, "E6", 40)
		_ = f.SetCellFormula(s, "E7", "SUM(E6:E6)")
		_ = f.SetCellValue(s, "B7", "合计")
	})
	sh, err := tabular.Read(data, tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if sh.Format != "xlsx" || len(sh.Rows) != 6 {
		t.Fatalf("format %s, %d rows (blank rows dropped): %v", sh.Format, len(sh.Rows), sh.Rows)
	}
	if sh.Rows[2].Line != 3 || sh.Rows[2].Cell(3) != "学习二十届三中全会精神" {
		t.Errorf("first record: %+v", sh.Rows[2])
	}
	if sh.Rows[3].Line != 5 {
		t.Errorf("line numbers as the sheet shows them (the blank row 4 dropped): %+v", sh.Rows[3])
	}
	d, err := tabular.ParseDate(sh.Rows[4].Cell(0), 0)
	if err != nil || d != (domain.Date{Year: 2024, Month: 3, Day: 15}) {
		t.Errorf("a date cell reads as its day: %q → %v %v", sh.Rows[4].Cell(0), d, err)
	}
	if err := sh.MergedBelow(2); err != nil {
		t.Errorf("a merged title above the header is fine: %v", err)
	}
}

func TestReadRefusals(t *testing.T) {
	merged := workbook(t, ledgerRows, func(f *excelize.File) {
		_ = f.MergeCell(f.GetSheetName(0), "B3", "B5")
	})
	sh, err := tabular.Read(merged, tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.MergedBelow(2); err == nil || !strings.Contains(err.Error(), "B3:B5") || !strings.Contains(err.Error(), "第 3 行") {
		t.Errorf("merged cells among the records: %v", err)
	}

	hidden := workbook(t, ledgerRows, func(f *excelize.File) {
		idx, _ := f.NewSheet("说明")
		_ = f.SetCellValue("说明", "A1", "填写说明")
		f.SetActiveSheet(idx)
		if err := f.SetSheetVisible(f.GetSheetName(0), false); err != nil {
			t.Fatal(err)
		}
	})
	if sh, err := tabular.Read(hidden, tabular.Limits{}); err != nil || sh.Name != "说明" {
		t.Errorf("a hidden first sheet is passed over: %v %v", sh.Name, err)
	}

	huge := workbook(t, [][]any{{"标题"}, {strings.Repeat("长", 5000)}}, nil)
	var te *tabular.Error
	if _, err := tabular.Read(huge, tabular.Limits{}); !errors.As(err, &te) || te.Row != 3 || te.Column != "A" {
		t.Errorf("a huge cell is refused naming row and column: %v", err)
	}

	many := workbook(t, func() [][]any {
		rows := [][]any{{"标题"}}
		for i := 0; i < 120; i++ {
			rows = append(rows, []any{i})
		}
		return rows
	}(), nil)
	lim := tabular.DefaultLimits
	lim.MaxRows = 100
	if _, err := tabular.Read(many, lim); err == nil || !strings.Contains(err.Error(), "100 行") {
		t.Errorf("too many rows: %v", err)
	}

	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, UncompressedSize64: 1 << 40, CompressedSize64: 10})
	_, _ = w.Write(make([]byte, 10))
	_ = zw.Close()
	if _, err := tabular.Read(bomb.Bytes(), tabular.Limits{}); err == nil || !strings.Contains(err.Error(), "解压后超过") {
		t.Errorf("a zip bomb is refused before it is inflated: %v", err)
	}
	for name, data := range map[string][]byte{
		"broken zip": append([]byte("PK\x03\x04"), make([]byte, 100)...),
		"truncated":  merged[:len(merged)/2],
		"old xls":    {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0},
		"empty":      {},
		"binary":     {'a', ',', 0, 'b'},
	} {
		if _, err := tabular.Read(data, tabular.Limits{}); !errors.As(err, &te) {
			t.Errorf("%s: want a *tabular.Error, got %v", name, err)
		}
	}
}

func TestReadCSV(t *testing.T) {
	text := "日期,单位,标题,参加人数\n2024/3/1,城关一中,\"学习,讨论\",约50人\n\n2024年3月8日,南山小学,清明祭扫,30\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		data   string
		format string
	}{
		"utf-8":     {text, "csv-utf8"},
		"utf-8 bom": {"\xEF\xBB\xBF" + text, "csv-utf8"},
		"gbk":       {gbk, "csv-gbk"},
	} {
		sh, err := tabular.Read([]byte(c.data), tabular.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if sh.Format != c.format || len(sh.Rows) != 3 || sh.Rows[0].Cell(0) != "日期" || sh.Rows[1].Cell(2) != "学习,讨论" || sh.Rows[2].Line != 4 {
			t.Errorf("%s: %s %+v", name, sh.Format, sh.Rows)
		}
	}
}

// TestReadLibreOfficeWorkbook: a workbook saved by LibreOffice Calc reads as
// the one it was made from.
func TestReadLibreOfficeWorkbook(t *testing.T) {
	officecheck.Require(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "in", "ledger.xlsx")
	_ = os.MkdirAll(filepath.Dir(src), 0o750)
	if err := os.WriteFile(src, workbook(t, ledgerRows, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := officecheck.ResaveXLSX(context.Background(), src, filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := tabular.Read(data, tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Rows) != 4 || sh.Rows[3].Cell(3) != "清明祭扫" || sh.Rows[3].Line != 5 {
		t.Fatalf("LibreOffice's workbook read as %+v", sh.Rows)
	}
	if n, err := tabular.ParseCount(sh.Rows[2].Cell(4)); err != nil || n != 50 {
		t.Errorf("count %q → %d %v", sh.Rows[2].Cell(4), n, err)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-03-01", "2024年3月1日", "45352", "3月1日", "20240301", "９", "2024/2/30", "1e300"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := tabular.ParseDate(s, 2024)
		if err == nil && (d.Year < 1950 || d.Year > 2100) {
			t.Fatalf("ParseDate(%q) = %v outside 1950–2100", s, d)
		}
	})
}

func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"约50人", "50人次", "一百二十人", "十", "万万万", "零", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := tabular.ParseCount(s)
		if err == nil && (n < 0 || n > 100_000_000) {
			t.Fatalf("ParseCount(%q) = %d", s, n)
		}
	})
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte{0xff, 0xfe, 0x41})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := tabular.Read(data, tabular.Limits{MaxBytes: 1 << 20, MaxUnzipped: 8 << 20, MaxRows: 1000, MaxCellRunes: 1000})
		var te *tabular.Error
		if err != nil && !errors.As(err, &te) {
			t.Fatalf("an error that names no place: %v", err)
		}
	})
}
