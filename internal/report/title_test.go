package report_test

import (
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/docx"
	"github.com/zeren-edu/zeren/internal/report"
)

// TestTitleBreaksBetweenWords: report titles break between the unit, the
// period and the words of the rest — never inside 落实, a number or 2024年.
func TestTitleBreaksBetweenWords(t *testing.T) {
	cases := []struct {
		org, period string
		want        []string
	}{
		{"示范县教育局", "2024年", []string{"示范县教育局2024年", "意识形态工作责任制落实情况报告"}},
		{"示范县第一学区", "2025年第三季度", []string{"示范县第一学区2025年第三季度", "意识形态工作责任制落实情况报告"}},
		{"示范县城关镇中心小学", "2025年秋季学期", []string{"示范县城关镇中心小学2025年秋季学期", "意识形态工作责任制落实情况报告"}},
		{"示范县第一学区城关镇第二初级中学", "2025-2026学年", []string{"示范县第一学区城关镇第二初级中学", "2025-2026学年", "意识形态工作责任制落实情况报告"}},
	}
	for _, c := range cases {
		title := c.org + c.period + "意识形态工作责任制落实情况报告"
		lines := docx.TitleLines(title, report.TitleBreaks(title, c.org, c.period))
		if strings.Join(lines, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: lines %q, want %q", title, lines, c.want)
		}
		for i := 1; i < len(lines); i++ {
			a, b := []rune(lines[i-1]), []rune(lines[i])
			pair := string(a[len(a)-1]) + string(b[0])
			for _, w := range []string{"落实", "意识", "形态", "报告", "情况", "责任", "学区", "年第"} {
				if pair == w {
					t.Errorf("%s breaks inside %q", title, w)
				}
			}
			if a[len(a)-1] >= '0' && a[len(a)-1] <= '9' {
				t.Errorf("%s breaks after a digit: %q", title, lines)
			}
		}
	}
}
