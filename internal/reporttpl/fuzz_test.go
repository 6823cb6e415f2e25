package reporttpl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: Parse never panics; every error is a *SyntaxError whose position
// lies inside the source (a line that exists, a column at most one past its
// end); every expression prints to canonical text that parses back to the
// same text; Check and Render of what parses never panic either.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"# 标题\n正文",
		"# {{ unit.name }}{{ period.label }}工作汇报\n> （{{ today }}）\n\n## 一、加强组织领导\n### （一）学习\n开展宣讲{{ count(type: \"lecture\", venue: \"campus\") | approx }}场次。\n{% problems %}\n{% slot next_steps \"下一步\" %}\n@ {{ unit.name }}",
		"# t\n{{ count(types: [\"a\", \"b\",], status: \"approved\") | approx(\"cn\") }}",
		"# t\n{{ attendance(pillar: \"theory\") | wan }}{{ teams(kind: \"outreach\") | vs_last_year }}",
		"# t\n{{ count(type: \"a\\q\") }}",
		"# t\n{{ count(type: \"\\u{3000}\\n\\t\\\"\\\\\") | with_unit }}",
		"# t\n{{ count（type：“a”）| cn }}",
		"# t\n{{ limit(n: -9223372036854775808, on: true) }}",
		"# t\n{{",
		"# t\n}}",
		"{# c #}\n# t\n{# open",
		"# t\n{% slot",
		"# t\n{{ x.y.z | approx }}",
		"#### t",
		"\uFEFF# t\r\n\r\nx",
		"# t\n{{ \"{{\" }}",
		"# t\na\n{% if count(type: \"a\") > 0 and not (teams() == 1 or count() < -2) %}\n\nb{{ count() }}\n{% elif count() %}\nc\n{% else %}\n## h\n{% endif %}\nd",
		"# t\n{% if count() %}\n{% if 1 != count() %}\nx\n\n{% endif %}\n{% endif %}",
		"# t\n{% if count() | approx %}\n{% endif %}",
		"# t\n{% elif %}",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tp, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse error %T %v is not a *SyntaxError", err, err)
			}
			checkPos(t, src, se)
			return
		}
		if err := tp.Check(testFuncs); err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Check error %T is not a *SyntaxError", err)
			}
			checkPos(t, src, se)
		}
		for _, e := range tp.Exprs() {
			canon := e.String()
			tp2, err := Parse("# t\n{{ " + canon + " }}")
			if err != nil {
				t.Fatalf("canonical %q does not parse: %v", canon, err)
			}
			if got := tp2.Exprs()[0].String(); got != canon {
				t.Fatalf("canonical %q reparses as %q", canon, got)
			}
		}
		ev := &anyEval{}
		out, err := tp.Render(context.Background(), ev, vars, map[string][]string{"problems": {"p"}})
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		for _, b := range out.Blocks {
			for _, sp := range b.Spans {
				if sp.Figure < 0 || sp.Figure > len(out.Figures) {
					t.Fatalf("span points at figure %d of %d", sp.Figure, len(out.Figures))
				}
			}
		}
		// Round trip: the formatted template parses and renders the same.
		formatted := tp.Format()
		tp2, err := Parse(formatted)
		if err != nil {
			t.Fatalf("Format gave a template that does not parse: %v\n%s", err, formatted)
		}
		out2, err := tp2.Render(context.Background(), ev, vars, map[string][]string{"problems": {"p"}})
		if err != nil {
			t.Fatalf("Render of formatted: %v", err)
		}
		if a, b := renderedText(out), renderedText(out2); a != b {
			t.Fatalf("formatted template renders differently:\n%q\n%q\nformatted:\n%s", a, b, formatted)
		}
		if again := tp2.Format(); again != formatted {
			t.Fatalf("Format is not stable:\n%s\n---\n%s", formatted, again)
		}
	})
}

// anyEval answers every figure with a value derived from its arguments.
type anyEval struct{}

func (anyEval) Eval(_ context.Context, fn string, args Args) (Result, error) {
	return Result{Value: int64(len(fn)*37 + len(args)*1001), Unit: "个"}, nil
}

func checkPos(t *testing.T, src string, se *SyntaxError) {
	t.Helper()
	src = strings.TrimPrefix(src, "\uFEFF")
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	if se.Line < 1 || se.Line > len(lines) {
		t.Fatalf("error %v: line outside 1..%d", se, len(lines))
	}
	if n := utf8.RuneCountInString(lines[se.Line-1]); se.Col < 1 || se.Col > n+1 {
		t.Fatalf("error %v: column outside 1..%d of %q", se, n+1, lines[se.Line-1])
	}
	if se.Msg == "" {
		t.Fatalf("error without a message at %d:%d", se.Line, se.Col)
	}
}

// renderedText flattens a rendering to compare two: kinds, slots, texts and
// which spans are figures with which expression and display.
func renderedText(r *Rendered) string {
	var b strings.Builder
	for _, blk := range r.Blocks {
		b.WriteString(string(blk.Kind) + "/" + blk.Slot + "|")
		for _, sp := range blk.Spans {
			if sp.Figure > 0 {
				f := r.Figures[sp.Figure-1]
				b.WriteString("[" + f.Expr + "=" + f.Display + "]")
			} else {
				b.WriteString(sp.Text)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
