package reporttpl

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Variables are the names `{{ name }}` may print; Render takes their values
// from its vars argument. A fixed list so a typo is a parse error, not an
// empty hole in a report.
var knownVariables = map[string]string{
	"unit.name":    "the report's unit, e.g. 某县教育局",
	"unit.code":    "the unit's code",
	"period.label": "the period in words, e.g. 2024年度",
	"period.year":  "the period's year, e.g. 2024",
	"period.start": "the first day of the period, e.g. 2024年1月1日",
	"period.end":   "the last day of the period, e.g. 2024年12月31日",
	"period.span":  "how the report names its whole period: 全年, 本学年, 本学期, 本季度, 本月, 本周, 当日",
	"today":        "the day the report is generated, e.g. 2024年12月20日",
	"signing_date": "the date of writing (成文日期) under the signature, e.g. 2024年12月31日",
}

// Variables lists the variable names a template may use, with a description.
func Variables() map[string]string {
	out := make(map[string]string, len(knownVariables))
	for k, v := range knownVariables {
		out[k] = v
	}
	return out
}

// Template is a parsed template: a tree of lines, where {% if %} holds
// branches of lines. Paragraphs are assembled when rendering, so a condition
// can leave out or reword one sentence of a paragraph without breaking it.
type Template struct {
	items []item
}

type itemKind int

const (
	iLine  itemKind = iota + 1 // a title, heading, subtitle or signature line: one block
	iPara                      // one line of paragraph text
	iBreak                     // a blank line: it ends the paragraph
	iSlot                      // {% slot … %} or {% problems %}
	iIf                        // {% if %} … {% elif %} … {% else %} … {% endif %}
)

type item struct {
	kind  itemKind
	bkind BlockKind // iLine
	line  int
	col   int    // iIf: column of its "{%"
	nodes []node // iLine, iPara
	// iSlot
	slot, label string
	problems    bool
	// iIf
	branches []branch
}

// branch is one arm of an {% if %}: its condition (nil for {% else %}) and lines.
type branch struct {
	cond  *Cond
	items []item
}

// node is one piece of inline content: text, or an expression.
type node struct {
	text string
	expr *Expr
}

// Expr is a parsed `{{ … }}` expression.
type Expr struct {
	Line, Col int
	// exactly one of: a call (Func set), a variable (Var set), a string literal (IsStr)
	Func    string
	Args    []Arg
	Var     string
	IsStr   bool
	Str     string
	Filters []Filter
}

// Arg is one named argument of a call.
type Arg struct {
	Name      string
	Line, Col int
	Value     Value
}

// Filter is one `| name` or `| name("arg")` after an expression.
type Filter struct {
	Name      string
	Line, Col int
	Args      []Value
}

// String prints the expression canonically (it parses back to itself).
func (e *Expr) String() string {
	var b strings.Builder
	switch {
	case e.Func != "":
		b.WriteString(e.Func)
		b.WriteByte('(')
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(a.Name)
			b.WriteString(": ")
			b.WriteString(a.Value.String())
		}
		b.WriteByte(')')
	case e.Var != "":
		b.WriteString(e.Var)
	default:
		b.WriteString(quote(e.Str))
	}
	for _, f := range e.Filters {
		b.WriteString(" | ")
		b.WriteString(f.Name)
		if len(f.Args) > 0 {
			b.WriteByte('(')
			for i, a := range f.Args {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(a.String())
			}
			b.WriteByte(')')
		}
	}
	return b.String()
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u{%x}`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Exprs lists the template's expressions in document order, those of every
// branch of a condition and the figure calls inside conditions included.
func (t *Template) Exprs() []*Expr {
	var out []*Expr
	walkItems(t.items, func(it *item) {
		for _, n := range it.nodes {
			if n.expr != nil {
				out = append(out, n.expr)
			}
		}
	}, func(c *Cond) {
		if c.Call != nil {
			out = append(out, c.Call)
		}
	})
	return out
}

// walkItems visits every item and every condition node, in document order.
func walkItems(items []item, fi func(*item), fc func(*Cond)) {
	for i := range items {
		it := &items[i]
		fi(it)
		for _, br := range it.branches {
			if br.cond != nil {
				br.cond.walk(fc)
			}
			walkItems(br.items, fi, fc)
		}
	}
}

// SlotInfo is a slot a template asks the office to write.
type SlotInfo struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}

// Slots lists the {% slot %} directives of the template (each name once, in
// document order; {% problems %} is not one: it comes from the accepted
// problems).
func (t *Template) Slots() []SlotInfo {
	var out []SlotInfo
	seen := map[string]bool{}
	walkItems(t.items, func(it *item) {
		if it.kind == iSlot && !it.problems && !seen[it.slot] {
			seen[it.slot] = true
			out = append(out, SlotInfo{Name: it.slot, Label: it.label})
		}
	}, func(*Cond) {})
	return out
}

// Bounds of a template, so that no template — previewed by any reader —
// makes a report run without limit; each error says its bound. The default
// template has 50 figures, and its longest list names 3 types.
const (
	MaxListItems = 200  // values of one list argument: types: ["…", …]
	MaxFigures   = 300  // figure calls in a template
	MaxExprs     = 1000 // {{ … }} expressions of any kind in a template
)

// Parse parses a template. Errors are *SyntaxError.
func Parse(src string) (*Template, error) {
	p := &parser{}
	if err := p.parse(src); err != nil {
		return nil, err
	}
	t := &Template{items: p.items}
	if err := t.checkBounds(); err != nil {
		return nil, err
	}
	return t, nil
}

// checkBounds refuses a template with more expressions or figures than the
// bounds, at the first one past the bound.
func (t *Template) checkBounds() error {
	exprs := t.Exprs()
	figures := 0
	for i, e := range exprs {
		if i == MaxExprs {
			return errAt(e.Line, e.Col, "a template holds at most %d expressions {{ … }}, this one %d", MaxExprs, len(exprs))
		}
		if e.Func == "" {
			continue
		}
		if figures++; figures > MaxFigures {
			n := 0
			for _, x := range exprs {
				if x.Func != "" {
					n++
				}
			}
			return errAt(e.Line, e.Col, "a template holds at most %d figures, this one %d", MaxFigures, n)
		}
	}
	return nil
}

type parser struct {
	items  []item  // the top level
	open   []*item // the {% if %}s not yet closed, innermost last
	titled bool
}

// add appends an item to the innermost open branch (or the top level). A
// blank line after a blank line adds nothing.
func (p *parser) add(it item) {
	list := &p.items
	if n := len(p.open); n > 0 {
		brs := p.open[n-1].branches
		list = &brs[len(brs)-1].items
	}
	if it.kind == iBreak && (len(*list) == 0 && len(p.open) == 0 || len(*list) > 0 && (*list)[len(*list)-1].kind == iBreak) {
		return
	}
	*list = append(*list, it)
}

func (p *parser) parse(src string) error {
	src = strings.TrimPrefix(src, "\uFEFF")
	src = strings.ReplaceAll(src, "\r\n", "\n")
	lines := strings.Split(src, "\n")
	for i, raw := range lines {
		ln := i + 1
		line := []rune(strings.TrimRight(raw, " \t\r\u3000"))
		// col0 is the 0-based rune offset of the first non-blank character.
		col0 := 0
		for col0 < len(line) && (line[col0] == ' ' || line[col0] == '\t' || line[col0] == '\u3000') {
			col0++
		}
		if col0 == len(line) {
			p.add(item{kind: iBreak, line: ln})
			continue
		}
		rest := line[col0:]
		if !p.titled {
			if rest[0] != '#' || (len(rest) > 1 && rest[1] == '#') {
				if hasPrefix(rest, "{#") {
					if err := p.commentOnly(rest, ln, col0); err != nil {
						return err
					}
					continue
				}
				return errAt(ln, col0+1, "text before the title: a template starts with a title line \"# …\"")
			}
		}
		switch {
		case rest[0] == '#' && !hasPrefix(rest, "{#"):
			level := 0
			for level < len(rest) && rest[level] == '#' {
				level++
			}
			if level > 3 {
				return errAt(ln, col0+1, "too many \"#\": \"#\" is the title, \"##\" a first-level heading, \"###\" a second-level heading")
			}
			kind := []BlockKind{BlockTitle, BlockHeading1, BlockHeading2}[level-1]
			if level == 1 {
				if p.titled {
					return errAt(ln, col0+1, "a second title: a template has one title line \"# …\" (use \"##\" for a heading)")
				}
				p.titled = true
			}
			if err := p.lineBlock(kind, line, col0+level, ln); err != nil {
				return err
			}
		case rest[0] == '>':
			if err := p.lineBlock(BlockSubtitle, line, col0+1, ln); err != nil {
				return err
			}
		case rest[0] == '@':
			if err := p.lineBlock(BlockSignature, line, col0+1, ln); err != nil {
				return err
			}
		case hasPrefix(rest, "{%"):
			if err := p.directive(line, col0, ln); err != nil {
				return err
			}
		default:
			nodes, err := parseInline(line[col0:], ln, col0)
			if err != nil {
				return err
			}
			if len(nodes) > 0 { // a line of only {# comments #} adds nothing
				p.add(item{kind: iPara, line: ln, nodes: nodes})
			}
		}
	}
	if n := len(p.open); n > 0 {
		it := p.open[n-1]
		return errAt(it.line, it.col, "{%% if %%} without {%% endif %%}: close the condition on a line of its own")
	}
	if !p.titled {
		return errAt(len(lines), 1, "no title: a template starts with a title line \"# …\"")
	}
	return nil
}

func hasPrefix(r []rune, s string) bool {
	return strings.HasPrefix(string(r[:min(len(r), len(s))]), s)
}

// commentOnly accepts a line that holds nothing but `{# … #}` comments
// (allowed before the title).
func (p *parser) commentOnly(line []rune, ln, off int) error {
	nodes, err := parseInline(line, ln, off)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if n.expr != nil || strings.TrimSpace(n.text) != "" {
			return errAt(ln, off+1, "text before the title: a template starts with a title line \"# …\"")
		}
	}
	return nil
}

// lineBlock parses a one-line block (title, heading, subtitle, signature)
// whose content starts at rune offset from.
func (p *parser) lineBlock(kind BlockKind, line []rune, from, ln int) error {
	for from < len(line) && (line[from] == ' ' || line[from] == '\t' || line[from] == '\u3000') {
		from++
	}
	if from >= len(line) {
		return errAt(ln, from+1, "empty %s", kindWord(kind))
	}
	nodes, err := parseInline(line[from:], ln, from)
	if err != nil {
		return err
	}
	if len(nodes) == 0 { // only {# comments #}
		return errAt(ln, from+1, "empty %s", kindWord(kind))
	}
	p.add(item{kind: iLine, bkind: kind, line: ln, nodes: nodes})
	return nil
}

func kindWord(k BlockKind) string {
	switch k {
	case BlockTitle:
		return "title"
	case BlockHeading1, BlockHeading2:
		return "heading"
	case BlockSubtitle:
		return "subtitle"
	case BlockSignature:
		return "signature line"
	}
	return string(k)
}

func isLatin(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// startsLatin and endsLatin say whether a paragraph line begins or ends with
// a Latin letter or digit, an expression counting as one: two such lines
// join with a space so English words do not run together.
func startsLatin(nodes []node) bool {
	if len(nodes) == 0 {
		return false
	}
	if nodes[0].expr != nil {
		return true
	}
	r := []rune(nodes[0].text)
	return len(r) > 0 && isLatin(r[0])
}

func endsLatin(nodes []node) bool {
	if len(nodes) == 0 {
		return false
	}
	last := nodes[len(nodes)-1]
	if last.expr != nil {
		return true
	}
	r := []rune(last.text)
	return len(r) > 0 && isLatin(r[len(r)-1])
}

// directive parses a `{% … %}` line: `{% problems %}`, `{% slot NAME %}` /
// `{% slot NAME "label" %}`, or one of `{% if COND %}`, `{% elif COND %}`,
// `{% else %}`, `{% endif %}`.
func (p *parser) directive(line []rune, col0, ln int) error {
	lx := &lexer{src: line, pos: col0 + 2, line: ln}
	open := col0 + 1
	name, err := lx.next()
	if err != nil {
		return err
	}
	if name.kind == tkEOL {
		return errAt(ln, open, "unclosed \"{%%\": a directive ends with \"%%}\" on the same line")
	}
	if name.kind != tkIdent {
		return errAt(ln, name.col, "expected a directive name (problems, slot, if, elif, else, endif) after \"{%%\", found %s", name.desc())
	}
	var it *item // a slot to add; nil for the condition directives
	switch name.text {
	case "problems":
		it = &item{kind: iSlot, line: ln, slot: "problems", problems: true}
	case "slot":
		id, err := lx.next()
		if err != nil {
			return err
		}
		if id.kind != tkIdent {
			return errAt(ln, id.col, "expected a slot name after \"slot\", e.g. {%% slot next_steps %%}, found %s", id.desc())
		}
		it = &item{kind: iSlot, line: ln, slot: id.text}
		if lx.peekString() {
			lbl, err := lx.next()
			if err != nil {
				return err
			}
			it.label = lbl.text
		}
	case "if", "elif":
		c, err := parseCond(lx, ln, open)
		if err != nil {
			return err
		}
		if name.text == "if" {
			p.open = append(p.open, &item{kind: iIf, line: ln, col: open, branches: []branch{{cond: c}}})
			break
		}
		f, err := p.innermost(ln, name.col, "elif")
		if err != nil {
			return err
		}
		f.branches = append(f.branches, branch{cond: c})
	case "else":
		f, err := p.innermost(ln, name.col, "else")
		if err != nil {
			return err
		}
		f.branches = append(f.branches, branch{})
	case "endif":
		f, err := p.innermost(ln, name.col, "endif")
		if err != nil {
			return err
		}
		p.open = p.open[:len(p.open)-1]
		p.add(*f)
	default:
		return errAt(ln, name.col, "unknown directive %q: use {%% problems %%}, {%% slot NAME %%} or {%% if … %%} … {%% endif %%}", name.text)
	}
	end, err := lx.next()
	if err != nil {
		return err
	}
	if end.kind == tkEOL {
		return errAt(ln, open, "unclosed \"{%%\": a directive ends with \"%%}\" on the same line")
	}
	if end.kind != tkCloseDir {
		return errAt(ln, end.col, "unexpected %s in directive: expected \"%%}\"", end.desc())
	}
	for i := lx.pos; i < len(line); i++ {
		if line[i] != ' ' && line[i] != '\t' {
			return errAt(ln, i+1, "a directive stands on its own line: text after \"%%}\"")
		}
	}
	if it != nil {
		p.add(*it)
	}
	return nil
}

// innermost is the open {% if %} an elif, else or endif belongs to.
func (p *parser) innermost(ln, col int, what string) (*item, error) {
	if len(p.open) == 0 {
		return nil, errAt(ln, col, "{%% %s %%} without {%% if %%}", what)
	}
	f := p.open[len(p.open)-1]
	if what != "endif" && f.branches[len(f.branches)-1].cond == nil {
		return nil, errAt(ln, col, "{%% %s %%} after {%% else %%}: the else comes last", what)
	}
	return f, nil
}

// parseInline splits a line's content into text and `{{ }}` expressions,
// dropping `{# #}` comments. off is the rune offset of content[0] in its line.
func parseInline(content []rune, ln, off int) ([]node, error) {
	var nodes []node
	var text []rune
	flush := func() {
		if len(text) > 0 {
			nodes = append(nodes, node{text: string(text)})
			text = nil
		}
	}
	for i := 0; i < len(content); {
		c := content[i]
		if c == '{' && i+1 < len(content) {
			switch content[i+1] {
			case '{':
				flush()
				lx := &lexer{src: content, pos: i + 2, line: ln, off: off}
				e, err := parseExpr(lx, ln, off+i+1)
				if err != nil {
					return nil, err
				}
				nodes = append(nodes, node{expr: e})
				i = lx.pos
				continue
			case '#':
				end := indexFrom(content, i+2, "#}")
				if end < 0 {
					return nil, errAt(ln, off+i+1, "unclosed comment \"{#\": a comment ends with \"#}\" on the same line")
				}
				i = end + 2
				continue
			case '%':
				return nil, errAt(ln, off+i+1, "a directive {%% … %%} stands on its own line")
			}
		}
		if c == '}' && i+1 < len(content) && content[i+1] == '}' {
			return nil, errAt(ln, off+i+1, "\"}}\" without an opening \"{{\"")
		}
		text = append(text, c)
		i++
	}
	flush()
	return trimNodes(nodes), nil
}

// trimNodes drops blanks at the ends of a line's content, which a removed
// comment can leave ("学习 {# 注 #}"): they are not part of the text.
func trimNodes(nodes []node) []node {
	const blanks = " \t\u3000"
	if len(nodes) > 0 && nodes[0].expr == nil {
		nodes[0].text = strings.TrimLeft(nodes[0].text, blanks)
		if nodes[0].text == "" {
			nodes = nodes[1:]
		}
	}
	if n := len(nodes); n > 0 && nodes[n-1].expr == nil {
		nodes[n-1].text = strings.TrimRight(nodes[n-1].text, blanks)
		if nodes[n-1].text == "" {
			nodes = nodes[:n-1]
		}
	}
	return nodes
}

func indexFrom(r []rune, from int, s string) int {
	sr := []rune(s)
	for i := from; i+len(sr) <= len(r); i++ {
		if string(r[i:i+len(sr)]) == s {
			return i
		}
	}
	return -1
}

// parseExpr parses from just after `{{` through the closing `}}`.
func parseExpr(lx *lexer, ln, openCol int) (*Expr, error) {
	unclosed := func() error {
		return errAt(ln, openCol, "unclosed \"{{\": an expression ends with \"}}\" on the same line")
	}
	if indexFrom(lx.src, lx.pos, "}}") < 0 {
		return nil, unclosed()
	}
	t, err := lx.next()
	if err != nil {
		return nil, err
	}
	e := &Expr{Line: ln, Col: t.col}
	switch t.kind {
	case tkEOL:
		return nil, unclosed()
	case tkClose:
		return nil, errAt(ln, openCol, "empty expression \"{{ }}\"")
	case tkString:
		e.IsStr, e.Str = true, t.text
	case tkIdent:
		nt, err := lx.next()
		if err != nil {
			return nil, err
		}
		if nt.kind == tkLParen {
			e.Func = t.text
			if err := parseArgs(lx, e, ln, unclosed); err != nil {
				return nil, err
			}
		} else {
			name := t.text
			for nt.kind == tkDot {
				id, err := lx.next()
				if err != nil {
					return nil, err
				}
				if id.kind != tkIdent {
					if id.kind == tkEOL {
						return nil, unclosed()
					}
					return nil, errAt(ln, id.col, "expected a name after \".\", found %s", id.desc())
				}
				name += "." + id.text
				if nt, err = lx.next(); err != nil {
					return nil, err
				}
			}
			if _, ok := knownVariables[name]; !ok {
				return nil, errAt(ln, t.col, "unknown variable %q (known: %s); a figure function is called with parentheses, e.g. count(type: \"…\")", name, variableList())
			}
			e.Var = name
			lx.unread(nt)
		}
	default:
		if t.kind == tkInt {
			return nil, errAt(ln, t.col, "a number cannot be a figure: figures come from functions such as count(…); write the number as text outside {{ }}")
		}
		return nil, errAt(ln, t.col, "expected a function, a variable or a string, found %s", t.desc())
	}
	// filters
	for {
		t, err := lx.next()
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case tkClose:
			return e, nil
		case tkEOL:
			return nil, unclosed()
		case tkPipe:
			f, err := lx.next()
			if err != nil {
				return nil, err
			}
			if f.kind != tkIdent {
				if f.kind == tkEOL {
					return nil, unclosed()
				}
				return nil, errAt(ln, f.col, "expected a filter name after \"|\", found %s", f.desc())
			}
			flt := Filter{Name: f.text, Line: ln, Col: f.col}
			nt, err := lx.next()
			if err != nil {
				return nil, err
			}
			if nt.kind == tkLParen {
				for {
					v, vt, err := parseValue(lx, ln, unclosed, true)
					if err != nil {
						return nil, err
					}
					if vt.kind == tkRParen && v == nil {
						break
					}
					flt.Args = append(flt.Args, *v)
					sep, err := lx.next()
					if err != nil {
						return nil, err
					}
					if sep.kind == tkRParen {
						break
					}
					if sep.kind == tkEOL {
						return nil, unclosed()
					}
					if sep.kind != tkComma {
						return nil, errAt(ln, sep.col, "expected \",\" or \")\" in the arguments of filter %q, found %s", flt.Name, sep.desc())
					}
				}
			} else {
				lx.unread(nt)
			}
			if err := checkFilter(e, flt); err != nil {
				return nil, err
			}
			e.Filters = append(e.Filters, flt)
		default:
			return nil, errAt(ln, t.col, "unexpected %s: expected \"|\" and a filter, or \"}}\"", t.desc())
		}
	}
}

func variableList() string {
	return "unit.name, unit.code, period.label, period.year, period.start, period.end, period.span, today, signing_date"
}

// parseArgs parses `name: value, …)` after a call's "(".
func parseArgs(lx *lexer, e *Expr, ln int, unclosed func() error) error {
	seen := map[string]bool{}
	for {
		t, err := lx.next()
		if err != nil {
			return err
		}
		switch t.kind {
		case tkRParen:
			return nil
		case tkEOL:
			return unclosed()
		case tkIdent:
		default:
			return errAt(ln, t.col, "expected an argument name (e.g. type: \"…\") or \")\", found %s", t.desc())
		}
		if seen[t.text] {
			return errAt(ln, t.col, "duplicate argument %q in %s(…)", t.text, e.Func)
		}
		if t.text == CompareArg {
			return errAt(ln, t.col, "argument %q is set by the filter | vs_last_year; do not write it", CompareArg)
		}
		seen[t.text] = true
		colon, err := lx.next()
		if err != nil {
			return err
		}
		if colon.kind != tkColon {
			if colon.kind == tkEOL {
				return unclosed()
			}
			return errAt(ln, colon.col, "expected \":\" after argument name %q, found %s", t.text, colon.desc())
		}
		v, vt, err := parseValue(lx, ln, unclosed, false)
		if err != nil {
			return err
		}
		_ = vt
		if v.Kind == KindList && len(v.List) > MaxListItems {
			return errAt(ln, t.col, "argument %q lists %d values; a list holds at most %d", t.text, len(v.List), MaxListItems)
		}
		e.Args = append(e.Args, Arg{Name: t.text, Line: ln, Col: t.col, Value: *v})
		sep, err := lx.next()
		if err != nil {
			return err
		}
		switch sep.kind {
		case tkComma:
		case tkRParen:
			return nil
		case tkEOL:
			return unclosed()
		default:
			return errAt(ln, sep.col, "expected \",\" or \")\" after argument %q, found %s", t.text, sep.desc())
		}
	}
}

// parseValue parses a literal. With allowClose, a ")" in place of the value
// returns (nil, that token) so empty argument lists and trailing commas work.
func parseValue(lx *lexer, ln int, unclosed func() error, allowClose bool) (*Value, token, error) {
	t, err := lx.next()
	if err != nil {
		return nil, t, err
	}
	switch t.kind {
	case tkString:
		return &Value{Kind: KindString, Str: t.text}, t, nil
	case tkInt:
		return &Value{Kind: KindInt, Int: t.num}, t, nil
	case tkIdent:
		if t.text == "true" || t.text == "false" {
			return &Value{Kind: KindBool, Bool: t.text == "true"}, t, nil
		}
		return nil, t, errAt(ln, t.col, "expected a value (a \"string\", a number, a list [\"a\", \"b\"], true or false), found name %q: strings need double quotes", t.text)
	case tkLBrack:
		v := &Value{Kind: KindList, List: []string{}}
		for {
			it, err := lx.next()
			if err != nil {
				return nil, t, err
			}
			switch it.kind {
			case tkRBrack:
				return v, t, nil
			case tkString:
				v.List = append(v.List, it.text)
			case tkEOL:
				return nil, t, unclosed()
			default:
				return nil, t, errAt(ln, it.col, "a list holds strings only, e.g. [\"a\", \"b\"]; found %s", it.desc())
			}
			sep, err := lx.next()
			if err != nil {
				return nil, t, err
			}
			switch sep.kind {
			case tkComma:
			case tkRBrack:
				return v, t, nil
			case tkEOL:
				return nil, t, unclosed()
			default:
				return nil, t, errAt(ln, sep.col, "expected \",\" or \"]\" in a list, found %s", sep.desc())
			}
		}
	case tkRParen:
		if allowClose {
			return nil, t, nil
		}
	case tkEOL:
		return nil, t, unclosed()
	}
	return nil, t, errAt(ln, t.col, "expected a value (a \"string\", a number, a list [\"a\", \"b\"], true or false), found %s", t.desc())
}

// ---- lexer ----

type tokKind int

const (
	tkEOL tokKind = iota + 1
	tkIdent
	tkString
	tkInt
	tkLParen
	tkRParen
	tkLBrack
	tkRBrack
	tkComma
	tkColon
	tkPipe
	tkDot
	tkClose    // }}
	tkCloseDir // %}
	tkOp       // == != > >= < <= (in conditions)
)

type token struct {
	kind tokKind
	text string
	num  int64
	col  int // 1-based column in the line
}

func (t token) desc() string {
	switch t.kind {
	case tkEOL:
		return "the end of the line"
	case tkIdent:
		return fmt.Sprintf("name %q", t.text)
	case tkString:
		return "a string"
	case tkInt:
		return "a number"
	case tkClose:
		return "\"}}\""
	case tkCloseDir:
		return "\"%}\""
	}
	return fmt.Sprintf("%q", t.text)
}

type lexer struct {
	src    []rune
	pos    int // rune index into src
	line   int
	off    int // column offset of src[0] in the line
	pushed *token
}

func (lx *lexer) unread(t token) { lx.pushed = &t }

func (lx *lexer) peekString() bool {
	if lx.pushed != nil {
		return lx.pushed.kind == tkString
	}
	i := lx.pos
	for i < len(lx.src) && (lx.src[i] == ' ' || lx.src[i] == '\t') {
		i++
	}
	return i < len(lx.src) && lx.src[i] == '"'
}

func (lx *lexer) next() (token, error) {
	if lx.pushed != nil {
		t := *lx.pushed
		lx.pushed = nil
		return t, nil
	}
	for lx.pos < len(lx.src) && (lx.src[lx.pos] == ' ' || lx.src[lx.pos] == '\t' || lx.src[lx.pos] == '\u3000') {
		lx.pos++
	}
	col := lx.off + lx.pos + 1
	if lx.pos >= len(lx.src) {
		return token{kind: tkEOL, col: col}, nil
	}
	c := lx.src[lx.pos]
	two := func(s string) bool {
		return lx.pos+1 < len(lx.src) && string(lx.src[lx.pos:lx.pos+2]) == s
	}
	switch {
	case two("}}"):
		lx.pos += 2
		return token{kind: tkClose, text: "}}", col: col}, nil
	case two("%}"):
		lx.pos += 2
		return token{kind: tkCloseDir, text: "%}", col: col}, nil
	case two("=="), two("!="), two(">="), two("<="):
		op := string(lx.src[lx.pos : lx.pos+2])
		lx.pos += 2
		return token{kind: tkOp, text: op, col: col}, nil
	case c == '>' || c == '<':
		lx.pos++
		return token{kind: tkOp, text: string(c), col: col}, nil
	case c == '"' || c == '“' || c == '”':
		return lx.str(col)
	case c == '-' || (c >= '0' && c <= '9'):
		start := lx.pos
		lx.pos++
		for lx.pos < len(lx.src) && lx.src[lx.pos] >= '0' && lx.src[lx.pos] <= '9' {
			lx.pos++
		}
		s := string(lx.src[start:lx.pos])
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return token{}, errAt(lx.line, col, "bad number %q: write a whole number between -9223372036854775808 and 9223372036854775807", s)
		}
		return token{kind: tkInt, num: n, text: s, col: col}, nil
	case c == '_' || (c < 0x80 && unicode.IsLetter(c)):
		start := lx.pos
		for lx.pos < len(lx.src) {
			r := lx.src[lx.pos]
			if r == '_' || (r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
				lx.pos++
				continue
			}
			break
		}
		return token{kind: tkIdent, text: string(lx.src[start:lx.pos]), col: col}, nil
	}
	if k := punct(c); k != 0 {
		lx.pos++
		return token{kind: k, text: string(c), col: col}, nil
	}
	return token{}, errAt(lx.line, col, "unexpected character %q in an expression", c)
}

// punct gives the token of a punctuation character, 0 for none. Full-width
// punctuation typed by a Chinese input method means the same as ASCII.
func punct(c rune) tokKind {
	switch c {
	case '(', '（':
		return tkLParen
	case ')', '）':
		return tkRParen
	case '[':
		return tkLBrack
	case ']':
		return tkRBrack
	case ',', '，':
		return tkComma
	case ':', '：':
		return tkColon
	case '|':
		return tkPipe
	case '.':
		return tkDot
	}
	return 0
}

// str lexes a double-quoted string. Escapes: \" \\ \n \t \u{HEX}. Chinese
// curly quotes “…” are accepted as quotes too (an input method types them).
func (lx *lexer) str(col int) (token, error) {
	open := lx.src[lx.pos]
	closeQ := '"'
	if open == '“' || open == '”' {
		closeQ = '”'
	}
	lx.pos++
	var b strings.Builder
	for {
		if lx.pos >= len(lx.src) {
			return token{}, errAt(lx.line, col, "unterminated string: a string ends with a double quote on the same line")
		}
		c := lx.src[lx.pos]
		if c == closeQ || (closeQ == '"' && c == '"') {
			lx.pos++
			return token{kind: tkString, text: b.String(), col: col}, nil
		}
		if c == '\\' {
			ecol := lx.off + lx.pos + 1
			if lx.pos+1 >= len(lx.src) {
				return token{}, errAt(lx.line, ecol, "unterminated string: a string ends with a double quote on the same line")
			}
			e := lx.src[lx.pos+1]
			lx.pos += 2
			switch e {
			case '"', '\\', '“', '”':
				b.WriteRune(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if lx.pos >= len(lx.src) || lx.src[lx.pos] != '{' {
					return token{}, errAt(lx.line, ecol, "bad escape: write \\u{hex digits}, e.g. \\u{3000}")
				}
				end := lx.pos + 1
				for end < len(lx.src) && lx.src[end] != '}' {
					end++
				}
				hex := string(lx.src[lx.pos+1 : min(end, len(lx.src))])
				n, err := strconv.ParseUint(hex, 16, 32)
				if end >= len(lx.src) || err != nil || n > unicode.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
					return token{}, errAt(lx.line, ecol, "bad escape \\u{%s}: write \\u{hex digits} of a Unicode character", hex)
				}
				b.WriteRune(rune(n))
				lx.pos = end + 1
			default:
				return token{}, errAt(lx.line, ecol, "bad escape \"\\%c\" in a string: use \\\" \\\\ \\n \\t or \\u{hex}", e)
			}
			continue
		}
		b.WriteRune(c)
		lx.pos++
	}
}
