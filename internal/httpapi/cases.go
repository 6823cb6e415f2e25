package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/casework"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Public-concern cases (舆情事件处置), their time limits, and the monitors'
// views; the rules are in internal/app/cases.go and internal/casework.

func casePath(id int64) string { return api + "/cases/" + strconv.FormatInt(id, 10) }

func (s *Server) listCases(c *call) error {
	q := app.CaseQuery{OrgID: c.p.int("org_id"), States: c.p.strs("state"), Kinds: c.p.strs("kind"), Severities: c.p.strs("severity"),
		StoryID: c.p.int("story_id"), From: c.p.date("from"), To: c.p.date("to"), Limit: int(c.p.int("limit")), Offset: int(c.p.int("offset"))}
	if c.p.has("ids") {
		q.IDs = c.p.ints("ids")
	}
	if b := c.p.bool("overdue"); b != nil {
		q.Overdue = *b
	}
	if b := c.p.bool("escalated"); b != nil {
		q.Escalated = *b
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	items, total, err := s.app.ListCases(c.ctx(), ac, q)
	if err != nil {
		return err
	}
	return c.reply(page[casework.Case]{Items: nonNil(items), Total: total, Limit: q.Limit, Offset: q.Offset})
}

func (s *Server) openCase(c *call) error {
	var b app.CaseInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	cs, err := s.app.OpenCase(c.ctx(), ac, b)
	if err != nil {
		return err
	}
	return c.created(casePath(cs.ID), cs)
}

func (s *Server) getCase(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	cs, err := s.app.GetCase(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(cs)
}

func (s *Server) stepCase(c *call) error {
	var b app.CaseStepInput
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	cs, err := s.app.StepCase(c.ctx(), ac, c.p.int("id"), b)
	if err != nil {
		return err
	}
	return c.reply(cs)
}

func (s *Server) setCaseSeverity(c *call) error {
	var b struct {
		Severity string `json:"severity"`
		Reason   string `json:"reason"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	cs, err := s.app.SetCaseSeverity(c.ctx(), ac, c.p.int("id"), casework.Severity(b.Severity), b.Reason)
	if err != nil {
		return err
	}
	return c.reply(cs)
}

func (s *Server) addCaseNote(c *call) error {
	var b struct {
		Body string `json:"body"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	cs, err := s.app.AddCaseNote(c.ctx(), ac, c.p.int("id"), b.Body)
	if err != nil {
		return err
	}
	return c.reply(cs)
}

func (s *Server) openCaseRectification(c *call) error {
	var b struct {
		Finding       string `json:"finding"`
		Measures      string `json:"measures"`
		Responsible   string `json:"responsible"`
		ResponsibleID int64  `json:"responsible_id"`
		Deadline      string `json:"deadline"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	d, err := optionalDate("deadline", b.Deadline)
	if err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	cs, err := s.app.OpenCaseRectification(c.ctx(), ac, c.p.int("id"), app.CaseRectInput{Finding: b.Finding, Measures: b.Measures,
		Responsible: b.Responsible, ResponsibleID: b.ResponsibleID, Deadline: d})
	if err != nil {
		return err
	}
	return c.reply(cs)
}

// attachCaseEvidence streams an evidence file, as attachRectEvidence does.
func (s *Server) attachCaseEvidence(c *call) error {
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return &httpError{status: http.StatusUnsupportedMediaType, code: codeUnsupportedMedia, field: "file",
			message: "upload the file as multipart/form-data, in the field \"file\""}
	}
	maxFile := s.app.Config().MaxEvidenceSize
	if c.r.ContentLength > maxFile+uploadMargin {
		return blob.TooLarge(maxFile)
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, maxFile+uploadMargin)
	mr, err := c.r.MultipartReader()
	if err != nil {
		return domain.Invalid("file", "the upload is not a well-formed multipart/form-data body")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return domain.Invalid("file", "is required: send the file in the multipart field \"file\"")
		}
		if err != nil {
			return partError(err, maxFile)
		}
		if part.FormName() != "file" {
			if _, err := io.Copy(io.Discard, part); err != nil {
				return partError(err, maxFile)
			}
			continue
		}
		name := part.FileName()
		if name == "" {
			return domain.Invalid("file", "has no filename; send it as a file, not as a text field")
		}
		cs, err := s.app.AttachCaseEvidence(c.ctx(), ac, c.p.int("id"), name, part)
		if err != nil {
			return uploadError(err, maxFile)
		}
		return c.reply(cs)
	}
}

func (s *Server) getCaseEvidence(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	id, sha := c.p.int("id"), c.p.str("sha")
	meta, rc, err := s.app.OpenCaseEvidence(c.ctx(), ac, id, sha)
	if err != nil {
		return err
	}
	defer rc.Close()
	filename := sha
	if cs, err := s.app.GetCase(c.ctx(), ac, id); err == nil {
		for _, e := range cs.Evidence {
			if e.SHA256 == sha {
				filename = e.Filename
			}
		}
	}
	h := c.w.Header()
	h.Set("Content-Type", meta.MediaType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", contentDisposition(dispositionFor(meta.MediaType), filename))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", evidenceCSP)
	h.Set("Content-Length", strconv.FormatInt(meta.Size, 10))
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return nil
	}
	_, err = io.Copy(c.w, rc)
	return err
}

// tierView is a tier as the API shows it: its limits in minutes.
type tierView struct {
	Severity          casework.Severity `json:"severity"`
	TriageMinutes     int64             `json:"triage_minutes"`
	ResponseMinutes   int64             `json:"response_minutes"`
	ResolutionMinutes int64             `json:"resolution_minutes"`
}

func tierViews(ts []casework.Tier) list[tierView] {
	out := make([]tierView, 0, len(ts))
	for _, t := range ts {
		out = append(out, tierView{Severity: t.Severity, TriageMinutes: int64(t.Triage / time.Minute),
			ResponseMinutes: int64(t.Response / time.Minute), ResolutionMinutes: int64(t.Resolution / time.Minute)})
	}
	return listOf(out)
}

func (s *Server) listCaseTiers(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	ts, err := s.app.CaseTiers(c.ctx(), ac)
	if err != nil {
		return err
	}
	return c.reply(tierViews(ts))
}

func (s *Server) putCaseTier(c *call) error {
	var b struct {
		TriageMinutes     int64 `json:"triage_minutes"`
		ResponseMinutes   int64 `json:"response_minutes"`
		ResolutionMinutes int64 `json:"resolution_minutes"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	ts, err := s.app.PutCaseTier(c.ctx(), ac, casework.Tier{Severity: casework.Severity(c.p.str("severity")),
		Triage: time.Duration(b.TriageMinutes) * time.Minute, Response: time.Duration(b.ResponseMinutes) * time.Minute,
		Resolution: time.Duration(b.ResolutionMinutes) * time.Minute})
	if err != nil {
		return err
	}
	return c.reply(tierViews(ts))
}

func (s *Server) monitorStories(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	items, err := s.app.NewStories(c.ctx(), ac)
	if err != nil {
		return err
	}
	return c.reply(listOf(items))
}

func (s *Server) monitorTeams(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	items, err := s.app.MonitorResponseTimes(c.ctx(), ac, domain.Range{From: c.p.date("from"), To: c.p.date("to")})
	if err != nil {
		return err
	}
	return c.reply(listOf(items))
}

func caseRoutes() []*route {
	read := []domain.Permission{domain.PermConcernRead, domain.PermCaseHandle}
	handle := []domain.Permission{domain.PermCaseHandle}
	// Steps need case.handle too; every role writing a unit's records holds it.
	work := []domain.Permission{domain.PermActivityWrite}
	caseID := pathID("The case's id.")
	return []*route{
		{method: "GET", path: api + "/cases", opID: "listCases", tag: "cases", summary: "Cases of the caller's subtree (事件处置)",
			desc: "Open cases first, newest first. A unit's subtree readers see its cases; the units above see them too " +
				"(a passed deadline escalates a case to the parent: `escalated`).",
			params: []param{
				qID("org_id", "Only cases of this unit's subtree."),
				qEnum("state", "Only cases in these states; repeat for several.", stateNames()...).many(),
				qEnum("kind", "Only cases of these kinds; repeat for several.", kindNames()...).many(),
				qEnum("severity", "Only cases of these severities; repeat for several.", severityNames()...).many(),
				qID("story_id", "Only cases opened from this story."),
				qBool("overdue", "Only open cases with a deadline passed unmet."),
				qBool("escalated", "Only cases escalated to one of the caller's own units."),
				qDate("from", "Only cases opened on or after this day (the bureau's zone)."),
				qDate("to", "Only cases opened before this day."),
				qIDs("ids", "Exactly these cases (what a report figure counted)."),
				pLimit, pOffset,
			},
			status: 200, resp: "CasePage", errors: []int{404}, perms: read, handle: (*Server).listCases},
		{method: "POST", path: api + "/cases", opID: "openCase", tag: "cases", summary: "Open a case, from a story or by hand",
			desc: "Its three deadlines are counted from now at its severity's limits. From a story, the unit, title and severity " +
				"default to the story's. The unit's handlers are notified.",
			body: jsonBody("CaseInput"), status: 201, resp: "Case", errors: []int{404}, perms: handle, handle: (*Server).openCase},
		{method: "GET", path: api + "/cases/{id}", opID: "getCase", tag: "cases", summary: "One case, with its deadlines, timeline and evidence",
			params: []param{caseID}, status: 200, resp: "Case", errors: []int{404}, perms: read, handle: (*Server).getCase},
		{method: "POST", path: api + "/cases/{id}/steps", opID: "stepCase", tag: "cases", summary: "Take a step: assess, respond, resolve, close or reopen",
			desc: "The case's handlers only (case.handle and activity.write over its unit); each step needs its text. " +
				"A step meets the deadline it belongs to at this moment.",
			params: []param{caseID}, body: jsonBody("CaseStepInput"), status: 200, resp: "Case", errors: []int{403, 404, 409},
			perms: work, handle: (*Server).stepCase},
		{method: "PUT", path: api + "/cases/{id}/severity", opID: "setCaseSeverity", tag: "cases", summary: "Change a case's severity",
			desc:   "The deadlines are recomputed from the opening at the new severity's limits.",
			params: []param{caseID}, body: jsonBody("CaseSeverityInput"), status: 200, resp: "Case", errors: []int{403, 404, 409},
			perms: work, handle: (*Server).setCaseSeverity},
		{method: "POST", path: api + "/cases/{id}/notes", opID: "addCaseNote", tag: "cases", summary: "Write a note on a case",
			params: []param{caseID}, body: jsonBody("CaseNoteInput"), status: 200, resp: "Case", errors: []int{404, 409},
			perms: handle, handle: (*Server).addCaseNote},
		{method: "POST", path: api + "/cases/{id}/evidence", opID: "attachCaseEvidence", tag: "cases", summary: "Attach an evidence file to a case",
			desc:   "multipart/form-data with the file in the field `file`, checked and stored as the ledger's evidence.",
			params: []param{caseID}, body: &bodySpec{schema: "CaseEvidenceUpload", multipart: true},
			status: 200, resp: "Case", errors: []int{404, 409}, transfer: true, perms: handle, handle: (*Server).attachCaseEvidence},
		{method: "GET", path: api + "/cases/{id}/evidence/{sha}", opID: "getCaseEvidence", tag: "cases", summary: "A case's evidence file",
			desc:   "Audited as a download. Photos inline, every other file as an attachment.",
			params: []param{caseID, pSHA}, status: 200, binary: true, errors: []int{404}, transfer: true,
			perms: read, handle: (*Server).getCaseEvidence},
		{method: "POST", path: api + "/cases/{id}/rectification", opID: "openCaseRectification", tag: "cases", summary: "Open a rectification from a case",
			desc: "For the case's unit, source case, linked both ways; one per case. A unit above opens it (rectification.review), " +
				"as one of the case's handlers.",
			params: []param{caseID}, body: jsonBody("CaseRectificationInput"), status: 200, resp: "Case", errors: []int{403, 404, 409},
			perms: []domain.Permission{domain.PermRectReview}, handle: (*Server).openCaseRectification},
		{method: "GET", path: api + "/case-tiers", opID: "listCaseTiers", tag: "cases", summary: "The time limits per severity",
			reach: reachInstallation, status: 200, resp: "CaseTierList", perms: read, handle: (*Server).listCaseTiers},
		{method: "PUT", path: api + "/case-tiers/{severity}", opID: "putCaseTier", tag: "cases", summary: "Set one severity's time limits",
			desc: "In minutes: first assessment ≤ public response ≤ resolution, each up to 90 days. Cases opened later use them; " +
				"an open case's deadlines move only when its severity changes.",
			reach: reachInstallation, params: []param{pathString("severity", "The severity.").withExample(string(casework.SevGeneral))},
			body: jsonBody("CaseTierInput"), status: 200, resp: "CaseTierList", perms: []domain.Permission{domain.PermCaseTiers},
			handle: (*Server).putCaseTier},
		{method: "GET", path: api + "/monitor/stories", opID: "monitorStories", tag: "cases", summary: "New stories for the caller's units, no case yet",
			desc:   "Stories seen in the last 72 hours, matched by a rule, routed to a unit of the caller's, from which no case was opened: what waits for a monitor.",
			status: 200, resp: "NewStoryList", perms: []domain.Permission{domain.PermConcernRead}, handle: (*Server).monitorStories},
		{method: "GET", path: api + "/monitor/teams", opID: "monitorTeams", tag: "cases", summary: "Each monitor team's response times",
			desc: "For each active monitor team of the caller's subtree, over the cases opened from stories in its unit's subtree in the period: " +
				"minutes from the story first seen to the case opened and to its first assessment (median and 90th percentile). " +
				"By team only: never per person, never per poster.",
			params: []param{qDate("from", "The first day.").req().withExample("2026-01-01"), qDate("to", "The day after the last.").req().withExample("2027-01-01")},
			status: 200, resp: "TeamResponseList", perms: []domain.Permission{domain.PermConcernRead}, handle: (*Server).monitorTeams},
	}
}

func stateNames() []string    { return names(casework.States) }
func kindNames() []string     { return names(casework.Kinds) }
func severityNames() []string { return names(casework.Severities) }

func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func caseSchemas() obj {
	minutes := func(desc string, v int) obj {
		return ex(obj{"type": "integer", "minimum": 1, "maximum": int(casework.MaxLimit / time.Minute), "description": desc}, v)
	}
	nullMinutes := func(desc string) obj {
		return obj{"type": []string{"integer", "null"}, "minimum": 0, "description": desc}
	}
	tier := object("A severity's time limits, counted from a case's opening.", obj{
		"severity":           enum("", severityNames()...),
		"triage_minutes":     minutes("First assessment (研判).", 300),
		"response_minutes":   minutes("Public response (回应).", 1440),
		"resolution_minutes": minutes("Resolution (处置完毕).", 2880),
	}, "severity", "triage_minutes", "response_minutes", "resolution_minutes")
	return obj{
		"CaseInput": object("A case to open.", obj{
			"org_id":   ex(id("Where it happened (属地): a unit the caller reads. From a story, 0 takes its lowest routed unit the caller reads."), 1),
			"story_id": obj{"type": "integer", "format": "int64", "minimum": 0, "description": "The story it is opened from (0 or absent: by hand)."},
			"title":    ex(strMax("One line; from a story, empty takes the story's title.", app.MaxCaseTitleLen), "家长反映食堂饭菜质量问题"),
			"summary":  strMax("What is known.", app.MaxCaseTextLen),
			"kind":     ex(enum("What it is about (default other).", kindNames()...), string(casework.KindService)),
			"severity": ex(enum("Its tier; required by hand, from a story it defaults to the story's.", severityNames()...), string(casework.SevGeneral)),
		}, "org_id", "title", "severity"),
		"Case": object("A public concern or incident being handled (舆情事件).", obj{
			"id": id(""), "org_id": id("Where it happened (属地)."), "org_name": str(""),
			"story_id": id("The story it was opened from."), "story_title": str(""), "story_first_seen": dateTime("When the story's first item was seen."),
			"title": str(""), "summary": str(""),
			"kind":       enum("", kindNames()...),
			"severity":   enum("", severityNames()...),
			"state":      enum("new → assessing → responding → resolved → closed; resolved or closed → assessing (reopen).", stateNames()...),
			"assessment": str("The first assessment (研判)."), "public_response": str("The public response (回应)."),
			"review":    str("The post-incident review (复盘)."),
			"opened_at": dateTime(""), "resolved_at": dateTime(""), "closed_at": dateTime(""),
			"escalated_to": id("The parent unit a passed deadline moved it to."), "escalated_to_name": str(""),
			"rectification_id": id("The rectification opened from it."),
			"created_by":       str(""), "updated_at": dateTime(""),
			"version": obj{"type": "integer", "minimum": 1},
			"overdue": boolean("A deadline passed with its step not done."),
			"deadlines": array("Its three deadlines, in the order they fall.", object("", obj{
				"kind":         enum("triage (first assessment), response (public response), resolution.", names(casework.Deadlines)...),
				"due_at":       dateTime(""),
				"done_at":      dateTime("When its step was done."),
				"escalated_at": dateTime("When its passing escalated the case."),
				"standing":     enum("pending, overdue (passed, not done), met (done by it), missed (done late).", "pending", "overdue", "met", "missed"),
			}, "kind", "due_at", "standing")),
			"steps": array("The timeline, oldest first.", object("", obj{
				"kind":   enum("", "open", "assess", "respond", "resolve", "close", "reopen", "note", "evidence", "severity", "escalate", "rectification"),
				"body":   str(""),
				"author": str(""),
				"at":     dateTime(""),
			}, "kind", "body", "author", "at")),
			"evidence": array("Evidence files.", object("", obj{
				"sha256": str(shaDesc), "filename": str(""), "media_type": str(""),
				"size": obj{"type": "integer", "minimum": 0}, "attached_at": dateTime(""),
			}, "sha256", "filename", "media_type", "size", "attached_at")),
		}, "id", "org_id", "org_name", "title", "summary", "kind", "severity", "state", "assessment", "public_response", "review",
			"opened_at", "created_by", "updated_at", "version", "overdue", "deadlines"),
		"CasePage": pageSchema("A page of cases, open first, newest first.", "Case"),
		"CaseStepInput": object("A step and its text.", obj{
			"action": ex(enum("", names(casework.Actions)...), string(casework.ActAssess)),
			"text":   ex(strMax("The assessment, the public response, the resolution, the review, or the reason to reopen.", app.MaxCaseTextLen), "经核实，属一般民生诉求"),
		}, "action", "text"),
		"CaseSeverityInput": object("A new severity.", obj{
			"severity": ex(enum("", severityNames()...), string(casework.SevMajor)),
			"reason":   strMax("Why.", app.MaxCaseTextLen),
		}, "severity"),
		"CaseNoteInput": object("A note.", obj{
			"body": ex(strMax("", app.MaxCaseTextLen), "原帖已被转发 30 次"),
		}, "body"),
		"CaseRectificationInput": object("A rectification to open from a case.", obj{
			"finding":        ex(strMax("What was found.", domain.MaxRectFindingLen), "师德师风教育不到位"),
			"measures":       strMax("The measures to take.", domain.MaxRectTextLen),
			"responsible":    ex(strMax("The responsible person's name.", domain.MaxRectNameLen), "王校长"),
			"responsible_id": obj{"type": "integer", "format": "int64", "minimum": 0, "description": "Their account (optional)."},
			"deadline":       ex(date("Today or later."), "2099-12-31"),
		}, "finding", "responsible", "deadline"),
		"CaseEvidenceUpload": object("", obj{"file": obj{"type": "string", "contentMediaType": "application/octet-stream", "description": "The file."}}, "file"),
		"CaseTier":           tier,
		"CaseTierInput": object("A severity's new time limits.", obj{
			"triage_minutes":     minutes("First assessment (研判).", 1440),
			"response_minutes":   minutes("Public response (回应).", 2880),
			"resolution_minutes": minutes("Resolution.", 10080),
		}, "triage_minutes", "response_minutes", "resolution_minutes"),
		"CaseTierList": listSchema("Every severity's limits, most severe first.", "CaseTier"),
		"NewStory": object("A story routed to the caller's units with no case opened from it.", obj{
			"id": id(""), "title": str(""), "url": str(""), "topic": str(""),
			"severity":   obj{"type": "integer", "minimum": 0, "maximum": 3, "description": "0 none, 1 一般, 2 较大, 3 重大."},
			"item_count": obj{"type": "integer", "minimum": 0},
			"first_seen": dateTime(""), "last_seen": dateTime(""),
			"org_id": id("Its lowest routed unit the caller reads."), "org_name": str(""),
		}, "id", "title", "url", "topic", "severity", "item_count", "first_seen", "last_seen", "org_id", "org_name"),
		"NewStoryList": listSchema("Most severe first, then newest.", "NewStory"),
		"TeamResponse": object("A monitor team's response times over a period.", obj{
			"team_id": id(""), "team": str(""), "org_id": id("The team's unit: it watches its subtree."), "org_name": str(""),
			"members":               obj{"type": "integer", "minimum": 0},
			"cases":                 obj{"type": "integer", "minimum": 0, "description": "Cases opened from stories in the subtree."},
			"open_median_minutes":   nullMinutes("Story first seen → case opened, median (null: no case)."),
			"open_p90_minutes":      nullMinutes("The same, 90th percentile."),
			"assessed":              obj{"type": "integer", "minimum": 0, "description": "Of those, assessed."},
			"assess_median_minutes": nullMinutes("Story first seen → first assessment, median."),
			"assess_p90_minutes":    nullMinutes("The same, 90th percentile."),
		}, "team_id", "team", "org_id", "org_name", "members", "cases", "open_median_minutes", "open_p90_minutes", "assessed",
			"assess_median_minutes", "assess_p90_minutes"),
		"TeamResponseList": listSchema("", "TeamResponse"),
	}
}
