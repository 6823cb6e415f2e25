package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/domain"
)

// paramKind is the type of a path or query parameter.
type paramKind int

const (
	kindString paramKind = iota
	kindInt
	kindBool
	kindDate // YYYY-MM-DD
	kindTime // RFC 3339 date-time
)

// param declares a path or query parameter. The declaration is the single
// source of both its parsing and its documentation: a handler can read only
// declared parameters (reading another one panics, which the tests catch), and
// a request carrying an undeclared query parameter is refused, so a typo such
// as ?org=5 cannot silently widen a figure.
type param struct {
	name     string
	in       string // "path", "query" or "header"
	kind     paramKind
	desc     string
	enum     []string
	pattern  string // for strings; anchored
	min, max int64  // for integers; max 0 means no upper bound
	hasMin   bool
	def      any // default, documented and applied when absent
	repeated bool
	required bool
	maxLen   int // for strings; 0: defaultMaxLen
	example  any // documented example value

	re *regexp.Regexp // compiled pattern, set by compileParams
}

// defaultMaxLen bounds free-text query parameters, so a search cannot carry a
// megabyte of text into a LIKE.
const defaultMaxLen = 200

func pathID(desc string) param {
	return param{name: "id", in: "path", kind: kindInt, desc: desc, min: 1, hasMin: true, required: true}
}

func pathString(name, desc string) param {
	return param{name: name, in: "path", kind: kindString, desc: desc, required: true}
}

func qID(name, desc string) param {
	return param{name: name, in: "query", kind: kindInt, desc: desc, min: 1, hasMin: true}
}

func qIDs(name, desc string) param {
	p := qID(name, desc)
	p.repeated = true
	return p
}

func qInt(name, desc string, min, max, def int64) param {
	return param{name: name, in: "query", kind: kindInt, desc: desc, min: min, hasMin: true, max: max, def: def}
}

func qBool(name, desc string) param {
	return param{name: name, in: "query", kind: kindBool, desc: desc}
}

func qDate(name, desc string) param {
	return param{name: name, in: "query", kind: kindDate, desc: desc}
}

func qTime(name, desc string) param {
	return param{name: name, in: "query", kind: kindTime, desc: desc}
}

// hString is a request header, e.g. Idempotency-Key.
func hString(name, desc string) param {
	return param{name: name, in: "header", kind: kindString, desc: desc}
}

func qString(name, desc string) param {
	return param{name: name, in: "query", kind: kindString, desc: desc}
}

func qEnum(name, desc string, values ...string) param {
	return param{name: name, in: "query", kind: kindString, desc: desc, enum: values}
}

func (p param) req() param { p.required = true; return p }

func (p param) many() param { p.repeated = true; return p }

func (p param) withDefault(v any) param { p.def = v; return p }

func (p param) withPattern(re string) param { p.pattern = re; return p }

func (p param) withExample(v any) param { p.example = v; return p }

// paramValues holds the parsed parameters of one request: int64, bool, string
// or domain.Date values, or slices of them for repeated parameters.
type paramValues struct {
	route string
	vals  map[string]any
	known map[string]bool
}

// get returns a declared parameter's value, or nil when it is absent.
// Reading an undeclared name is a programming error.
func (v paramValues) get(name string) any {
	if !v.known[name] {
		panic(fmt.Sprintf("httpapi: %s reads the undeclared parameter %q", v.route, name))
	}
	return v.vals[name]
}

func (v paramValues) int(name string) int64 {
	x, _ := v.get(name).(int64)
	return x
}

func (v paramValues) ints(name string) []int64 {
	x, _ := v.get(name).([]int64)
	return x
}

func (v paramValues) str(name string) string {
	x, _ := v.get(name).(string)
	return x
}

func (v paramValues) strs(name string) []string {
	x, _ := v.get(name).([]string)
	return x
}

// bool returns nil when the parameter is absent: "not filtered".
func (v paramValues) bool(name string) *bool {
	x, ok := v.get(name).(bool)
	if !ok {
		return nil
	}
	return &x
}

func (v paramValues) date(name string) domain.Date {
	x, _ := v.get(name).(domain.Date)
	return x
}

func (v paramValues) time(name string) time.Time {
	x, _ := v.get(name).(time.Time)
	return x
}

func (v paramValues) has(name string) bool { return v.get(name) != nil }

// parseParams reads and checks every declared parameter of rt from r. Errors
// are domain.Invalid naming the parameter.
func parseParams(rt *route, r *http.Request) (paramValues, error) {
	pv := paramValues{route: rt.opID, vals: map[string]any{}, known: map[string]bool{}}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return pv, domain.Invalid("query", "the query string is malformed (check the %%-escapes)")
	}
	for _, p := range rt.params {
		pv.known[p.name] = true
	}
	for name := range q {
		if p, ok := rt.param(name); !ok || p.in != "query" {
			return pv, &httpError{status: http.StatusBadRequest, code: codeUnknownField, field: clip(name),
				message: "is not a parameter of this endpoint; accepted: " + rt.queryNames()}
		}
	}
	for _, p := range rt.params {
		var raw []string
		switch p.in {
		case "path":
			raw = []string{r.PathValue(p.name)}
		case "header":
			raw = r.Header.Values(p.name)
		default:
			raw = q[p.name]
		}
		if len(raw) == 0 {
			if p.required {
				return pv, domain.Invalid(p.name, "is required")
			}
			if p.def != nil {
				pv.vals[p.name] = p.def
			}
			continue
		}
		if !p.repeated && len(raw) > 1 {
			return pv, domain.Invalid(p.name, "is given %d times; give it once", len(raw))
		}
		if p.repeated && len(raw) > maxRepeated {
			return pv, domain.Invalid(p.name, "is given %d times; at most %d", len(raw), maxRepeated)
		}
		var parsed []any
		for _, s := range raw {
			x, err := p.parse(s)
			if err != nil {
				return pv, err
			}
			parsed = append(parsed, x)
		}
		if !p.repeated {
			pv.vals[p.name] = parsed[0]
			continue
		}
		switch p.kind {
		case kindInt:
			xs := make([]int64, len(parsed))
			for i, x := range parsed {
				xs[i] = x.(int64)
			}
			pv.vals[p.name] = xs
		default:
			xs := make([]string, len(parsed))
			for i, x := range parsed {
				xs[i] = x.(string)
			}
			pv.vals[p.name] = xs
		}
	}
	return pv, nil
}

// maxRepeated bounds a repeated parameter (type_id, status).
const maxRepeated = 100

func (p param) parse(s string) (any, error) {
	switch p.kind {
	case kindInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			if p.in == "path" && p.hasMin && p.min == 1 {
				return nil, domain.Invalid(p.name, "%q is not a positive integer", clip(s))
			}
			return nil, domain.Invalid(p.name, "%q is not an integer", clip(s))
		}
		if p.hasMin && n < p.min || p.max != 0 && n > p.max {
			switch {
			case p.max != 0:
				return nil, domain.Invalid(p.name, "must be between %d and %d, got %d", p.min, p.max, n)
			case p.min == 1:
				return nil, domain.Invalid(p.name, "must be a positive integer, got %d", n)
			default:
				return nil, domain.Invalid(p.name, "must be at least %d, got %d", p.min, n)
			}
		}
		return n, nil
	case kindBool:
		switch s {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, domain.Invalid(p.name, "%q is not a boolean; use true or false", clip(s))
	case kindDate:
		d, err := domain.ParseDate(s)
		if err != nil {
			return nil, domain.Invalid(p.name, "%q is not a date of the form YYYY-MM-DD", clip(s))
		}
		return d, nil
	case kindTime:
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, domain.Invalid(p.name, "%q is not a time of the form 2006-01-02T15:04:05+08:00 (RFC 3339)", clip(s))
		}
		return t, nil
	}
	if !utf8.ValidString(s) {
		return nil, domain.Invalid(p.name, "is not valid UTF-8")
	}
	if len(p.enum) > 0 {
		for _, e := range p.enum {
			if s == e {
				return s, nil
			}
		}
		return nil, domain.Invalid(p.name, "%q is not one of %s", clip(s), strings.Join(p.enum, ", "))
	}
	if p.re != nil && !p.re.MatchString(s) {
		return nil, domain.Invalid(p.name, "%q is not of the expected form", clip(s))
	}
	max := p.maxLen
	if max == 0 {
		max = defaultMaxLen
	}
	if n := utf8.RuneCountInString(s); n > max {
		return nil, domain.Invalid(p.name, "must be at most %d characters, got %d", max, n)
	}
	return s, nil
}

// clip shortens client input echoed in a message, so an error cannot be used
// to reflect a long payload.
func clip(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}
