package app_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// listed recounts the records a ledger link lists, row by row: how many, and
// their participants.
func listed(a *app.App, ac domain.Actor, records string) (n, att int64, err error) {
	v, err := url.ParseQuery(records)
	if err != nil {
		return 0, 0, err
	}
	q := app.ActivityQuery{Pillar: v.Get("pillar"), Limit: app.MaxPageSize}
	if q.OrgID, err = strconv.ParseInt(v.Get("org_id"), 10, 64); err != nil {
		return 0, 0, err
	}
	for _, s := range v["status"] {
		q.Statuses = append(q.Statuses, domain.Status(s))
	}
	for _, s := range v["type_id"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, 0, err
		}
		q.TypeIDs = append(q.TypeIDs, id)
	}
	if q.From, err = domain.ParseDate(v.Get("from")); err != nil {
		return 0, 0, err
	}
	if q.To, err = domain.ParseDate(v.Get("to")); err != nil {
		return 0, 0, err
	}
	for {
		items, _, err := a.ListActivities(context.Background(), ac, q)
		if err != nil {
			return 0, 0, err
		}
		for _, it := range items {
			n++
			att += int64(it.Attendance)
		}
		if len(items) < q.Limit {
			return n, att, nil
		}
		q.Offset += q.Limit
	}
}

// TestDutyProgressMatchesRecount: for random duties (types or a pillar,
// count or attendance, every grain, random periods and deadlines) over a
// random ledger (any status, any unit of the tree), every window's figure of
// every unit equals a recount of the records its link lists — the figure a
// user checks by clicking through — on both engines.
func TestDutyProgressMatchesRecount(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
			var typeIDs []int64
			for _, code := range []string{"central_group_study", "study_session", "outreach_lecture", "moral_education", "volunteer_service"} {
				typeIDs = append(typeIDs, f.types[code].ID)
			}
			units := append([]domain.OrgUnit{f.bureau, f.office}, f.districts...)
			units = append(units, f.schools...)
			units = append(units, f.branches...)
			grains := []domain.DutyGrain{domain.GrainMonth, domain.GrainQuarter, domain.GrainSemester, domain.GrainYear}
			rapid.Check(t, func(rt *rapid.T) {
				for i, n := 0, rapid.IntRange(0, 25).Draw(rt, "records"); i < n; i++ {
					u := rapid.SampledFrom(units[1:]).Draw(rt, "unit")
					in := domain.ActivityInput{OrgID: u.ID, TypeID: rapid.SampledFrom(typeIDs).Draw(rt, "type"),
						Date:  domain.NewDate(2026, time.January, 1).AddDays(rapid.IntRange(0, 332).Draw(rt, "day")),
						Title: "活动", Attendance: rapid.IntRange(1, 80).Draw(rt, "att")}
					if ty := f.types["outreach_lecture"]; in.TypeID == ty.ID {
						in.Venues = []string{ty.Venues[0]}
					}
					a, err := f.app.CreateActivity(ctx, f.op, in, rapid.Bool().Draw(rt, "submit"))
					if err != nil {
						rt.Fatalf("create: %v", err)
					}
					if a.Status == domain.StatusSubmitted && rapid.Bool().Draw(rt, "approve") {
						if _, err := f.app.Transition(ctx, f.op, a.ID, domain.ActApprove, ""); err != nil {
							rt.Fatalf("approve: %v", err)
						}
					}
				}
				in := domain.DutyInput{Year: 2026, Title: "随机任务", Pillar: domain.PillarTheory, OwnerOrgID: f.bureau.ID,
					Applies: domain.Applies{Kind: domain.AppliesSubtree, Root: f.bureau.ID},
					Target: domain.Target{Measure: rapid.SampledFrom([]domain.DutyMeasure{domain.MeasureCount, domain.MeasureAttendance}).Draw(rt, "measure"),
						Grain: rapid.SampledFrom(grains).Draw(rt, "grain"), AtLeast: int64(rapid.IntRange(1, 40).Draw(rt, "at least"))}}
				if rapid.Bool().Draw(rt, "by types") {
					in.Target.TypeIDs = rapid.SliceOfNDistinct(rapid.SampledFrom(typeIDs), 1, 3, rapid.ID[int64]).Draw(rt, "types")
				}
				if rapid.Bool().Draw(rt, "narrow") {
					in.From = domain.NewDate(2026, time.January, 1).AddDays(rapid.IntRange(0, 200).Draw(rt, "from"))
					in.To = in.From.AddDays(rapid.IntRange(0, 364).Draw(rt, "len"))
					if in.To.Year != 2026 {
						in.To = domain.NewDate(2026, time.December, 31)
					}
					if rapid.Bool().Draw(rt, "deadline") {
						dl := in.To.AddDays(-rapid.IntRange(0, 60).Draw(rt, "cut"))
						if dl.Before(in.From) {
							dl = in.From
						}
						in.Deadline = &dl
					}
				}
				d, err := f.app.CreateDuty(ctx, office, in)
				if domain.IsKind(err, domain.KindInvalid) {
					return // a period too short for its grain: refused, nothing to measure
				}
				if err != nil {
					rt.Fatalf("create duty: %v", err)
				}
				defer func() {
					if err := f.app.DeleteDuty(ctx, office, d.ID); err != nil {
						rt.Fatalf("delete duty: %v", err)
					}
				}()
				for _, u := range units {
					pg, err := f.app.UnitDutyPage(ctx, office, u.ID, 2026)
					if err != nil {
						rt.Fatalf("unit page: %v", err)
					}
					if len(pg.Items) != 1 {
						rt.Fatalf("%s has %d duties", u.Name, len(pg.Items))
					}
					p := pg.Items[0]
					for i, w := range p.Windows {
						n, att, err := listed(f.app, office, p.WindowRecords[i])
						if err != nil {
							rt.Fatalf("recount: %v", err)
						}
						want := n
						if p.Measure == domain.MeasureAttendance {
							want = att
						}
						if w.Got != want || w.Met != (want >= w.Need) {
							rt.Fatalf("%s %s %s: progress %d (met %v), its records link lists %d (%s)", u.Name, d.Target.Grain, w.Code, w.Got, w.Met, want, p.WindowRecords[i])
						}
					}
				}
			})
		})
	}
}
