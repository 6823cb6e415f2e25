package httpapi

import (
	"strconv"

	"github.com/zeren-edu/zeren/internal/domain"
)

// The duty list (责任清单), the year's plan, progress pages and leading groups:
// handlers of the routes under /duties, /orgs/{id}/duties,
// /orgs/{id}/leading-group and /leading-groups.

func dutyPath(id int64) string { return api + "/duties/" + strconv.FormatInt(id, 10) }

// dutyFields is a duty as a client writes it. The units it applies to are
// said the way the office says them: the owner's whole subtree (neither
// org_kind nor org_ids), the owner's units of one kind (org_kind), or a list
// (org_ids). Dates are strings so that a bad one names its field.
type dutyFields struct {
	Year        int     `json:"year"`
	Title       string  `json:"title"`
	Pillar      string  `json:"pillar"`
	OrgID       int64   `json:"org_id"`
	OwnerPerson string  `json:"owner_person"`
	OrgKind     string  `json:"org_kind"`
	OrgIDs      []int64 `json:"org_ids"`
	Measure     string  `json:"measure"`
	Grain       string  `json:"grain"`
	AtLeast     int64   `json:"at_least"`
	TypeIDs     []int64 `json:"type_ids"`
	From        string  `json:"from"`
	To          string  `json:"to"`
	Deadline    string  `json:"deadline"`
	Weight      int64   `json:"weight"`
	Note        string  `json:"note"`
	Version     int64   `json:"version"`
}

func (f dutyFields) input() (domain.DutyInput, error) {
	in := domain.DutyInput{Year: f.Year, Title: f.Title, Pillar: f.Pillar, OwnerOrgID: f.OrgID, OwnerPerson: f.OwnerPerson,
		Target: domain.Target{Measure: domain.DutyMeasure(f.Measure), Grain: domain.DutyGrain(f.Grain), AtLeast: f.AtLeast, TypeIDs: f.TypeIDs},
		Weight: f.Weight, Note: f.Note}
	switch {
	case len(f.OrgIDs) > 0:
		in.Applies = domain.Applies{Kind: domain.AppliesList, OrgIDs: f.OrgIDs}
	case f.OrgKind != "":
		in.Applies = domain.Applies{Kind: domain.AppliesKindIn, Root: f.OrgID, OrgKind: domain.OrgKind(f.OrgKind)}
	default:
		in.Applies = domain.Applies{Kind: domain.AppliesSubtree, Root: f.OrgID}
	}
	var err error
	if in.From, err = optionalDate("from", f.From); err != nil {
		return in, err
	}
	if in.To, err = optionalDate("to", f.To); err != nil {
		return in, err
	}
	if f.Deadline != "" {
		d, err := optionalDate("deadline", f.Deadline)
		if err != nil {
			return in, err
		}
		in.Deadline = &d
	}
	return in, nil
}

func (s *Server) listDuties(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	ds, err := s.app.ListDuties(c.ctx(), ac, int(c.p.int("year")), c.p.str("pillar"))
	if err != nil {
		return err
	}
	return c.reply(listOf(ds))
}

func (s *Server) createDuty(c *call) error {
	var b dutyFields
	if err := c.decode(&b); err != nil {
		return err
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	d, err := s.app.CreateDuty(c.ctx(), ac, in)
	if err != nil {
		return err
	}
	return c.created(dutyPath(d.ID), d)
}

func (s *Server) getDuty(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	d, err := s.app.GetDuty(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(d)
}

func (s *Server) updateDuty(c *call) error {
	var b dutyFields
	if err := c.decode(&b); err != nil {
		return err
	}
	if b.Version <= 0 {
		return domain.Invalid("version", "is required: the version you read")
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	d, err := s.app.UpdateDuty(c.ctx(), ac, c.p.int("id"), b.Version, in)
	if err != nil {
		return err
	}
	return c.reply(d)
}

func (s *Server) deleteDuty(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	if err := s.app.DeleteDuty(c.ctx(), ac, c.p.int("id")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) copyPlan(c *call) error {
	var b struct {
		FromYear int `json:"from_year"`
		Year     int `json:"year"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	res, err := s.app.CopyPlan(c.ctx(), ac, b.FromYear, b.Year)
	if err != nil {
		return err
	}
	return c.reply(res)
}

func (s *Server) unitDuties(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	pg, err := s.app.UnitDutyPage(c.ctx(), ac, c.p.int("id"), int(c.p.int("year")))
	if err != nil {
		return err
	}
	return c.reply(pg)
}

func (s *Server) leaderDuties(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	pg, err := s.app.LeaderDutyPage(c.ctx(), ac, int(c.p.int("year")))
	if err != nil {
		return err
	}
	return c.reply(pg)
}

func (s *Server) submitDutyCheck(c *call) error {
	var b struct {
		OrgID    int64                  `json:"org_id"`
		Note     string                 `json:"note"`
		Evidence []domain.CheckEvidence `json:"evidence"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	if err := s.app.SubmitDutyCheck(c.ctx(), ac, c.p.int("id"), b.OrgID, b.Note, b.Evidence); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) signDutyCheck(c *call) error {
	var b struct {
		OrgID int64 `json:"org_id"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	if err := s.app.SignDutyCheck(c.ctx(), ac, c.p.int("id"), b.OrgID); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) listLeadingGroups(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	gs, err := s.app.ListLeadingGroups(c.ctx(), ac, c.p.int("org_id"))
	if err != nil {
		return err
	}
	return c.reply(listOf(gs))
}

func (s *Server) getLeadingGroup(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	g, err := s.app.GetLeadingGroup(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(g)
}

// groupMemberFields is a seat as a client writes it, dates as strings.
type groupMemberFields struct {
	AccountID int64  `json:"account_id"`
	Name      string `json:"name"`
	Title     string `json:"title"`
	Role      string `json:"role"`
	From      string `json:"from"`
	To        string `json:"to"`
}

func (s *Server) putLeadingGroup(c *call) error {
	var b struct {
		Name    string              `json:"name"`
		Members []groupMemberFields `json:"members"`
		Version int64               `json:"version"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	in := domain.LeadingGroupInput{OrgID: c.p.int("id"), Name: b.Name, Members: make([]domain.GroupMember, len(b.Members))}
	if err := domain.CheckCount("members", len(b.Members), domain.MaxGroupMembers, "members"); err != nil {
		return err
	}
	for i, m := range b.Members {
		field := "members[" + strconv.Itoa(i) + "]."
		from, err := optionalDate(field+"from", m.From)
		if err != nil {
			return err
		}
		gm := domain.GroupMember{AccountID: m.AccountID, Name: m.Name, Title: m.Title, Role: domain.GroupRole(m.Role), From: from}
		if m.To != "" {
			to, err := optionalDate(field+"to", m.To)
			if err != nil {
				return err
			}
			gm.To = &to
		}
		in.Members[i] = gm
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	g, err := s.app.PutLeadingGroup(c.ctx(), ac, in, b.Version)
	if err != nil {
		return err
	}
	return c.reply(g)
}

func dutyCodes[T ~string](xs ...T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// dutySchemas are the component schemas of the duty routes.
func dutySchemas() obj {
	nonNeg := func(desc string) obj { return obj{"type": "integer", "minimum": 0, "description": desc} }
	integer := func(desc string) obj { return obj{"type": "integer", "description": desc} }
	ids := func(desc string) obj { return array(desc, id("")) }
	measures := dutyCodes(domain.MeasureCount, domain.MeasureAttendance, domain.MeasureChecklist)
	grains := dutyCodes(domain.GrainMonth, domain.GrainQuarter, domain.GrainSemester, domain.GrainYear)
	states := []string{"missed", "behind", "met", "upcoming", "pending"}
	dutyInput := obj{
		"year":         ex(obj{"type": "integer", "minimum": 2000, "maximum": 2100, "description": "The plan year."}, 2026),
		"title":        ex(strMax("What must be done, in the plan's words.", domain.MaxDutyTitleLen), "党委中心组理论学习每季度不少于1次"),
		"pillar":       ex(enum("The part of the work (六个方面) the duty belongs to.", pillarCodes()...), domain.PillarTheory),
		"org_id":       id("The unit that sets the duty and answers for it (in the caller's write scope)."),
		"owner_person": strMax("The responsible person's name, optional.", domain.MaxPersonNameLen),
		"org_kind":     enum("Applies to the owner's units of this kind (e.g. every school); empty: see org_ids.", append([]string{""}, dutyCodes(domain.OrgKinds...)...)...),
		"org_ids":      ids("Applies to exactly these units (in the caller's write scope). With neither org_kind nor org_ids the duty applies to the owner's whole subtree."),
		"measure":      ex(enum("count 场次, attendance 人次, or checklist (no record measures it: evidence and a reviewer's sign-off).", measures...), "count"),
		"grain":        ex(enum("The window the target is counted in; semesters follow the bureau's calendar.", grains...), "quarter"),
		"at_least":     ex(obj{"type": "integer", "minimum": 0, "maximum": domain.MaxDutyAtLeast, "description": "At least this many per window (count or attendance; ignored for a checklist)."}, 1),
		"type_ids":     ids("The activity types counted; empty: every type of the duty's pillar."),
		"from":         date("First day of the duty's period (default 1 January of the year)."),
		"to":           date("Last day of the duty's period (default 31 December). It must hold at least one whole window."),
		"deadline":     date("Optional: the day the target must be met by; it cuts the last window."),
		"weight":       obj{"type": "integer", "minimum": 0, "maximum": domain.MaxDutyWeight, "description": "Points in the yearly assessment."},
		"note":         strMax("", domain.MaxDutyNoteLen),
	}
	window := obj{
		"code":     str("The window's period code, e.g. 2026Q2."),
		"label_zh": str(""), "label_en": str(""),
		"range": object("Days [from, to).", obj{"from": date(""), "to": date("")}, "from", "to"),
		"need":  nonNeg("The target."), "got": nonNeg("Approved records (or participants) of the unit's subtree in the window."),
		"missing": nonNeg("need − got, at least 0."), "met": boolean(""), "ended": boolean(""), "current": boolean("Today lies in it."),
	}
	tally := object("Duties due (a window has ended) and, of those, done (every ended window met).", obj{"done": nonNeg(""), "due": nonNeg("")}, "done", "due")
	check := object("A unit's checklist evidence and its sign-off.", obj{
		"duty_id": id(""), "org_id": id(""), "note": str(""),
		"evidence":     array("", object("", obj{"sha256": str(""), "filename": str("")}, "sha256", "filename")),
		"submitted_by": str(""), "submitted_at": str(""), "signed_by": str(""), "signed_at": str(""),
	}, "duty_id", "org_id", "note", "evidence", "submitted_by", "submitted_at")
	progress := object("A unit's standing on one duty.", obj{
		"duty_id": id(""), "title": str(""), "pillar": str(""), "weight": nonNeg(""),
		"measure": enum("", measures...), "grain": enum("", grains...), "at_least": nonNeg(""),
		"org_id": id(""), "org_name": str(""),
		"state":   enum("missed: an ended window fell short; behind: the current one is short; met; upcoming; pending: a checklist item not signed off.", states...),
		"windows": array("", object("", window, "code", "label_zh", "label_en", "range", "need", "got", "missing", "met", "ended", "current")),
		"due":     boolean(""), "done": boolean(""), "missed": nonNeg("Ended windows that fell short."),
		"missing":        nonNeg("What the ended windows and the current one still lack."),
		"records":        str("Ledger filter (query string of GET /api/v1/activities) listing the records counted over the whole period."),
		"window_records": array("The same for each window, in order.", str("")),
		"check":          check,
	}, "duty_id", "title", "pillar", "weight", "measure", "grain", "at_least", "org_id", "org_name", "state", "windows", "due", "done", "missed", "missing", "records", "window_records")
	member := obj{
		"account_id": id("The member's account, when the person has one (of the caller's units)."),
		"name":       ex(strMax("The person's name (default the account's).", domain.MaxPersonNameLen), "张明"),
		"title":      ex(strMax("Position (职务).", domain.MaxPositionLen), "局党委书记"),
		"role":       ex(enum("leader 组长, deputy 副组长, member 成员, office 办公室.", dutyCodes(domain.GroupRoles...)...), "leader"),
		"from":       ex(date("First day of the term."), "2026-01-01"),
		"to":         date("Last day of the term; absent while serving."),
	}
	return obj{
		"DutyInput": object("A duty as a client writes it.", merge(dutyInput, obj{
			"version": obj{"type": "integer", "minimum": 1, "description": "On change: the version read (409 if it moved)."},
		}), "year", "title", "pillar", "org_id", "measure", "grain", "at_least"),
		"Duty": object("A duty of a year's plan.", obj{
			"id": id(""), "year": integer(""), "title": str(""), "pillar": str(""),
			"owner_org_id": id(""), "owner_org_name": str(""), "owner_person": str(""),
			"applies": object("The units it applies to.", obj{
				"kind":     enum("subtree: the root's whole subtree; kind: the root's units of org_kind; list: org_ids.", "subtree", "kind", "list"),
				"root":     id(""),
				"org_kind": str(""),
				"org_ids":  ids(""),
			}, "kind"),
			"target": object("What each unit must reach.", obj{
				"measure": enum("", measures...), "grain": enum("", grains...), "at_least": nonNeg(""),
				"type_ids": ids(""), "pillar": str("The pillar counted when type_ids is empty."),
			}, "measure", "grain", "at_least", "type_ids"),
			"from": date(""), "to": date(""), "deadline": date(""), "weight": nonNeg(""), "note": str(""),
			"version": id(""), "created_by": str(""), "created_at": dateTime(""), "updated_at": dateTime(""),
		}, "id", "year", "title", "pillar", "owner_org_id", "owner_org_name", "owner_person", "applies", "target", "from", "to",
			"weight", "note", "version", "created_by", "created_at", "updated_at"),
		"DutyList": listSchema("Duties.", "Duty"),
		"CopyPlanInput": object("Copy a year's plan forward.", obj{
			"from_year": ex(obj{"type": "integer", "minimum": 2000, "maximum": 2100, "description": "The year copied."}, 2025),
			"year":      ex(obj{"type": "integer", "minimum": 2000, "maximum": 2100, "description": "The year copied into (after from_year)."}, 2026),
		}, "from_year", "year"),
		"CopyResult": object("What the copy did.", obj{
			"from_year": integer(""), "year": integer(""),
			"duties":  array("The copies made.", ref("Duty")),
			"skipped": nonNeg("Duties already in the year (same owner and title), not copied again."),
		}, "from_year", "year", "duties", "skipped"),
		"DutyProgress": progress,
		"DutyTally":    tally,
		"UnitDuties": object("A unit's duties of a year and what each still misses, worst first.", obj{
			"org": ref("OrgUnit"), "year": integer(""), "today": date(""), "tally": ref("DutyTally"),
			"missed": nonNeg("Duties with an ended window short."),
			"items":  array("", ref("DutyProgress")),
		}, "org", "year", "today", "tally", "missed", "items"),
		"LeaderPage": object("The units a leader covers (分片包抓), worst first.", obj{
			"year": integer(""), "today": date(""),
			"rows": array("", object("One covered unit.", obj{
				"org_id": id(""), "org_name": str(""), "org_kind": str(""), "tally": ref("DutyTally"),
				"duties": nonNeg("Duties applying to it."), "missed": nonNeg(""), "behind": nonNeg(""),
				"worst": array("Its lagging duties, worst first.", ref("DutyProgress")),
			}, "org_id", "org_name", "org_kind", "tally", "duties", "missed", "behind", "worst")),
		}, "year", "today", "rows"),
		"DutyCheckInput": object("A unit's evidence for a checklist duty.", obj{
			"org_id": id("The unit (in the caller's write scope; the duty must apply to it)."),
			"note":   strMax("What was done.", domain.MaxCheckNoteLen),
			"evidence": array("Evidence files already in the ledger's store (by SHA-256), of records the caller can read.",
				object("", obj{"sha256": str(""), "filename": str("")}, "sha256", "filename")),
		}, "org_id"),
		"DutyCheckSign": object("The unit whose checklist evidence the reviewer signs off.", obj{"org_id": id("")}, "org_id"),
		"LeadingGroupInput": object("A unit's leading group, as a whole.", obj{
			"name": ex(strMax("", domain.MaxGroupNameLen), "意识形态工作领导小组"),
			"members": ex(array("The seats, at most 200.", object("", member, "name", "role", "from")),
				[]any{map[string]any{"name": "张明", "title": "局党委书记", "role": "leader", "from": "2026-01-01"}}),
			"version": obj{"type": "integer", "minimum": 0, "description": "The version read (409 if it moved); ignored for a unit's first group."},
		}, "name", "members"),
		"LeadingGroup": object("A unit's leading group (领导小组); version 0 when none is set.", obj{
			"id": obj{"type": "integer", "minimum": 0}, "org_id": id(""), "org_name": str(""), "name": str(""),
			"members":    array("", object("", member, "name", "title", "role", "from")),
			"version":    nonNeg(""),
			"updated_at": dateTime(""),
		}, "id", "org_id", "org_name", "name", "members", "version", "updated_at"),
		"LeadingGroupList": listSchema("Leading groups.", "LeadingGroup"),
	}
}

// dutyRoutes are the routes of the duty list and leading groups.
func dutyRoutes() []*route {
	year := param{name: "year", in: "query", kind: kindInt, desc: "The plan year.", min: 2000, hasMin: true, max: 2100, required: true, example: 2026}
	read := []domain.Permission{domain.PermActivityRead}
	manage := []domain.Permission{domain.PermDutyManage}
	return []*route{
		{method: "GET", path: api + "/duties", opID: "listDuties", tag: "duties", summary: "A year's duties concerning the caller's units",
			desc:   "Duties set by the caller's units, and those set above them that apply to them.",
			params: []param{year, qEnum("pillar", "Only duties of this pillar.", pillarCodes()...)},
			status: 200, resp: "DutyList", perms: read, handle: (*Server).listDuties},
		{method: "POST", path: api + "/duties", opID: "createDuty", tag: "duties", summary: "Add a duty to a year's plan",
			desc: "A target that cannot be met is refused naming the field: a period holding no whole window of its grain (`to`), " +
				"an activity type that does not exist or is retired (`target.type_ids[i]`).",
			body: jsonBody("DutyInput"), status: 201, resp: "Duty", errors: []int{404}, perms: manage, handle: (*Server).createDuty},
		{method: "POST", path: api + "/duties/copy", opID: "copyPlan", tag: "duties", summary: "Copy last year's plan into a year, dates shifted",
			desc: "One transaction, one audit row per copy. Duties already in the year (same owner and title) are skipped, so copying twice changes nothing.",
			body: jsonBody("CopyPlanInput"), status: 200, resp: "CopyResult", perms: manage, handle: (*Server).copyPlan},
		{method: "GET", path: api + "/duties/leader", opID: "leaderDuties", tag: "duties", summary: "Progress of every unit the caller covers, worst first",
			desc:   "The units of the caller's coverage (分片包抓), or its own units when it covers none; each unit's own subtree counted, approved records only.",
			params: []param{year}, status: 200, resp: "LeaderPage", perms: read, handle: (*Server).leaderDuties},
		{method: "GET", path: api + "/duties/{id}", opID: "getDuty", tag: "duties", summary: "One duty",
			params: []param{pathID("The duty's id.")}, status: 200, resp: "Duty", errors: []int{404}, perms: read, handle: (*Server).getDuty},
		{method: "PUT", path: api + "/duties/{id}", opID: "updateDuty", tag: "duties", summary: "Change a duty",
			params: []param{pathID("The duty's id.")}, body: jsonBody("DutyInput"),
			status: 200, resp: "Duty", errors: []int{404, 409}, perms: manage, handle: (*Server).updateDuty},
		{method: "DELETE", path: api + "/duties/{id}", opID: "deleteDuty", tag: "duties", summary: "Remove a duty from its plan",
			desc:   "Refused (409) when units have submitted checklist evidence for it (`checks`) or when an assessment of its year scores the duty completion of its units (`rubric`): such a duty is changed, not deleted.",
			params: []param{pathID("The duty's id.")}, status: 204, errors: []int{404, 409}, perms: manage, handle: (*Server).deleteDuty},
		{method: "POST", path: api + "/duties/{id}/checks", opID: "submitDutyCheck", tag: "duties", summary: "Submit a unit's evidence for a checklist duty",
			desc:   "Replaces the unit's earlier submission and clears its sign-off.",
			params: []param{pathID("The duty's id.")}, body: jsonBody("DutyCheckInput"), status: 204, errors: []int{404},
			perms: []domain.Permission{domain.PermActivityWrite}, handle: (*Server).submitDutyCheck},
		{method: "POST", path: api + "/duties/{id}/sign", opID: "signDutyCheck", tag: "duties", summary: "Sign off a unit's checklist evidence",
			params: []param{pathID("The duty's id.")}, body: jsonBody("DutyCheckSign"), status: 204, errors: []int{404, 409},
			perms: manage, handle: (*Server).signDutyCheck},
		{method: "GET", path: api + "/orgs/{id}/duties", opID: "unitDuties", tag: "duties", summary: "A unit's duties and what is missing",
			desc:   "Each duty applying to the unit, its windows with the approved records of the unit's subtree, and the ledger link of each.",
			params: []param{pathID("The unit's id."), year}, status: 200, resp: "UnitDuties", errors: []int{404}, perms: read, handle: (*Server).unitDuties},
		{method: "GET", path: api + "/leading-groups", opID: "listLeadingGroups", tag: "duties", summary: "Leading groups of the caller's units",
			params: []param{qID("org_id", "Only groups of this unit's subtree.")}, status: 200, resp: "LeadingGroupList", errors: []int{404},
			perms: read, handle: (*Server).listLeadingGroups},
		{method: "GET", path: api + "/orgs/{id}/leading-group", opID: "getLeadingGroup", tag: "duties", summary: "A unit's leading group (empty, version 0, when none is set)",
			params: []param{pathID("The unit's id.")}, status: 200, resp: "LeadingGroup", errors: []int{404}, perms: read, handle: (*Server).getLeadingGroup},
		{method: "PUT", path: api + "/orgs/{id}/leading-group", opID: "putLeadingGroup", tag: "duties", summary: "Set a unit's leading group",
			desc:   "The whole group at once. A unit's first group is created whatever the version; after that `version` must be the one read (409 if it moved).",
			params: []param{pathID("The unit's id.")}, body: jsonBody("LeadingGroupInput"), status: 200, resp: "LeadingGroup", errors: []int{404, 409},
			perms: manage, handle: (*Server).putLeadingGroup},
	}
}
