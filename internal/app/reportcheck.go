package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/reporttpl"
	"github.com/zeren-edu/zeren/internal/store"
)

// checkTemplateArgs checks, when a template is saved, the values of its
// figures' arguments against the catalog and the tree — not only when it
// renders: an unknown activity type, pillar, venue, status, team kind, unit
// or period, or a type outside the pillar named beside it, is refused with
// its line and column (invalid field "source", "line L, column C: …").
func (a *App) checkTemplateArgs(ctx context.Context, tx *store.Tx, ac domain.Actor, t *reporttpl.Template) error {
	types, err := tx.ListTypes(ctx, "", false)
	if err != nil {
		return err
	}
	probs, err := templateArgProblems(ctx, tx, ac, t, types)
	if err != nil || len(probs) == 0 {
		return err
	}
	p := probs[0]
	return domain.Invalid("source", "line %d, column %d: %s", p.Line, p.Column, p.Message)
}

// argProblem is one argument the catalog or the tree refuses.
type argProblem struct {
	Line, Column int
	Message      string
	Type         string // the activity type refused beside a pillar, if that is the problem
	Pillar       string // the pillar named beside it
}

// templateArgProblems is the save-time check against the catalog types (the
// current one, or the one a catalog change would leave): every argument
// refused, in the template's order.
func templateArgProblems(ctx context.Context, tx *store.Tx, ac domain.Actor, t *reporttpl.Template, types []domain.ActivityType) ([]argProblem, error) {
	var probs []argProblem
	byCode := map[string]domain.ActivityType{}
	for _, ty := range types {
		byCode[ty.Code] = ty
	}
	pillarName := map[string]string{}
	for _, p := range domain.Pillars {
		pillarName[p.Code] = p.Name
	}
	bad := func(arg reporttpl.Arg, format string, args ...any) {
		probs = append(probs, argProblem{Line: arg.Line, Column: arg.Col, Message: fmt.Sprintf(format, args...)})
	}
	for _, e := range t.Exprs() {
		if e.Func == "" {
			continue
		}
		var pillar *reporttpl.Arg
		var typeArgs []reporttpl.Arg
		for i, arg := range e.Args {
			v := arg.Value
			switch arg.Name {
			case "type", "types":
				codes := v.List
				if v.Kind == reporttpl.KindString {
					codes = []string{v.Str}
				}
				for _, c := range codes {
					if _, ok := byCode[c]; !ok {
						bad(arg, "unknown activity type %q: the catalog (系统管理 → 活动类型) has no such code", c)
					}
				}
				typeArgs = append(typeArgs, arg)
			case "pillar":
				if _, ok := pillarName[v.Str]; !ok {
					bad(arg, "unknown pillar %q (pillars: %s)", v.Str, strings.Join(sortedKeys(pillarName), ", "))
					continue
				}
				pillar = &e.Args[i]
			case "venue":
				if _, ok := domain.VenueNames[v.Str]; !ok {
					bad(arg, "unknown venue %q (venues: %s)", v.Str, strings.Join(sortedKeys(domain.VenueNames), ", "))
				}
			case "status":
				if !domain.Status(v.Str).Valid() {
					bad(arg, "unknown status %q (approved, submitted, draft, returned)", v.Str)
				}
			case "period":
				if _, err := period.Parse(v.Str); err != nil {
					bad(arg, "period %q: %v", v.Str, err)
				}
			case "unit":
				if _, err := tx.OrgByCode(ctx, ac.Scope, v.Str); err != nil {
					if !domain.IsKind(err, domain.KindNotFound) {
						return nil, err
					}
					bad(arg, "unknown unit code %q", v.Str)
				}
			case "kind":
				ok := false
				if e.Func == "units" {
					ok = slices.Contains(domain.OrgKinds, domain.OrgKind(v.Str))
				} else {
					ok = slices.Contains(domain.TeamKinds, domain.TeamKind(v.Str))
				}
				if !ok {
					bad(arg, "unknown kind %q of %s", v.Str, e.Func)
				}
			}
		}
		if pillar == nil {
			continue
		}
		for _, arg := range typeArgs {
			codes := arg.Value.List
			if arg.Value.Kind == reporttpl.KindString {
				codes = []string{arg.Value.Str}
			}
			for _, c := range codes {
				if ty, ok := byCode[c]; ok && ty.Pillar != pillar.Value.Str {
					bad(arg, "activity type %q (%s) belongs to pillar %s (%s), not to %s (%s) named beside it: the figure would always be 0",
						c, ty.Name, ty.Pillar, pillarName[ty.Pillar], pillar.Value.Str, pillarName[pillar.Value.Str])
					probs[len(probs)-1].Type, probs[len(probs)-1].Pillar = c, pillar.Value.Str
				}
			}
		}
	}
	return probs, nil
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
