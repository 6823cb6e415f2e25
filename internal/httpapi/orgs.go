package httpapi

import (
	"strconv"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

func (s *Server) listOrgs(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	// A filter naming a unit outside the actor's scope answers 404, as the
	// unit itself would: an empty page would differ from the answer for a
	// unit that does not exist.
	for _, name := range []string{"under", "parent_id"} {
		if id := c.p.int(name); id != 0 {
			if _, err := s.app.GetOrg(c.ctx(), ac, id); err != nil {
				return renameField(err, "", name)
			}
		}
	}
	f := app.OrgFilter{
		Under:    c.p.int("under"),
		ParentID: c.p.int("parent_id"),
		Kind:     domain.OrgKind(c.p.str("kind")),
		Active:   c.p.bool("active"),
		Query:    c.p.str("q"),
		Limit:    int(c.p.int("limit")),
		Offset:   int(c.p.int("offset")),
	}
	items, total, err := s.app.ListOrgs(c.ctx(), ac, f)
	if err != nil {
		return err
	}
	return c.reply(page[domain.OrgUnit]{Items: nonNil(items), Total: total, Limit: f.Limit, Offset: f.Offset})
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// orgBody is what a client sends to create a unit. Dates travel as strings
// and are parsed here, so that a bad one is reported with its field's name.
type orgBody struct {
	ParentID   int64    `json:"parent_id"`
	Kind       string   `json:"kind"`
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Aliases    []string `json:"aliases"`
	ActiveFrom string   `json:"active_from"`
}

func (s *Server) createOrg(c *call) error {
	var b orgBody
	if err := c.decode(&b); err != nil {
		return err
	}
	from, err := optionalDate("active_from", b.ActiveFrom)
	if err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	o, err := s.app.CreateOrg(c.ctx(), ac, app.OrgInput{ParentID: b.ParentID, Kind: domain.OrgKind(b.Kind), Code: b.Code,
		Name: b.Name, Aliases: b.Aliases, ActiveFrom: from})
	if err != nil {
		return err
	}
	return c.created(api+"/orgs/"+strconv.FormatInt(o.ID, 10), o)
}

// optionalDate parses a date field that may be empty.
func optionalDate(field, s string) (domain.Date, error) {
	if s == "" {
		return domain.Date{}, nil
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		return d, domain.Invalid(field, "%q is not a date of the form YYYY-MM-DD", clip(s))
	}
	return d, nil
}

func (s *Server) getOrg(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	o, err := s.app.GetOrg(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(o)
}

func (s *Server) updateOrg(c *call) error {
	var b app.OrgPatch
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	o, err := s.app.UpdateOrg(c.ctx(), ac, c.p.int("id"), b)
	if err != nil {
		return err
	}
	return c.reply(o)
}

type moveBody struct {
	ParentID int64 `json:"parent_id"`
}

func (s *Server) moveOrg(c *call) error {
	var b moveBody
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	o, err := s.app.MoveOrg(c.ctx(), ac, c.p.int("id"), b.ParentID)
	if err != nil {
		return err
	}
	return c.reply(o)
}

type deactivateBody struct {
	Date string `json:"date"`
}

func (s *Server) deactivateOrg(c *call) error {
	var b deactivateBody
	if err := c.decode(&b); err != nil {
		return err
	}
	d, err := optionalDate("date", b.Date)
	if err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	o, err := s.app.DeactivateOrg(c.ctx(), ac, c.p.int("id"), d)
	if err != nil {
		return err
	}
	return c.reply(o)
}

func (s *Server) reactivateOrg(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	o, err := s.app.ReactivateOrg(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(o)
}

func (s *Server) getOrgCalendar(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	cal, err := s.app.GetSemesterCalendar(c.ctx(), ac, c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(cal)
}

func (s *Server) setOrgCalendar(c *call) error {
	var b app.SemesterCalendar
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	cal, err := s.app.SetSemesterCalendar(c.ctx(), ac, c.p.int("id"), b)
	if err != nil {
		return err
	}
	return c.reply(cal)
}
