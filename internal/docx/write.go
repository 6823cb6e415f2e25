package docx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The faces GB/T 9704-2012 names. They are referred to by name; nothing is embedded.
const (
	faceTitle   = "方正小标宋简体"   // title
	faceBody    = "仿宋_GB2312" // body text, signature, date
	faceHeading = "黑体"        // first-level headings
	faceKai     = "楷体_GB2312" // second-level headings, subtitle
	faceNumber  = "宋体"        // page numbers
)

// zipTime is the fixed modification time of every entry, so the same Document always
// gives the same bytes (golden tests, snapshot digests). 1980-01-01 is the earliest
// time the zip format can express.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Write validates d and writes it to w as a .docx. A document that fails validation
// writes nothing and returns a *domain.Error naming the offending field.
func Write(w io.Writer, d Document) error {
	if err := d.validate(); err != nil {
		return err
	}
	if d.Lang == "" {
		d.Lang = "zh-CN"
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts(d) {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return fmt.Errorf("docx: %s: %w", p.name, err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return fmt.Errorf("docx: %s: %w", p.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

type part struct{ name, body string }

// parts lists the package's parts in the order they are zipped ([Content_Types].xml
// first, as Office writes it).
func parts(d Document) []part {
	return []part{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", packageRels},
		{"docProps/core.xml", coreXML(d)},
		{"docProps/app.xml", appXML},
		{"word/document.xml", documentXML(d)},
		{"word/styles.xml", stylesXML(d.Lang)},
		{"word/settings.xml", settingsXML(d.Lang)},
		{"word/fontTable.xml", fontTableXML},
		{"word/footer1.xml", footerXML(d.Lang, "right", "1")},
		{"word/footer2.xml", footerXML(d.Lang, "left", "2")},
		{"word/_rels/document.xml.rels", documentRels},
	}
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const nsW = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
const nsR = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

const contentTypes = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const packageRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

// Relationship ids of document.xml; the footers' ids are used by sectPr.
const (
	relFooterOdd  = "rId4"
	relFooterEven = "rId5"
)

const documentRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="` + relFooterOdd + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`<Relationship Id="` + relFooterEven + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>` +
	`</Relationships>`

const appXML = xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
	`<Application>zeren</Application><DocSecurity>0</DocSecurity></Properties>`

func coreXML(d Document) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString(`<dc:title>` + esc(d.Title) + `</dc:title>`)
	if d.Author != "" {
		b.WriteString(`<dc:creator>` + esc(d.Author) + `</dc:creator>`)
	}
	b.WriteString(`<dc:language>` + esc(d.Lang) + `</dc:language>`)
	if !d.Created.IsZero() {
		b.WriteString(`<dcterms:created xsi:type="dcterms:W3CDTF">` + d.Created.UTC().Format("2006-01-02T15:04:05Z") + `</dcterms:created>`)
	}
	b.WriteString(`</cp:coreProperties>`)
	return b.String()
}

// Paragraph style ids (styles.xml defines them; document.xml refers to them).
const (
	styleNormal    = "Normal"
	styleTitle     = "Title"
	styleSubtitle  = "Subtitle"
	styleHeading1  = "Heading1"
	styleHeading2  = "Heading2"
	styleSignature = "Signature"
	styleDate      = "Date"
	styleFooter    = "Footer"
)

// blockStyle gives each block kind its paragraph style and face.
func blockStyle(k Kind) (style, face string) {
	switch k {
	case Heading1:
		return styleHeading1, faceHeading
	case Heading2:
		return styleHeading2, faceKai
	case Signature:
		return styleSignature, faceBody
	case Date:
		return styleDate, faceBody
	default:
		return styleNormal, faceBody
	}
}

func documentXML(d Document) string {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<w:document ` + nsW + ` ` + nsR + `><w:body>`)
	run := runProps{lang: d.Lang, halfPoints: titleHalfPoints, face: faceTitle}
	titleParagraph(&b, run, TitleLines(d.Title, d.TitleBreaks))
	if d.Subtitle != "" {
		paragraph(&b, styleSubtitle, runProps{lang: d.Lang, halfPoints: bodyHalfPoints, face: faceKai, condense: condense}, []Run{{Text: d.Subtitle}})
	}
	// One blank line between the title and the text (GB/T 9704 §7.3.3 / §7.3.4).
	paragraph(&b, styleNormal, runProps{lang: d.Lang, halfPoints: bodyHalfPoints, face: faceBody, condense: condense}, nil)
	prev := Body
	for i, blk := range d.Blocks {
		style, face := blockStyle(blk.Kind)
		rp := runProps{lang: d.Lang, halfPoints: bodyHalfPoints, face: face, condense: condense}
		// The signature stands one blank line below the text (§7.3.5.2), and
		// never alone on a page: the last paragraph before it is kept whole and
		// with the next, so is the blank line, and the signature with the date.
		if blk.Kind == Signature && (i == 0 || (prev != Signature && prev != Date)) {
			paragraphWith(&b, styleNormal, keepNext, rp, nil)
		}
		extra := ""
		if i+1 < len(d.Blocks) && d.Blocks[i+1].Kind == Signature && blk.Kind != Signature && blk.Kind != Date {
			extra = keepNext + keepLines
		}
		paragraphWith(&b, style, extra, rp, blk.Runs)
		prev = blk.Kind
	}
	b.WriteString(`<w:sectPr>`)
	b.WriteString(`<w:footerReference w:type="default" r:id="` + relFooterOdd + `"/>`)
	b.WriteString(`<w:footerReference w:type="even" r:id="` + relFooterEven + `"/>`)
	fmt.Fprintf(&b, `<w:pgSz w:w="%d" w:h="%d"/>`, pageWidth, pageHeight)
	fmt.Fprintf(&b, `<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`,
		marginTop, marginRight, marginBottom, marginLeft, headerDistance, footerDistance)
	b.WriteString(`<w:pgNumType w:fmt="decimal" w:start="1"/>`)
	b.WriteString(`<w:cols w:space="425"/>`)
	fmt.Fprintf(&b, `<w:docGrid w:type="linesAndChars" w:linePitch="%d" w:charSpace="%d"/>`, linePitch, charSpace)
	b.WriteString(`</w:sectPr></w:body></w:document>`)
	return b.String()
}

// runProps is the character formatting written on every run (and on each paragraph
// mark), so that Word and WPS pick the right glyphs whatever the styles say.
type runProps struct {
	lang       string
	halfPoints int
	face       string
	bold       bool
	highlight  bool
	condense   int
}

func (p runProps) write(b *strings.Builder) {
	b.WriteString(`<w:rPr>`)
	f := esc(p.face)
	// w:hint="eastAsia" makes ambiguous characters (“”, —, …) use the East-Asian face.
	b.WriteString(`<w:rFonts w:hint="eastAsia" w:ascii="` + f + `" w:hAnsi="` + f + `" w:eastAsia="` + f + `" w:cs="` + f + `"/>`)
	if p.bold {
		b.WriteString(`<w:b/><w:bCs/>`)
	}
	if p.highlight {
		b.WriteString(`<w:color w:val="FF0000"/>`)
	}
	if p.condense != 0 {
		b.WriteString(`<w:spacing w:val="` + strconv.Itoa(p.condense) + `"/>`)
	}
	hp := strconv.Itoa(p.halfPoints)
	b.WriteString(`<w:sz w:val="` + hp + `"/><w:szCs w:val="` + hp + `"/>`)
	if p.highlight {
		b.WriteString(`<w:highlight w:val="yellow"/>`)
	}
	b.WriteString(`<w:lang w:val="` + esc(p.lang) + `" w:eastAsia="` + esc(p.lang) + `"/>`)
	b.WriteString(`</w:rPr>`)
}

// Paragraph properties written before a paragraph's run properties.
const (
	keepNext  = `<w:keepNext/>`
	keepLines = `<w:keepLines/>`
)

func paragraph(b *strings.Builder, style string, rp runProps, runs []Run) {
	paragraphWith(b, style, "", rp, runs)
}

// paragraphWith writes a paragraph with extra paragraph properties (keepNext,
// keepLines) after its style.
func paragraphWith(b *strings.Builder, style, extra string, rp runProps, runs []Run) {
	b.WriteString(`<w:p><w:pPr><w:pStyle w:val="` + style + `"/>` + extra)
	rp.write(b)
	b.WriteString(`</w:pPr>`)
	for _, r := range runs {
		if r.Text == "" {
			continue
		}
		p := rp
		p.bold = r.Bold
		p.highlight = r.Highlight
		b.WriteString(`<w:r>`)
		p.write(b)
		b.WriteString(`<w:t xml:space="preserve">` + esc(r.Text) + `</w:t></w:r>`)
	}
	b.WriteString(`</w:p>`)
}

// titleParagraph writes the title, its lines separated by line breaks
// within the one paragraph.
func titleParagraph(b *strings.Builder, rp runProps, lines []string) {
	b.WriteString(`<w:p><w:pPr><w:pStyle w:val="` + styleTitle + `"/>`)
	rp.write(b)
	b.WriteString(`</w:pPr>`)
	for i, l := range lines {
		b.WriteString(`<w:r>`)
		rp.write(b)
		if i > 0 {
			b.WriteString(`<w:br/>`)
		}
		b.WriteString(`<w:t xml:space="preserve">` + esc(l) + `</w:t></w:r>`)
	}
	b.WriteString(`</w:p>`)
}

// esc escapes text for element content and attribute values. Validation has already
// rejected control characters, so only the five markup characters remain to escape.
func esc(s string) string { return escaper.Replace(s) }

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func footerXML(lang, align, placeholder string) string {
	rp := runProps{lang: lang, halfPoints: pageNumberHalfPoints, face: faceNumber}
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString(`<w:ftr ` + nsW + ` ` + nsR + `><w:p><w:pPr><w:pStyle w:val="` + styleFooter + `"/>`)
	// One character's space from the outside edge: odd pages right, even pages left.
	if align == "right" {
		fmt.Fprintf(&b, `<w:ind w:right="%d"/>`, pageNumberIndent)
	} else {
		fmt.Fprintf(&b, `<w:ind w:left="%d"/>`, pageNumberIndent)
	}
	b.WriteString(`<w:jc w:val="` + align + `"/>`)
	rp.write(&b)
	b.WriteString(`</w:pPr>`)
	text := func(s string) {
		b.WriteString(`<w:r>`)
		rp.write(&b)
		b.WriteString(`<w:t xml:space="preserve">` + s + `</w:t></w:r>`)
	}
	field := func(inner string) {
		b.WriteString(`<w:r>`)
		rp.write(&b)
		b.WriteString(inner + `</w:r>`)
	}
	text("— ")
	field(`<w:fldChar w:fldCharType="begin"/>`)
	field(`<w:instrText xml:space="preserve"> PAGE </w:instrText>`)
	field(`<w:fldChar w:fldCharType="separate"/>`)
	text(placeholder)
	field(`<w:fldChar w:fldCharType="end"/>`)
	text(" —")
	b.WriteString(`</w:p></w:ftr>`)
	return b.String()
}
