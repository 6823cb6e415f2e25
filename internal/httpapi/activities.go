package httpapi

import (
	"strconv"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

func (s *Server) listActivities(c *call) error {
	q, err := ledgerQuery(c)
	if err != nil {
		return err
	}
	q.Limit, q.Offset, q.After = int(c.p.int("limit")), int(c.p.int("offset")), c.p.str("after")
	ac, err := c.actor()
	if err != nil {
		return err
	}
	p, err := s.app.ListLedgerPage(c.ctx(), ac, q)
	if err != nil {
		return err
	}
	return c.reply(ledgerPage{Items: nonNil(p.Items), Total: p.Total, Capped: p.Capped, Limit: q.Limit, Offset: q.Offset, Next: p.Next})
}

// ledgerPage is a page of the ledger: a page with the keyset cursor of the next.
type ledgerPage struct {
	Items  []domain.Activity `json:"items"`
	Total  int               `json:"total"`
	Capped bool              `json:"total_capped,omitempty"`
	Limit  int               `json:"limit"`
	Offset int               `json:"offset"`
	Next   string            `json:"next,omitempty"`
}

// ledgerQuery reads the ledger filter of a list or export request; paging
// is the list's own.
func ledgerQuery(c *call) (app.ActivityQuery, error) {
	q := app.ActivityQuery{
		OrgID:       c.p.int("org_id"),
		TypeIDs:     c.p.ints("type_id"),
		Pillar:      c.p.str("pillar"),
		Period:      c.p.str("period"),
		From:        c.p.date("from"),
		To:          c.p.date("to"),
		HasEvidence: c.p.bool("has_evidence"),
		Query:       c.p.str("q"),
		EvidenceSHA: c.p.str("evidence"),
		Venue:       c.p.str("venue"),
		CreatedBy:   c.p.str("created_by"),
		EnteredOn:   c.p.date("entered_on"),
		ImportBatch: c.p.int("import_batch"),
		Sort:        c.p.str("sort"),
		Asc:         c.p.str("order") == "asc",
	}
	for _, st := range c.p.strs("status") {
		q.Statuses = append(q.Statuses, domain.Status(st))
	}
	if q.Period != "" && (c.p.has("from") || c.p.has("to")) {
		// The app would silently prefer the period; a client that sent both
		// believes something the answer would not honour.
		return q, domain.Invalid("period", "give either a period or from/to, not both")
	}
	return q, nil
}

// activityFields are the client-set fields of an activity (domain.ActivityInput,
// with the date as a string so that a bad one names its field).
type activityFields struct {
	OrgID       int64    `json:"org_id"`
	TypeID      int64    `json:"type_id"`
	Date        string   `json:"date"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Attendance  int      `json:"attendance"`
	Venues      []string `json:"venues"`
	Publication string   `json:"publication"`
}

func (f activityFields) input() (domain.ActivityInput, error) {
	d, err := optionalDate("date", f.Date)
	if err != nil {
		return domain.ActivityInput{}, err
	}
	return domain.ActivityInput{OrgID: f.OrgID, TypeID: f.TypeID, Date: d, Title: f.Title, Description: f.Description,
		Attendance: f.Attendance, Venues: f.Venues, Publication: f.Publication}, nil
}

type activityCreateBody struct {
	activityFields
	Submit bool `json:"submit"`
}

type activityUpdateBody struct {
	activityFields
	Version *int64 `json:"version"`
}

func (s *Server) createActivity(c *call) error {
	var b activityCreateBody
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
	var a domain.Activity
	if key := c.p.str("Idempotency-Key"); key != "" {
		var replayed bool
		a, replayed, err = s.app.CreateActivityOnce(c.ctx(), ac, key, in, b.Submit)
		if replayed {
			c.w.Header().Set("Idempotent-Replayed", "true")
		}
	} else {
		a, err = s.app.CreateActivity(c.ctx(), ac, in, b.Submit)
	}
	if err != nil {
		return err
	}
	return c.created(activityPath(a.ID), a)
}

func activityPath(id int64) string { return api + "/activities/" + strconv.FormatInt(id, 10) }

func (s *Server) getActivity(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	a, err := s.app.GetActivity(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(a)
}

func (s *Server) getActivityHistory(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	h, err := s.app.ActivityHistory(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(listOf(h))
}

func (s *Server) updateActivity(c *call) error {
	var b activityUpdateBody
	if err := c.decode(&b); err != nil {
		return err
	}
	if b.Version == nil {
		return domain.Invalid("version", "is required: send the version you read, so a concurrent change is not overwritten")
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	a, err := s.app.UpdateActivity(c.ctx(), ac, c.p.int("id"), *b.Version, in)
	if err != nil {
		return err
	}
	return c.reply(a)
}

func (s *Server) deleteActivity(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	if err := s.app.DeleteActivity(c.ctx(), ac, c.p.int("id")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) submitActivity(c *call) error  { return s.transition(c, domain.ActSubmit, "") }
func (s *Server) approveActivity(c *call) error { return s.transition(c, domain.ActApprove, "") }

type returnBody struct {
	Reason string `json:"reason"`
}

func (s *Server) returnActivity(c *call) error {
	var b returnBody
	if err := c.decode(&b); err != nil {
		return err
	}
	return s.transition(c, domain.ActReturn, b.Reason)
}

func (s *Server) transition(c *call, t domain.Transition, reason string) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	a, err := s.app.Transition(c.ctx(), ac, c.p.int("id"), t, reason)
	if err != nil {
		return err
	}
	return c.reply(a)
}

type bulkBody struct {
	IDs []int64 `json:"ids"`
}

func (s *Server) bulkApprove(c *call) error {
	var b bulkBody
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	as, err := s.app.BulkApprove(c.ctx(), ac, b.IDs)
	if err != nil {
		return err
	}
	return c.reply(listOf(as))
}
