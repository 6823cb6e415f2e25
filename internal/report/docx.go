package report

import (
	"bytes"

	"github.com/zeren-edu/zeren/internal/docx"
)

// DocxDocument converts a report to the official-document model: the title
// block becomes the document's title, a subtitle its subtitle, headings keep
// their levels, and the signature lines become the issuing unit (署名) and the
// date of writing (成文日期). Each figure is a run of its own.
func DocxDocument(d Document) docx.Document {
	out := docx.Document{Title: d.Title, Lang: "zh-CN", Author: "zeren"}
	out.TitleBreaks = TitleBreaks(d.Title, d.OrgName, d.PeriodLabel)
	if d.CreatedAt != nil {
		out.Created = *d.CreatedAt
	}
	var sigs []int
	for i, b := range d.Blocks {
		if b.Kind == "signature" {
			sigs = append(sigs, i)
		}
	}
	for i, b := range d.Blocks {
		var kind docx.Kind
		switch b.Kind {
		case "title":
			if out.Title == "" {
				out.Title = b.Text()
			}
			continue
		case "subtitle":
			out.Subtitle = b.Text()
			continue
		case "heading1":
			kind = docx.Heading1
		case "heading2":
			kind = docx.Heading2
		case "signature":
			// The last signature line is the date when there are several.
			kind = docx.Signature
			if len(sigs) > 1 && i == sigs[len(sigs)-1] {
				kind = docx.Date
			}
		default:
			kind = docx.Body
		}
		blk := docx.Block{Kind: kind}
		for _, sp := range b.Spans {
			if sp.Text == "" {
				continue
			}
			blk.Runs = append(blk.Runs, docx.Run{Text: sp.Text, Figure: sp.Figure != nil, Highlight: b.Reminder})
		}
		out.Blocks = append(out.Blocks, blk)
	}
	return out
}

// titleWords are words of report titles a line may break before or after;
// with the unit's name and the period's label they are where a title breaks
// between words (never inside 落实 or 2024年).
var titleWords = []string{"意识形态", "工作", "责任制", "落实", "情况", "报告", "汇报", "总结", "学区", "教育局", "党委", "党支部"}

// TitleBreaks lists the rune offsets of a title where a line may break:
// around the unit's name and the period's label, and around the words of
// titleWords — never inside a word or a number.
func TitleBreaks(title, org, periodLabel string) []int {
	runes := []rune(title)
	ok := map[int]bool{}
	mark := func(word string) {
		w := []rune(word)
		if len(w) == 0 {
			return
		}
		for i := 0; i+len(w) <= len(runes); i++ {
			if string(runes[i:i+len(w)]) == word {
				ok[i], ok[i+len(w)] = true, true
			}
		}
	}
	mark(org)
	mark(periodLabel)
	for _, w := range titleWords {
		mark(w)
	}
	// Never between two digits or Latin letters, nor inside the unit's name
	// or the period's label other than at a word of their own.
	inside := func(word string) {
		w := []rune(word)
		for i := 0; len(w) > 0 && i+len(w) <= len(runes); i++ {
			if string(runes[i:i+len(w)]) == word {
				for k := i + 1; k < i+len(w); k++ {
					if !wordEdgeIn(w, k-i) {
						delete(ok, k)
					}
				}
			}
		}
	}
	inside(periodLabel)
	var out []int
	for i := 1; i < len(runes); i++ {
		if ok[i] && !(isASCIIAlnum(runes[i-1]) && isASCIIAlnum(runes[i])) {
			out = append(out, i)
		}
	}
	return out
}

// wordEdgeIn says whether offset k of a period label is a word edge: after
// its year (2025年|第三季度).
func wordEdgeIn(label []rune, k int) bool {
	return k > 0 && label[k-1] == '年' && k < len(label)
}

func isASCIIAlnum(r rune) bool {
	return r < 0x80 && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
}

// DOCX writes the report as a GB/T 9704-2012 .docx.
func DOCX(d Document) ([]byte, error) {
	var buf bytes.Buffer
	if err := docx.Write(&buf, DocxDocument(d)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
