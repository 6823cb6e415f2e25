package monitor

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseError is a rule expression that does not parse; Column is the
// 1-based position, in characters, of the offending token.
type ParseError struct {
	Column int
	Msg    string
}

func (e *ParseError) Error() string { return fmt.Sprintf("column %d: %s", e.Column, e.Msg) }

// MaxNear bounds the distance of NEAR/n: beyond a few hundred characters two
// words are not "near" in any useful sense, and the bound keeps the check cheap.
const MaxNear = 500

type nodeKind int

const (
	nodeTerm nodeKind = iota
	nodeAnd
	nodeOr
	nodeNot
	nodeNear
)

// node is one part of a parsed expression. A term refers to its keyword by
// index into the Matcher's keyword table (kw); NEAR has two term children.
type node struct {
	kind     nodeKind
	kw       int    // nodeTerm: keyword index
	text     string // nodeTerm: the normalised keyword
	dist     int    // nodeNear: at most this many characters between the terms
	children []*node
}

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokWord
	tokPhrase
	tokLParen
	tokRParen
	tokAnd
	tokOr
	tokNot
	tokNear
)

type token struct {
	kind tokenKind
	text string
	col  int // 1-based column in characters
	dist int // tokNear
}

func lex(expr string) ([]token, error) {
	var toks []token
	col := 0
	rs := []rune(expr)
	for i := 0; i < len(rs); {
		col = i + 1
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(' || r == '（':
			toks = append(toks, token{kind: tokLParen, col: col})
			i++
		case r == ')' || r == '）':
			toks = append(toks, token{kind: tokRParen, col: col})
			i++
		case r == '"' || r == '“' || r == '”':
			j := i + 1
			for j < len(rs) && rs[j] != '"' && rs[j] != '“' && rs[j] != '”' {
				j++
			}
			if j == len(rs) {
				return nil, &ParseError{Column: col, Msg: "quoted phrase not closed"}
			}
			toks = append(toks, token{kind: tokPhrase, text: string(rs[i+1 : j]), col: col})
			i = j + 1
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune("()（）\"“”", rs[j]) {
				j++
			}
			word := string(rs[i:j])
			t := token{kind: tokWord, text: word, col: col}
			switch upper := strings.ToUpper(word); {
			case upper == "AND":
				t.kind = tokAnd
			case upper == "OR":
				t.kind = tokOr
			case upper == "NOT":
				t.kind = tokNot
			case strings.HasPrefix(upper, "NEAR/"):
				n, err := strconv.Atoi(word[5:])
				if err != nil || n < 0 || n > MaxNear {
					return nil, &ParseError{Column: col, Msg: fmt.Sprintf("NEAR/n needs a distance from 0 to %d, not %q", MaxNear, word[5:])}
				}
				t.kind, t.dist = tokNear, n
			}
			toks = append(toks, t)
			i = j
		}
	}
	toks = append(toks, token{kind: tokEOF, col: len(rs) + 1})
	return toks, nil
}

// parser is a recursive-descent parser over the token list. Precedence, from
// loosest: OR, then AND (explicit or by juxtaposition), then NOT, then NEAR.
type parser struct {
	toks  []token
	pos   int
	depth int
	// term resolves a keyword (already normalised) to its index, or reports
	// an empty keyword at the column.
	term func(text string, col int) (*node, error)
}

const maxDepth = 100

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token { t := p.toks[p.pos]; p.pos++; return t }

func (p *parser) parseExpr() (*node, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tokOr {
		p.next()
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = combine(nodeOr, left, right)
	}
	return left, nil
}

func (p *parser) parseAnd() (*node, error) {
	left, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		switch p.peek().kind {
		case tokAnd:
			p.next()
		case tokWord, tokPhrase, tokLParen, tokNot:
			// juxtaposition: 校园 霸凌 means 校园 AND 霸凌
		default:
			return left, nil
		}
		right, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		left = combine(nodeAnd, left, right)
	}
}

func combine(kind nodeKind, left, right *node) *node {
	if left.kind == kind {
		left.children = append(left.children, right)
		return left
	}
	return &node{kind: kind, children: []*node{left, right}}
}

func (p *parser) parseUnary() (*node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, &ParseError{Column: p.peek().col, Msg: "expression nested too deeply"}
	}
	if p.peek().kind == tokNot {
		p.next()
		inner, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &node{kind: nodeNot, children: []*node{inner}}, nil
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (*node, error) {
	t := p.next()
	switch t.kind {
	case tokLParen:
		inner, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, &ParseError{Column: c.col, Msg: fmt.Sprintf("expected ) to close the ( at column %d", t.col)}
		}
		return inner, nil
	case tokWord, tokPhrase:
		left, err := p.term(t.text, t.col)
		if err != nil {
			return nil, err
		}
		if p.peek().kind != tokNear {
			return left, nil
		}
		near := p.next()
		rt := p.next()
		if rt.kind != tokWord && rt.kind != tokPhrase {
			return nil, &ParseError{Column: rt.col, Msg: "NEAR/n joins two words or phrases"}
		}
		right, err := p.term(rt.text, rt.col)
		if err != nil {
			return nil, err
		}
		if p.peek().kind == tokNear {
			return nil, &ParseError{Column: p.peek().col, Msg: "NEAR/n cannot be chained; use AND between two NEARs"}
		}
		return &node{kind: nodeNear, dist: near.dist, children: []*node{left, right}}, nil
	case tokEOF:
		return nil, &ParseError{Column: t.col, Msg: "expression ends where a word, phrase or ( is expected"}
	case tokRParen:
		return nil, &ParseError{Column: t.col, Msg: ") without a matching ("}
	case tokNear:
		return nil, &ParseError{Column: t.col, Msg: "NEAR/n needs a word or phrase on its left"}
	default:
		return nil, &ParseError{Column: t.col, Msg: fmt.Sprintf("%s needs a word, phrase or ( on its left", strings.ToUpper(t.text))}
	}
}

// parseRule parses expr; term turns each keyword into a leaf.
func parseRule(expr string, term func(text string, col int) (*node, error)) (*node, error) {
	if !utf8.ValidString(expr) {
		return nil, &ParseError{Column: 1, Msg: "not valid UTF-8"}
	}
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	for i := range toks {
		// The operator words are tokens of their own; an operator where a
		// word is expected is reported by the parser with its column.
		if toks[i].kind == tokAnd || toks[i].kind == tokOr {
			toks[i].text = strings.ToUpper(toks[i].text)
		}
	}
	p := &parser{toks: toks, term: term}
	n, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.kind == tokRParen {
			return nil, &ParseError{Column: t.col, Msg: ") without a matching ("}
		}
		return nil, &ParseError{Column: t.col, Msg: "unexpected token"}
	}
	return n, nil
}
