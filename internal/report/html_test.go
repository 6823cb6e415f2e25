package report_test

import (
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/report"
)

// TestHTMLEscapesAndLinks: text from units, slots and templates is escaped;
// every figure with records is a link to them with its query as the tooltip;
// one without is marked but not linked; the page loads nothing from outside.
func TestHTMLEscapesAndLinks(t *testing.T) {
	zero, one := 0, 1
	d := report.Document{Title: `<script>alert(1)</script>县教育局报告`,
		Blocks: []report.Block{
			{Kind: "title", Spans: []report.Span{{Text: `<script>alert(1)</script>县教育局报告`}}},
			{Kind: "paragraph", Spans: []report.Span{{Text: "宣讲"}, {Text: "84", Figure: &zero}, {Text: "场次，问题"}, {Text: "2", Figure: &one}, {Text: "个。"}}},
			{Kind: "paragraph", Slot: "next_steps", Spans: []report.Span{{Text: `一是<b onclick="x">加强</b>"学习"。`}}},
			{Kind: "signature", Spans: []report.Span{{Text: "某县教育局"}}},
			{Kind: "signature", Spans: []report.Span{{Text: "2024年12月20日"}}},
		},
		Figures: []report.Figure{
			{Index: 0, Expr: `count(type: "outreach_lecture")`, Value: 84, Display: "84", Query: `count unit=B(1) period=2024 "q"`,
				Records: "/ledger?org_id=1&period=2024&status=approved&type_id=7"},
			{Index: 1, Expr: "problems()", Value: 2, Display: "2", Query: "problems accepted"},
		}}
	b, err := report.HTML(d, "")
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, bad := range []string{"<script>", `<b onclick`, "http://", "https://", "src="} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	for _, want := range []string{
		`&lt;script&gt;alert(1)&lt;/script&gt;县教育局报告`,
		`<a class="figure" href="/ledger?org_id=1&amp;period=2024&amp;status=approved&amp;type_id=7" title="count(type: &#34;outreach_lecture&#34;) — count unit=B(1) period=2024 &#34;q&#34;" data-figure="0">84</a>`,
		`<span class="figure" title="problems() — problems accepted" data-figure="1">2</span>`,
		`<p class="signature first">某县教育局</p>`,
		`<p class="signature">2024年12月20日</p>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	abs, err := report.HTML(d, "https://zeren.example.cn")
	if err != nil || !strings.Contains(string(abs), `href="https://zeren.example.cn/ledger?org_id=1`) {
		t.Errorf("with a base, links are absolute: %v", err)
	}
}
