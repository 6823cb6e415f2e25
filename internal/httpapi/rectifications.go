package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Rectifications (整改) and the yearly assessment (考核); the rules are in
// internal/app/rectifications.go and assessments.go.

func rectPath(id int64) string { return api + "/rectifications/" + strconv.FormatInt(id, 10) }

func (s *Server) listRectifications(c *call) error {
	q := rectQuery(c, true)
	ac, err := c.actor()
	if err != nil {
		return err
	}
	items, total, err := s.app.ListRectifications(c.ctx(), ac, q)
	if err != nil {
		return err
	}
	return c.reply(page[domain.Rectification]{Items: nonNil(items), Total: total, Limit: q.Limit, Offset: q.Offset})
}

// rectQuery is the rectifications filter of the list and its export.
func rectQuery(c *call, paged bool) app.RectQuery {
	q := app.RectQuery{OrgID: c.p.int("org_id"), State: c.p.str("state"), Year: int(c.p.int("year")),
		OpenedFrom: c.p.date("opened_from"), OpenedTo: c.p.date("opened_to"), ClosedFrom: c.p.date("closed_from"), ClosedTo: c.p.date("closed_to")}
	if paged {
		q.Limit, q.Offset = int(c.p.int("limit")), int(c.p.int("offset"))
	}
	for name, dst := range map[string]*bool{"overdue": &q.Overdue, "escalated": &q.Escalated, "to_review": &q.ToReview, "on_time": &q.OnTime, "immediate": &q.Immediate} {
		if b := c.p.bool(name); b != nil {
			*dst = *b
		}
	}
	return q
}

// rectFields are the client-set fields of a rectification, the deadline as a
// string so that a bad one names its field.
type rectFields struct {
	OrgID         int64  `json:"org_id"`
	Source        string `json:"source"`
	Ref           string `json:"ref"`
	Finding       string `json:"finding"`
	Measures      string `json:"measures"`
	Responsible   string `json:"responsible"`
	ResponsibleID int64  `json:"responsible_id"`
	Deadline      string `json:"deadline"`
}

func (s *Server) createRectification(c *call) error {
	var b rectFields
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
	r, err := s.app.CreateRectification(c.ctx(), ac, domain.RectificationInput{OrgID: b.OrgID, Source: domain.RectSource(b.Source), Ref: b.Ref,
		Finding: b.Finding, Measures: b.Measures, Responsible: b.Responsible, ResponsibleID: b.ResponsibleID, Deadline: d})
	if err != nil {
		return err
	}
	return c.created(rectPath(r.ID), r)
}

func (s *Server) getRectification(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	r, err := s.app.GetRectification(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(r)
}

func (s *Server) addRectNote(c *call) error {
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
	r, err := s.app.AddRectNote(c.ctx(), ac, c.p.int("id"), b.Body)
	if err != nil {
		return err
	}
	return c.reply(r)
}

func (s *Server) submitRectification(c *call) error {
	var b struct {
		Statement string `json:"statement"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	r, err := s.app.SubmitRectification(c.ctx(), ac, c.p.int("id"), b.Statement)
	if err != nil {
		return err
	}
	return c.reply(r)
}

func (s *Server) reviewRectification(c *call) error {
	var b struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	r, err := s.app.ReviewRectification(c.ctx(), ac, c.p.int("id"), b.Decision, b.Reason)
	if err != nil {
		return err
	}
	return c.reply(r)
}

// attachRectEvidence streams a closure evidence file, as attachEvidence does
// for an activity.
func (s *Server) attachRectEvidence(c *call) error {
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
		r, err := s.app.AttachRectEvidence(c.ctx(), ac, c.p.int("id"), name, part)
		if err != nil {
			return uploadError(err, maxFile)
		}
		return c.reply(r)
	}
}

func (s *Server) getRectEvidence(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	id, sha := c.p.int("id"), c.p.str("sha")
	meta, rc, err := s.app.OpenRectEvidence(c.ctx(), ac, id, sha)
	if err != nil {
		return err
	}
	defer rc.Close()
	filename := sha
	if r, err := s.app.GetRectification(c.ctx(), ac, id); err == nil {
		for _, e := range r.Evidence {
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

func rectSchemas() obj {
	states := make([]string, len(domain.RectStates))
	for i, s := range domain.RectStates {
		states[i] = string(s)
	}
	sources := []string{string(domain.RectFromProblem), string(domain.RectFromInspection), string(domain.RectFromCase), string(domain.RectFromManual)}
	return obj{
		"RectificationInput": object("A rectification to open.", obj{
			"org_id":         ex(id("The owner unit, which fixes the problem: in the caller's write scope."), 1),
			"source":         ex(enum("Where it came from (default manual). A problem is named in `ref` as unit id:period:key of an accepted problem.", sources...), "inspection"),
			"ref":            ex(strMax("The source: the problem (unit id:period:key), the inspection's name, the case.", 4*domain.MaxRectNameLen), "2026年秋季督导检查"),
			"finding":        ex(strMax("What was found.", domain.MaxRectFindingLen), "意识形态工作台账不全"),
			"measures":       ex(strMax("The measures to take.", domain.MaxRectTextLen), "补齐台账，专人负责"),
			"responsible":    ex(strMax("The responsible person's name; may be empty when responsible_id names their account.", domain.MaxRectNameLen), "王校长"),
			"responsible_id": obj{"type": "integer", "format": "int64", "minimum": 0, "description": "The responsible person's account, in the owner's subtree (optional)."},
			"deadline":       ex(date("The deadline: today or later."), "2099-12-31"),
		}, "org_id", "finding", "responsible", "deadline"),
		"Rectification": object("A found problem tracked to closure (整改).", obj{
			"id": id(""), "org_id": id("The owner unit."), "org_name": str(""),
			"review_org_id": id("The unit that signs off: the opener's, or the owner's parent."), "review_org_name": str(""),
			"source": enum("", sources...), "ref": str(""), "finding": str(""), "measures": str(""),
			"responsible": str(""), "responsible_id": id(""),
			"opened_on": date(""), "deadline": date(""),
			"state":         enum("open → submitted → closed, or submitted → returned → submitted.", states...),
			"submitted_on":  date("The latest submission; once closed, the day the work was done (on-time and 立行立改 are judged by it)."),
			"closed_on":     date("The reviewer's sign-off."),
			"return_reason": str("Why it was last sent back."),
			"escalation":    obj{"type": "integer", "minimum": 0, "description": "Levels above the owner it has been escalated (0: none)."},
			"escalated_to":  id("The unit it stands at."), "escalated_to_name": str(""),
			"created_by": str(""), "created_at": dateTime(""), "updated_at": dateTime(""),
			"version":   obj{"type": "integer", "minimum": 1},
			"overdue":   boolean("Still pending after its deadline."),
			"on_time":   boolean("Closed, done by its deadline."),
			"immediate": boolean("Closed, done within the configured days of opening (立行立改)."),
			"notes": array("The timeline, oldest first.", object("", obj{
				"kind":   enum("", "create", "note", "evidence", "submit", "close", "return", "escalate"),
				"body":   str(""),
				"author": str(""),
				"at":     dateTime(""),
			}, "kind", "body", "author", "at")),
			"evidence": array("Closure evidence files.", object("", obj{
				"sha256": str(shaDesc), "filename": str(""), "media_type": str(""),
				"size": obj{"type": "integer", "minimum": 0}, "attached_at": dateTime(""),
			}, "sha256", "filename", "media_type", "size", "attached_at")),
		}, "id", "org_id", "org_name", "review_org_id", "review_org_name", "source", "ref", "finding", "measures", "responsible",
			"opened_on", "deadline", "state", "escalation", "created_by", "created_at", "updated_at", "version", "overdue", "on_time", "immediate"),
		"RectificationPage": pageSchema("A page of rectifications, pending and nearest deadline first.", "Rectification"),
		"RectNoteInput": object("A progress note.", obj{
			"body": ex(strMax("What was done.", domain.MaxRectTextLen), "已召开专题会议，补录台账"),
		}, "body"),
		"RectSubmitInput": object("A submission: the work is done (closure evidence must be attached first).", obj{
			"statement": ex(strMax("How it was fixed.", domain.MaxRectTextLen), "台账已补齐"),
		}),
		"RectReviewInput": object("The reviewer's decision.", obj{
			"decision": ex(enum("close signs it off; return sends it back.", app.RectDecisionClose, app.RectDecisionReturn), app.RectDecisionClose),
			"reason":   ex(strMax("Why (required to send back).", domain.MaxRectTextLen), "整改到位"),
		}, "decision"),
		"RectEvidenceUpload": object("", obj{"file": obj{"type": "string", "contentMediaType": "application/octet-stream", "description": "The file."}}, "file"),
	}
}
