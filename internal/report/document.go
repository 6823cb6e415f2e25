package report

import (
	"context"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/reporttpl"
)

// Document is a rendered report as zeren keeps and serves it: the blocks
// with their figures, and for every figure what it counted. It is the JSON of
// the API's Report and of a stored snapshot, and the input of the HTML, .docx
// and .xlsx writers.
type Document struct {
	ID              int64    `json:"id,omitempty"`
	OrgID           int64    `json:"org_id"`
	OrgName         string   `json:"org_name"`
	Period          string   `json:"period"`
	PeriodLabel     string   `json:"period_label"`
	TemplateID      int64    `json:"template_id"`
	TemplateVersion int      `json:"template_version"`
	Title           string   `json:"title"`
	Blocks          []Block  `json:"blocks"`
	Figures         []Figure `json:"figures"`
	// Slots are the paragraphs the template asks the office to write (its
	// {% slot %} directives), for the page to offer a field for each.
	Slots     []reporttpl.SlotInfo `json:"slots"`
	CreatedAt *time.Time           `json:"created_at,omitempty"`
	CreatedBy string               `json:"created_by,omitempty"`
}

// Block is one title, heading, paragraph or signature line.
type Block struct {
	Kind     string `json:"kind"` // title, subtitle, heading1, heading2, paragraph, signature
	Spans    []Span `json:"spans"`
	Slot     string `json:"slot,omitempty"`
	Reminder bool   `json:"reminder,omitempty"`
}

// Span is plain text, or the display text of the figure Figures[*Figure].
type Span struct {
	Text   string `json:"text"`
	Figure *int   `json:"figure,omitempty"`
}

// Figure is one figure of a report.
type Figure struct {
	Index    int    `json:"index"`
	Expr     string `json:"expr"`
	Func     string `json:"func"`
	Line     int    `json:"line"`
	Col      int    `json:"column"`
	Value    int64  `json:"value"`
	Display  string `json:"display"`
	Unit     string `json:"unit"`
	Query    string `json:"query"`
	Records  string `json:"records"`
	Approx   bool   `json:"approx"`
	LastYear *int64 `json:"last_year,omitempty"`
	// Digest is the SHA-256 of the sorted ids of what the figure counted;
	// NRecords how many there were.
	Digest   string `json:"digest"`
	NRecords int    `json:"n_records"`
	// Breakdown is the figure by direct child unit (the .xlsx appendix);
	// absent when not asked for or when the figure has no such split.
	Breakdown []UnitShare `json:"breakdown,omitempty"`

	args      reporttpl.Args
	recordIDs []int64
	activity  bool
}

// UnitShare is a figure's value for one child unit.
type UnitShare struct {
	UnitID int64  `json:"unit_id"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	Value  int64  `json:"value"`
}

// RecordIDs are the ids the figure counted (only right after Build; not
// serialised, a snapshot stores them apart).
func (f Figure) RecordIDs() []int64 { return f.recordIDs }

// CountsActivities reports whether RecordIDs are activity ids (ledger
// figures), whose later edits make a snapshot stale.
func (f Figure) CountsActivities() bool { return f.activity }

// Text is the block's text with figures in place.
func (b Block) Text() string {
	var s strings.Builder
	for _, sp := range b.Spans {
		s.WriteString(sp.Text)
	}
	return s.String()
}

// BuildOptions say what Build computes beyond the text and values.
type BuildOptions struct {
	Vars  map[string]string
	Slots map[string][]string
	// Breakdown splits every figure by direct child unit (for the appendix);
	// unitName names the children.
	Breakdown bool
	UnitName  func(ctx context.Context, id int64) (code, name string)
}

// Build renders a checked template in env into a Document (header fields
// other than the title are the caller's to fill).
func (r *Registry) Build(ctx context.Context, t *reporttpl.Template, env *Env, opt BuildOptions) (Document, error) {
	out, err := t.Render(ctx, r.Evaluator(env), opt.Vars, opt.Slots)
	if err != nil {
		return Document{}, err
	}
	doc := Document{OrgID: env.Unit.ID, OrgName: env.Unit.Name, Period: env.Period.Code, PeriodLabel: env.Period.Label,
		Blocks: []Block{}, Figures: []Figure{}, Slots: t.Slots()}
	if doc.Slots == nil {
		doc.Slots = []reporttpl.SlotInfo{}
	}
	for _, b := range out.Blocks {
		nb := Block{Kind: string(b.Kind), Spans: []Span{}, Slot: b.Slot, Reminder: b.Reminder}
		for _, sp := range b.Spans {
			s := Span{Text: sp.Text}
			if sp.Figure > 0 {
				i := sp.Figure - 1
				s.Figure = &i
			}
			nb.Spans = append(nb.Spans, s)
		}
		if b.Kind == reporttpl.BlockTitle && doc.Title == "" {
			doc.Title = nb.Text()
		}
		doc.Blocks = append(doc.Blocks, nb)
	}
	for i, f := range out.Figures {
		p := r.m[f.Func]
		fig := Figure{Index: i, Expr: f.Expr, Func: f.Func, Line: f.Line, Col: f.Col, Value: f.Result.Value, Display: f.Display,
			Unit: f.Result.Unit, Query: f.Result.Query, Records: f.Result.Records, Approx: f.Approx,
			Digest: Digest(f.Result.RecordIDs), NRecords: len(f.Result.RecordIDs),
			args: f.Args, recordIDs: f.Result.RecordIDs, activity: p.Activities}
		if f.LastYear != nil {
			v := f.LastYear.Value
			fig.LastYear = &v
		}
		if opt.Breakdown && p.Breakdown != nil {
			groups, err := p.Breakdown(ctx, env, f.Args)
			if err != nil {
				return Document{}, &reporttpl.FigureError{Line: f.Line, Col: f.Col, Expr: f.Expr, Err: err}
			}
			fig.Breakdown = []UnitShare{}
			for _, g := range groups {
				v := g.Count
				if f.Func == "attendance" {
					v = g.Attendance
				}
				var code, name string
				if opt.UnitName != nil {
					code, name = opt.UnitName(ctx, g.UnitID)
				}
				if g.UnitID == env.Unit.ID {
					name += "（本级）"
				}
				fig.Breakdown = append(fig.Breakdown, UnitShare{UnitID: g.UnitID, Code: code, Name: name, Value: v})
			}
		}
		doc.Figures = append(doc.Figures, fig)
	}
	return doc, nil
}
