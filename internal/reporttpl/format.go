package reporttpl

import "strings"

// Format prints a parsed template canonically: one line per title, heading,
// subtitle and signature, each paragraph on one line (its lines joined as
// Render joins them), blank lines between blocks, expressions in canonical
// form, comments dropped. Parse(t.Format()) renders exactly as t does (a
// fuzzed property), so an editor can offer it as "tidy".
func (t *Template) Format() string {
	var b strings.Builder
	prefix := map[BlockKind]string{BlockTitle: "# ", BlockHeading1: "## ", BlockHeading2: "### ", BlockSubtitle: "> ", BlockSignature: "@ "}
	for i, blk := range t.blocks {
		if i > 0 {
			// Signature lines stay together; every other block gets a blank line.
			if blk.bkind == BlockSignature && t.blocks[i-1].bkind == BlockSignature {
				b.WriteByte('\n')
			} else {
				b.WriteString("\n\n")
			}
		}
		if blk.kind == tSlot {
			switch {
			case blk.problems:
				b.WriteString("{% problems %}")
			case blk.label != "":
				b.WriteString("{% slot " + blk.slot + " " + quote(blk.label) + " %}")
			default:
				b.WriteString("{% slot " + blk.slot + " %}")
			}
			continue
		}
		b.WriteString(prefix[blk.bkind])
		for j, n := range blk.nodes {
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
			if j == len(blk.nodes)-1 {
				trimmed := strings.TrimRight(text, " \t\r\u3000")
				b.WriteString(formatText(trimmed))
				if tail := text[len(trimmed):]; tail != "" {
					b.WriteString("{{ " + quote(tail) + " }}")
				}
				continue
			}
			b.WriteString(formatText(text))
		}
	}
	b.WriteByte('\n')
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
