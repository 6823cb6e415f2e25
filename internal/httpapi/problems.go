package httpapi

import (
	"github.com/zeren-edu/zeren/internal/app"
)

// Problems suggested from the ledger (存在的问题) and the office's decisions
// on them; the rules are in internal/app/problems.go.

// problemKeyExample is a real key: "no theory study in 2025 Q1", which the
// scope matrix's own world (a school with no theory-study record) suggests,
// so the positive control of the decision route finds it.
const problemKeyExample = "45a27318402af8f1"

func (s *Server) listProblems(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	list, err := s.app.Problems(c.ctx(), ac, c.p.int("org_id"), c.p.str("period"))
	if err != nil {
		return err
	}
	return c.reply(list)
}

func (s *Server) decideProblem(c *call) error {
	var b app.ProblemDecisionInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	p, err := s.app.DecideProblem(c.ctx(), ac, c.p.str("key"), b)
	if err != nil {
		return err
	}
	return c.reply(p)
}

func problemSchemas() obj {
	figure := func(desc string) obj {
		return object(desc, obj{
			"records": str("The query string for GET /api/v1/activities listing exactly these records."),
			"count":   obj{"type": "integer", "minimum": 0},
		}, "records", "count")
	}
	decision := obj{"type": []string{"string", "null"}, "enum": []any{app.DecisionAccepted, app.DecisionDropped, nil},
		"description": "null: undecided."}
	return obj{
		"ProblemList": object("The problems of a unit's subtree in a period.", obj{
			"org_id": id("The unit examined."),
			"period": ref("ResolvedPeriod"),
			"items":  array("In rule order.", ref("Problem")),
		}, "org_id", "period", "items"),
		"Problem": object("A problem suggested from the data, with its evidence and the office's decision.", obj{
			"key": str("Stable across runs: a hash of the kind and its parameters."),
			"kind": enum("", app.ProblemNoTheoryStudy, app.ProblemBelowTarget, app.ProblemPillarDrop, app.ProblemUnitDrop, app.ProblemNoEvidence,
				app.ProblemReusedEvidence, app.ProblemBackfill),
			"title":      str("Short title in the register of the report (Chinese)."),
			"title_en":   str("The title in English."),
			"detail":     str("One sentence with the exact numbers (Chinese): the report's paragraph."),
			"detail_en":  str("The sentence in English."),
			"evidence":   ref("ProblemEvidence"),
			"decision":   decision,
			"note":       str("The office's note on its decision."),
			"decided_by": str(""),
			"decided_at": dateTime(""),
		}, "key", "kind", "title", "title_en", "detail", "detail_en", "evidence", "decision", "note"),
		"ProblemEvidence": object("What backs a problem.", obj{
			"records": str("The query string for GET /api/v1/activities listing exactly the `count` records counted; empty when the evidence is an absence (see `units`)."),
			"count":   obj{"type": "integer", "minimum": 0, "description": "Records counted, or units named when `records` is empty."},
			"units": array("The units named for having no records, each with the link showing its empty ledger.", object("", obj{
				"id":      id(""),
				"code":    str(""),
				"name":    str(""),
				"records": str(""),
			}, "id", "code", "name", "records")),
			"compare": figure("The figure compared with (the same period last year, up to the same day while the period runs)."),
			"total":   figure("The base of a share (all approved records)."),
		}, "records", "count"),
		"ProblemDecision": object("A decision on a suggested problem.", obj{
			"org_id":   id("The report's unit."),
			"period":   ex(str("The report's period."), "2025"),
			"decision": ex(decision, app.DecisionAccepted),
			"note":     ex(strMax("Why (optional).", app.MaxProblemNoteLen), "经核实属实"),
		}, "org_id", "period", "decision"),
	}
}
