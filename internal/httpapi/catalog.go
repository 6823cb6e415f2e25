package httpapi

import (
	"strconv"

	"github.com/zeren-edu/zeren/internal/domain"
)

func (s *Server) listPillars(c *call) error { return c.reply(listOf(s.app.Pillars())) }

func (s *Server) listActivityTypes(c *call) error {
	active := c.p.bool("active")
	// The app filters "active only"; "retired only" is filtered here.
	types, err := s.app.ListTypes(c.ctx(), c.p.str("pillar"), active != nil && *active)
	if err != nil {
		return err
	}
	if active != nil && !*active {
		retired := []domain.ActivityType{}
		for _, t := range types {
			if !t.Active {
				retired = append(retired, t)
			}
		}
		types = retired
	}
	return c.reply(listOf(types))
}

// typeBody is what a client sends to create or change an activity type.
type typeBody struct {
	Code              string   `json:"code"`
	Pillar            string   `json:"pillar"`
	Name              string   `json:"name"`
	NameEN            string   `json:"name_en"`
	Venues            []string `json:"venues"`
	ExpectsAttendance bool     `json:"expects_attendance"`
	ExpectsEvidence   bool     `json:"expects_evidence"`
	TracksPublication bool     `json:"tracks_publication"`
	Active            *bool    `json:"active"`
	Order             int      `json:"order"`
	Description       string   `json:"description"`
}

func (b typeBody) activityType(id int64, active bool) domain.ActivityType {
	if b.Active != nil {
		active = *b.Active
	}
	venues := b.Venues
	if venues == nil {
		venues = []string{}
	}
	return domain.ActivityType{ID: id, Code: b.Code, Pillar: b.Pillar, Name: b.Name, NameEN: b.NameEN, Venues: venues,
		ExpectsAttendance: b.ExpectsAttendance, ExpectsEvidence: b.ExpectsEvidence, TracksPublication: b.TracksPublication,
		Active: active, Order: b.Order, Description: b.Description}
}

func (s *Server) createActivityType(c *call) error {
	var b typeBody
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	t, err := s.app.CreateType(c.ctx(), ac, b.activityType(0, true))
	if err != nil {
		return err
	}
	return c.created(api+"/activity-types/"+strconv.FormatInt(t.ID, 10), t)
}

func (s *Server) getActivityType(c *call) error {
	t, err := s.app.GetType(c.ctx(), c.p.int("id"))
	if err != nil {
		return err
	}
	return c.reply(t)
}

func (s *Server) updateActivityType(c *call) error {
	var b typeBody
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	id := c.p.int("id")
	active := true
	if b.Active == nil {
		old, err := s.app.GetType(c.ctx(), id)
		if err != nil {
			return err
		}
		active = old.Active
	}
	t, err := s.app.UpdateType(c.ctx(), ac, b.activityType(id, active))
	if err != nil {
		return err
	}
	return c.reply(t)
}

// activityTypeImpact answers, for the body PUT would take, which template
// lines the change would break; nothing is written.
func (s *Server) activityTypeImpact(c *call) error {
	var b typeBody
	if err := c.decode(&b); err != nil {
		return err
	}
	ac, err := c.actor()
	if err != nil {
		return err
	}
	id := c.p.int("id")
	old, err := s.app.GetType(c.ctx(), id)
	if err != nil {
		return err
	}
	breaks, err := s.app.TypeChangeImpact(c.ctx(), ac, b.activityType(id, old.Active))
	if err != nil {
		return err
	}
	return c.reply(listOf(breaks))
}
