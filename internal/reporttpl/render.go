package reporttpl

import (
	"context"
	"fmt"
	"strconv"
)

// Render evaluates every figure through ev and lays the template out as
// blocks. vars gives the variables' values (see Variables); slots gives the
// paragraphs of each slot ("problems" for {% problems %}). An empty slot
// renders a visible reminder 【请填写…】 rather than inventing text. A figure
// the Evaluator fails on returns a *FigureError. Of an {% if %}, the first
// branch whose condition holds is rendered (the {% else %} when none does);
// paragraph lines of the chosen branches join the paragraph around them.
//
// Each distinct call is evaluated once per Render, however often it appears.
func (t *Template) Render(ctx context.Context, ev Evaluator, vars map[string]string, slots map[string][]string) (*Rendered, error) {
	r := &renderer{ev: ev, vars: vars, slots: slots, cache: map[string]Result{}, out: &Rendered{}}
	if err := r.items(ctx, t.items); err != nil {
		return nil, err
	}
	r.endPara()
	return r.out, nil
}

func (r *renderer) items(ctx context.Context, items []item) error {
	for i := range items {
		it := &items[i]
		if err := ctx.Err(); err != nil {
			return err
		}
		switch it.kind {
		case iBreak:
			r.endPara()
		case iSlot:
			r.endPara()
			r.slot(it, r.slots[it.slot])
		case iLine:
			r.endPara()
			blk := Block{Kind: it.bkind}
			if err := r.spans(ctx, &blk, it.nodes); err != nil {
				return err
			}
			if len(blk.Spans) > 0 {
				r.out.Blocks = append(r.out.Blocks, blk)
			}
		case iPara:
			if r.para == nil {
				r.para = &Block{Kind: BlockParagraph}
			} else if r.lastLatin && startsLatin(it.nodes) {
				r.para.Spans = appendText(r.para.Spans, " ")
			}
			if err := r.spans(ctx, r.para, it.nodes); err != nil {
				return err
			}
			r.lastLatin = endsLatin(it.nodes)
		case iIf:
			for _, br := range it.branches {
				ok := true
				if br.cond != nil {
					var err error
					if ok, err = r.evalCond(ctx, br.cond); err != nil {
						return err
					}
				}
				if ok {
					if err := r.items(ctx, br.items); err != nil {
						return err
					}
					break
				}
			}
		}
	}
	return nil
}

// endPara closes the paragraph being gathered (one whose text came out
// empty leaves nothing).
func (r *renderer) endPara() {
	if r.para != nil && len(r.para.Spans) > 0 {
		r.out.Blocks = append(r.out.Blocks, *r.para)
	}
	r.para = nil
}

// spans renders a line's nodes onto a block.
func (r *renderer) spans(ctx context.Context, blk *Block, nodes []node) error {
	for _, n := range nodes {
		if n.expr == nil {
			blk.Spans = appendText(blk.Spans, n.text)
			continue
		}
		sp, err := r.expr(ctx, n.expr)
		if err != nil {
			return err
		}
		if sp.Figure == 0 {
			blk.Spans = appendText(blk.Spans, sp.Text)
		} else {
			blk.Spans = append(blk.Spans, sp)
		}
	}
	return nil
}

// appendText adds plain text, merging it with a plain span before it.
func appendText(spans []Span, s string) []Span {
	if s == "" {
		return spans
	}
	if n := len(spans); n > 0 && spans[n-1].Figure == 0 {
		spans[n-1].Text += s
		return spans
	}
	return append(spans, Span{Text: s})
}

type renderer struct {
	ev        Evaluator
	vars      map[string]string
	slots     map[string][]string
	cache     map[string]Result
	out       *Rendered
	para      *Block // the paragraph being gathered
	lastLatin bool   // it ends with a Latin letter, a digit or an expression
}

func (r *renderer) slot(b *item, paras []string) {
	n := 0
	for _, p := range paras {
		if p == "" {
			continue
		}
		r.out.Blocks = append(r.out.Blocks, Block{Kind: BlockParagraph, Spans: []Span{{Text: p}}, Slot: b.slot})
		n++
	}
	if n > 0 {
		return
	}
	var text string
	switch {
	case b.label != "":
		text = "【请填写：" + b.label + "】"
	case b.problems:
		text = "【请填写：存在的问题（在“问题”中采纳由数据发现的问题，或自行填写）】"
	default:
		text = "【请填写：" + b.slot + "】"
	}
	r.out.Blocks = append(r.out.Blocks, Block{Kind: BlockParagraph, Spans: []Span{{Text: text}}, Slot: b.slot, Reminder: true})
}

func (r *renderer) expr(ctx context.Context, e *Expr) (Span, error) {
	switch {
	case e.IsStr:
		return Span{Text: e.Str}, nil
	case e.Var != "":
		v, ok := r.vars[e.Var]
		if !ok {
			return Span{}, &FigureError{Line: e.Line, Col: e.Col, Expr: e.Var, Err: fmt.Errorf("variable %s has no value", e.Var)}
		}
		return Span{Text: v}, nil
	}
	args := make(Args, len(e.Args))
	for _, a := range e.Args {
		args[a.Name] = a.Value
	}
	fig := Figure{Expr: e.String(), Line: e.Line, Col: e.Col, Func: e.Func, Args: args}
	res, err := r.eval(ctx, e, args, false)
	if err != nil {
		return Span{}, err
	}
	fig.Result = res
	fig.Display = strconv.FormatInt(res.Value, 10)
	withUnit := false
	for _, f := range e.Filters {
		fig.Filters = append(fig.Filters, f.Name)
		switch f.Name {
		case "approx":
			fig.Display, fig.Approx = approxText(res.Value, len(f.Args) == 1)
		case "wan":
			fig.Display, fig.Approx = wanText(res.Value)
		case "cn":
			fig.Display = Chinese(res.Value)
		case "with_unit":
			withUnit = true
		case "vs_last_year":
			last, err := r.eval(ctx, e, args, true)
			if err != nil {
				return Span{}, err
			}
			fig.LastYear = &last
			fig.Display = changeText(res.Value-last.Value, res.Unit)
		}
	}
	if withUnit {
		fig.Display += res.Unit
	}
	r.out.Figures = append(r.out.Figures, fig)
	return Span{Text: fig.Display, Figure: len(r.out.Figures)}, nil
}

// changeText words a change against last year.
func changeText(d int64, unit string) string {
	switch {
	case d > 0:
		return "同比增加" + strconv.FormatInt(d, 10) + unit
	case d < 0:
		return "同比减少" + strconv.FormatUint(uint64(-(d+1))+1, 10) + unit
	}
	return "与上年同期持平"
}

func (r *renderer) eval(ctx context.Context, e *Expr, args Args, lastYear bool) (Result, error) {
	call := &Expr{Func: e.Func, Args: e.Args}
	key := call.String()
	if lastYear {
		key += "#" + CompareLastYear
		a := make(Args, len(args)+1)
		for k, v := range args {
			a[k] = v
		}
		a[CompareArg] = StringValue(CompareLastYear)
		args = a
	}
	if res, ok := r.cache[key]; ok {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	res, err := r.ev.Eval(ctx, e.Func, args)
	if err != nil {
		return Result{}, &FigureError{Line: e.Line, Col: e.Col, Expr: e.String(), Err: err}
	}
	r.cache[key] = res
	return res, nil
}
