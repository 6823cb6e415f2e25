package reporttpl

import "strings"

// Format prints a parsed template canonically: one line per title, heading,
// subtitle and signature, consecutive paragraph lines joined on one line (as
// Render joins them), blank lines between blocks, a condition's directives on
// lines of their own, expressions in canonical form, comments dropped.
// Parse(t.Format()) renders exactly as t does (a fuzzed property), so an
// editor can offer it as "tidy".
func (t *Template) Format() string {
	return formatItems(t.items, true) + "\n"
}

// A unit is what Format prints as one piece: a merged paragraph, a line
// block, a slot or a whole condition.
type unit struct {
	kind     itemKind
	bkind    BlockKind
	text     string
	brkAfter bool // a blank line followed it in the source
}

// formatItems prints a list of items. At the top level, blank lines at the
// ends mean nothing; inside a branch they end the paragraph around the
// condition, so they are kept.
func formatItems(items []item, top bool) string {
	lead := len(items) > 0 && items[0].kind == iBreak
	if lead {
		items = items[1:]
	}
	var units []unit
	var para []node
	flush := func() {
		if para != nil {
			units = append(units, unit{kind: iPara, text: formatNodes(para)})
			para = nil
		}
	}
	for i := range items {
		it := &items[i]
		switch it.kind {
		case iBreak:
			flush()
			if n := len(units); n > 0 {
				units[n-1].brkAfter = true
			}
			continue
		case iPara:
			if para != nil && endsLatin(para) && startsLatin(it.nodes) {
				para = append(para, node{text: " "})
			}
			para = append(para, it.nodes...)
			continue
		}
		flush()
		switch it.kind {
		case iLine:
			prefix := map[BlockKind]string{BlockTitle: "# ", BlockHeading1: "## ", BlockHeading2: "### ", BlockSubtitle: "> ", BlockSignature: "@ "}
			units = append(units, unit{kind: iLine, bkind: it.bkind, text: prefix[it.bkind] + formatNodes(it.nodes)})
		case iSlot:
			text := "{% slot " + it.slot + " %}"
			switch {
			case it.problems:
				text = "{% problems %}"
			case it.label != "":
				text = "{% slot " + it.slot + " " + quote(it.label) + " %}"
			}
			units = append(units, unit{kind: iSlot, text: text})
		case iIf:
			var b strings.Builder
			for j, br := range it.branches {
				switch {
				case j == 0:
					b.WriteString("{% if " + br.cond.String() + " %}\n")
				case br.cond != nil:
					b.WriteString("{% elif " + br.cond.String() + " %}\n")
				default:
					b.WriteString("{% else %}\n")
				}
				if body := formatItems(br.items, false); body != "" {
					b.WriteString(body + "\n")
				}
			}
			b.WriteString("{% endif %}")
			units = append(units, unit{kind: iIf, text: b.String()})
		}
	}
	flush()
	var b strings.Builder
	if lead && !top {
		b.WriteString("\n")
	}
	for i, u := range units {
		if i > 0 {
			prev := units[i-1]
			joins := func(k itemKind) bool { return k == iPara || k == iIf }
			switch {
			case prev.bkind == BlockSignature && u.bkind == BlockSignature:
				// Signature lines stay together.
				b.WriteString("\n")
			case joins(prev.kind) && joins(u.kind) && !prev.brkAfter:
				// No blank line: the paragraph runs on through the condition.
				b.WriteString("\n")
			default:
				b.WriteString("\n\n")
			}
		}
		b.WriteString(u.text)
	}
	if n := len(units); !top && n > 0 && units[n-1].brkAfter {
		b.WriteString("\n")
	}
	return b.String()
}

// formatNodes prints a line's content so that it reads back as the same nodes.
func formatNodes(nodes []node) string {
	var b strings.Builder
	for j, n := range nodes {
		if n.expr != nil {
			b.WriteString("{{ " + n.expr.String() + " }}")
			continue
		}
		text := n.text
		if j == 0 {
			// Leading blanks would be trimmed on reading: keep them as a string.
			trimmed := strings.TrimLeft(text, " \t\u3000")
			if lead := text[:len(text)-len(trimmed)]; lead != "" {
				b.WriteString("{{ " + quote(lead) + " }}")
			}
			text = trimmed
		}
		if j == len(nodes)-1 {
			trimmed := strings.TrimRight(text, " \t\r\u3000")
			b.WriteString(formatText(trimmed))
			if tail := text[len(trimmed):]; tail != "" {
				b.WriteString("{{ " + quote(tail) + " }}")
			}
			continue
		}
		b.WriteString(formatText(text))
	}
	return b.String()
}

// formatText writes plain text so that it reads back as the same text: every
// brace is written as a string expression, since next to an expression,
// another brace or the end of the line it could open or close one (braces
// are rare in report text; correctness beats looks here).
func formatText(s string) string {
	if !strings.ContainsAny(s, "{}") {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '{':
			b.WriteString(`{{ "{" }}`)
		case '}':
			b.WriteString(`{{ "}" }}`)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
