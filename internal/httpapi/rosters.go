package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Teams and their members (队伍名册): handlers of the routes under /teams.

// pMemberID is a member's id in the path.
var pMemberID = param{name: "member_id", in: "path", kind: kindInt, desc: "The member's id.", min: 1, hasMin: true, required: true}

func teamPath(id int64) string { return api + "/teams/" + strconv.FormatInt(id, 10) }

func (s *Server) listTeams(c *call) error {
	q := teamQuery(c, true)
	ac, err := c.actor()
	if err != nil {
		return err
	}
	items, total, err := s.app.ListTeams(c.ctx(), ac, q)
	if err != nil {
		return err
	}
	return c.reply(page[domain.Team]{Items: nonNil(items), Total: total, Limit: q.Limit, Offset: q.Offset})
}

// teamQuery is the teams filter of the list (paged) and its export.
func teamQuery(c *call, paged bool) app.TeamQuery {
	q := app.TeamQuery{
		OrgID:  c.p.int("org_id"),
		Kind:   c.p.str("kind"),
		Active: c.p.bool("active"),
		Query:  c.p.str("q"),
		At:     c.p.date("at"),
	}
	if paged {
		q.Limit, q.Offset = int(c.p.int("limit")), int(c.p.int("offset"))
	}
	return q
}

// teamFields are the client-set fields of a team, the date as a string so
// that a bad one names its field.
type teamFields struct {
	OrgID       int64  `json:"org_id"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	Description string `json:"description"`
	FoundedOn   string `json:"founded_on"`
}

func (f teamFields) input() (domain.TeamInput, error) {
	d, err := optionalDate("founded_on", f.FoundedOn)
	return domain.TeamInput{OrgID: f.OrgID, Kind: domain.TeamKind(f.Kind), Name: f.Name, Description: f.Description, FoundedOn: d}, err
}

func (s *Server) createTeam(c *call) error {
	var b teamFields
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
	t, err := s.app.CreateTeam(c.ctx(), ac, in)
	if err != nil {
		return err
	}
	return c.created(teamPath(t.ID), t)
}

func (s *Server) getTeam(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	t, err := s.app.GetTeam(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(t)
}

func (s *Server) updateTeam(c *call) error {
	var b teamFields
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
	t, err := s.app.UpdateTeam(c.ctx(), ac, c.p.int("id"), in)
	if err != nil {
		return err
	}
	return c.reply(t)
}

func (s *Server) deactivateTeam(c *call) error { return s.setTeamActive(c, false) }
func (s *Server) activateTeam(c *call) error   { return s.setTeamActive(c, true) }

func (s *Server) setTeamActive(c *call, active bool) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	t, err := s.app.SetTeamActive(c.ctx(), ac, c.p.int("id"), active)
	if err != nil {
		return err
	}
	return c.reply(t)
}

func (s *Server) listMembers(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	all := c.p.bool("all")
	ms, err := s.app.ListMembers(c.ctx(), ac, c.p.int("id"), all != nil && *all)
	if err != nil {
		return err
	}
	return c.reply(listOf(ms))
}

// memberFields are the client-set fields of a member.
type memberFields struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	OrgID    int64  `json:"org_id"`
	Title    string `json:"title"`
	Phone    string `json:"phone"`
	JoinedOn string `json:"joined_on"`
	LeftOn   string `json:"left_on"`
}

func (f memberFields) input() (domain.MemberInput, error) {
	j, err := optionalDate("joined_on", f.JoinedOn)
	if err != nil {
		return domain.MemberInput{}, err
	}
	l, err := optionalDate("left_on", f.LeftOn)
	return domain.MemberInput{Name: f.Name, Role: domain.MemberRole(f.Role), OrgID: f.OrgID, Title: f.Title, Phone: f.Phone,
		JoinedOn: j, LeftOn: l}, err
}

func (s *Server) addMember(c *call) error {
	var b memberFields
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
	m, err := s.app.AddMember(c.ctx(), ac, c.p.int("id"), in)
	if err != nil {
		return err
	}
	return c.created(teamPath(m.TeamID)+"/members/"+strconv.FormatInt(m.ID, 10), m)
}

func (s *Server) getMember(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	m, err := s.app.GetMember(c.ctx(), ac, c.p.int("id"), c.p.int("member_id"))
	if err != nil {
		return err
	}
	return c.reply(m)
}

func (s *Server) updateMember(c *call) error {
	var b memberFields
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
	m, err := s.app.UpdateMember(c.ctx(), ac, c.p.int("id"), c.p.int("member_id"), in)
	if err != nil {
		return err
	}
	return c.reply(m)
}

func (s *Server) removeMember(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	if err := s.app.RemoveMember(c.ctx(), ac, c.p.int("id"), c.p.int("member_id")); err != nil {
		return err
	}
	return c.noContent()
}

// importMembers reads the workbook from the multipart field "file" (bounded)
// and hands it to the app, which imports all rows or none.
func (s *Server) importMembers(c *call) error {
	buf, _, err := readWorkbookUpload(c, app.MaxImportFileSize)
	if err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	res, err := s.app.ImportMembers(c.ctx(), ac, c.p.int("id"), buf)
	if err != nil {
		return err
	}
	return c.reply(res)
}

// readWorkbookUpload reads the file of an import from the multipart field
// "file", whole and bounded by maxFile, so that a body cut short is an
// upload error, not a "bad workbook"; it returns the file and its name.
func readWorkbookUpload(c *call, maxFile int64) (*bytes.Buffer, string, error) {
	mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, "", &httpError{status: http.StatusUnsupportedMediaType, code: codeUnsupportedMedia, field: "file",
			message: "upload the workbook as multipart/form-data, in the field \"file\""}
	}
	if c.r.ContentLength > maxFile+uploadMargin {
		return nil, "", domain.TooLarge("file", "the file must be at most %d MB", maxFile>>20)
	}
	if _, err := c.actor(); err != nil {
		return nil, "", err
	}
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, maxFile+uploadMargin)
	mr, err := c.r.MultipartReader()
	if err != nil {
		return nil, "", domain.Invalid("file", "the upload is not a well-formed multipart/form-data body")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", domain.Invalid("file", "is required: send the workbook in the multipart field \"file\"")
		}
		if err != nil {
			return nil, "", importUploadError(err, maxFile)
		}
		if part.FormName() != "file" {
			if _, err := io.Copy(io.Discard, part); err != nil {
				return nil, "", importUploadError(err, maxFile)
			}
			continue
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, io.LimitReader(part, maxFile+1)); err != nil {
			return nil, "", importUploadError(err, maxFile)
		}
		return &buf, part.FileName(), nil
	}
}

func importUploadError(err error, maxFile int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return domain.TooLarge("file", "the file must be at most %d MB", maxFile>>20)
	}
	return uploadError(err, maxFile)
}

func (s *Server) getMemberImportTemplate(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.app.ImportTemplate(ac, &buf); err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", contentDisposition("attachment", "队伍成员导入模板.xlsx"))
	h.Set("Cache-Control", "no-store")
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return nil
	}
	_, err = c.w.Write(buf.Bytes())
	return err
}

func teamKindCodes() []string {
	out := make([]string, len(domain.TeamKinds))
	for i, k := range domain.TeamKinds {
		out[i] = string(k)
	}
	return out
}

func memberRoleCodes() []string {
	out := make([]string, len(domain.MemberRoles))
	for i, r := range domain.MemberRoles {
		out[i] = string(r)
	}
	return out
}

// rosterSchemas are the component schemas of the roster routes.
func rosterSchemas() obj {
	teamInput := obj{
		"org_id":      id("The unit owning the team (in the caller's write scope, active)."),
		"kind":        ex(enum("outreach 宣讲队伍, commentator 网评员队伍, monitor 舆情监督员队伍, information 信息员队伍, volunteer 志愿服务队伍.", teamKindCodes()...), "outreach"),
		"name":        ex(strMax("Unique within the unit.", domain.MaxTeamNameLen), "红烛宣讲队"),
		"description": strMax("What the team does.", domain.MaxTeamDescLen),
		"founded_on":  ex(date("The day the team stood up (default today; not in the future). It counts in figures from then."), "2024-03-01"),
	}
	memberInput := obj{
		"name":      ex(strMax("The person's name.", domain.MaxPersonNameLen), "王晓明"),
		"role":      ex(enum("leader 队长, deputy 副队长, member 成员, liaison 联络员.", memberRoleCodes()...), "member"),
		"org_id":    id("The unit the person works in: in the team's unit's subtree and the caller's write scope."),
		"title":     strMax("Position (职务), optional.", domain.MaxPositionLen),
		"phone":     ex(str("Optional: a mobile 138-1234-5678 or a landline 0915-1234567; stored as digits."), "138-1234-5678"),
		"joined_on": ex(date("Default today; not in the future."), "2024-03-01"),
		"left_on":   str("The day the person left (YYYY-MM-DD, not in the future), or empty while a member. Counts stop that day."),
	}
	return obj{
		"TeamInput": object("What a client may set on a team.", teamInput, "org_id", "kind", "name"),
		"Team": object("A team (队伍) of a unit.", merge(teamInput, obj{
			"id":           id(""),
			"org_name":     str("The owning unit's name."),
			"dissolved_on": date("The day it was deactivated; absent while active."),
			"active":       boolean(""),
			"members":      obj{"type": "integer", "minimum": 0, "description": "Members today, or on day `at` when the list was asked with it."},
			"created_by":   str(""),
			"created_at":   dateTime(""),
			"updated_at":   dateTime(""),
		}), "id", "org_id", "org_name", "kind", "name", "description", "founded_on", "active", "members", "created_by", "created_at", "updated_at"),
		"TeamPage":    pageSchema("A page of teams.", "Team"),
		"MemberInput": object("What a client may set on a member.", memberInput, "name", "role", "org_id"),
		"Member": object("One person's place in a team. No ID numbers, no political or religious affiliation are kept.", merge(memberInput, obj{
			"id":           id(""),
			"team_id":      id(""),
			"org_name":     str("The member's unit's name."),
			"phone":        str("Digits, or masked (138****5678) when `phone_masked`; empty when not given."),
			"phone_masked": boolean("Whether `phone` is masked."),
			"joined_on":    date(""),
			"left_on":      date("Present when the person left."),
			"created_at":   dateTime(""),
			"updated_at":   dateTime(""),
		}), "id", "team_id", "name", "role", "org_id", "org_name", "title", "phone", "phone_masked", "joined_on", "created_at", "updated_at"),
		"MemberList": listSchema("Members.", "Member"),
		"MemberImportUpload": object("A multipart/form-data upload.", obj{
			"file": obj{"type": "string", "contentMediaType": xlsxType,
				"description": "The .xlsx workbook (at most 5 MB, 2000 members) with the template's header row."},
		}, "file"),
		"MemberImportResult": object("A finished import.", obj{
			"team_id":  id(""),
			"imported": obj{"type": "integer", "minimum": 1, "description": "Members added."},
			"members":  obj{"type": "integer", "minimum": 0, "description": "The team's members today, after the import."},
		}, "team_id", "imported", "members"),
	}
}
