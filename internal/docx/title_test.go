package docx

import (
	"bytes"
	"strings"
	"testing"
)

// TestTitleLines: a long title breaks only between words, into even lines,
// the shorter line on top; a short one stays whole.
func TestTitleLines(t *testing.T) {
	const title = "示范县教育局2024年意识形态工作责任制落实情况报告"
	// between the unit, the period and the words of the rest
	words := []int{6, 11, 15, 17, 20, 22, 24}
	cases := []struct {
		title   string
		allowed []int
		want    []string
	}{
		{title, words, []string{"示范县教育局2024年", "意识形态工作责任制落实情况报告"}},
		{title, []int{6, 22}, []string{"示范县教育局", "2024年意识形态工作责任制落实"}[:0]}, // set below
		{"某县教育局2024年报告", words, []string{"某县教育局2024年报告"}},
		{title, nil, []string{title}},
		{"第一学区第一小学2025年第三季度意识形态工作责任制落实情况报告", []int{8, 17, 21, 23, 26, 28, 30}, []string{"第一学区第一小学2025年第三季度", "意识形态工作责任制落实情况报告"}},
	}
	// With only a break after 落实 allowed besides the unit, no split keeps
	// both lines within 20 characters but 6 | 20: "2024年意识形态工作责任制落实情况报告" is 20.
	cases[1].want = []string{"示范县教育局", "2024年意识形态工作责任制落实情况报告"}
	for _, c := range cases {
		got := TitleLines(c.title, c.allowed)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("TitleLines(%q, %v) = %q, want %q", c.title, c.allowed, got, c.want)
		}
		if strings.Join(got, "") != c.title {
			t.Errorf("lines %q lose text of %q", got, c.title)
		}
	}
}

// TestTitleBreaksAndHighlightInXML: the title's lines are w:br-separated runs
// of one paragraph; a placeholder run is red on yellow; the paragraph before
// the signature is kept whole and with it.
func TestTitleBreaksAndHighlightInXML(t *testing.T) {
	d := Document{Title: "示范县教育局2024年意识形态工作责任制落实情况报告", TitleBreaks: []int{6, 11, 15},
		Blocks: []Block{
			{Kind: Body, Runs: []Run{{Text: "正文。"}}},
			{Kind: Body, Runs: []Run{{Text: "【请填写：下一步打算】", Highlight: true}}},
			{Kind: Signature, Runs: []Run{{Text: "示范县教育局"}}},
			{Kind: Date, Runs: []Run{{Text: "2024年12月31日"}}},
		}}
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	doc := documentXML(d)
	if !strings.Contains(doc, `示范县教育局2024年</w:t></w:r><w:r>`) || !strings.Contains(doc, `<w:br/><w:t xml:space="preserve">意识形态工作责任制落实情况报告</w:t>`) {
		t.Errorf("the title is not broken between 2024年 and 意识形态:\n%s", doc[:min(len(doc), 3000)])
	}
	hl := strings.Index(doc, `<w:highlight w:val="yellow"/>`)
	if hl < 0 || !strings.Contains(doc[hl:], "【请填写：下一步打算】") || !strings.Contains(doc, `<w:color w:val="FF0000"/>`) {
		t.Error("the placeholder is not highlighted")
	}
	if strings.Count(doc, `<w:highlight`) != 1 {
		t.Errorf("%d highlighted runs, want only the placeholder", strings.Count(doc, `<w:highlight`))
	}
	// The placeholder paragraph (last before the signature) keeps with it.
	p := strings.LastIndex(doc[:strings.Index(doc, "【请填写")], "<w:p>")
	if !strings.HasPrefix(doc[p:], `<w:p><w:pPr><w:pStyle w:val="Normal"/><w:keepNext/><w:keepLines/>`) {
		t.Errorf("the last paragraph before the signature is not kept with it: %s", doc[p:p+120])
	}
}
