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
			blk.Runs = append(blk.Runs, docx.Run{Text: sp.Text, Figure: sp.Figure != nil})
		}
		out.Blocks = append(out.Blocks, blk)
	}
	return out
}

// DOCX writes the report as a GB/T 9704-2012 .docx.
func DOCX(d Document) ([]byte, error) {
	var buf bytes.Buffer
	if err := docx.Write(&buf, DocxDocument(d)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
