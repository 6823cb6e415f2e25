package reporttpl

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestConditions renders one template over ledgers where the figures are
// zero or not: a sentence whose figure is zero is left out or reworded, and
// the paragraph around it stays one paragraph.
func TestConditions(t *testing.T) {
	src := `# 报告
全年开展工作{{ count() }}场次。
{% if count(type: "meeting") > 0 %}
召开专题会议{{ count(type: "meeting") }}次。
{% endif %}
{% if teams(kind: "outreach") == 0 and count(type: "lecture") == 0 %}
未组建宣讲队伍。
{% elif teams(kind: "outreach") >= 1 or not count(type: "lecture") < 5 %}
组建宣讲队{{ teams(kind: "outreach") }}支。
{% else %}
开展宣讲{{ count(type: "lecture") }}场次。
{% endif %}

{% if count(type: "incident") %}
处置问题{{ count(type: "incident") }}起。
{% else %}
未发生意识形态方面的问题。
{% endif %}
`
	tp, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := tp.Check(testFuncs); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		meeting, teams, lecture, incident int64
		want                              []string
	}{
		{0, 0, 0, 0, []string{"全年开展工作9场次。未组建宣讲队伍。", "未发生意识形态方面的问题。"}},
		{3, 2, 0, 1, []string{"全年开展工作9场次。召开专题会议3次。组建宣讲队2支。", "处置问题1起。"}},
		{0, 0, 7, 0, []string{"全年开展工作9场次。组建宣讲队0支。", "未发生意识形态方面的问题。"}},
		{0, 0, 3, 0, []string{"全年开展工作9场次。开展宣讲3场次。", "未发生意识形态方面的问题。"}},
	}
	for _, c := range cases {
		ev := &fakeEval{answers: map[string]int64{
			"count()": 9, `count(type="meeting")`: c.meeting, `teams(kind="outreach")`: c.teams,
			`count(type="lecture")`: c.lecture, `count(type="incident")`: c.incident,
		}}
		out, err := tp.Render(context.Background(), ev, vars, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range out.Blocks[1:] {
			got = append(got, text(b))
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%+v:\ngot  %q\nwant %q", c, got, c.want)
		}
		// Figures of branches not taken are not in the report.
		for _, f := range out.Figures {
			if f.Result.Value == 0 && f.Func == "count" && f.Expr != `count(type: "lecture")` {
				t.Errorf("%+v: a zero figure %s is in the report", c, f.Expr)
			}
		}
	}
}

func TestConditionErrors(t *testing.T) {
	cases := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"if without endif", "# 甲\n{% if count() > 0 %}\n正文", 2, 1, "without {% endif %}"},
		{"else without if", "# 甲\n{% else %}", 2, 4, "{% else %} without {% if %}"},
		{"endif without if", "# 甲\n正文\n{% endif %}", 3, 4, "{% endif %} without {% if %}"},
		{"elif after else", "# 甲\n{% if count() %}\n{% else %}\n{% elif count() %}\n{% endif %}", 4, 4, "after {% else %}"},
		{"empty condition", "# 甲\n{% if %}\n{% endif %}", 2, 7, "expected a condition"},
		{"bare number", "# 甲\n{% if 3 %}\n{% endif %}", 2, 7, "a number alone is not a condition"},
		{"variable", "# 甲\n{% if unit.name %}\n{% endif %}", 2, 7, "call a figure function"},
		{"filter", "# 甲\n{% if count() | approx > 3 %}\n{% endif %}", 2, 15, "filters"},
		{"chained comparison", "# 甲\n{% if 1 < count() < 3 %}\n{% endif %}", 2, 19, "one comparison at a time"},
		{"unclosed paren", "# 甲\n{% if (count() > 1 %}\n{% endif %}", 2, 20, "expected \")\""},
		{"text after", "# 甲\n{% if count() > 1 x %}\n{% endif %}", 2, 19, "unexpected name \"x\""},
		{"unclosed directive", "# 甲\n{% if count() > 1", 2, 1, "unclosed \"{%\""},
		{"title inside if", "# 甲\n{% if count() %}\n# 乙\n{% endif %}", 3, 1, "a second title"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.src)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %v, want a *SyntaxError", err)
			}
			if se.Line != c.line || se.Col != c.col || !strings.Contains(se.Msg, c.msg) {
				t.Errorf("got %d:%d %s, want %d:%d …%s…", se.Line, se.Col, se.Msg, c.line, c.col, c.msg)
			}
		})
	}
	// Check sees the figures inside conditions too.
	tp, err := Parse("# 甲\n{% if cuont() > 0 %}\n{% endif %}")
	if err != nil {
		t.Fatal(err)
	}
	var se *SyntaxError
	if err := tp.Check(testFuncs); !errors.As(err, &se) || se.Line != 2 || se.Col != 7 || !strings.Contains(se.Msg, "unknown function") {
		t.Errorf("Check = %v", err)
	}
}

func TestFormatConditions(t *testing.T) {
	src := "# 甲\n开头\n{%if count(type:\"a\")>0 and (count()==1 or not count() <= 2)%}\n  中间{{ count() }}\n{% elif count() %}\n\n另段\n{% else %}\n{% endif %}\n结尾\n\n{% if count() != 0 %}\n## 标题\n{% endif %}\n"
	tp, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	want := "# 甲\n\n开头\n{% if count(type: \"a\") > 0 and (count() == 1 or not count() <= 2) %}\n中间{{ count() }}\n{% elif count() %}\n\n另段\n{% else %}\n{% endif %}\n结尾\n\n{% if count() != 0 %}\n## 标题\n{% endif %}\n"
	got := tp.Format()
	if got != want {
		t.Errorf("Format:\n%s\nwant\n%s", got, want)
	}
	tp2, err := Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if again := tp2.Format(); again != got {
		t.Errorf("not stable:\n%s", again)
	}
}

func TestSlots(t *testing.T) {
	tp, err := Parse("# 甲\n{% problems %}\n{% slot next_steps \"下一步\" %}\n{% if count() %}\n{% slot next_steps %}\n{% slot extra %}\n{% endif %}")
	if err != nil {
		t.Fatal(err)
	}
	got := tp.Slots()
	if len(got) != 2 || got[0] != (SlotInfo{Name: "next_steps", Label: "下一步"}) || got[1].Name != "extra" {
		t.Errorf("slots %+v", got)
	}
}
