package app

import (
	"context"
	"slices"
	"time"

	"github.com/zeren-edu/zeren/internal/casework"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Monitors (舆情监督员, issue 14 item 6). The monitor roster that exists —
// teams of kind monitor, each owned by a unit — says who watches what: a
// team watches its unit's subtree. What waits for a monitor is the stories
// routed to their units with no case opened yet; what the office sees is each
// TEAM's response times (story first seen → case opened → first assessment).
// Never per poster and never per person: no author is stored, and no case
// time is attributed to the person who opened it.

// storyTodoWindow is how far back a story counts as new for the to-do.
const storyTodoWindow = 72 * time.Hour

// maxStoriesListed bounds the new stories a monitor's list shows.
const maxStoriesListed = 200

// NewStories lists the stories routed to the actor's units in the last
// storyTodoWindow, matched by a rule, with no case opened from them: a
// monitor's stream of what waits (the phone page's list).
func (a *App) NewStories(ctx context.Context, ac domain.Actor) ([]NewStory, error) {
	if err := ac.Require(domain.PermConcernRead); err != nil {
		return nil, err
	}
	var out []NewStory
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.UnhandledStories(ctx, ac.Scope, a.now().Add(-storyTodoWindow), maxStoriesListed)
		return err
	})
	return out, err
}

// caseTodo is the cases' share of the 待办 list: for a handler, the open
// cases of the actor's own units and those escalated to them; for a monitor
// (case.handle without activity.write), the overdue cases of their units;
// for whoever reads the stream and opens cases, the new stories with no case.
func (a *App) caseTodo(ctx context.Context, tx *store.Tx, ac domain.Actor) ([]domain.TodoItem, error) {
	if !ac.Can(domain.PermCaseHandle) || len(ac.Scope.ReadRoots()) == 0 {
		return nil, nil
	}
	now := a.now()
	open := []casework.State{casework.StateNew, casework.StateAssessing, casework.StateResponding}
	var out []domain.TodoItem
	if ac.Can(domain.PermActivityWrite) {
		var own []casework.Case
		for _, root := range ac.Scope.Roots {
			cs, _, err := tx.ListCases(ctx, ac.Scope, store.CaseFilter{OrgID: root, States: open, Now: now})
			if err != nil {
				return nil, err
			}
			for _, c := range cs {
				if c.OrgID == root { // the units below have their own to-do; late ones reach the actor by escalation
					own = append(own, c)
				}
			}
		}
		if len(own) > 0 {
			out = append(out, a.caseTodoLine("待处置舆情事件", own, now))
		}
		up, _, err := tx.ListCases(ctx, ac.Scope, store.CaseFilter{States: open, EscalatedTo: ac.Scope.Roots, Now: now})
		if err != nil {
			return nil, err
		}
		if len(up) > 0 {
			out = append(out, a.caseTodoLine("下级超时舆情事件（已上报）", up, now))
		}
	} else {
		late, _, err := tx.ListCases(ctx, ac.Scope, store.CaseFilter{Overdue: true, Now: now})
		if err != nil {
			return nil, err
		}
		if len(late) > 0 {
			out = append(out, a.caseTodoLine("所辖单位超时舆情事件", late, now))
		}
	}
	if ac.Can(domain.PermConcernRead) {
		stories, err := tx.UnhandledStories(ctx, ac.Scope, now.Add(-storyTodoWindow), maxStoriesListed)
		if err != nil {
			return nil, err
		}
		if len(stories) > 0 {
			l := domain.TodoItem{Kind: domain.TodoStory, Title: "新舆情待研判", Count: len(stories)}
			if len(stories) == 1 {
				l.Ref, l.OrgID, l.OrgName = stories[0].ID, stories[0].OrgID, stories[0].OrgName
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// caseTodoLine is one to-do line for cases: the earliest unmet deadline is its due day.
func (a *App) caseTodoLine(title string, cs []casework.Case, now time.Time) domain.TodoItem {
	l := domain.TodoItem{Kind: domain.TodoCase, Title: title, Count: len(cs)}
	var first time.Time
	for i := range cs {
		cs[i].Judge(now)
		for _, d := range cs[i].Deadlines {
			if d.DoneAt.IsZero() && (first.IsZero() || d.DueAt.Before(first)) {
				first = d.DueAt
			}
		}
	}
	if !first.IsZero() {
		due := domain.DateOf(first.In(a.clock.Location()))
		l.Due, l.Overdue = &due, first.Before(now)
	}
	if len(cs) == 1 {
		l.Ref, l.OrgID, l.OrgName = cs[0].ID, cs[0].OrgID, cs[0].OrgName
	}
	return l
}

// TeamResponse is one monitor team's response times over a period: over the
// cases opened from stories in the team's unit's subtree, minutes from the
// story first seen to the case opened, and to its first assessment.
type TeamResponse struct {
	TeamID  int64  `json:"team_id"`
	Team    string `json:"team"`
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Members int    `json:"members"`
	Cases   int    `json:"cases"`
	// Minutes; nil when no case was opened (or none assessed yet).
	OpenMedian   *int64 `json:"open_median_minutes"`
	OpenP90      *int64 `json:"open_p90_minutes"`
	Assessed     int    `json:"assessed"`
	AssessMedian *int64 `json:"assess_median_minutes"`
	AssessP90    *int64 `json:"assess_p90_minutes"`
}

// MonitorResponseTimes returns each active monitor team in the actor's
// scope with its response times over the days [from, to): the office's
// view of 时效 by team.
func (a *App) MonitorResponseTimes(ctx context.Context, ac domain.Actor, r domain.Range) ([]TeamResponse, error) {
	if err := ac.Require(domain.PermConcernRead); err != nil {
		return nil, err
	}
	if r.From.IsZero() || r.To.IsZero() || !r.From.Before(r.To) {
		return nil, domain.Invalid("from", "give a period: from before to")
	}
	loc := a.clock.Location()
	from := time.Date(r.From.Year, r.From.Month, r.From.Day, 0, 0, 0, 0, loc)
	to := time.Date(r.To.Year, r.To.Month, r.To.Day, 0, 0, 0, 0, loc)
	out := []TeamResponse{}
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		active := true
		teams, _, err := tx.ListTeams(ctx, ac.Scope, store.TeamFilter{Kind: domain.TeamMonitor, Active: &active, At: a.Today()})
		if err != nil {
			return err
		}
		times, err := tx.StoryCaseTimes(ctx, ac.Scope, from, to)
		if err != nil {
			return err
		}
		for _, t := range teams {
			tr := TeamResponse{TeamID: t.ID, Team: t.Name, OrgID: t.OrgID, OrgName: t.OrgName, Members: t.Members}
			var opens, assess []time.Duration
			for _, ct := range times {
				if ok, err := tx.InScope(ctx, []int64{t.OrgID}, ct.OrgID); err != nil {
					return err
				} else if !ok {
					continue
				}
				tr.Cases++
				opens = append(opens, max(ct.OpenedAt.Sub(ct.FirstSeen), 0))
				if !ct.Assessed.IsZero() {
					tr.Assessed++
					assess = append(assess, max(ct.Assessed.Sub(ct.FirstSeen), 0))
				}
			}
			tr.OpenMedian, tr.OpenP90 = minutesAt(opens, 50), minutesAt(opens, 90)
			tr.AssessMedian, tr.AssessP90 = minutesAt(assess, 50), minutesAt(assess, 90)
			out = append(out, tr)
		}
		return nil
	})
	return out, err
}

// minutesAt is the pct-th percentile of ds in whole minutes (rounded down),
// nil for none.
func minutesAt(ds []time.Duration, pct int) *int64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	v, ok := casework.Percentile(s, pct)
	if !ok {
		return nil
	}
	m := int64(v / time.Minute)
	return &m
}

// NewStory is a story waiting for a monitor (store.UnhandledStory, named
// here for the layers above).
type NewStory = store.UnhandledStory
