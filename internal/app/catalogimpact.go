package app

import (
	"context"
	"fmt"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/reporttpl"
	"github.com/zeren-edu/zeren/internal/store"
)

// TemplateBreak is a line of a saved report template that a change of the
// catalog would break, said for the office before it confirms the change.
type TemplateBreak struct {
	TemplateID int64  `json:"template_id"`
	Template   string `json:"template"`
	Line       int    `json:"line"`
	Column     int    `json:"column"`
	// Reason is "pillar" (the type leaves the pillar named beside it: the
	// figure would always be 0) or "retired" (no new record of the type).
	Reason  string `json:"reason"`
	Message string `json:"message"` // what breaks, in Chinese
}

// TypeChangeImpact says which lines of the saved report templates (their
// current versions) the change of an activity type to t — as UpdateType
// would make it — would break: it re-runs the templates' save-time check
// against the catalog as it would be after the change, and lists what is
// refused then but not now; retiring a type lists every line naming it.
// Nothing is written.
func (a *App) TypeChangeImpact(ctx context.Context, ac domain.Actor, t domain.ActivityType) ([]TemplateBreak, error) {
	if err := ac.Require(domain.PermCatalogManage); err != nil {
		return nil, err
	}
	if err := a.EnsureDefaultReportTemplate(ctx); err != nil {
		return nil, err
	}
	out := []TemplateBreak{}
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		old, err := tx.GetType(ctx, t.ID)
		if err != nil {
			return err
		}
		if t.Pillar != old.Pillar {
			if _, ok := domain.PillarByCode(t.Pillar); !ok {
				return domain.Invalid("pillar", "unknown pillar %q", t.Pillar)
			}
		}
		now, err := tx.ListTypes(ctx, "", false)
		if err != nil {
			return err
		}
		after := make([]domain.ActivityType, len(now))
		for i, ty := range now {
			if ty.ID == old.ID {
				ty.Pillar, ty.Active = t.Pillar, t.Active
			}
			after[i] = ty
		}
		retiring := old.Active && !t.Active
		tpls, err := tx.ListReportTemplates(ctx)
		if err != nil {
			return err
		}
		for _, meta := range tpls {
			cur, err := tx.GetReportTemplate(ctx, meta.ID, 0)
			if err != nil {
				return err
			}
			parsed, err := reporttpl.Parse(cur.Source)
			if err != nil {
				continue // a stored version always parsed when saved; nothing of the catalog's to say
			}
			breaks, err := typeChangeBreaks(ctx, tx, ac, parsed, old, t.Pillar, now, after, retiring)
			if err != nil {
				return err
			}
			for _, b := range breaks {
				b.TemplateID, b.Template = meta.ID, meta.Name
				out = append(out, b)
			}
		}
		return nil
	})
	return out, err
}

// typeChangeBreaks is TypeChangeImpact for one template.
func typeChangeBreaks(ctx context.Context, tx *store.Tx, ac domain.Actor, t *reporttpl.Template, old domain.ActivityType,
	newPillar string, now, after []domain.ActivityType, retiring bool) ([]TemplateBreak, error) {
	var out []TemplateBreak
	at := func(line, col int) string { return fmt.Sprintf("%d:%d", line, col) }
	pillarName := func(code string) string { p, _ := domain.PillarByCode(code); return p.Name }
	if newPillar != old.Pillar {
		before, err := templateArgProblems(ctx, tx, ac, t, now)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, p := range before {
			seen[at(p.Line, p.Column)] = true
		}
		then, err := templateArgProblems(ctx, tx, ac, t, after)
		if err != nil {
			return nil, err
		}
		for _, p := range then {
			if seen[at(p.Line, p.Column)] || p.Type != old.Code {
				continue
			}
			out = append(out, TemplateBreak{Line: p.Line, Column: p.Column, Reason: "pillar",
				Message: fmt.Sprintf("活动类型%s移到“%s”后，不再属于此处同时写的板块“%s”，这个数字将一直为 0",
					old.Name, pillarName(newPillar), pillarName(p.Pillar))})
		}
	}
	if retiring {
		for _, e := range t.Exprs() {
			for _, arg := range e.Args {
				if arg.Name != "type" && arg.Name != "types" {
					continue
				}
				codes := arg.Value.List
				if arg.Value.Kind == reporttpl.KindString {
					codes = []string{arg.Value.Str}
				}
				for _, c := range codes {
					if c == old.Code {
						out = append(out, TemplateBreak{Line: arg.Line, Column: arg.Col, Reason: "retired",
							Message: fmt.Sprintf("活动类型%s停用后不能再登记，这里的数字只计停用前的记录", old.Name)})
					}
				}
			}
		}
	}
	return out, nil
}
