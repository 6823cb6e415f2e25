package httpapi

import (
	"net/url"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

func (s *Server) getAggregate(c *call) error {
	req := app.AggRequest{
		OrgID:       c.p.int("org_id"),
		Period:      c.p.str("period"),
		TypeIDs:     c.p.ints("type_id"),
		Pillar:      c.p.str("pillar"),
		GroupBy:     app.GroupBy(c.p.str("group_by")),
		CompareLast: c.p.str("compare") == "last_year",
	}
	for _, st := range c.p.strs("status") {
		req.Statuses = append(req.Statuses, domain.Status(st))
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	res, err := s.app.Aggregate(c.ctx(), ac, req)
	if err != nil {
		return err
	}
	return c.reply(res)
}

// clockBody is what GET /api/v1/clock answers.
type clockBody struct {
	Today    domain.Date `json:"today"`
	Now      time.Time   `json:"now"`
	TimeZone string      `json:"time_zone"`
}

func (s *Server) getClock(c *call) error {
	if _, err := c.actor(); err != nil {
		return err
	}
	clk := s.app.Clock()
	now := s.now().In(clk.Location()).Truncate(time.Second)
	return c.reply(clockBody{Today: clk.DateOf(now), Now: now, TimeZone: clk.ZoneName()})
}

func (s *Server) getCurrentPeriod(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	p, err := s.app.CurrentPeriod(c.ctx(), ac, c.p.int("org_id"), c.p.str("kind"))
	if err != nil {
		return err
	}
	return c.reply(p)
}

func (s *Server) getPeriod(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	p, err := s.app.ResolvePeriod(c.ctx(), ac, c.p.int("org_id"), c.p.str("code"))
	if err != nil {
		return err
	}
	return c.reply(p)
}

func (s *Server) listPeriodClosures(c *call) error {
	cs, err := s.app.ListClosures(c.ctx())
	if err != nil {
		return err
	}
	return c.reply(listOf(cs))
}

type closeBody struct {
	Period string `json:"period"`
}

func (s *Server) closePeriod(c *call) error {
	var b closeBody
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	pc, err := s.app.ClosePeriod(c.ctx(), ac, b.Period)
	if err != nil {
		return err
	}
	return c.created(api+"/period-closures/"+url.PathEscape(pc.Period), pc)
}

func (s *Server) reopenPeriod(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	if err := s.app.ReopenPeriod(c.ctx(), ac, c.p.str("period")); err != nil {
		return err
	}
	return c.noContent()
}

func (s *Server) getDashboard(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	res, err := s.app.Dashboard(c.ctx(), ac, c.p.int("org_id"), c.p.str("period"))
	if err != nil {
		return err
	}
	return c.reply(res)
}
