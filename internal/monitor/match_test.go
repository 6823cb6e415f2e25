package monitor

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestMatchExamples(t *testing.T) {
	rules := []Rule{
		{ID: 1, Topic: "校园安全", Severity: 3, Expr: `校园 AND 霸凌`},
		{ID: 2, Topic: "食品", Severity: 2, Expr: `(食堂 OR 餐厅) AND NOT 表扬`},
		{ID: 3, Topic: "收费", Severity: 1, Expr: `"乱收费" OR 补课费`},
		{ID: 4, Topic: "校园安全", Severity: 3, Expr: `"校园" NEAR/5 "打人"`},
		{ID: 5, Topic: "english", Severity: 1, Expr: `Teacher NEAR/0 strike`},
	}
	m, err := Compile(rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		post string
		want []int64
	}{
		{"某中學校園霸淩事件引關注", []int64{1}}, // traditional characters, still 校园/霸凌
		{"食堂饭菜发霉", []int64{2}},
		{"表扬食堂师傅", nil},
		{"学校乱收费、强制补课费", []int64{3}},
		{"校园里有人打人", []int64{4}},             // 3 characters between
		{"校园里今天下午有人打人", nil},                // 7 between: not near
		{"打人事件发生在校园", []int64{4}},           // either order, 3 between
		{"ＴＥＡＣＨＥＲ\u200bSTRIKE", []int64{5}}, // full-width, zero-width space, upper case
		{"", nil},
	} {
		var got []int64
		for _, h := range m.Match(Normalize(tc.post)) {
			got = append(got, h.RuleID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: rules %v, want %v", tc.post, got, tc.want)
		}
	}
}

func TestCompileErrorsPointAtColumn(t *testing.T) {
	for _, tc := range []struct {
		expr string
		col  int
	}{
		{`校园 AND`, 7}, // just past the end
		{`(校园 OR 霸凌`, 10},
		{`校园 OR 霸凌)`, 9},
		{`"校园 霸凌`, 1},
		{`AND 校园`, 1},
		{`校园 NEAR/x 霸凌`, 4},
		{`校园 NEAR/10 (霸凌)`, 12},
		{`NOT 考试`, 1},
		{`校园 OR ""`, 7},
		{`a NEAR/3 b NEAR/3 c`, 12},
		{``, 1},
	} {
		_, err := Compile([]Rule{{ID: 7, Expr: `ok`}, {ID: 9, Expr: tc.expr}})
		var re *RuleError
		if !errors.As(err, &re) {
			t.Errorf("%q: error %v, want *RuleError", tc.expr, err)
			continue
		}
		if re.RuleID != 9 || re.Index != 1 || re.Err.Column != tc.col {
			t.Errorf("%q: %v (rule %d, column %d), want rule 9 column %d", tc.expr, err, re.RuleID, re.Err.Column, tc.col)
		}
	}
}

// The automaton and the expression evaluation must agree with the plain
// definition: each keyword looked up with strings.Contains (and every
// occurrence with strings.Index for NEAR) in the normalised post.
func TestMatchEqualsNaiveEvaluation(t *testing.T) {
	alphabet := []rune("校园霸凌學生食堂ab Ａ")
	word := rapid.Custom(func(t *rapid.T) string {
		n := rapid.IntRange(1, 3).Draw(t, "len")
		var b strings.Builder
		for range n {
			b.WriteRune(rapid.SampledFrom(alphabet[:len(alphabet)-2]).Draw(t, "r"))
		}
		return b.String()
	})
	var expr func(t *rapid.T, depth int) string
	expr = func(t *rapid.T, depth int) string {
		choice := rapid.IntRange(0, 5).Draw(t, "op")
		if depth > 3 {
			choice = 0
		}
		switch choice {
		case 0:
			return `"` + word.Draw(t, "w") + `"`
		case 1:
			return "(" + expr(t, depth+1) + " AND " + expr(t, depth+1) + ")"
		case 2:
			return "(" + expr(t, depth+1) + " OR " + expr(t, depth+1) + ")"
		case 3:
			return "(" + expr(t, depth+1) + " NOT " + expr(t, depth+1) + ")"
		case 4:
			return fmt.Sprintf(`"%s" NEAR/%d "%s"`, word.Draw(t, "a"), rapid.IntRange(0, 4).Draw(t, "d"), word.Draw(t, "b"))
		default:
			return word.Draw(t, "w") + " " + word.Draw(t, "w2")
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		var rules []Rule
		for i := range rapid.IntRange(1, 12).Draw(t, "rules") {
			rules = append(rules, Rule{ID: int64(i + 1), Expr: expr(t, 0)})
		}
		m, err := Compile(rules)
		if err != nil {
			// Only "needs no keyword" may fail here; skip those sets.
			var re *RuleError
			if !errors.As(err, &re) || !strings.Contains(re.Err.Msg, "none of its words") {
				t.Fatalf("compile: %v", err)
			}
			t.Skip("a rule needs no keyword")
		}
		var post strings.Builder
		for range rapid.IntRange(0, 40).Draw(t, "postlen") {
			post.WriteRune(rapid.SampledFrom(alphabet).Draw(t, "c"))
		}
		norm := Normalize(post.String())
		var got, want []int64
		for _, h := range m.Match(norm) {
			got = append(got, h.RuleID)
		}
		for _, r := range m.rules {
			if evalNaive(r.expr, norm) {
				want = append(want, r.ID)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("post %q: matcher %v, naive %v", norm, got, want)
		}
	})
}

// A post repeating a word thousands of times used to cost |a|·|b| gap
// computations per NEAR rule; the merge-style check must still agree with
// the definition at the edges (distance exactly n, either order, overlaps).
func TestNearManyOccurrences(t *testing.T) {
	m, err := Compile([]Rule{{ID: 1, Expr: `哈哈 NEAR/3 "校园"`}, {ID: 2, Expr: `"园里" NEAR/0 "校园"`}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		post string
		want []int64
	}{
		{strings.Repeat("哈哈", 5000) + "一二三四校园", nil},
		{strings.Repeat("哈哈", 5000) + "一二三校园", []int64{1}},
		{"校园一二三" + strings.Repeat("哈", 9000), []int64{1}},
		{"校园里", []int64{2}}, // overlapping occurrences
	} {
		var got []int64
		for _, h := range m.Match(Normalize(tc.post)) {
			got = append(got, h.RuleID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%.20q…: %v, want %v", tc.post, got, tc.want)
		}
	}
}

// The pipeline's one automaton over keywords and unit names gives what the
// Matcher and the Gazetteer find each with their own, also where a keyword
// and a unit name are the same string.
func TestPipelineEqualsSeparatePasses(t *testing.T) {
	words := []string{"城关一中", "一中", "食堂", "霸凌", "東城", "实验小学"}
	rapid.Check(t, func(t *rapid.T) {
		var rules []Rule
		for i := range rapid.IntRange(1, 6).Draw(t, "rules") {
			rules = append(rules, Rule{ID: int64(i + 1), Expr: rapid.SampledFrom(words).Draw(t, "a") + " " +
				rapid.SampledFrom([]string{"OR", "AND", "NEAR/2"}).Draw(t, "op") + " " + rapid.SampledFrom(words).Draw(t, "b")})
		}
		units := []Unit{{ID: 1, Name: "城关县教育局"}, {ID: 2, Name: "城关一中", Parent: 1}, {ID: 3, Name: "实验小学", Parent: 1},
			{ID: 4, Name: "东城学区", Aliases: []string{"东城"}, Parent: 1}, {ID: 5, Name: "实验小学", Parent: 4}}
		p, err := NewPipeline(rules, units, DefaultNearBits)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := Compile(rules)
		g, _ := NewGazetteer(units)
		var text strings.Builder
		for range rapid.IntRange(0, 8).Draw(t, "n") {
			text.WriteString(rapid.SampledFrom(append(words, "的", "，")).Draw(t, "w"))
		}
		title := rapid.SampledFrom(words).Draw(t, "title")
		r := p.Process(Item{Title: title, Text: text.String()})
		all := Normalize(title) + "\n" + Normalize(text.String())
		if want := m.Match(all); !slices.Equal(r.Hits, want) {
			t.Fatalf("%q: pipeline hits %v, matcher %v", all, r.Hits, want)
		}
		if want := g.Route(all); !slices.Equal(r.Units, want) {
			t.Fatalf("%q: pipeline units %v, gazetteer %v", all, r.Units, want)
		}
	})
}
