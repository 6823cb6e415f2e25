// Package reporttpl is the report template language: a year-end report's
// narrative with figure expressions in it. It parses a template, checks its
// figure calls against the functions an engine offers, and renders it into
// blocks of text and figures. It knows nothing of the store: figures come from
// an Evaluator the caller supplies, so the language stays pure, safe (no loops,
// no code, no file or network access) and fuzzable.
//
// The language is documented for template authors in docs/report-templates.md.
package reporttpl

import (
	"context"
	"fmt"
)

// SyntaxError is every mistake in a template: where it is (1-based line and
// column, the column counted in characters, not bytes) and what is wrong.
type SyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

func errAt(line, col int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// ValueKind is the kind of a literal argument.
type ValueKind int

const (
	KindString ValueKind = iota + 1
	KindInt
	KindList // a list of strings
	KindBool
)

func (k ValueKind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindInt:
		return "integer"
	case KindList:
		return "list of strings"
	case KindBool:
		return "true/false"
	}
	return "unknown"
}

// MarshalText names the kind in JSON ("string", "integer", "list", "bool").
func (k ValueKind) MarshalText() ([]byte, error) {
	switch k {
	case KindString:
		return []byte("string"), nil
	case KindInt:
		return []byte("integer"), nil
	case KindList:
		return []byte("list"), nil
	case KindBool:
		return []byte("bool"), nil
	}
	return []byte("any"), nil
}

// Value is a literal argument: a string, an integer, a list of strings or a bool.
type Value struct {
	Kind ValueKind
	Str  string
	Int  int64
	List []string
	Bool bool
}

// String gives the value in template syntax, so an expression prints back
// into text that parses to the same value.
func (v Value) String() string {
	switch v.Kind {
	case KindString:
		return quote(v.Str)
	case KindInt:
		return fmt.Sprint(v.Int)
	case KindBool:
		if v.Bool {
			return "true"
		}
		return "false"
	case KindList:
		s := "["
		for i, e := range v.List {
			if i > 0 {
				s += ", "
			}
			s += quote(e)
		}
		return s + "]"
	}
	return "?"
}

// StringValue, IntValue and ListValue build values (for engines and tests).
func StringValue(s string) Value  { return Value{Kind: KindString, Str: s} }
func IntValue(n int64) Value      { return Value{Kind: KindInt, Int: n} }
func ListValue(l ...string) Value { return Value{Kind: KindList, List: l} }
func BoolValue(b bool) Value      { return Value{Kind: KindBool, Bool: b} }

// Args are a figure call's named arguments.
type Args map[string]Value

// CompareArg is the argument Render adds, with value CompareLastYear, when a
// figure asks for `| vs_last_year`: the Evaluator answers the same figure for
// the same span of the year before. Templates cannot write it themselves.
const (
	CompareArg      = "compare"
	CompareLastYear = "last_year"
)

// ArgSpec describes one argument a figure function accepts.
type ArgSpec struct {
	Name     string    `json:"name"`
	Kind     ValueKind `json:"kind"` // JSON: "string", "integer", "list" or "bool"
	Required bool      `json:"required"`
	Doc      string    `json:"doc"`
	// Label and DocZh are the Chinese name and help the editor shows office
	// staff in zh-CN (Doc stays for en); every argument has both.
	Label string `json:"label"`
	DocZh string `json:"doc_zh"`
}

// FuncSpec describes a figure function: its arguments and what it counts.
type FuncSpec struct {
	Name string    `json:"name"`
	Doc  string    `json:"doc"`
	Unit string    `json:"unit"`
	Args []ArgSpec `json:"args"`
	// Label and DocZh are the function's Chinese name (count → 场次) and
	// help, shown by the editor in zh-CN; every function has both.
	Label string `json:"label"`
	DocZh string `json:"doc_zh"`
}

// Arg finds an argument by name.
func (f FuncSpec) Arg(name string) (ArgSpec, bool) {
	for _, a := range f.Args {
		if a.Name == name {
			return a, true
		}
	}
	return ArgSpec{}, false
}

// FuncSet is the set of figure functions a template may call (the engine's
// registry; later modules add theirs to it).
type FuncSet interface {
	Lookup(name string) (FuncSpec, bool)
}

// FuncMap is a FuncSet held in a map, keyed by function name.
type FuncMap map[string]FuncSpec

func (m FuncMap) Lookup(name string) (FuncSpec, bool) {
	f, ok := m[name]
	return f, ok
}

// Result is what an Evaluator answers for one figure call.
type Result struct {
	Value     int64   // the figure
	Unit      string  // 场次, 人次, 个, 人, 名, % … (display unit; may be empty)
	Query     string  // canonical text of what was counted (stored in snapshots)
	Records   string  // link to the exact records, e.g. "/ledger?org_id=1&period=2024&type_id=7&status=approved" ("" if none)
	RecordIDs []int64 // ids counted (the engine digests them for staleness)
}

// Evaluator computes figures (the engine implements it). fn has passed Check;
// args are exactly the template's arguments, plus CompareArg for last-year
// comparisons.
type Evaluator interface {
	Eval(ctx context.Context, fn string, args Args) (Result, error)
}

// BlockKind is the role of a block in the document.
type BlockKind string

const (
	BlockTitle     BlockKind = "title"
	BlockSubtitle  BlockKind = "subtitle"
	BlockHeading1  BlockKind = "heading1"
	BlockHeading2  BlockKind = "heading2"
	BlockParagraph BlockKind = "paragraph"
	BlockSignature BlockKind = "signature"
)

// Rendered is a rendered template: the document's blocks, and the figures
// its spans point at.
type Rendered struct {
	Blocks  []Block
	Figures []Figure
}

// Block is one title, heading, paragraph or signature line.
type Block struct {
	Kind  BlockKind
	Spans []Span
	// Slot names the slot a paragraph came from ("" for template text);
	// Reminder marks the 【请填写…】 paragraph an empty slot renders.
	Slot     string `json:",omitempty"`
	Reminder bool   `json:",omitempty"`
}

// Span is a run of text; Figure, when not 0, is the 1-based index into
// Rendered.Figures of the figure the text displays.
type Span struct {
	Text   string
	Figure int
}

// Figure is one figure expression as rendered.
type Figure struct {
	Expr      string // canonical text of the expression, e.g. `count(type: "lecture") | approx`
	Line, Col int    // where it is in the template
	Func      string // the figure function
	Args      Args   // its arguments as written (without CompareArg)
	Filters   []string
	Result    Result
	LastYear  *Result // the last-year answer, for | vs_last_year
	Display   string  // the text shown in the report
	Approx    bool    // Display is approximate (rounded down, marked 余)
}

// FigureError is an Evaluator's failure on one figure, with the figure's
// position; it unwraps to the Evaluator's error (a domain.Error stays one).
type FigureError struct {
	Line, Col int
	Expr      string
	Err       error
}

func (e *FigureError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s: %v", e.Line, e.Col, e.Expr, e.Err)
}

func (e *FigureError) Unwrap() error { return e.Err }
