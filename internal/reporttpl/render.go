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
// the Evaluator fails on returns a *FigureError.
//
// Each distinct call is evaluated once per Render, however often it appears.
func (t *Template) Render(ctx context.Context, ev Evaluator, vars map[string]string, slots map[string][]string) (*Rendered, error) {
	r := &renderer{ev: ev, vars: vars, cache: map[string]Result{}, out: &Rendered{}}
	for _, b := range t.blocks {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		switch b.kind {
		case tSlot:
			r.slot(b, slots[b.slot])
		case tText:
			blk := Block{Kind: b.bkind}
			for _, n := range b.nodes {
				if n.expr == nil {
					blk.Spans = appendText(blk.Spans, n.text)
					continue
				}
				sp, err := r.expr(ctx, n.expr)
				if err != nil {
					return nil, err
				}
				if sp.Figure == 0 {
					blk.Spans = appendText(blk.Spans, sp.Text)
				} else {
					blk.Spans = append(blk.Spans, sp)
				}
			}
			if len(blk.Spans) > 0 { // a line of only {# comments #} leaves nothing
				r.out.Blocks = append(r.out.Blocks, blk)
			}
		}
	}
	return r.out, nil
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
	ev    Evaluator
	vars  map[string]string
	cache map[string]Result
	out   *Rendered
}

func (r *renderer) slot(b tblock, paras []string) {
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
