package domain

import (
	"unicode/utf8"
)

// Text rules, applied once where text is written (an activity, a template, a report
// slot, a name…), so every later output — HTML, .docx, .xlsx, CSV, the audit trail —
// can take it as it is. A value that breaks one output is refused for all of them.
//
// Refused, with the field named and the character's position:
//   - invalid UTF-8;
//   - C0 control characters (U+0000–U+001F) and DEL, except tab, and line feed where
//     the text may span lines (a carriage return is refused too: line ends are \n);
//   - the C1 controls (U+0080–U+009F), which no Chinese office text carries and which
//     XML 1.0 output rejects or mangles;
//   - bidirectional embedding, override and isolate controls (U+202A–U+202E,
//     U+2066–U+2069): they reorder what a reader sees against what is stored ("Trojan
//     source"), and Chinese and English text never needs them;
//   - U+FFFE and U+FFFF, noncharacters that XML forbids.

// TextLine checks a one-line value (titles, names): no line breaks.
func TextLine(field, s string) error { return checkText(field, s, false) }

// TextBlock checks a multi-line value (descriptions, slot text, templates).
func TextBlock(field, s string) error { return checkText(field, s, true) }

func checkText(field, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return Invalid(field, "is not valid UTF-8")
	}
	pos := 0
	for _, r := range s {
		pos++
		if bad, what := forbiddenRune(r, multiline); bad {
			return Invalid(field, "character %d is %s (U+%04X), which is not allowed", pos, what, r)
		}
	}
	return nil
}

func forbiddenRune(r rune, multiline bool) (bool, string) {
	switch {
	case r == '\t':
		return false, ""
	case r == '\n':
		if multiline {
			return false, ""
		}
		return true, "a line break"
	case r < 0x20 || r == 0x7f:
		return true, "a control character"
	case r >= 0x80 && r <= 0x9f:
		return true, "a control character"
	case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
		return true, "a bidirectional text control"
	case r == 0xfffe || r == 0xffff:
		return true, "a noncharacter"
	}
	return false, ""
}
