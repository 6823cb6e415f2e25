package monitor

import (
	"errors"
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzCompileRule: no input makes the parser panic or hang; an error is a
// *RuleError whose column lies inside the expression (or just past its end);
// a rule that compiles matches a text exactly when the naive evaluation says
// so. `go test` runs the seeds; `go test -fuzz FuzzCompileRule` explores.
func FuzzCompileRule(f *testing.F) {
	for _, seed := range []string{
		`校园 AND 霸凌`, `(食堂 OR 餐厅) AND NOT 表扬`, `"校园" NEAR/10 "霸凌"`, `a b c`,
		`((((x))))`, `"unterminated`, `NEAR/3`, `a NEAR/600 b`, `NOT NOT a`, `（校园 OR 學校） “霸淩”`,
		`a OR`, `)`, `AND`, `a NEAR/1 b NEAR/1 c`, "\xff\xfe", `""`, `and`, `"and" OR "or"`,
	} {
		f.Add(seed, "某校园发生霸凌，食堂和餐厅被表扬 a b c x and or")
	}
	f.Fuzz(func(t *testing.T, expr, text string) {
		m, err := Compile([]Rule{{ID: 1, Expr: expr}})
		if err != nil {
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("%q: error %T %v, want *RuleError", expr, err, err)
			}
			if n := utf8.RuneCountInString(expr); re.Err.Column < 1 || re.Err.Column > n+1 {
				t.Fatalf("%q: column %d outside 1..%d", expr, re.Err.Column, n+1)
			}
			return
		}
		norm := Normalize(text)
		got := len(m.Match(norm)) == 1
		if want := evalNaive(m.rules[0].expr, norm); got != want {
			t.Fatalf("%q on %q: matcher %v, naive %v", expr, norm, got, want)
		}
		_ = slices.Clone(m.keywords)
	})
}
