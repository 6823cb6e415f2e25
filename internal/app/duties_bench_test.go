package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/duty"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// BenchmarkLeaderDutyPage: a leader's page over 200 duties (every grain,
// types or whole pillars) for the units it covers, from the rollups, beside a
// naive recount of every window from the activity rows (store.NaiveAggregate,
// the oracle the property tests use). Run:
//
//	go test -run '^$' -bench LeaderDutyPage ./internal/app/
func BenchmarkLeaderDutyPage(b *testing.B) {
	e := storetest.Engines(b)[0]
	f := newFixture(b, e)
	ctx := context.Background()
	office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
	codes := []string{"central_group_study", "study_session", "moral_education", "volunteer_service", "themed_activity"}
	units := append(append([]domain.OrgUnit{}, f.schools...), f.branches...)
	for i := 0; i < 400; i++ {
		u := units[i%len(units)]
		in := domain.ActivityInput{OrgID: u.ID, TypeID: f.types[codes[i%len(codes)]].ID, Date: date("2026-01-01").AddDays(i % 330), Title: "活动", Attendance: 10 + i%40}
		a, err := f.app.CreateActivity(ctx, f.op, in, true)
		if err != nil {
			b.Fatal(err)
		}
		if i%4 != 0 {
			if _, err := f.app.Transition(ctx, f.op, a.ID, domain.ActApprove, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
	grains := []domain.DutyGrain{domain.GrainMonth, domain.GrainQuarter, domain.GrainSemester, domain.GrainYear}
	var duties []domain.Duty
	for i := 0; i < 200; i++ {
		in := domain.DutyInput{Year: 2026, Title: fmt.Sprintf("任务%d", i), Pillar: domain.PillarTheory, OwnerOrgID: f.bureau.ID,
			Applies: domain.Applies{Kind: domain.AppliesSubtree, Root: f.bureau.ID},
			Target:  domain.Target{Measure: domain.MeasureCount, Grain: grains[i%4], AtLeast: int64(1 + i%3)}}
		if i%2 == 0 {
			in.Target.TypeIDs = []int64{f.types[codes[i%len(codes)]].ID}
		}
		d, err := f.app.CreateDuty(ctx, office, in)
		if err != nil {
			b.Fatal(err)
		}
		duties = append(duties, d)
	}
	leader := actorWithRole(f.bureau, domain.RoleLeader)
	leader.Scope = domain.Scope{Covered: []int64{f.districts[0].ID, f.districts[1].ID, f.schools[0].ID, f.schools[3].ID}}
	b.Run("rollups", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			pg, err := f.app.LeaderDutyPage(ctx, leader, 2026)
			if err != nil || len(pg.Rows) != 4 || pg.Rows[0].Duties != 200 {
				b.Fatalf("%v %+v", err, pg.Rows)
			}
		}
	})
	b.Run("naive", func(b *testing.B) {
		theory, err := f.app.ListTypes(ctx, domain.PillarTheory, false)
		if err != nil {
			b.Fatal(err)
		}
		var pillar []int64
		for _, t := range theory {
			pillar = append(pillar, t.ID)
		}
		for i := 0; i < b.N; i++ {
			err := f.st.Read(ctx, func(tx *store.Tx) error {
				for _, u := range leader.Scope.Covered {
					for _, d := range duties {
						ws, err := duty.Windows(d.Target.Grain, d.From, d.To, period.DefaultCalendar())
						if err != nil {
							return err
						}
						types := d.Target.TypeIDs
						if len(types) == 0 {
							types = pillar
						}
						for _, w := range ws {
							if _, err := tx.NaiveAggregate(ctx, store.AggQuery{OrgID: u, TypeIDs: types, Range: w.Range}); err != nil {
								return err
							}
						}
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	_ = app.DutyDueSoonDays
	_ = time.Second
}
