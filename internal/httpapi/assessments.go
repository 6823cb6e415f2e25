package httpapi

import (
	"net/http"
	"strconv"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/assess"
	"github.com/zeren-edu/zeren/internal/domain"
)

// qYear is an optional calendar year.
func qYear(desc string) param {
	p := qInt("year", desc, 2000, 2100, 0)
	p.def = nil
	return p.withExample(2026)
}

func rubricPath(id int64) string { return api + "/rubrics/" + strconv.FormatInt(id, 10) }

func (s *Server) listIndicators(c *call) error {
	if _, err := c.actor(); err != nil {
		return err
	}
	return c.reply(obj{"items": s.app.Indicators()})
}

func (s *Server) listRubrics(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	rs, err := s.app.ListRubrics(c.ctx(), ac, int(c.p.int("year")))
	if err != nil {
		return err
	}
	return c.reply(obj{"items": rs})
}

func (s *Server) createRubric(c *call) error {
	var b app.RubricInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	r, err := s.app.SaveRubric(c.ctx(), ac, 0, b)
	if err != nil {
		return err
	}
	return c.created(rubricPath(r.ID), r)
}

func (s *Server) updateRubric(c *call) error {
	var b struct {
		Name     string         `json:"name"`
		UnitKind domain.OrgKind `json:"unit_kind"`
		Total    float64        `json:"total"`
		Items    []assess.Item  `json:"items"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	r, err := s.app.SaveRubric(c.ctx(), ac, c.p.int("id"), app.RubricInput{Name: b.Name, UnitKind: b.UnitKind, Total: b.Total, Items: b.Items})
	if err != nil {
		return err
	}
	return c.reply(r)
}

func (s *Server) getRubric(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	r, err := s.app.GetRubric(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(r)
}

func (s *Server) getScores(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	sc, err := s.app.Scores(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(sc)
}

func (s *Server) exportScores(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	b, name, err := s.app.ExportScores(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", contentDisposition("attachment", name))
	h.Set("Cache-Control", "no-store")
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return nil
	}
	_, err = c.w.Write(b)
	return err
}

func (s *Server) adjustScore(c *call) error {
	var b app.AdjustmentInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	a, err := s.app.AdjustScore(c.ctx(), ac, c.p.int("id"), b)
	if err != nil {
		return err
	}
	return c.reply(a)
}

func assessSchemas() obj {
	number := func(desc string) obj { return obj{"type": "number", "description": desc} }
	kinds := []string{string(domain.OrgDistrict), string(domain.OrgSchool), string(domain.OrgBranch)}
	indicators := []string{}
	for _, ind := range (&app.App{}).Indicators() {
		indicators = append(indicators, ind.Name)
	}
	item := object("One scored item. Indicators measure work done only — never clicks, logins or time online.", obj{
		"name":      ex(strMax("Unique in the rubric.", 100), "台账及时"),
		"indicator": ex(enum("What it measures (GET /api/v1/indicators).", indicators...), app.IndRecordsTimely),
		"weight":    ex(obj{"type": "number", "exclusiveMinimum": 0, "description": "Full marks of the item; the weights add up to the rubric's total."}, 100),
		"rule": ex(object("How a value becomes points: linear from floor (0 points) to full (full marks), or the points of the highest step reached.", obj{
			"kind":  enum("", string(assess.Linear), string(assess.Thresholds)),
			"floor": number("linear: at or below, no points."),
			"full":  number("linear: at or above, full marks."),
			"steps": array("thresholds: ascending; e.g. 中心组学习每年不少于12次 = 3 points is {at: 12, points: 3}.", object("", obj{
				"at": number(""), "points": number(""),
			}, "at", "points")),
		}, "kind"), obj{"kind": "linear", "floor": 0.5, "full": 1}),
		"params": obj{"type": "object", "additionalProperties": obj{"type": "string"},
			"description": "Narrow the indicator: types (activity type codes, comma-separated) or pillar for activity_count; days for records_timely."},
	}, "name", "indicator", "weight", "rule")
	rubricProps := obj{
		"name":      ex(strMax("", 100), "年度意识形态工作考核"),
		"unit_kind": ex(enum("The kind of unit it scores, in its unit's subtree.", kinds...), string(domain.OrgSchool)),
		"total":     ex(obj{"type": "number", "minimum": 0, "description": "What the weights add up to (0 or absent: 100)."}, 100),
		"items": ex(array("", ref("RubricItem")), []any{obj{"name": "台账及时", "indicator": app.IndRecordsTimely, "weight": 100,
			"rule": obj{"kind": "linear", "floor": 0.5, "full": 1}}}),
	}
	return obj{
		"RubricItem": item,
		"RubricInput": object("A rubric to create.", merge(rubricProps, obj{
			"org_id": ex(id("The unit whose subtree it scores: in the caller's write scope."), 1),
			"year":   ex(obj{"type": "integer", "minimum": 2000, "maximum": 2100}, 2026),
		}), "org_id", "year", "name", "unit_kind", "items"),
		"RubricUpdate": object("A rubric's new content; it keeps its unit and year.", rubricProps, "name", "unit_kind", "items"),
		"Rubric": object("A year's weighted items.", merge(rubricProps, obj{
			"id": id(""), "org_id": id(""), "org_name": str(""),
			"year":    obj{"type": "integer"},
			"version": obj{"type": "integer", "minimum": 1},
		}), "id", "org_id", "org_name", "year", "name", "unit_kind", "total", "items", "version"),
		"RubricList":    listSchema("Rubrics of the caller's units and of the units above them, newest year first.", "Rubric"),
		"IndicatorList": listSchema("What an item may measure.", "Indicator"),
		"Indicator": object("", obj{
			"name": str(""), "label": str("Chinese."), "label_en": str(""), "doc": str(""),
			"share":  boolean("A share from 0 to 1 (else a count)."),
			"params": array("Item parameters it reads.", obj{"type": "string"}),
		}, "name", "label", "label_en", "doc", "share", "params"),
		"Adjustment": object("A manual change of a unit's score, with its written reason.", obj{
			"id": id(""), "rubric_id": id(""), "org_id": id(""), "points": number(""), "reason": str(""), "author": str(""), "at": dateTime(""),
		}, "id", "rubric_id", "org_id", "points", "reason", "author", "at"),
		"AdjustmentInput": object("An adjustment.", obj{
			"org_id": ex(id("A unit the rubric scores."), 1),
			"points": ex(number("Added (or, negative, taken) points; not 0."), 2),
			"reason": ex(strMax("Required: why.", 500), "获市级先进集体表彰"),
		}, "org_id", "points", "reason"),
		"Scores": object("A rubric's scores, computed from the records now: the units the caller sees, best first, each ranked among all `of` units.", obj{
			"rubric": ref("Rubric"),
			"of":     obj{"type": "integer", "minimum": 0},
			"units": array("", object("", obj{
				"org_id": id(""), "org_code": str(""), "org_name": str(""),
				"total": number(""), "adjustment": number("The sum of the adjustments."),
				"rank": obj{"type": "integer", "minimum": 1, "description": "1, 2, 2, 4: equal totals share a rank."},
				"items": array("", object("", obj{
					"name": str(""), "indicator": str(""), "weight": number(""), "points": number(""),
					"value": number("What the rule scored: a count, or num/den."),
					"num":   obj{"type": "integer"}, "den": obj{"type": "integer"},
					"records": str("Opens what was counted: a ledger query string (for GET /api/v1/activities), or a web path starting with /."),
				}, "name", "indicator", "weight", "points", "value", "num", "den", "records")),
				"adjustments": array("", ref("Adjustment")),
			}, "org_id", "org_code", "org_name", "total", "adjustment", "rank", "items", "adjustments")),
		}, "rubric", "of", "units"),
	}
}
