package reporttpl

import (
	"context"
	"strconv"
)

// Cond is the condition of an {% if %} or {% elif %}: figures compared with
// numbers or with each other, joined by and, or, not and parentheses.
//
//	{% if count(type: "party_committee_meeting") > 0 %}
//	{% if members(kind: "monitor") >= 10 and not teams(kind: "outreach") == 0 %}
//
// A figure alone means "is not zero": {% if count(type: "x") %}.
type Cond struct {
	// Op is "or", "and", "not", a comparison ("==", "!=", ">", ">=", "<",
	// "<="), or "" for an operand (a figure call or a number).
	Op        string
	L, R      *Cond // R is nil for "not" and for operands
	Call      *Expr // an operand's figure call (nil for a number)
	Int       int64 // an operand's number
	Line, Col int
}

// prec is the binding strength of a condition's operator, for printing.
func (c *Cond) prec() int {
	switch c.Op {
	case "or":
		return 1
	case "and":
		return 2
	case "not":
		return 3
	case "":
		return 5
	}
	return 4
}

// String prints the condition canonically (it parses back to the same tree).
func (c *Cond) String() string {
	wrap := func(x *Cond, min int) string {
		if x.prec() < min {
			return "(" + x.String() + ")"
		}
		return x.String()
	}
	switch c.Op {
	case "":
		if c.Call != nil {
			return c.Call.String()
		}
		return strconv.FormatInt(c.Int, 10)
	case "not":
		return "not " + wrap(c.L, 3)
	case "and", "or":
		p := c.prec()
		return wrap(c.L, p) + " " + c.Op + " " + wrap(c.R, p+1)
	}
	return c.L.String() + " " + c.Op + " " + c.R.String()
}

// walk calls f on every node of the condition, left to right.
func (c *Cond) walk(f func(*Cond)) {
	if c.L != nil {
		c.L.walk(f)
	}
	f(c)
	if c.R != nil {
		c.R.walk(f)
	}
}

// parseCond parses a condition up to (not including) the closing "%}".
func parseCond(lx *lexer, ln, open int) (*Cond, error) {
	cp := &condParser{lx: lx, ln: ln, open: open}
	t, err := lx.next()
	if err != nil {
		return nil, err
	}
	if t.kind == tkCloseDir || t.kind == tkEOL {
		return nil, errAt(ln, t.col, "expected a condition, e.g. {%% if count(type: \"…\") > 0 %%}")
	}
	lx.unread(t)
	c, err := cp.or()
	if err != nil {
		return nil, err
	}
	t, err = lx.next()
	if err != nil {
		return nil, err
	}
	if t.kind != tkCloseDir && t.kind != tkEOL {
		return nil, errAt(ln, t.col, "unexpected %s in a condition: join conditions with and, or, not", t.desc())
	}
	lx.unread(t)
	return c, nil
}

type condParser struct {
	lx       *lexer
	ln, open int
}

func (cp *condParser) unclosed() error {
	return errAt(cp.ln, cp.open, "unclosed \"{%%\": a directive ends with \"%%}\" on the same line")
}

// word consumes the keyword w if it comes next.
func (cp *condParser) word(w string) (token, bool, error) {
	t, err := cp.lx.next()
	if err != nil {
		return t, false, err
	}
	if t.kind == tkIdent && t.text == w {
		return t, true, nil
	}
	cp.lx.unread(t)
	return t, false, nil
}

func (cp *condParser) or() (*Cond, error) {
	l, err := cp.and()
	if err != nil {
		return nil, err
	}
	for {
		t, ok, err := cp.word("or")
		if err != nil || !ok {
			return l, err
		}
		r, err := cp.and()
		if err != nil {
			return nil, err
		}
		l = &Cond{Op: "or", L: l, R: r, Line: cp.ln, Col: t.col}
	}
}

func (cp *condParser) and() (*Cond, error) {
	l, err := cp.not()
	if err != nil {
		return nil, err
	}
	for {
		t, ok, err := cp.word("and")
		if err != nil || !ok {
			return l, err
		}
		r, err := cp.not()
		if err != nil {
			return nil, err
		}
		l = &Cond{Op: "and", L: l, R: r, Line: cp.ln, Col: t.col}
	}
}

func (cp *condParser) not() (*Cond, error) {
	t, ok, err := cp.word("not")
	if err != nil {
		return nil, err
	}
	if !ok {
		return cp.cmp()
	}
	x, err := cp.not()
	if err != nil {
		return nil, err
	}
	return &Cond{Op: "not", L: x, Line: cp.ln, Col: t.col}, nil
}

func (cp *condParser) cmp() (*Cond, error) {
	t, err := cp.lx.next()
	if err != nil {
		return nil, err
	}
	if t.kind == tkLParen {
		c, err := cp.or()
		if err != nil {
			return nil, err
		}
		rp, err := cp.lx.next()
		if err != nil {
			return nil, err
		}
		switch rp.kind {
		case tkRParen:
		case tkEOL:
			return nil, cp.unclosed()
		default:
			return nil, errAt(cp.ln, rp.col, "expected \")\" in a condition, found %s", rp.desc())
		}
		return c, nil
	}
	cp.lx.unread(t)
	l, err := cp.operand()
	if err != nil {
		return nil, err
	}
	op, err := cp.lx.next()
	if err != nil {
		return nil, err
	}
	if op.kind != tkOp {
		cp.lx.unread(op)
		if l.Call == nil {
			return nil, errAt(cp.ln, l.Col, "a number alone is not a condition: compare a figure with it, e.g. count(type: \"…\") > 0")
		}
		return l, nil
	}
	r, err := cp.operand()
	if err != nil {
		return nil, err
	}
	if next, err := cp.lx.next(); err != nil {
		return nil, err
	} else if next.kind == tkOp {
		return nil, errAt(cp.ln, next.col, "one comparison at a time: join comparisons with and / or")
	} else {
		cp.lx.unread(next)
	}
	return &Cond{Op: op.text, L: l, R: r, Line: cp.ln, Col: op.col}, nil
}

// operand is a figure call or a whole number.
func (cp *condParser) operand() (*Cond, error) {
	t, err := cp.lx.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tkInt:
		return &Cond{Int: t.num, Line: cp.ln, Col: t.col}, nil
	case tkIdent:
		if t.text == "and" || t.text == "or" || t.text == "not" {
			break
		}
		lp, err := cp.lx.next()
		if err != nil {
			return nil, err
		}
		if lp.kind != tkLParen {
			return nil, errAt(cp.ln, t.col, "a condition compares figures: call a figure function with parentheses, e.g. %s(…) > 0", t.text)
		}
		e := &Expr{Line: cp.ln, Col: t.col, Func: t.text}
		if err := parseArgs(cp.lx, e, cp.ln, cp.unclosed); err != nil {
			return nil, err
		}
		if pk, err := cp.lx.next(); err != nil {
			return nil, err
		} else if pk.kind == tkPipe {
			return nil, errAt(cp.ln, pk.col, "a condition compares the exact figure: filters (| …) belong in {{ }}")
		} else {
			cp.lx.unread(pk)
		}
		return &Cond{Call: e, Line: cp.ln, Col: t.col}, nil
	case tkEOL:
		return nil, cp.unclosed()
	}
	return nil, errAt(cp.ln, t.col, "expected a figure (e.g. count(type: \"…\")) or a number in a condition, found %s", t.desc())
}

// evalCond decides a condition, evaluating its figures through the render's
// cache (a figure both tested and printed is counted once).
func (r *renderer) evalCond(ctx context.Context, c *Cond) (bool, error) {
	switch c.Op {
	case "or", "and":
		l, err := r.evalCond(ctx, c.L)
		if err != nil || l == (c.Op == "or") {
			return l, err
		}
		return r.evalCond(ctx, c.R)
	case "not":
		v, err := r.evalCond(ctx, c.L)
		return !v, err
	case "":
		v, err := r.operand(ctx, c)
		return v != 0, err
	}
	l, err := r.operand(ctx, c.L)
	if err != nil {
		return false, err
	}
	rv, err := r.operand(ctx, c.R)
	if err != nil {
		return false, err
	}
	switch c.Op {
	case "==":
		return l == rv, nil
	case "!=":
		return l != rv, nil
	case ">":
		return l > rv, nil
	case ">=":
		return l >= rv, nil
	case "<":
		return l < rv, nil
	}
	return l <= rv, nil
}

func (r *renderer) operand(ctx context.Context, c *Cond) (int64, error) {
	if c.Call == nil {
		return c.Int, nil
	}
	args := make(Args, len(c.Call.Args))
	for _, a := range c.Call.Args {
		args[a.Name] = a.Value
	}
	res, err := r.eval(ctx, c.Call, args, false)
	return res.Value, err
}
