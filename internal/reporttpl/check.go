package reporttpl

import (
	"sort"
	"strings"
)

// filterDocs describes each filter for the docs and the editor's help.
var filterDocs = map[string]string{
	"approx":       "approximate wording that only rounds down: 86 → 80余, 1234 → 1200余, 7 → 7, 80 → 80; approx(\"cn\") in Chinese numerals: 八十余, 一千二百余",
	"wan":          "in 万 with one decimal, rounded down: 12345 → 1.2万余, 20000 → 2万; under 10000 exact",
	"cn":           "exact, in Chinese numerals: 57 → 五十七",
	"vs_last_year": "the change against the same period last year: 同比增加12场次 / 同比减少3场次 / 与上年同期持平",
	"with_unit":    "appends the figure's unit: 86 → 86场次",
}

// Filters lists the filter names with a description (for the editor's help).
func Filters() map[string]string {
	out := make(map[string]string, len(filterDocs))
	for k, v := range filterDocs {
		out[k] = v
	}
	return out
}

// wording filters choose how the number is written; a figure takes at most one.
var wordingFilters = map[string]bool{"approx": true, "wan": true, "cn": true, "vs_last_year": true}

// checkFilter validates a filter as it is parsed, against the ones before it.
func checkFilter(e *Expr, f Filter) error {
	if _, ok := filterDocs[f.Name]; !ok {
		names := make([]string, 0, len(filterDocs))
		for n := range filterDocs {
			names = append(names, n)
		}
		sort.Strings(names)
		return errAt(f.Line, f.Col, "unknown filter %q (filters: %s)", f.Name, strings.Join(names, ", "))
	}
	if e.Func == "" {
		return errAt(f.Line, f.Col, "filter %q applies to figures only, not to a variable or a string", f.Name)
	}
	for _, g := range e.Filters {
		if g.Name == f.Name {
			return errAt(f.Line, f.Col, "filter %q given twice", f.Name)
		}
		if wordingFilters[g.Name] && wordingFilters[f.Name] {
			return errAt(f.Line, f.Col, "filters %q and %q both choose the wording; use one", g.Name, f.Name)
		}
		if g.Name == "vs_last_year" && f.Name == "with_unit" {
			return errAt(f.Line, f.Col, "vs_last_year already writes the unit; drop with_unit")
		}
	}
	switch f.Name {
	case "approx":
		if len(f.Args) > 1 || (len(f.Args) == 1 && (f.Args[0].Kind != KindString || f.Args[0].Str != "cn")) {
			return errAt(f.Line, f.Col, "approx takes no argument (80余) or \"cn\" (八十余)")
		}
	default:
		if len(f.Args) > 0 {
			return errAt(f.Line, f.Col, "filter %q takes no argument", f.Name)
		}
	}
	return nil
}

// Check checks every figure call against the functions on offer: the function
// exists, each argument is known and of the right kind, required arguments
// are there. Errors are *SyntaxError at the call or argument.
func (t *Template) Check(fns FuncSet) error {
	for _, e := range t.Exprs() {
		if e.Func == "" {
			continue
		}
		spec, ok := fns.Lookup(e.Func)
		if !ok {
			return errAt(e.Line, e.Col, "unknown function %q", e.Func)
		}
		for _, a := range e.Args {
			as, ok := spec.Arg(a.Name)
			if !ok {
				names := make([]string, 0, len(spec.Args))
				for _, x := range spec.Args {
					names = append(names, x.Name)
				}
				return errAt(a.Line, a.Col, "unknown argument %q of %s (arguments: %s)", a.Name, e.Func, strings.Join(names, ", "))
			}
			if as.Kind != 0 && as.Kind != a.Value.Kind {
				return errAt(a.Line, a.Col, "argument %q of %s takes a %s, not a %s", a.Name, e.Func, as.Kind, a.Value.Kind)
			}
		}
		for _, f := range e.Filters {
			if _, ok := spec.Arg(CompareArg); f.Name == "vs_last_year" && !ok {
				return errAt(f.Line, f.Col, "%s has no last-year figure, so | vs_last_year cannot compare it", e.Func)
			}
		}
		for _, as := range spec.Args {
			if !as.Required {
				continue
			}
			found := false
			for _, a := range e.Args {
				found = found || a.Name == as.Name
			}
			if !found {
				return errAt(e.Line, e.Col, "%s needs argument %q", e.Func, as.Name)
			}
		}
	}
	return nil
}
