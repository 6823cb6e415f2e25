package domain

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextRules(t *testing.T) {
	ok := []string{"", "中心组学习 第3次", "一行\t制表", "Résumé — “引号”", "😀"}
	for _, s := range ok {
		if err := TextLine("title", s); err != nil {
			t.Errorf("TextLine(%q) = %v, want nil", s, err)
		}
		if err := TextBlock("body", s+"\n第二行"); err != nil {
			t.Errorf("TextBlock(%q) = %v, want nil", s, err)
		}
	}
	bad := map[string]string{
		"bell":     "铃\a声",
		"nul":      "a\x00b",
		"cr":       "a\rb",
		"del":      "a\x7fb",
		"c1":       "a\u0085b",
		"rlo":      "abc\u202egpj.exe",
		"isolate":  "x\u2066y",
		"nonchar":  "x\uffffy",
		"invalid8": "a\xffb",
	}
	for name, s := range bad {
		for _, check := range []func(string, string) error{TextLine, TextBlock} {
			err := check("slot", s)
			var de *Error
			if !errors.As(err, &de) || de.Kind != KindInvalid || de.Field != "slot" {
				t.Errorf("%s: %q gave %v, want an invalid error on field slot", name, s, err)
			}
		}
	}
	if err := TextLine("title", "两\n行"); err == nil {
		t.Error("TextLine accepted a line break")
	}
}

// FuzzText: an accepted value never holds a rune the rules forbid, and the error
// names the position of the first forbidden rune.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "abc", "中\n文", "\u202e", "\x00", "\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := TextBlock("f", s)
		if !utf8.ValidString(s) {
			if err == nil {
				t.Fatal("accepted invalid UTF-8")
			}
			return
		}
		first := -1
		i := 0
		for _, r := range s {
			i++
			if bad, _ := forbiddenRune(r, true); bad && first < 0 {
				first = i
			}
		}
		if (first >= 0) != (err != nil) {
			t.Fatalf("TextBlock(%q) = %v, first forbidden at %d", s, err, first)
		}
		if err != nil && !strings.Contains(err.Error(), "character ") {
			t.Fatalf("error %q does not name the position", err)
		}
	})
}
