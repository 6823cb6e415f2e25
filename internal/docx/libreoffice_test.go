package docx

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/officecheck"
)

// These tests open the .docx in LibreOffice (headless, via officecheck), as a reader
// would, and check the PDF it makes: that it opens without repair (a document LibreOffice
// has to repair does not convert silently), the page, the text and the layout.

const ptPerMM = 72 / 25.4

// toPDF writes d, converts it and returns pdfinfo's answer and the pages' lines.
func toPDF(t *testing.T, d Document) (officecheck.Info, []officecheck.Page, string) {
	t.Helper()
	officecheck.Require(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "report.docx")
	if err := os.WriteFile(src, write(t, d), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pdf, err := officecheck.ConvertToPDF(ctx, src, dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := officecheck.PDFInfo(ctx, pdf)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := officecheck.PDFLines(ctx, pdf)
	if err != nil {
		t.Fatal(err)
	}
	text, err := officecheck.PDFText(ctx, pdf)
	if err != nil {
		t.Fatal(err)
	}
	return info, pages, text
}

var pageNumberRe = regexp.MustCompile(`^—\s*(\d+)\s*—$`)

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// The LibreOffice tests run in parallel on purpose: officecheck gives each conversion its
// own profile, and this exercises it.
func TestLibreOfficeRendersReport(t *testing.T) {
	t.Parallel()
	d := sample()
	// Enough text for a second page, before the signature.
	tail := append([]Block(nil), d.Blocks[len(d.Blocks)-2:]...) // signature and date
	d.Blocks = d.Blocks[:len(d.Blocks)-2]
	for i := 1; i <= 12; i++ {
		d.Blocks = append(d.Blocks, Block{Kind: Body, Runs: []Run{
			{Text: fmt.Sprintf("第%d段：各学校结合实际开展主题教育活动，", i)},
			{Text: fmt.Sprint(100 + i), Figure: true},
			{Text: "场次，教师思想政治素质和师德师风建设水平不断提升，校园意识形态阵地管理进一步规范。"},
		}})
	}
	d.Blocks = append(d.Blocks, tail...)
	info, pages, text := toPDF(t, d)

	// The signature and the date close the text, right-aligned two characters (32 pt)
	// from the right edge of the text area.
	lastPage := pages[len(pages)-1].Lines
	var closing []officecheck.Line
	for _, l := range lastPage {
		if s := squeeze(l.Text); s == "××县教育局" || s == "2024年12月31日" {
			closing = append(closing, l)
		}
	}
	if len(closing) != 2 {
		t.Errorf("last page lacks the signature and date: %+v", lastPage)
	}
	for _, l := range closing {
		if right := (210-26)*ptPerMM - 32; math.Abs(l.XMax-right) > 3 {
			t.Errorf("%q ends at %.1f pt, want %.1f (right, two characters in)", l.Text, l.XMax, right)
		}
	}

	if math.Abs(info.PageWidthMM-210) > 1 || math.Abs(info.PageHeightMM-297) > 1 {
		t.Errorf("page %.1f × %.1f mm, want A4 210 × 297", info.PageWidthMM, info.PageHeightMM)
	}
	if info.Pages < 2 || info.Pages != len(pages) {
		t.Fatalf("pdfinfo says %d pages, pdftotext %d; want at least 2", info.Pages, len(pages))
	}

	// Every piece of text is there (pdftotext breaks lines and spaces CJK from digits,
	// so compare without white space, the page numbers taken out).
	var body strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if !pageNumberRe.MatchString(strings.TrimSpace(strings.Trim(line, "\f"))) {
			body.WriteString(line)
		}
	}
	all := squeeze(body.String())
	want := []string{d.Title, d.Subtitle}
	for _, b := range d.Blocks {
		var para strings.Builder
		for _, r := range b.Runs {
			want = append(want, r.Text)
			para.WriteString(r.Text)
		}
		want = append(want, para.String())
	}
	for _, w := range want {
		if !strings.Contains(all, squeeze(w)) {
			t.Errorf("PDF text lacks %q", w)
		}
	}

	// Page numbers: "— n —" on every page, odd pages one character (14 pt) in from the
	// right edge of the text area, even pages from the left; about 7 mm below the text.
	textLeft, textRight, textBottom := 28*ptPerMM, (210-26)*ptPerMM, (297-35)*ptPerMM
	for i, p := range pages {
		n := i + 1
		var num *officecheck.Line
		for j := range p.Lines {
			if m := pageNumberRe.FindStringSubmatch(p.Lines[j].Text); m != nil && m[1] == fmt.Sprint(n) {
				num = &p.Lines[j]
			}
		}
		if num == nil {
			t.Errorf("page %d: no page number \"— %d —\"", n, n)
			continue
		}
		if n%2 == 1 {
			if math.Abs(num.XMax-(textRight-14)) > 3 {
				t.Errorf("page %d: number ends at %.1f pt, want %.1f (right, one character in)", n, num.XMax, textRight-14)
			}
		} else if math.Abs(num.XMin-(textLeft+14)) > 3 {
			t.Errorf("page %d: number starts at %.1f pt, want %.1f (left, one character in)", n, num.XMin, textLeft+14)
		}
		// The 一字线 sit at the middle of the line's box in a CJK face.
		if below := ((num.YMin+num.YMax)/2 - textBottom) / ptPerMM; math.Abs(below-7) > 1.5 {
			t.Errorf("page %d: number %.1f mm below the text area, want 7", n, below)
		}
		for _, l := range p.Lines {
			if l != *num && l.YMax > textBottom+1 {
				t.Errorf("page %d: text %q runs below the text area (%.1f > %.1f pt)", n, l.Text, l.YMax, textBottom)
			}
		}
	}
	// The title starts at the top margin, each of its lines centred.
	var title string
	for i, l := range pages[0].Lines {
		if !strings.HasPrefix(squeeze(d.Title), title+squeeze(l.Text)) {
			t.Fatalf("line %d %q: want the title %q", i+1, l.Text, d.Title)
		}
		title += squeeze(l.Text)
		if mid := (l.XMin + l.XMax) / 2; math.Abs(mid-(textLeft+textRight)/2) > 3 {
			t.Errorf("title line %d centred at %.1f pt, want %.1f", i+1, mid, (textLeft+textRight)/2)
		}
		if title == squeeze(d.Title) {
			break
		}
	}
	if top := pages[0].Lines[0].YMin / ptPerMM; top < 37-1 || top > 37+4 {
		t.Errorf("title top at %.1f mm, want just below the 37 mm margin", top)
	}
}

// TestLibreOfficeLinesAndChars measures GB/T 9704's 22 lines of 28 characters: a
// paragraph of 82 characters (26 after the two-character indent, then 28, 28) and
// two-line paragraphs after it; page 1 must hold the title, the blank line after it and
// 20 text lines.
func TestLibreOfficeLinesAndChars(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("国", 82)
	d := Document{Title: "版心测试", Blocks: []Block{{Kind: Body, Runs: []Run{{Text: long}}}}}
	// Then paragraphs of two lines each (26 + 8 characters): page 1 ends after the first
	// line of the ninth, as widow/orphan control is off and every page is full.
	for i := 1; i <= 20; i++ {
		d.Blocks = append(d.Blocks, Block{Kind: Body, Runs: []Run{{Text: fmt.Sprintf("第%02d段", i) + strings.Repeat("国", 30)}}})
	}
	_, pages, _ := toPDF(t, d)

	var textLines []officecheck.Line // page 1 minus the title and the page number
	for _, l := range pages[0].Lines[1:] {
		if !pageNumberRe.MatchString(l.Text) {
			textLines = append(textLines, l)
		}
	}
	if len(textLines) < 3 {
		t.Fatalf("page 1 has %d text lines: %+v", len(textLines), textLines)
	}
	for i, want := range []int{26, 28, 28} {
		if got := utf8.RuneCountInString(squeeze(textLines[i].Text)); got != want {
			t.Errorf("line %d of the long paragraph holds %d characters, want %d", i+1, got, want)
		}
	}
	// Lines start at the left margin (28 mm); a paragraph's first line two characters in.
	if left := 28 * ptPerMM; math.Abs(textLines[1].XMin-left) > 1.5 {
		t.Errorf("full line starts at %.1f pt, want the 28 mm margin (%.1f)", textLines[1].XMin, left)
	}
	if indent := textLines[0].XMin - textLines[1].XMin; indent < 30 || indent > 33 {
		t.Errorf("first-line indent %.1f pt, want two characters (about 31.5)", indent)
	}
	// Title + blank line + 3 + 17 = 22.
	if got := 2 + len(textLines); got < 21 || got > 23 {
		t.Errorf("page 1 holds %d lines, want 22 (±1): %d text lines after the title", got, len(textLines))
	} else if got != 22 {
		t.Logf("page 1 holds %d lines (22 wanted, ±1 tolerated)", got)
	}
	if last := squeeze(textLines[len(textLines)-1].Text); !strings.HasPrefix(last, "第09段") {
		t.Errorf("last line of page 1: %q, want the first line of 第09段", last)
	}
	// The pitch between lines is the fixed 28.95 pt.
	for i := 1; i < len(textLines); i++ {
		if pitch := textLines[i].YMin - textLines[i-1].YMin; math.Abs(pitch-28.95) > 0.2 {
			t.Errorf("line %d: pitch %.2f pt, want 28.95 (579 twips)", i+1, pitch)
		}
	}
}
