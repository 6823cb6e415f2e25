// Package docx writes a Word document (.docx, ECMA-376 WordprocessingML) laid out as a
// Chinese official document under GB/T 9704-2012 (党政机关公文格式): A4, the standard margins,
// 22 lines of 28 characters, the standard faces and sizes, and "— 1 —" page numbers on the
// outside edge. It is our own small writer over the standard library (archive/zip and
// text assembly with XML escaping): no third-party docx library.
//
// The model is deliberately tiny — a title, an optional subtitle and a list of blocks of
// runs — because that is all a work report is. internal/report converts a rendered
// template into it. Fonts are named, not embedded: Word, WPS and LibreOffice substitute
// what the reader has installed, which is what every bureau's own documents do.
package docx

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Document is one official document.
type Document struct {
	// Title is the document's title (公文标题): 方正小标宋简体 二号, centred. Required.
	Title string
	// TitleBreaks are the rune offsets in Title where a line may break (between
	// words). A title longer than a line is broken only there, into lines as even
	// as they come (GB/T 9704 §7.3.3: 回行时词意完整，排列对称); nil lets the reader
	// break it anywhere.
	TitleBreaks []int
	// Subtitle is an optional line under the title, e.g. the issuing body and date
	// （××县教育局 2024年12月）: 楷体_GB2312 三号, centred.
	Subtitle string
	// Blocks are the paragraphs after the title, in order.
	Blocks []Block
	// Lang is the East-Asian language tag set on every run; "" means "zh-CN".
	Lang string
	// Author goes to docProps/core.xml (dc:creator); optional.
	Author string
	// Created goes to docProps/core.xml (dcterms:created, written in UTC); the zero time
	// leaves it out. It is input, not the clock, so the same Document gives the same bytes.
	Created time.Time
}

// Kind is a block's role, which decides its face, alignment and indentation.
type Kind int

const (
	// Body is a paragraph of body text: 仿宋_GB2312 三号, first line indented two characters.
	Body Kind = iota
	// Heading1 is a first-level heading (一、…): 黑体 三号, indented like the body.
	Heading1
	// Heading2 is a second-level heading (（一）…): 楷体_GB2312 三号, indented like the body.
	Heading2
	// Signature is the issuing body's name under the text (发文机关署名): right-aligned,
	// two characters from the right edge, one blank line above the first one.
	Signature
	// Date is the date of writing (成文日期): right-aligned, two characters from the right.
	Date
)

var kindNames = [...]string{Body: "body", Heading1: "heading1", Heading2: "heading2", Signature: "signature", Date: "date"}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Block is one paragraph.
type Block struct {
	Kind Kind
	Runs []Run
}

// Run is a stretch of text in one formatting.
type Run struct {
	// Text is set verbatim (XML-escaped). It may not contain control characters
	// (tabs and line breaks included): a new line is a new Block.
	Text string
	// Bold sets the run in bold (rare in official documents; headings are not bold).
	Bold bool
	// Highlight marks a placeholder left for a person to fill in (【请填写…】): red
	// on yellow, so nobody sends it by mistake.
	Highlight bool
	// Figure marks a computed figure. GB/T 9704 gives figures no style of their own, so it
	// is set in the face of the text around it; the writer keeps it as a w:r of its own
	// (never merged with neighbouring text), so a reader or a test can find each figure.
	Figure bool
}

// validate checks the document before anything is written, so a bad document never
// yields half a file. Errors name the field: "title", "blocks[3].runs[1].text".
func (d Document) validate() error {
	if d.Title == "" {
		return domain.Invalid("title", "the document needs a title")
	}
	if err := checkText("title", d.Title); err != nil {
		return err
	}
	if err := checkText("subtitle", d.Subtitle); err != nil {
		return err
	}
	if err := checkText("author", d.Author); err != nil {
		return err
	}
	if d.Lang != "" && !validLang(d.Lang) {
		return domain.Invalid("lang", "%q is not a language tag like zh-CN", d.Lang)
	}
	for i, b := range d.Blocks {
		if b.Kind < Body || b.Kind > Date {
			return domain.Invalid(fmt.Sprintf("blocks[%d].kind", i), "unknown block kind %d", int(b.Kind))
		}
		for j, r := range b.Runs {
			if err := checkText(fmt.Sprintf("blocks[%d].runs[%d].text", i, j), r.Text); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkText rejects what XML 1.0 cannot carry or a paragraph should not hold: invalid
// UTF-8, C0/C1 control characters (tab and newline included) and the non-characters
// U+FFFE/U+FFFF.
func checkText(field, s string) error {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !validRuneAt(s, i):
			return domain.Invalid(field, "is not valid UTF-8 (byte %d)", i)
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			return domain.Invalid(field, "contains the control character U+%04X at byte %d; put each line in a block of its own", r, i)
		case r == 0xFFFE || r == 0xFFFF:
			return domain.Invalid(field, "contains the non-character U+%04X at byte %d", r, i)
		}
	}
	return nil
}

func validRuneAt(s string, i int) bool {
	r, size := utf8.DecodeRuneInString(s[i:])
	return !(r == utf8.RuneError && size <= 1)
}

// validLang accepts simple BCP 47 tags: letters and digits in parts joined by "-".
func validLang(s string) bool {
	if len(s) > 35 {
		return false
	}
	part := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			part++
		case c == '-' && part > 0:
			part = 0
		default:
			return false
		}
	}
	return part > 0
}
