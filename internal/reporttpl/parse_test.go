package reporttpl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// testFuncs mirrors the engine's figure functions closely enough to check
// templates: names and argument kinds as the report contract fixes them.
var testFuncs = FuncMap{
	"count": {Name: "count", Unit: "场次", Args: []ArgSpec{
		{Name: "type", Kind: KindString}, {Name: "types", Kind: KindList}, {Name: "pillar", Kind: KindString},
		{Name: "venue", Kind: KindString}, {Name: "unit", Kind: KindString}, {Name: "period", Kind: KindString},
		{Name: "status", Kind: KindString}, {Name: CompareArg, Kind: KindString}}},
	"attendance": {Name: "attendance", Unit: "人次", Args: []ArgSpec{{Name: "pillar", Kind: KindString}, {Name: "type", Kind: KindString}, {Name: CompareArg, Kind: KindString}}},
	"teams":      {Name: "teams", Unit: "支", Args: []ArgSpec{{Name: "kind", Kind: KindString, Required: true}, {Name: CompareArg, Kind: KindString}}},
	"limit":      {Name: "limit", Args: []ArgSpec{{Name: "n", Kind: KindInt}, {Name: "on", Kind: KindBool}}},
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"text before title", "开场白\n# 标题", 1, 1, "text before the title"},
		{"heading before title", "## 一、\n# 标题", 1, 1, "text before the title"},
		{"indented text before title", "  开场白", 1, 3, "text before the title"},
		{"no title", "", 1, 1, "no title"},
		{"empty title", "#  ", 1, 2, "empty title"},
		{"title of only a comment", "# {# 注释 #}", 1, 3, "empty title"},
		{"second title", "# 甲\n# 乙", 2, 1, "a second title"},
		{"too deep", "# 甲\n#### 乙", 2, 1, "too many \"#\""},
		{"unclosed expr", "# 甲\n共{{ count(type: \"a\") 场", 2, 2, "unclosed \"{{\""},
		{"unclosed at eol", "# 甲\n共{{", 2, 2, "unclosed \"{{\""},
		{"stray close", "# 甲\n共 }} 场", 2, 3, "without an opening"},
		{"unknown filter", "# 甲\n共{{ count(type: \"a\") | aprox }}场", 2, 24, "unknown filter \"aprox\""},
		{"bad escape", "# 甲\n{{ count(type: \"a\\q\") }}", 2, 18, "bad escape \"\\q\""},
		{"bad unicode escape", "# 甲\n{{ count(type: \"\\u{zz}\") }}", 2, 17, "bad escape \\u{zz}"},
		{"unterminated string", "# 甲\n{{ count(type: \"abc }}", 2, 16, "unterminated string"},
		{"duplicate argument", "# 甲\n{{ count(type: \"a\", type: \"b\") }}", 2, 21, "duplicate argument \"type\""},
		{"unknown variable", "# 甲\n{{ unit.nam }}", 2, 4, "unknown variable \"unit.nam\""},
		{"bare name", "# 甲\n{{ count }}", 2, 4, "unknown variable \"count\""},
		{"unquoted string", "# 甲\n{{ count(type: lecture) }}", 2, 16, "strings need double quotes"},
		{"missing colon", "# 甲\n{{ count(type \"a\") }}", 2, 15, "expected \":\""},
		{"list of ints", "# 甲\n{{ count(types: [1]) }}", 2, 18, "a list holds strings only"},
		{"compare written", "# 甲\n{{ count(compare: \"last_year\") }}", 2, 10, "set by the filter | vs_last_year"},
		{"filter on variable", "# 甲\n{{ unit.name | approx }}", 2, 16, "applies to figures only"},
		{"two wordings", "# 甲\n{{ count() | approx | wan }}", 2, 23, "both choose the wording"},
		{"filter twice", "# 甲\n{{ count() | with_unit | with_unit }}", 2, 26, "given twice"},
		{"approx bad arg", "# 甲\n{{ count() | approx(\"en\") }}", 2, 14, "approx takes no argument"},
		{"empty expr", "# 甲\n{{ }}", 2, 1, "empty expression"},
		{"number as figure", "# 甲\n{{ 86 }}", 2, 4, "a number cannot be a figure"},
		{"garbage char", "# 甲\n{{ count(type: \"a\") ; }}", 2, 21, "unexpected character ';'"},
		{"unknown directive", "# 甲\n{% loop %}", 2, 4, "unknown directive \"loop\""},
		{"directive inline", "# 甲\n文字{% slot x %}", 2, 3, "stands on its own line"},
		{"directive trailing text", "# 甲\n{% slot x %} 文字", 2, 14, "text after"},
		{"unclosed directive", "# 甲\n{% slot x", 2, 1, "unclosed \"{%\""},
		{"unclosed comment", "# 甲\n文字{# 注释", 2, 3, "unclosed comment"},
		{"columns count characters", "# 甲\n一二三四五{{ bogus. }}", 2, 16, "expected a name after \".\""},
		{"crlf lines", "# 甲\r\n\r\n{{ x }}", 3, 4, "unknown variable \"x\""},
		{"big number", "# 甲\n{{ limit(n: 99999999999999999999) }}", 2, 13, "bad number"},
		{"full-width then error", "# 甲\n{{ count（type：“a”）| nope }}", 2, 21, "unknown filter \"nope\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.src)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, want a *SyntaxError", c.src, err)
			}
			if se.Line != c.line || se.Col != c.col || !strings.Contains(se.Msg, c.msg) {
				t.Errorf("Parse(%q):\n got  %d:%d %s\n want %d:%d …%s…", c.src, se.Line, se.Col, se.Msg, c.line, c.col, c.msg)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := Parse("# 甲\n\n共{{ count(type: \"a\") | aprox }}场")
	if got, want := err.Error(), `line 3, column 24: unknown filter "aprox"`; !strings.HasPrefix(got, want) {
		t.Fatalf("got %q, want prefix %q", got, want)
	}
}

func TestCheckErrors(t *testing.T) {
	cases := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"unknown function", "# 甲\n\n共{{ cuont(type: \"a\") }}", 3, 5, "unknown function \"cuont\""},
		{"unknown argument", "# 甲\n{{ count(typ: \"a\") }}", 2, 10, "unknown argument \"typ\" of count"},
		{"wrong kind string for list", "# 甲\n{{ count(types: \"a\") }}", 2, 10, "takes a list of strings, not a string"},
		{"wrong kind int for string", "# 甲\n{{ count(type: 3) }}", 2, 10, "takes a string, not a integer"},
		{"wrong kind bool", "# 甲\n{{ limit(n: true) }}", 2, 10, "takes a integer, not a true/false"},
		{"no last-year figure", "# 甲\n{{ limit(n: 1) | vs_last_year }}", 2, 18, "limit has no last-year figure"},
		{"missing required", "# 甲\n## 队伍{{ teams() }}", 2, 9, "teams needs argument \"kind\""},
		{"second figure wrong", "# 甲\n{{ count() }}\n\n{{ attendance(venue: \"x\") }}", 4, 15, "unknown argument \"venue\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tp, err := Parse(c.src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = tp.Check(testFuncs)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Check = %v, want a *SyntaxError", err)
			}
			if se.Line != c.line || se.Col != c.col || !strings.Contains(se.Msg, c.msg) {
				t.Errorf("got %d:%d %s, want %d:%d …%s…", se.Line, se.Col, se.Msg, c.line, c.col, c.msg)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	src := strings.Join([]string{
		"{# 注释可以在标题前 #}",
		"# {{ unit.name }}{{ period.label }}意识形态工作责任制落实情况汇报",
		"> （{{ today }}）",
		"",
		"## 一、加强组织领导 {# 黑体 #}",
		"### （一）理论学习",
		"开展宣讲{{ count(type: \"outreach_lecture\", venue: \"campus\",) | approx }}场次，",
		"  覆盖师生{{ attendance(pillar: \"theory\") | wan }}人次。",
		"{{ count（type：“a”）| approx(\"cn\") }}",
		"{{ limit(n: -3, on: false) | with_unit }}{{ \"{{\" }}",
		"",
		"{% problems %}",
		"{%slot next_steps \"下一步工作打算\"%}",
		"@ {{ unit.name }}",
	}, "\n")
	tp, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := tp.Check(testFuncs); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range tp.Exprs() {
		got = append(got, e.String())
	}
	want := []string{
		"unit.name", "period.label", "today",
		`count(type: "outreach_lecture", venue: "campus") | approx`,
		`attendance(pillar: "theory") | wan`,
		`count(type: "a") | approx("cn")`,
		`limit(n: -3, on: false) | with_unit`,
		`"{{"`,
		"unit.name",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("expressions:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFormat(t *testing.T) {
	src := "{# c #}\n#  {{unit.name}}报告\n>（{{ today }}）\n\n## 一、学习 {# x #}\n开展{{count( type:\"a\" ,)|approx}}场次，\n  覆盖{{ attendance() }}人次{# 注 #}\n\n\n{%problems%}\n{% slot next_steps \"下一步\" %}\n用{{ \"{{\" }}括起\n@{{ unit.name }}\n@ {{ today }}"
	tp, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	want := "# {{ unit.name }}报告\n\n> （{{ today }}）\n\n## 一、学习\n\n开展{{ count(type: \"a\") | approx }}场次，覆盖{{ attendance() }}人次\n\n{% problems %}\n\n{% slot next_steps \"下一步\" %}\n\n用{{ \"{{\" }}括起\n\n@ {{ unit.name }}\n@ {{ today }}\n"
	if got := tp.Format(); got != want {
		t.Errorf("Format:\n%s\nwant\n%s", got, want)
	}
}

// TestTemplateBounds: a list argument, the figures and the expressions of a
// template are bounded, and the error names the bound, the count and where.
func TestTemplateBounds(t *testing.T) {
	list := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf("\"t%d\"", i)
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	if _, err := Parse("# 甲\n共{{ count(types: " + list(MaxListItems) + ") }}场"); err != nil {
		t.Fatalf("a list at the bound: %v", err)
	}
	_, err := Parse("# 甲\n共{{ count(types: " + list(12000) + ") }}场")
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 2 || se.Col != 11 || !strings.Contains(se.Error(), "lists 12000 values; a list holds at most 200") ||
		!strings.Contains(se.Error(), `"types"`) {
		t.Fatalf("12000 types: %v", err)
	}

	figures := func(n int) string { return "# 甲\n" + strings.Repeat("{{ count(type: \"a\") }}\n", n) }
	if _, err := Parse(figures(MaxFigures)); err != nil {
		t.Fatalf("figures at the bound: %v", err)
	}
	_, err = Parse(figures(MaxFigures + 5))
	if !errors.As(err, &se) || se.Line != MaxFigures+2 || !strings.Contains(se.Error(), "at most 300 figures, this one 305") {
		t.Fatalf("too many figures: %v", err)
	}
	_, err = Parse("# 甲\n" + strings.Repeat("{{ unit.name }}", MaxExprs+1))
	if !errors.As(err, &se) || !strings.Contains(se.Error(), "at most 1000 expressions") {
		t.Fatalf("too many expressions: %v", err)
	}
}
