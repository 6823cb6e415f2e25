package monitor

import (
	"testing"

	"pgregory.net/rapid"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"學校發生霸淩事件":         "学校发生霸凌事件",
		"一目瞭然":             "一目了然", // a phrase entry, not character by character
		"ＡＢＣ１２３，Ｈｅｌｌｏ！":    "abc123,hello!",
		"校\u200b园\u200d霸凌": "校园霸凌",
		"全角　空格":            "全角 空格",
		"Teacher LI 老師":    "teacher li 老师",
		"":                 "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeIdempotent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringOf(rapid.SampledFrom([]rune("學校霸淩发生ＡbＣ１　瞭解一目然\u200bß𝐀ﬁ"))).Draw(t, "s")
		once := Normalize(s)
		if twice := Normalize(once); twice != once {
			t.Fatalf("Normalize(%q) = %q, again %q", s, once, twice)
		}
	})
}

func TestNormalizeInvalidUTF8(t *testing.T) {
	m, err := Compile([]Rule{{ID: 1, Expr: "\"\uFFFD校\""}})
	if err != nil {
		t.Fatal(err)
	}
	norm := Normalize("乱码\xff校园")
	if norm != "乱码\uFFFD校园" {
		t.Errorf("Normalize = %q", norm)
	}
	if len(m.Match(norm)) != 1 || !evalNaive(m.rules[0].expr, norm) {
		t.Errorf("matcher and naive disagree on %q", norm)
	}
}
