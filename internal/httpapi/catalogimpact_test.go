package httpapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// POST /activity-types/{id}/impact names the template and line a pillar move
// would break, changes nothing, and is the catalog managers' alone.
func TestActivityTypeImpact(t *testing.T) {
	e := newEnv(t)
	var tpl struct {
		ID int64 `json:"id"`
	}
	e.call(req("POST", "/api/v1/report-templates", map[string]any{"name": "板块模板",
		"source": "# {{ unit.name }}报告\n\n宣讲{{ count(pillar: \"theory\", type: \"outreach_lecture\") }}场次。\n"}), 201).decode(t, &tpl)
	lecture := e.types["outreach_lecture"]
	path := fmt.Sprintf("/api/v1/activity-types/%d/impact", lecture.ID)
	move := map[string]any{"pillar": "civility", "name": lecture.Name}

	var got list[app.TemplateBreak]
	e.unchanged("an impact question", func() {
		e.call(req("POST", path, move), 200).decode(t, &got)
	})
	var mine []app.TemplateBreak
	for _, b := range got.Items {
		if b.TemplateID == tpl.ID {
			mine = append(mine, b)
		}
	}
	if len(mine) != 1 || mine[0].Template != "板块模板" || mine[0].Line != 3 || mine[0].Reason != "pillar" || !strings.Contains(mine[0].Message, "精神文明创建") {
		t.Fatalf("impact: %+v", got.Items)
	}
	var ty domain.ActivityType
	e.call(req("GET", fmt.Sprintf("/api/v1/activity-types/%d", lecture.ID), nil), 200).decode(t, &ty)
	if ty.Pillar != domain.PillarTheory {
		t.Fatalf("the question moved the type: %+v", ty)
	}

	// A school's administrator manages no catalog, whatever the unit.
	e.call(req("POST", path, move).as(e.secretary("wang.s1")), 403)
	e.call(req("POST", "/api/v1/activity-types/999999/impact", move), 404)
}
