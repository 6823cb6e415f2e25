package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// Before a type moves to another pillar or is retired, the office sees which
// saved templates and lines would break; templates that do not name the type
// that way are not listed, and nothing is changed.
func TestTypeChangeImpact(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			byPillar, err := f.app.CreateReportTemplate(ctx, f.op, "板块模板",
				"# {{ unit.name }}报告\n\n"+
					"宣讲{{ count(pillar: \"theory\", type: \"outreach_lecture\") }}场次。\n")
			if err != nil {
				t.Fatal(err)
			}
			other, err := f.app.CreateReportTemplate(ctx, f.op, "志愿模板",
				"# {{ unit.name }}报告\n\n志愿服务{{ count(type: \"volunteer_service\") }}次，宣讲{{ count(type: \"outreach_lecture\") }}场次。\n")
			if err != nil {
				t.Fatal(err)
			}
			lecture := f.types["outreach_lecture"]
			if lecture.Pillar != domain.PillarTheory {
				t.Fatalf("seed: outreach_lecture is in %s", lecture.Pillar)
			}
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)

			moved := lecture
			moved.Pillar = domain.PillarCivility
			got, err := f.app.TypeChangeImpact(ctx, f.op, moved)
			if err != nil {
				t.Fatal(err)
			}
			var mine int
			for _, b := range got {
				if b.TemplateID == other.ID {
					t.Errorf("a template naming the type without a pillar is listed: %+v", b)
				}
				if b.TemplateID == byPillar.ID {
					mine++
					if b.Template != "板块模板" || b.Line != 3 || b.Column != 30 || b.Reason != "pillar" ||
						!strings.Contains(b.Message, "宣讲") || !strings.Contains(b.Message, "精神文明创建") {
						t.Errorf("break: %+v", b)
					}
				}
			}
			if mine != 1 {
				t.Fatalf("板块模板 listed %d times: %+v", mine, got)
			}
			if ty, _ := f.app.GetType(ctx, lecture.ID); ty.Pillar != domain.PillarTheory {
				t.Fatalf("the impact changed the type: %+v", ty)
			}
			// Same pillar, same state: nothing breaks.
			if got, err := f.app.TypeChangeImpact(ctx, f.op, lecture); err != nil || len(got) != 0 {
				t.Fatalf("no change: %+v %v", got, err)
			}

			retired := f.types["volunteer_service"]
			retired.Active = false
			got, err = f.app.TypeChangeImpact(ctx, f.op, retired)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, b := range got {
				if b.TemplateID == byPillar.ID {
					t.Errorf("a template not naming the retired type is listed: %+v", b)
				}
				if b.TemplateID == other.ID && b.Line == 3 && b.Reason == "retired" {
					found = true
				}
			}
			if !found {
				t.Fatalf("志愿模板 line 3 not listed on retiring: %+v", got)
			}

			// Only who manages the catalog asks: the bureau's office may, a
			// school's administrator may not.
			if _, err := f.app.TypeChangeImpact(ctx, office, moved); err != nil {
				t.Fatalf("bureau office: %v", err)
			}
			if _, err := f.app.TypeChangeImpact(ctx, actorWithRole(f.schools[0], domain.RoleSchoolAdmin), moved); !domain.IsKind(err, domain.KindForbidden) {
				t.Fatalf("school administrator: %v", err)
			}
		})
	}
}
