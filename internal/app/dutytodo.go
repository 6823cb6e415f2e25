package app

// The duties' share of the to-do list and the deadline sweep.

import (
	"context"
	"fmt"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/duty"
	"github.com/zeren-edu/zeren/internal/store"
)

// dutyTodo is the duties' share of a person's 待办: for the units the actor
// records for (activity.write over its own scope), each duty below target
// whose current window ends within DutyDueSoonDays, or whose window ended
// short within the last DutyDueSoonDays (overdue: records dated in it can
// still be entered or approved). One line per unit and duty.
func (a *App) dutyTodo(ctx context.Context, tx *store.Tx, ac domain.Actor) ([]domain.TodoItem, error) {
	if !ac.Can(domain.PermActivityWrite) || len(ac.Scope.Roots) == 0 {
		return nil, nil
	}
	today := a.Today()
	var units []domain.OrgUnit
	for _, id := range ac.Scope.Roots {
		u, err := tx.GetOrg(ctx, ac.Scope, id)
		if err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	ds, err := tx.ListDuties(ctx, domain.Scope{Roots: ac.Scope.Roots}, store.DutyFilter{Year: today.Year})
	if err != nil {
		return nil, err
	}
	m, err := a.newProgressRun(tx, ac.Scope).measure(ctx, units, ds)
	if err != nil {
		return nil, err
	}
	var out []domain.TodoItem
	for _, u := range units {
		for _, p := range m[u.ID] {
			if item, ok := dutyTodoItem(p, today); ok {
				out = append(out, item)
			}
		}
	}
	return out, nil
}

// dutyTodoItem is the to-do line of one unit's duty, if it needs one.
func dutyTodoItem(p DutyProgress, today domain.Date) (domain.TodoItem, bool) {
	soon, recent := today.AddDays(DutyDueSoonDays), today.AddDays(-DutyDueSoonDays)
	var current, ended *duty.WindowProgress
	for i := range p.Windows {
		w := &p.Windows[i]
		if w.Current && !w.Met && !soon.Before(w.Last()) {
			current = w
		}
		// A window that ended short in the last days: records dated in it
		// may still be entered (or approved) and count.
		if w.Ended && !w.Met && !w.Last().Before(recent) {
			ended = w
		}
	}
	pick, overdue := current, false
	if ended != nil {
		pick, overdue = ended, true
	}
	if p.Measure == domain.MeasureChecklist && p.State == duty.StateMissed {
		return domain.TodoItem{Kind: domain.TodoDutyDue, Title: fmt.Sprintf("%s：待提交佐证并审核", p.Title), Count: 1,
			Overdue: true, OrgID: p.OrgID, OrgName: p.OrgName, Ref: p.DutyID}, true
	}
	if pick == nil {
		return domain.TodoItem{}, false
	}
	due := pick.Last()
	unit := "次"
	if p.Measure == domain.MeasureAttendance {
		unit = "人次"
	}
	return domain.TodoItem{Kind: domain.TodoDutyDue, Title: fmt.Sprintf("%s：%s还差%d%s", p.Title, pick.LabelZH, pick.Missing, unit),
		Count: int(pick.Missing), Due: &due, Overdue: overdue, OrgID: p.OrgID, OrgName: p.OrgName, Ref: p.DutyID}, true
}

// DutySweepLookbackDays bounds how far back the deadline sweep looks for
// windows that ended short: it runs hourly, so a week covers any outage of
// the job runner without flooding a first run with a year of notices.
const DutySweepLookbackDays = 7

// sweepDutyDeadlines notifies each unit (its members who record) of every
// duty window that ended below target in the last week, once per duty, unit
// and window (the DedupKey).
func (a *App) sweepDutyDeadlines(ctx context.Context) error {
	op, err := a.OperatorActor(ctx)
	if err != nil {
		return err
	}
	today := a.Today()
	return a.st.Write(ctx, func(tx *store.Tx) error {
		var notices []domain.Notice
		years := []int{today.Year}
		if today.AddDays(-DutySweepLookbackDays).Year != today.Year {
			years = append(years, today.Year-1)
		}
		for _, y := range years {
			ds, err := tx.ListDuties(ctx, op.Scope, store.DutyFilter{Year: y})
			if err != nil {
				return err
			}
			if len(ds) == 0 {
				continue
			}
			units, err := a.dutyUnits(ctx, tx, op.Scope, ds)
			if err != nil {
				return err
			}
			m, err := a.newProgressRun(tx, op.Scope).measure(ctx, units, ds)
			if err != nil {
				return err
			}
			for _, u := range units {
				for _, p := range m[u.ID] {
					notices = append(notices, dutyMissedNotices(p, today, a.clock.Now())...)
				}
			}
		}
		if len(notices) == 0 {
			return nil
		}
		return a.notify(ctx, tx, notices...)
	})
}

// dutyMissedNotices are the notices of a unit's windows that ended short in
// the lookback.
func dutyMissedNotices(p DutyProgress, today domain.Date, now time.Time) []domain.Notice {
	var out []domain.Notice
	from := today.AddDays(-DutySweepLookbackDays)
	for i, w := range p.Windows {
		if !w.Ended || w.Met || w.Range.To.Before(from) {
			continue
		}
		link := fmt.Sprintf("/duty/unit?org_id=%d&year=%d", p.OrgID, w.Range.From.Year)
		if i < len(p.WindowRecords) && p.WindowRecords[i] != "" {
			link = "/ledger?" + p.WindowRecords[i]
		}
		out = append(out, domain.Notice{Kind: "duty.missed", Units: []int64{p.OrgID}, Perm: domain.PermActivityWrite,
			Subject:  fmt.Sprintf("%s %s未达标：%d/%d", p.OrgName, w.LabelZH, w.Got, w.Need),
			Body:     fmt.Sprintf("任务“%s”要求%s不少于%d，实际%d，差%d。", p.Title, w.LabelZH, w.Need, w.Got, w.Missing),
			Link:     link,
			DedupKey: fmt.Sprintf("duty.missed:%d:%d:%s", p.DutyID, p.OrgID, w.Code), At: now})
	}
	return out
}
