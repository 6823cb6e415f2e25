package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// node is a parsed XML element with its prefixes kept as written (RawToken), so tests
// can ask for "w:rFonts" and golden files read like the part itself.
type node struct {
	name     string
	attrs    []xml.Attr
	children []*node
	text     string // character data directly inside (concatenated)
}

func (n *node) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if qname(a.Name) == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// all returns every descendant (and n itself) named name, in document order.
func (n *node) all(name string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(x *node) {
		if x.name == name {
			out = append(out, x)
		}
		for _, c := range x.children {
			walk(c)
		}
	}
	walk(n)
	return out
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func parseXML(t testing.TB, data []byte) *node {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("XML does not parse: %v", err)
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: qname(tok.Name), attrs: tok.Copy().Attr}
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			if qname(tok.Name) != top.name {
				t.Fatalf("XML: </%s> closes <%s>", qname(tok.Name), top.name)
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text += string(tok)
		}
	}
	if len(stack) != 1 || len(root.children) != 1 {
		t.Fatalf("XML: want one root element, unbalanced or several roots")
	}
	return root.children[0]
}

// pretty prints the tree one element per line, two spaces per level; text stays on its
// element's line exactly as it is (escaped), so golden files show whitespace changes.
func pretty(n *node) string {
	var b strings.Builder
	var walk func(*node, int)
	walk = func(x *node, depth int) {
		b.WriteString(strings.Repeat("  ", depth) + "<" + x.name)
		for _, a := range x.attrs {
			b.WriteString(" " + qname(a.Name) + `="`)
			_ = xml.EscapeText(&b, []byte(a.Value))
			b.WriteString(`"`)
		}
		switch {
		case len(x.children) == 0 && x.text == "":
			b.WriteString("/>\n")
		case len(x.children) == 0:
			b.WriteString(">")
			_ = xml.EscapeText(&b, []byte(x.text))
			b.WriteString("</" + x.name + ">\n")
		default:
			b.WriteString(">\n")
			for _, c := range x.children {
				walk(c, depth+1)
			}
			b.WriteString(strings.Repeat("  ", depth) + "</" + x.name + ">\n")
		}
	}
	walk(n, 0)
	return b.String()
}

// unzip returns the package's parts by name, failing on a broken zip.
func unzip(t testing.TB, data []byte) (map[string][]byte, []*zip.File) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		parts[f.Name] = b
	}
	return parts, zr.File
}

func write(t testing.TB, d Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}
