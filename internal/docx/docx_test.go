package docx

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// sample is a short report with every block kind, a figure, bold text and the XML
// special characters.
func sample() Document {
	return Document{
		Title:    "××县教育局2024年度意识形态工作责任制落实情况报告",
		Subtitle: "（××县教育局　2024年12月）",
		Author:   "××县教育局办公室",
		Created:  time.Date(2024, 12, 31, 17, 30, 0, 0, time.FixedZone("CST", 8*3600)),
		Blocks: []Block{
			{Kind: Body, Runs: []Run{{Text: "2024年，我局深入学习贯彻习近平新时代中国特色社会主义思想，全面落实意识形态工作责任制。"}}},
			{Kind: Heading1, Runs: []Run{{Text: "一、强化组织领导，压实工作责任"}}},
			{Kind: Heading2, Runs: []Run{{Text: "（一）健全责任体系"}}},
			{Kind: Body, Runs: []Run{
				{Text: "全年组织宣讲团深入学校开展宣讲"},
				{Text: "86", Figure: true},
				{Text: "场次，覆盖师生"},
				{Text: "12400", Figure: true},
				{Text: "人次。"},
				{Text: "重点：", Bold: true},
				{Text: "“<校园>” & ‘课堂’ 阵地建设 'a' \"b\""},
			}},
			{Kind: Signature, Runs: []Run{{Text: "××县教育局"}}},
			{Kind: Date, Runs: []Run{{Text: "2024年12月31日"}}},
		},
	}
}

// goldenParts are the parts whose normalized (pretty-printed) XML is kept in testdata.
var goldenParts = []string{"word/document.xml", "word/styles.xml", "word/settings.xml", "word/footer1.xml", "word/footer2.xml"}

func TestGolden(t *testing.T) {
	parts, _ := unzip(t, write(t, sample()))
	for _, name := range goldenParts {
		got := pretty(parseXML(t, parts[name]))
		file := filepath.Join("testdata", strings.ReplaceAll(strings.TrimPrefix(name, "word/"), ".xml", "")+".golden")
		if *update {
			if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/docx -run TestGolden -update)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s (if intended, rerun with -update and review the diff):\n%s", name, file, firstDiff(string(want), got))
		}
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n  want " + a + "\n  got  " + b
		}
	}
	return ""
}

func intAttr(t *testing.T, n *node, name string) int {
	t.Helper()
	v, ok := n.attr(name)
	if !ok {
		t.Fatalf("<%s> has no %s", n.name, name)
	}
	i, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.name, name, v, err)
	}
	return i
}

// TestPageGeometry checks GB/T 9704's page against the millimetres, not against our
// own constants: A4, margins within one twip, 22 lines and 28 characters.
func TestPageGeometry(t *testing.T) {
	parts, _ := unzip(t, write(t, sample()))
	doc := parseXML(t, parts["word/document.xml"])
	sect := doc.child("w:body").child("w:sectPr")
	if sect == nil {
		t.Fatal("no body-level w:sectPr")
	}
	twips := func(mm float64) float64 { return mm * 1440 / 25.4 }
	pg := sect.child("w:pgSz")
	w, h := intAttr(t, pg, "w:w"), intAttr(t, pg, "w:h")
	if math.Abs(float64(w)-twips(210)) > 1 || math.Abs(float64(h)-twips(297)) > 1 {
		t.Errorf("page %d × %d twips, want A4 (11906 × 16838)", w, h)
	}
	if _, landscape := pg.attr("w:orient"); landscape {
		t.Error("page has an orientation attribute; want portrait by default")
	}
	mar := sect.child("w:pgMar")
	for attr, mm := range map[string]float64{"w:top": 37, "w:bottom": 35, "w:left": 28, "w:right": 26} {
		if got := intAttr(t, mar, attr); math.Abs(float64(got)-twips(mm)) > 1 {
			t.Errorf("%s = %d twips, want %.2f (%g mm) within 1 twip", attr, got, twips(mm), mm)
		}
	}
	if g := intAttr(t, mar, "w:gutter"); g != 0 {
		t.Errorf("gutter = %d, want 0", g)
	}
	textH := h - intAttr(t, mar, "w:top") - intAttr(t, mar, "w:bottom")
	textW := w - intAttr(t, mar, "w:left") - intAttr(t, mar, "w:right")

	grid := sect.child("w:docGrid")
	if typ, _ := grid.attr("w:type"); typ != "linesAndChars" {
		t.Errorf("docGrid type %q, want linesAndChars", typ)
	}
	pitch := intAttr(t, grid, "w:linePitch")
	if 22*pitch > textH || 22*(pitch+1) <= textH {
		t.Errorf("linePitch %d: want the largest pitch fitting 22 lines in %d twips", pitch, textH)
	}
	// Word's character pitch: the Normal style's size plus charSpace/4096 pt.
	charPitch := (16 + float64(intAttr(t, grid, "w:charSpace"))/4096) * 20
	if n := math.Floor(float64(textW) / charPitch); n != 28 {
		t.Errorf("grid gives %v characters per line (pitch %.2f twips in %d), want 28", n, charPitch, textW)
	}

	// The text paragraphs carry the same layout explicitly (see geometry.go): exact
	// spacing of one pitch and 三号 runs condensed to 28 per line.
	styles := parseXML(t, parts["word/styles.xml"])
	for _, s := range styles.all("w:style") {
		id, _ := s.attr("w:styleId")
		if id == styleFooter {
			continue
		}
		sp := s.child("w:pPr").child("w:spacing")
		if sp == nil {
			t.Errorf("style %s has no line spacing", id)
			continue
		}
		if rule, _ := sp.attr("w:lineRule"); rule != "exact" || intAttr(t, sp, "w:line") != pitch {
			t.Errorf("style %s: spacing %v, want exact %d", id, sp.attrs, pitch)
		}
	}
	for _, r := range doc.all("w:r") {
		rpr := r.child("w:rPr")
		sz := intAttr(t, rpr.child("w:sz"), "w:val")
		if sz != 32 {
			continue
		}
		adv := 320 + intAttr(t, rpr.child("w:spacing"), "w:val")
		if textW/adv != 28 {
			t.Errorf("三号 run advance %d twips gives %d characters per line, want 28", adv, textW/adv)
		}
	}
}

// TestEveryRunNamesItsEastAsianFont: Word and WPS pick glyphs per run; a run without
// w:eastAsia or zh-CN may come out in a Japanese or Western face.
func TestEveryRunNamesItsEastAsianFont(t *testing.T) {
	parts, _ := unzip(t, write(t, sample()))
	runs := 0
	for _, name := range []string{"word/document.xml", "word/footer1.xml", "word/footer2.xml"} {
		root := parseXML(t, parts[name])
		for i, r := range root.all("w:r") {
			runs++
			checkRunProps(t, name+" run "+strconv.Itoa(i), r.child("w:rPr"))
		}
		for i, p := range root.all("w:p") {
			checkRunProps(t, name+" paragraph mark "+strconv.Itoa(i), p.child("w:pPr").child("w:rPr"))
		}
	}
	if runs < 20 {
		t.Fatalf("only %d runs found; the walk is broken", runs)
	}
	styles := parseXML(t, parts["word/styles.xml"])
	checkRunProps(t, "docDefaults", styles.child("w:docDefaults").child("w:rPrDefault").child("w:rPr"))
	for _, s := range styles.all("w:style") {
		id, _ := s.attr("w:styleId")
		checkRunProps(t, "style "+id, s.child("w:rPr"))
	}
}

func checkRunProps(t *testing.T, where string, rpr *node) {
	t.Helper()
	if rpr == nil {
		t.Errorf("%s: no w:rPr", where)
		return
	}
	f := rpr.child("w:rFonts")
	if f == nil {
		t.Errorf("%s: no w:rFonts", where)
		return
	}
	for _, a := range []string{"w:eastAsia", "w:ascii", "w:hAnsi"} {
		if v, _ := f.attr(a); v == "" {
			t.Errorf("%s: w:rFonts has no %s", where, a)
		}
	}
	lang := rpr.child("w:lang")
	if lang == nil {
		t.Errorf("%s: no w:lang", where)
		return
	}
	if v, _ := lang.attr("w:eastAsia"); v != "zh-CN" {
		t.Errorf("%s: w:lang eastAsia %q, want zh-CN", where, v)
	}
}

// TestFacesAndSizes: the face and size GB/T 9704 gives each element, read from the runs.
func TestFacesAndSizes(t *testing.T) {
	parts, _ := unzip(t, write(t, sample()))
	doc := parseXML(t, parts["word/document.xml"])
	type want struct {
		face  string
		size  int // half-points
		align string
	}
	byStyle := map[string]want{
		"Title": {"方正小标宋简体", 44, "center"}, "Subtitle": {"楷体_GB2312", 32, "center"},
		"Heading1": {"黑体", 32, ""}, "Heading2": {"楷体_GB2312", 32, ""}, "Normal": {"仿宋_GB2312", 32, "both"},
		"Signature": {"仿宋_GB2312", 32, "right"}, "Date": {"仿宋_GB2312", 32, "right"},
	}
	styles := parseXML(t, parts["word/styles.xml"])
	styleByID := map[string]*node{}
	for _, s := range styles.all("w:style") {
		id, _ := s.attr("w:styleId")
		styleByID[id] = s
	}
	seen := map[string]int{}
	for _, p := range doc.all("w:p") {
		id, _ := p.child("w:pPr").child("w:pStyle").attr("w:val")
		w, ok := byStyle[id]
		if !ok {
			t.Errorf("paragraph in unexpected style %q", id)
			continue
		}
		for _, r := range p.all("w:r") {
			seen[id]++
			face, _ := r.child("w:rPr").child("w:rFonts").attr("w:eastAsia")
			if face != w.face || intAttr(t, r.child("w:rPr").child("w:sz"), "w:val") != w.size {
				t.Errorf("%s run %q: face %s, want %s %d half-points", id, r.child("w:t").text, face, w.face, w.size)
			}
			if r.child("w:rPr").child("w:b") != nil && id != "Normal" {
				t.Errorf("%s run is bold; GB/T 9704 headings are not", id)
			}
		}
		ppr := styleByID[id].child("w:pPr")
		if w.align != "" {
			if jc, _ := ppr.child("w:jc").attr("w:val"); jc != w.align {
				t.Errorf("style %s aligned %q, want %q", id, jc, w.align)
			}
		}
		if id == "Normal" || id == "Heading1" || id == "Heading2" {
			if c, _ := ppr.child("w:ind").attr("w:firstLineChars"); c != "200" {
				t.Errorf("style %s first-line indent %q chars×100, want 200 (two characters)", id, c)
			}
		}
	}
	for id := range byStyle {
		if seen[id] == 0 {
			t.Errorf("no run in style %s", id)
		}
	}
}

// TestPageNumbers: "— n —" in 宋体 四号, odd pages on the right, even pages on the left,
// one character from the edge.
func TestPageNumbers(t *testing.T) {
	parts, _ := unzip(t, write(t, sample()))
	settings := parseXML(t, parts["word/settings.xml"])
	if settings.child("w:evenAndOddHeaders") == nil {
		t.Error("settings.xml lacks w:evenAndOddHeaders: even pages would use the odd footer")
	}
	rels := parseXML(t, parts["word/_rels/document.xml.rels"])
	target := map[string]string{}
	for _, r := range rels.all("Relationship") {
		id, _ := r.attr("Id")
		target[id], _ = r.attr("Target")
	}
	doc := parseXML(t, parts["word/document.xml"])
	footerFor := map[string]string{}
	for _, ref := range doc.child("w:body").child("w:sectPr").all("w:footerReference") {
		typ, _ := ref.attr("w:type")
		id, _ := ref.attr("r:id")
		footerFor[typ] = "word/" + target[id]
	}
	for typ, align := range map[string]string{"default": "right", "even": "left"} {
		name := footerFor[typ]
		data, ok := parts[name]
		if !ok {
			t.Errorf("footer %q (%s) missing from the package", typ, name)
			continue
		}
		ftr := parseXML(t, data)
		ps := ftr.all("w:p")
		if len(ps) != 1 {
			t.Fatalf("%s: %d paragraphs, want 1", name, len(ps))
		}
		ppr := ps[0].child("w:pPr")
		if jc, _ := ppr.child("w:jc").attr("w:val"); jc != align {
			t.Errorf("%s footer (%s) aligned %q, want %q", typ, name, jc, align)
		}
		side := "w:" + align
		if ind := ppr.child("w:ind"); ind == nil || intAttr(t, ind, side) != 280 {
			t.Errorf("%s footer: want %s indent 280 twips (one 14 pt character)", typ, side)
		}
		// Reassemble the visible text with the field's instruction in its place.
		var text strings.Builder
		for _, r := range ps[0].all("w:r") {
			if face, _ := r.child("w:rPr").child("w:rFonts").attr("w:eastAsia"); face != "宋体" {
				t.Errorf("%s: page number face %q, want 宋体", name, face)
			}
			if sz := intAttr(t, r.child("w:rPr").child("w:sz"), "w:val"); sz != 28 {
				t.Errorf("%s: page number size %d half-points, want 28 (四号)", name, sz)
			}
			if it := r.child("w:instrText"); it != nil {
				text.WriteString("[" + strings.TrimSpace(it.text) + "]")
			}
			if fc := r.child("w:fldChar"); fc != nil {
				v, _ := fc.attr("w:fldCharType")
				text.WriteString("{" + v + "}")
			}
			if tt := r.child("w:t"); tt != nil {
				text.WriteString(tt.text)
			}
		}
		if got, want := text.String(), "— {begin}[PAGE]{separate}"; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "{end} —") {
			t.Errorf("%s text %q, want \"— \" PAGE field \" —\"", name, got)
		}
	}
}

// TestPackage: a valid OPC package: every part parses, is declared in
// [Content_Types].xml, every relationship points at a part, and the bytes are the same
// on every write (fixed zip times).
func TestPackage(t *testing.T) {
	data := write(t, sample())
	if again := write(t, sample()); !bytes.Equal(data, again) {
		t.Fatal("two writes of the same document differ")
	}
	parts, files := unzip(t, data)
	if files[0].Name != "[Content_Types].xml" {
		t.Errorf("first entry %s, want [Content_Types].xml", files[0].Name)
	}
	for _, f := range files {
		if !f.Modified.Equal(zipTime) && f.Modified.Format("2006-01-02 15:04") != "1980-01-01 00:00" {
			t.Errorf("%s modified %v, want the fixed 1980-01-01", f.Name, f.Modified)
		}
	}
	for _, need := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/settings.xml",
		"word/footer1.xml", "word/footer2.xml", "word/_rels/document.xml.rels", "docProps/core.xml", "docProps/app.xml"} {
		if _, ok := parts[need]; !ok {
			t.Errorf("package lacks %s", need)
		}
	}
	ct := parseXML(t, parts["[Content_Types].xml"])
	declared := map[string]bool{}
	for _, o := range ct.all("Override") {
		p, _ := o.attr("PartName")
		declared[strings.TrimPrefix(p, "/")] = true
	}
	defaults := map[string]bool{}
	for _, d := range ct.all("Default") {
		e, _ := d.attr("Extension")
		defaults[e] = true
	}
	for name, body := range parts {
		parseXML(t, body)
		if !declared[name] && !defaults[strings.TrimPrefix(filepath.Ext(name), ".")] {
			t.Errorf("%s has no content type", name)
		}
	}
	for relPart, base := range map[string]string{"_rels/.rels": "", "word/_rels/document.xml.rels": "word/"} {
		for _, r := range parseXML(t, parts[relPart]).all("Relationship") {
			target, _ := r.attr("Target")
			if _, ok := parts[base+target]; !ok {
				t.Errorf("%s points at missing %s", relPart, base+target)
			}
		}
	}
	core := parseXML(t, parts["docProps/core.xml"])
	if got := core.child("dc:title").text; got != sample().Title {
		t.Errorf("core title %q", got)
	}
	if got := core.child("dcterms:created").text; got != "2024-12-31T09:30:00Z" {
		t.Errorf("created %q, want the time in UTC 2024-12-31T09:30:00Z", got)
	}
}

// TestRejectsBadText: control characters are refused with the block named, and nothing
// is written.
func TestRejectsBadText(t *testing.T) {
	cases := []struct {
		name  string
		doc   func(*Document)
		field string
	}{
		{"tab in a run", func(d *Document) { d.Blocks[3].Runs[2].Text = "a\tb" }, "blocks[3].runs[2].text"},
		{"newline in the title", func(d *Document) { d.Title = "上\n下" }, "title"},
		{"NUL in the subtitle", func(d *Document) { d.Subtitle = "x\x00" }, "subtitle"},
		{"C1 control", func(d *Document) { d.Blocks[0].Runs[0].Text = "\u0085" }, "blocks[0].runs[0].text"},
		{"invalid UTF-8", func(d *Document) { d.Blocks[1].Runs[0].Text = "\xff" }, "blocks[1].runs[0].text"},
		{"non-character", func(d *Document) { d.Blocks[2].Runs[0].Text = "\uFFFE" }, "blocks[2].runs[0].text"},
		{"no title", func(d *Document) { d.Title = "" }, "title"},
		{"unknown kind", func(d *Document) { d.Blocks[4].Kind = 99 }, "blocks[4].kind"},
		{"bad language", func(d *Document) { d.Lang = "zh CN" }, "lang"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := sample()
			c.doc(&d)
			var buf bytes.Buffer
			err := Write(&buf, d)
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Field != c.field {
				t.Fatalf("err = %v, want invalid %s", err, c.field)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written despite the error", buf.Len())
			}
		})
	}
}
