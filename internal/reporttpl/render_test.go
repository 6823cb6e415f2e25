package reporttpl

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// fakeEval answers figures from a table keyed by the call's canonical text;
// last-year questions are keyed with a " @last_year" suffix. It records calls.
type fakeEval struct {
	answers map[string]int64
	calls   []string
}

func (f *fakeEval) Eval(_ context.Context, fn string, args Args) (Result, error) {
	keys := make([]string, 0, len(args))
	for k := range args {
		if k != CompareArg {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+args[k].String())
	}
	key := fn + "(" + strings.Join(parts, ",") + ")"
	if c, ok := args[CompareArg]; ok {
		key += " @" + c.Str
	}
	f.calls = append(f.calls, key)
	v, ok := f.answers[key]
	if !ok {
		return Result{}, fmt.Errorf("no answer for %s", key)
	}
	unit := map[string]string{"count": "场次", "attendance": "人次", "teams": "支"}[fn]
	return Result{Value: v, Unit: unit, Query: key, Records: "/ledger?q=" + key, RecordIDs: []int64{v}}, nil
}

var vars = map[string]string{"unit.name": "某县教育局", "period.label": "2024年度", "period.year": "2024", "unit.code": "X", "period.start": "", "period.end": "", "today": "2024年12月20日"}

// text flattens a block to what a reader sees.
func text(b Block) string {
	var s strings.Builder
	for _, sp := range b.Spans {
		s.WriteString(sp.Text)
	}
	return s.String()
}

func TestRender(t *testing.T) {
	src := `# {{ unit.name }}{{ period.label }}意识形态工作责任制落实情况汇报
> （{{ today }}）

## 一、狠抓理论学习
### （一）宣讲
开展“习语润咸”宣讲活动{{ count(type: "lecture", venue: "campus") | approx }}场次，
其中{{ count(type: "lecture", venue: "campus") | with_unit }}在校园，
覆盖师生{{ attendance(pillar: "theory") | wan }}人次，{{ attendance(pillar: "theory") | approx("cn") }}人次。

组建宣讲队{{ teams(kind: "outreach") | cn }}支，{{ count(type: "lecture", venue: "campus") | vs_last_year }}。
{{ teams(kind: "outreach") | vs_last_year }}；{{ attendance(pillar: "theory") | vs_last_year }}。

{% problems %}
{% slot next_steps "下一步工作打算" %}
{% slot closing %}
@ {{ unit.name }}
`
	ev := &fakeEval{answers: map[string]int64{
		`count(type="lecture",venue="campus")`:            86,
		`count(type="lecture",venue="campus") @last_year`: 74,
		`attendance(pillar="theory")`:                     12345,
		`attendance(pillar="theory") @last_year`:          12350,
		`teams(kind="outreach")`:                          21,
		`teams(kind="outreach") @last_year`:               21,
	}}
	tp, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := tp.Check(testFuncs); err != nil {
		t.Fatal(err)
	}
	out, err := tp.Render(context.Background(), ev, vars, map[string][]string{"problems": {"一是学习不够深入。", "", "二是创新不足。"}, "next_steps": nil})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Kind BlockKind
		Text string
	}
	var got []row
	for _, b := range out.Blocks {
		got = append(got, row{b.Kind, text(b)})
	}
	want := []row{
		{BlockTitle, "某县教育局2024年度意识形态工作责任制落实情况汇报"},
		{BlockSubtitle, "（2024年12月20日）"},
		{BlockHeading1, "一、狠抓理论学习"},
		{BlockHeading2, "（一）宣讲"},
		{BlockParagraph, "开展“习语润咸”宣讲活动80余场次，其中86场次在校园，覆盖师生1.2万余人次，一万二千余人次。"},
		{BlockParagraph, "组建宣讲队二十一支，同比增加12场次。与上年同期持平；同比减少5人次。"},
		{BlockParagraph, "一是学习不够深入。"},
		{BlockParagraph, "二是创新不足。"},
		{BlockParagraph, "【请填写：下一步工作打算】"},
		{BlockParagraph, "【请填写：closing】"},
		{BlockSignature, "某县教育局"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blocks:\n%v\nwant\n%v", got, want)
	}
	if !out.Blocks[8].Reminder || out.Blocks[8].Slot != "next_steps" || out.Blocks[6].Reminder || out.Blocks[6].Slot != "problems" {
		t.Errorf("slot marks wrong: %+v %+v", out.Blocks[6], out.Blocks[8])
	}
	// every figure span points at its figure, whose display it shows
	n := 0
	for _, b := range out.Blocks {
		for _, sp := range b.Spans {
			if sp.Figure == 0 {
				continue
			}
			n++
			f := out.Figures[sp.Figure-1]
			if f.Display != sp.Text {
				t.Errorf("span %q shows figure %d %q", sp.Text, sp.Figure, f.Display)
			}
		}
	}
	if n != 8 || len(out.Figures) != 8 {
		t.Fatalf("%d figure spans, %d figures; want 8", n, len(out.Figures))
	}
	f0 := out.Figures[0]
	if f0.Display != "80余" || !f0.Approx || f0.Result.Value != 86 || f0.Line != 6 || f0.Col != 16 ||
		f0.Expr != `count(type: "lecture", venue: "campus") | approx` || f0.Result.Records == "" {
		t.Errorf("first figure: %+v", f0)
	}
	if f := out.Figures[1]; f.Approx || f.Display != "86场次" {
		t.Errorf("exact figure with unit: %+v", f)
	}
	if f := out.Figures[5]; f.LastYear == nil || f.LastYear.Value != 74 || f.Result.Value != 86 || f.Approx {
		t.Errorf("vs_last_year figure: %+v", f)
	}
	// each distinct call is evaluated once
	seen := map[string]int{}
	for _, c := range ev.calls {
		seen[c]++
	}
	for c, k := range seen {
		if k != 1 {
			t.Errorf("%s evaluated %d times", c, k)
		}
	}
	if len(ev.calls) != 6 {
		t.Errorf("calls %v", ev.calls)
	}
}

func TestRenderEvalError(t *testing.T) {
	tp, err := Parse("# 甲\n\n共{{ count(type: \"missing\") }}场")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tp.Render(context.Background(), &fakeEval{}, vars, nil)
	var fe *FigureError
	if !errors.As(err, &fe) || fe.Line != 3 || fe.Col != 5 || !strings.Contains(err.Error(), "no answer") {
		t.Fatalf("got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "line 3, column 5: count(type: \"missing\")") {
		t.Errorf("message %q", err)
	}
}

func TestRenderMissingVariable(t *testing.T) {
	tp, err := Parse("# {{ unit.name }}")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tp.Render(context.Background(), &fakeEval{}, nil, nil); err == nil || !strings.Contains(err.Error(), "unit.name has no value") {
		t.Fatalf("got %v", err)
	}
}

func TestRenderCancelled(t *testing.T) {
	tp, err := Parse("# 甲\n{{ count() }}")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tp.Render(ctx, &fakeEval{answers: map[string]int64{"count()": 1}}, vars, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

func TestParagraphJoin(t *testing.T) {
	tp, err := Parse("# T\nfirst line\nsecond {{ count() }}\nthird\n中文\n接续")
	if err != nil {
		t.Fatal(err)
	}
	out, err := tp.Render(context.Background(), &fakeEval{answers: map[string]int64{"count()": 3}}, vars, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(out.Blocks[1]); got != "first line second 3 third中文接续" {
		t.Errorf("got %q", got)
	}
}

func TestCommentOnlyLineLeavesNoBlock(t *testing.T) {
	tp, err := Parse("# T\n\n{# 仅注释 #}\n\n正文")
	if err != nil {
		t.Fatal(err)
	}
	out, err := tp.Render(context.Background(), &fakeEval{}, vars, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Blocks) != 2 || text(out.Blocks[1]) != "正文" {
		t.Fatalf("blocks %+v", out.Blocks)
	}
}
