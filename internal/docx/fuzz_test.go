package docx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

// FuzzRunTextRoundTrip: any text either comes back out of document.xml exactly (read by
// encoding/xml, an independent parser) or is refused as invalid with the run named.
func FuzzRunTextRoundTrip(f *testing.F) {
	for _, s := range []string{
		"", " ", "  leading and trailing  ", "<w:t>&amp;</w:t>", `"'<>&`, "]]>", "<![CDATA[x]]>",
		"全年开展宣讲86场次，覆盖师生12400人次。", "“引号”‘单引’《书名》【括号】——破折号……省略号、顿号；分号：冒号！问号？",
		"😀👨‍👩‍👧 emoji ZWJ", "𠀀𪚥 (CJK Ext B)", "\u3000全角空格\u3000", "ﬁ ligature é composed e\u0301 decomposed",
		"\uFFFD replacement", "\t tab", "line\nbreak", "\r", "\x00", "\u007f", "\u0085", "\uFFFE", "\xff\xfe", "\xed\xa0\x80",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := Document{Title: "标题", Blocks: []Block{{Kind: Body, Runs: []Run{{Text: "前"}, {Text: s, Figure: true}, {Text: "后"}}}}}
		var buf bytes.Buffer
		err := Write(&buf, d)
		if checkText("x", s) != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Field != "blocks[0].runs[1].text" {
				t.Fatalf("Write(%q) = %v, want invalid blocks[0].runs[1].text", s, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Write(%q): %v", s, err)
		}
		parts, _ := unzip(t, buf.Bytes())
		texts := paragraphTexts(t, parts["word/document.xml"])
		if got, want := texts[len(texts)-1], "前"+s+"后"; got != want {
			t.Fatalf("round trip: got %q, want %q", got, want)
		}
	})
}

// paragraphTexts returns each w:p's text (its w:t contents joined), decoded with full
// namespace resolution.
func paragraphTexts(t testing.TB, data []byte) []string {
	t.Helper()
	const w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	dec := xml.NewDecoder(bytes.NewReader(data))
	var texts []string
	var inT bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return texts
		}
		if err != nil {
			t.Fatalf("document.xml: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Space == w && tok.Name.Local == "p" {
				texts = append(texts, "")
			}
			inT = tok.Name.Space == w && tok.Name.Local == "t"
		case xml.EndElement:
			inT = false
		case xml.CharData:
			if inT {
				texts[len(texts)-1] += string(tok)
			}
		}
	}
}
