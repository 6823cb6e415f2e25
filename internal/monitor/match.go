package monitor

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	ahocorasick "github.com/coregx/ahocorasick"
)

// Rule is one watch rule: a keyword expression (see the package doc), the
// topic it files matches under and how severe a match is.
type Rule struct {
	ID       int64
	Topic    string
	Severity int
	Expr     string
}

// RuleError is a rule that does not compile: which rule, and the parse error
// with its column.
type RuleError struct {
	RuleID int64
	Index  int // position in the slice given to Compile
	Err    *ParseError
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("rule %d (#%d): %v", e.RuleID, e.Index+1, e.Err)
}

func (e *RuleError) Unwrap() error { return e.Err }

// Hit is a rule that matched a post.
type Hit struct {
	RuleID   int64
	Topic    string
	Severity int
}

type compiledRule struct {
	Rule
	expr *node
}

// Matcher holds every rule's keywords in one Aho–Corasick automaton, so a
// post is scanned once whatever the number of rules; each rule's expression
// is then evaluated on the keywords found. A Matcher is read-only after
// Compile and safe for concurrent use.
type Matcher struct {
	rules    []compiledRule
	keywords []string // normalised, distinct; index = automaton pattern id
	byKW     [][]int32
	idx      *index // nil when the rules are part of a Pipeline
}

// Compile parses and normalises every rule and builds the automaton. A rule
// that does not parse, or that would match a post containing none of its
// keywords (NOT 考试 on its own), fails with a *RuleError.
func Compile(rules []Rule) (*Matcher, error) {
	m, err := compileRules(rules)
	if err != nil {
		return nil, err
	}
	if m.idx, err = newIndex(m.keywords); err != nil {
		return nil, err
	}
	return m, nil
}

// compileRules parses the rules and collects their keywords without building
// an automaton: the Pipeline builds one automaton for keywords and unit
// names together.
func compileRules(rules []Rule) (*Matcher, error) {
	m := &Matcher{}
	index := map[string]int{}
	for i, r := range rules {
		expr, err := parseRule(r.Expr, func(text string, col int) (*node, error) {
			kw := Normalize(text)
			if strings.TrimSpace(kw) == "" {
				return nil, &ParseError{Column: col, Msg: "empty word or phrase"}
			}
			id, ok := index[kw]
			if !ok {
				id = len(m.keywords)
				index[kw] = id
				m.keywords = append(m.keywords, kw)
				m.byKW = append(m.byKW, nil)
			}
			return &node{kind: nodeTerm, kw: id, text: kw}, nil
		})
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				pe = &ParseError{Column: 1, Msg: err.Error()}
			}
			return nil, &RuleError{RuleID: r.ID, Index: i, Err: pe}
		}
		if evalNaive(expr, "") {
			return nil, &RuleError{RuleID: r.ID, Index: i, Err: &ParseError{Column: 1,
				Msg: "the rule matches a post that contains none of its words; add a word it requires"}}
		}
		m.rules = append(m.rules, compiledRule{Rule: r, expr: expr})
		seen := map[int]bool{}
		walk(expr, func(n *node) {
			if n.kind == nodeTerm && !seen[n.kw] {
				seen[n.kw] = true
				m.byKW[n.kw] = append(m.byKW[n.kw], int32(len(m.rules)-1))
			}
		})
	}
	return m, nil
}

func walk(n *node, fn func(*node)) {
	fn(n)
	for _, c := range n.children {
		walk(c, fn)
	}
}

// Keywords is the number of distinct normalised keywords of all rules.
func (m *Matcher) Keywords() int { return len(m.keywords) }

// span is one occurrence of a keyword, in bytes of the normalised text.
type span struct{ start, end int }

// scan is the per-call state: which keywords occur and, for those used in
// NEAR, where.
type scan struct {
	text string
	// occ holds this text's keyword occurrences sorted by keyword, then
	// start; kws the distinct keywords present, sorted, and where each one's
	// occurrences begin in occ. Sorted slices, not maps: a post has a
	// handful of keywords and this runs for every post.
	occ    []occurrence
	kws    []int
	from   []int
	runeAt []int32 // built on the first NEAR evaluated
}

type occurrence struct {
	kw int
	span
}

// has reports whether keyword kw occurs, and where its occurrences are.
func (s *scan) has(kw int) ([]span, bool) {
	i, ok := slices.BinarySearch(s.kws, kw)
	if !ok {
		return nil, false
	}
	end := len(s.occ)
	if i+1 < len(s.from) {
		end = s.from[i+1]
	}
	spans := make([]span, 0, end-s.from[i])
	for _, o := range s.occ[s.from[i]:end] {
		spans = append(spans, o.span)
	}
	return spans, true
}

// Match returns the rules that match text, which must already be normalised
// (Normalize): the pipeline normalises each post once for de-duplication,
// matching and routing alike.
func (m *Matcher) Match(normText string) []Hit {
	return m.matchFound(normText, m.idx.find(normText), 0)
}

// matchFound evaluates the rules on the automaton's matches; keyword k is
// pattern k+first (the Pipeline's automaton puts unit names after them).
func (m *Matcher) matchFound(normText string, matches []ahocorasick.Match, first int) []Hit {
	s := scan{text: normText}
	for _, hit := range matches {
		if kw := hit.PatternID - first; kw >= 0 && kw < len(m.keywords) {
			s.occ = append(s.occ, occurrence{kw, span{hit.Start, hit.End}})
		}
	}
	if len(s.occ) == 0 {
		return nil
	}
	slices.SortFunc(s.occ, func(a, b occurrence) int {
		if a.kw != b.kw {
			return a.kw - b.kw
		}
		return a.start - b.start
	})
	for i, o := range s.occ {
		if i == 0 || o.kw != s.occ[i-1].kw {
			s.kws = append(s.kws, o.kw)
			s.from = append(s.from, i)
		}
	}
	// Only rules with at least one keyword present can match (Compile
	// refused the others), so evaluate just those.
	var cand []int32
	for _, kw := range s.kws {
		cand = append(cand, m.byKW[kw]...)
	}
	slices.Sort(cand)
	cand = slices.Compact(cand)
	var hits []Hit
	for _, ri := range cand {
		r := &m.rules[ri]
		if s.eval(r.expr) {
			hits = append(hits, Hit{RuleID: r.ID, Topic: r.Topic, Severity: r.Severity})
		}
	}
	sortHits(hits)
	return hits
}

func (s *scan) eval(n *node) bool {
	switch n.kind {
	case nodeTerm:
		_, ok := slices.BinarySearch(s.kws, n.kw)
		return ok
	case nodeAnd:
		for _, c := range n.children {
			if !s.eval(c) {
				return false
			}
		}
		return true
	case nodeOr:
		for _, c := range n.children {
			if s.eval(c) {
				return true
			}
		}
		return false
	case nodeNot:
		return !s.eval(n.children[0])
	case nodeNear:
		if s.runeAt == nil {
			s.runeAt = runeOffsets(s.text)
		}
		a, okA := s.has(n.children[0].kw)
		b, okB := s.has(n.children[1].kw)
		return okA && okB && near(s.runeAt, a, b, n.dist)
	}
	return false
}

// near reports whether an occurrence of a and one of b lie in either order
// with at most dist characters between the end of the first and the start of
// the second (overlapping occurrences count as 0). runeAt maps byte offsets
// of the text to character offsets. Both lists are sorted by start (the
// automaton and strings.Index report them in that order), so for each
// occurrence only the first one of the other list at or after it needs
// checking: O((|a|+|b|) log) even for a post that repeats a word thousands
// of times.
func near(runeAt []int32, a, b []span, dist int) bool {
	return nearAfter(runeAt, a, b, dist) || nearAfter(runeAt, b, a, dist)
}

// nearAfter: some y in ys starts at or after some x in xs, within dist
// characters of x's end.
func nearAfter(runeAt []int32, xs, ys []span, dist int) bool {
	for _, x := range xs {
		i := sort.Search(len(ys), func(i int) bool { return ys[i].start >= x.start })
		if i == len(ys) {
			return false // no later y for this x nor for any later x
		}
		if gap := runeAt[ys[i].start] - runeAt[x.end]; gap <= int32(dist) {
			return true
		}
	}
	return false
}

// runeOffsets maps every byte offset of text (and len(text)) to the number
// of characters before it.
func runeOffsets(text string) []int32 {
	out := make([]int32, len(text)+1)
	n := int32(0)
	for i := range len(text) {
		out[i] = n
		if !utf8.RuneStart(text[i]) {
			continue
		}
		n++
		out[i] = n - 1
	}
	out[len(text)] = n
	return out
}

func sortHits(h []Hit) {
	// Insertion sort: a post matches a handful of rules.
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j].RuleID < h[j-1].RuleID; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

// evalNaive evaluates an expression by searching normText for each keyword
// with the strings package — the definition the automaton must agree with.
// Compile uses it on the empty text to refuse rules that need no keyword.
func evalNaive(n *node, normText string) bool {
	switch n.kind {
	case nodeTerm:
		return strings.Contains(normText, n.text)
	case nodeAnd:
		for _, c := range n.children {
			if !evalNaive(c, normText) {
				return false
			}
		}
		return true
	case nodeOr:
		for _, c := range n.children {
			if evalNaive(c, normText) {
				return true
			}
		}
		return false
	case nodeNot:
		return !evalNaive(n.children[0], normText)
	case nodeNear:
		return near(runeOffsets(normText), allSpans(normText, n.children[0].text), allSpans(normText, n.children[1].text), n.dist)
	}
	return false
}

// allSpans lists every (overlapping) occurrence of kw in text.
func allSpans(text, kw string) []span {
	var out []span
	for off := 0; ; {
		i := strings.Index(text[off:], kw)
		if i < 0 {
			return out
		}
		out = append(out, span{off + i, off + i + len(kw)})
		_, size := utf8.DecodeRuneInString(text[off+i:])
		off += i + size
	}
}
