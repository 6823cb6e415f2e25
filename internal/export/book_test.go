package export_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/export"
)

// TestBook writes a header block, dates, times and numbers, and reads them
// back as Excel shows them.
func TestBook(t *testing.T) {
	zone := time.FixedZone("CST", 8*3600)
	at := time.Date(2026, 12, 6, 9, 5, 7, 0, zone)
	b, err := export.New("队伍名册", export.Header{Title: "队伍名册", Filter: []string{"单位：实验小学", "类型：宣讲队伍"}, At: at, By: "xiaoxue"},
		[]export.Column{{Title: "名称", Width: 20}, {Title: "日期"}, {Title: "时间"}, {Title: "人数"}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Add("红烛宣讲队", domain.NewDate(2024, 3, 1), at.Add(time.Hour), 12); err != nil {
		t.Fatal(err)
	}
	if err := b.Add("空", domain.Date{}, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Add("too few"); err == nil {
		t.Fatal("a row with too few cells was written")
	}
	if err := b.Finish(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("队伍名册")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"队伍名册"}, {"筛选条件：单位：实验小学；类型：宣讲队伍"}, {"导出时间：2026-12-06 09:05:07　导出人：xiaoxue"},
		{"名称", "日期", "时间", "人数"}, {"红烛宣讲队", "2024-03-01", "2026-12-06 10:05:07", "12"}, {"空"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if got, w := joinRow(rows[i]), joinRow(want[i]); got != w {
			t.Fatalf("row %d: %q, want %q", i+1, got, w)
		}
	}
	if b.Rows() != 2 {
		t.Fatalf("Rows() = %d", b.Rows())
	}
}

func joinRow(r []string) string {
	out := ""
	for i, c := range r {
		if i > 0 {
			out += "|"
		}
		out += c
	}
	return out
}

func TestFilename(t *testing.T) {
	for _, c := range []struct{ stem, what, want string }{
		{"工作台账", "", "工作台账-全部.xlsx"},
		{"队伍成员", `红烛/宣讲:队`, "队伍成员-红烛_宣讲_队.xlsx"},
	} {
		if got := export.Filename(c.stem, c.what); got != c.want {
			t.Errorf("Filename(%q, %q) = %q, want %q", c.stem, c.what, got, c.want)
		}
	}
}
