package audit

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCanonicalJSON(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, ``},
		{"  \n", ``},
		{`null`, ``},
		{` null `, ``},
		{`[null]`, `[null]`},
		{`{"a":null}`, `{"a":null}`},
		{`true`, `true`},
		{`{ "b" : 1 , "a" : 2 }`, `{"a":2,"b":1}`},
		{`{"b":{"d":1,"c":2},"a":[3,{"z":0,"y":1}]}`, `{"a":[3,{"y":1,"z":0}],"b":{"c":2,"d":1}}`},
		{`{"é":1,"z":2,"中":3,"Z":4,"aa":5}`, `{"Z":4,"aa":5,"z":2,"é":1,"中":3}`}, // by UTF-8 bytes, not length first as jsonb
		{`{}`, `{}`},
		{`[]`, `[]`},
		{`"\u674e\u5a1c"`, `"李娜"`},
		{`"\u00e9\/\"\\"`, `"é/\"\\"`},
		{`"\n\t\r\b\f\u0001\u001f\u007f"`, "\"\\n\\t\\r\\b\\f\\u0001\\u001f\u007f\""},
		{`"\u2028<>&"`, "\"\u2028<>&\""},
		{`"\ud83d\ude00"`, `"😀"`},
		{`"\ud800"`, "\"\uFFFD\""},
		// Numbers: by exact decimal value.
		{`0`, `0`}, {`-0`, `0`}, {`0.000`, `0`}, {`-0.0e5`, `0`},
		{`1`, `1`}, {`1.0`, `1`}, {`1.00`, `1`}, {`1e0`, `1`}, {`10e-1`, `1`}, {`0.1e1`, `1`},
		{`100`, `100`}, {`1e2`, `100`}, {`1E+2`, `100`}, {`100.00`, `100`},
		{`1.50`, `1.5`}, {`-1.5`, `-1.5`}, {`15e-1`, `1.5`},
		{`0.001`, `0.001`}, {`1e-3`, `0.001`}, {`0.000001`, `0.000001`}, {`1e-7`, `1e-7`}, {`1.25e-7`, `1.25e-7`},
		{`9007199254740993`, `9007199254740993`}, // beyond float64: every digit kept
		{`-9223372036854775808`, `-9223372036854775808`},
		{`123456789012345678901`, `123456789012345678901`},
		{`1234567890123456789012`, `1.234567890123456789012e+21`},
		{`1e21`, `1e+21`}, {`1e20`, `100000000000000000000`},
		{`1e400`, `1e+400`},
		{`[1.0, 2.50, -3e0]`, `[1,2.5,-3]`},
	} {
		got, err := CanonicalJSON(json.RawMessage(tc.in))
		if err != nil {
			t.Errorf("CanonicalJSON(%s): %v", tc.in, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("CanonicalJSON(%s) = %s, want %s", tc.in, got, tc.want)
		}
		if tc.want == "" && got != nil {
			t.Errorf("CanonicalJSON(%s) = %q, want nil", tc.in, got)
		}
		if got != nil && !json.Valid(got) {
			t.Errorf("CanonicalJSON(%s) = %s is not valid JSON", tc.in, got)
		}
	}
}

func TestCanonicalJSONRefuses(t *testing.T) {
	for _, in := range []string{
		`{`, `{"a":1,}`, `[1,]`, `{"a"}`, `01`, `1.`, `.5`, `+1`, `NaN`, `'a'`, `1 2`, `{} {}`, `"a`,
		`{"a":1,"a":1}`, `{"b":{"x":1,"x":2}}`, // duplicate keys: ambiguous, jsonb keeps the last
		`"\u0000"`, `{"\u0000":1}`, // PostgreSQL refuses \u0000
		`1e99999999999`, `1e-2000000`, // exponents beyond any numeric
		strings.Repeat("[", 20000) + strings.Repeat("]", 20000), // nesting deeper than encoding/json accepts
	} {
		if got, err := CanonicalJSON(json.RawMessage(in)); err == nil {
			t.Errorf("CanonicalJSON(%.40s) = %.40s, want an error", in, got)
		}
	}
}

// Whatever jsonb makes of a document, the canonical form is the same.
func TestCanonicalJSONIgnoresJSONBReformatting(t *testing.T) {
	for _, in := range []string{
		`{"title":"第3次中心组学习","count":3.0,"tags":["理论","学习"],"id":9007199254740993}`,
		"{\n  \"z\": 1e2,\n  \"a\": {\"y\": [true, false, null], \"x\": \"\\u00e9\\n\"},\n  \"n\": -12.50\n}",
		`[1.5e-3, 0.0, -0, 1E2, "\u0001\u001f", {"bb": 1, "a": 2, "ccc": {"d": []}}]`,
	} {
		a, err := CanonicalJSON(json.RawMessage(in))
		if err != nil {
			t.Fatal(err)
		}
		pg := jsonbText(t, json.RawMessage(in))
		b, err := CanonicalJSON(pg)
		if err != nil {
			t.Fatal(err)
		}
		if string(a) != string(b) {
			t.Errorf("canonical forms differ:\n%s\n  → %s\n%s\n  → %s", in, a, pg, b)
		}
		again, _ := CanonicalJSON(a)
		if string(again) != string(a) {
			t.Errorf("CanonicalJSON is not idempotent: %s → %s", a, again)
		}
	}
}
