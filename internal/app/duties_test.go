package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/duty"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// dutyIn is a measured duty of 2026 set by the bureau.
func (p *problemFixture) dutyIn(title string, applies domain.Applies, grain domain.DutyGrain, atLeast int64, types ...string) domain.DutyInput {
	var ids []int64
	for _, t := range types {
		ids = append(ids, p.types[t].ID)
	}
	return domain.DutyInput{Year: 2026, Title: title, Pillar: domain.PillarTheory, OwnerOrgID: p.bureau.ID, Applies: applies,
		Target: domain.Target{Measure: domain.MeasureCount, Grain: grain, AtLeast: atLeast, TypeIDs: ids}, Weight: 3}
}

func (p *problemFixture) mustDuty(in domain.DutyInput) domain.Duty {
	p.t.Helper()
	office := actorWithRole(p.bureau, domain.RoleOfficeAdmin)
	d, err := p.app.CreateDuty(context.Background(), office, in)
	if err != nil {
		p.t.Fatalf("create duty %q: %v", in.Title, err)
	}
	return d
}

func (p *problemFixture) unitPage(ac domain.Actor, org int64) app.UnitDuties {
	p.t.Helper()
	pg, err := p.app.UnitDutyPage(context.Background(), ac, org, 2026)
	if err != nil {
		p.t.Fatal(err)
	}
	return pg
}

func item(pg app.UnitDuties, id int64) app.DutyProgress {
	for _, it := range pg.Items {
		if it.DutyID == id {
			return it
		}
	}
	return app.DutyProgress{}
}

// checkLinks: every window's figure equals a recount of the records its link lists.
func checkLinks(t *testing.T, a *app.App, ac domain.Actor, ps []app.DutyProgress) {
	t.Helper()
	for _, p := range ps {
		if p.Measure == domain.MeasureChecklist {
			continue
		}
		if len(p.WindowRecords) != len(p.Windows) {
			t.Fatalf("duty %d: %d windows, %d links", p.DutyID, len(p.Windows), len(p.WindowRecords))
		}
		for i, w := range p.Windows {
			if p.Measure != domain.MeasureCount {
				continue
			}
			if n := recount(t, a, ac, p.WindowRecords[i]); n != w.Got {
				t.Errorf("%s at %s %s: progress %d, its records link lists %d (%s)", p.Title, p.OrgName, w.Code, w.Got, n, p.WindowRecords[i])
			}
		}
	}
}

// Today is 2026-11-29 in every app test.
func TestDutyProgressFromTheLedger(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			ctx := context.Background()
			schools := domain.Applies{Kind: domain.AppliesKindIn, Root: p.bureau.ID, OrgKind: domain.OrgSchool}
			quarterly := p.mustDuty(p.dutyIn("中心组学习每季度不少于1次", schools, domain.GrainQuarter, 1, "central_group_study", "study_session"))
			monthly := p.mustDuty(p.dutyIn("每月开展理论学习", domain.Applies{Kind: domain.AppliesList, OrgIDs: []int64{p.schools[0].ID}},
				domain.GrainMonth, 1, "study_session"))
			s0, s1, s2 := p.schools[0], p.schools[1], p.schools[2]
			for _, d := range []string{"2026-02-10", "2026-05-10", "2026-08-10"} {
				p.add(nil, s0.ID, "central_group_study", d)
				p.add(nil, p.branches[2].ID, "study_session", d) // a branch's record counts for its school
			}
			p.add(nil, s1.ID, "central_group_study", "2026-01-05")
			p.addStatus(nil, s1.ID, "central_group_study", "2026-04-05", domain.StatusSubmitted) // not approved: not counted
			p.add(nil, s1.ID, "moral_education", "2026-07-05")                                   // another type: not counted
			p.add(nil, s0.ID, "study_session", "2026-11-03")

			admin0 := actorOf(s0)
			pg := p.unitPage(admin0, s0.ID)
			if len(pg.Items) != 2 {
				t.Fatalf("school 0 has %d duties, want 2", len(pg.Items))
			}
			q := item(pg, quarterly.ID)
			// Q1–Q3 by central group study, Q4 by the November study session.
			if q.State != duty.StateMet || q.Missed != 0 || !q.Due || !q.Done || q.Missing != 0 || len(q.Windows) != 4 {
				t.Errorf("school 0 quarterly: %+v", q.Progress)
			}
			m := item(pg, monthly.ID)
			// January–October empty (10 missed), November has one: met.
			if m.Missed != 10 || m.State != duty.StateMissed || m.Windows[10].Got != 1 || !m.Windows[10].Met {
				t.Errorf("school 0 monthly: missed %d state %s nov %+v", m.Missed, m.State, m.Windows[10])
			}
			// Worst first: the missed monthly duty before the met quarterly one.
			if pg.Items[0].DutyID != monthly.ID {
				t.Errorf("unit page not worst first: %v", pg.Items[0].Title)
			}
			checkLinks(t, p.app, admin0, pg.Items)

			pg1 := p.unitPage(p.op, s1.ID)
			q1 := item(pg1, quarterly.ID)
			if q1.Missed != 2 || q1.Windows[0].Got != 1 || q1.Windows[1].Got != 0 || q1.Done {
				t.Errorf("school 1: %+v", q1.Progress)
			}
			if len(pg1.Items) != 1 {
				t.Errorf("school 1 is not on the monthly duty's list, got %d duties", len(pg1.Items))
			}
			checkLinks(t, p.app, p.op, pg1.Items)
			if q2 := item(p.unitPage(p.op, s2.ID), quarterly.ID); q2.Windows[2].Got != 1 || q2.Missed != 0 {
				t.Errorf("school 2 (records by its branch): %+v", q2.Progress)
			}

			// Fresh at commit: approving the submitted record fills Q2.
			acts, _, err := p.app.ListActivities(ctx, p.op, app.ActivityQuery{OrgID: s1.ID, Statuses: []domain.Status{domain.StatusSubmitted}, Limit: 10})
			if err != nil || len(acts) != 1 {
				t.Fatalf("submitted: %v %d", err, len(acts))
			}
			if _, err := p.app.Transition(ctx, p.op, acts[0].ID, domain.ActApprove, ""); err != nil {
				t.Fatal(err)
			}
			if q1 := item(p.unitPage(p.op, s1.ID), quarterly.ID); q1.Missed != 1 || q1.Windows[1].Got != 1 {
				t.Errorf("after approval school 1: %+v", q1.Progress)
			}

			// The completion the assessment reads.
			tally := map[int64]app.DutyTally{}
			if err := p.st.Read(ctx, func(tx *store.Tx) error {
				var err error
				tally, err = p.app.DutyCompletion(ctx, tx, []int64{s0.ID, s1.ID, s2.ID, p.schools[3].ID}, 2026)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			want := map[int64]app.DutyTally{s0.ID: {Done: 1, Due: 2}, s1.ID: {Done: 0, Due: 1}, s2.ID: {Done: 1, Due: 1}, p.schools[3].ID: {Done: 0, Due: 1}}
			for id, w := range want {
				if tally[id] != w {
					t.Errorf("completion of %d: %+v, want %+v", id, tally[id], w)
				}
			}

			// The leader covering both districts' schools sees them worst first.
			leader := actorWithRole(p.bureau, domain.RoleLeader)
			leader.Scope = domain.Scope{Covered: []int64{s0.ID, s1.ID, s2.ID}}
			lp, err := p.app.LeaderDutyPage(ctx, leader, 2026)
			if err != nil {
				t.Fatal(err)
			}
			var order []int64
			for _, r := range lp.Rows {
				order = append(order, r.OrgID)
			}
			// Schools 0 and 1 each missed one duty; school 1 has done none of
			// its due duties, school 0 one of two; school 2 missed nothing.
			if len(order) != 3 || order[0] != s1.ID || order[1] != s0.ID || order[2] != s2.ID {
				t.Errorf("leader page order %v, want %d %d %d", order, s1.ID, s0.ID, s2.ID)
			}

			// The report's figures: both duties due in 2026, neither met by
			// every school; schools 0, 1 and 3 short somewhere.
			doc, err := p.app.PreviewReport(ctx, p.op, app.ReportRequest{OrgID: p.bureau.ID, Period: "2026"})
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			for _, b := range doc.Blocks {
				text.WriteString(b.Text())
			}
			if want := "本期已到期任务2项；3个单位尚未达到目标要求"; !strings.Contains(text.String(), want) {
				t.Errorf("the report does not say %q:\n%s", want, text.String())
			}

			// Problem rule 2 names the units below target in ended windows.
			got := ofKind(p.problems(p.op, p.bureau.ID, "2026"), app.ProblemBelowTarget)
			if len(got) != 2 {
				t.Fatalf("below target: %d suggestions, want 2: %+v", len(got), got)
			}
			for _, pr := range got {
				if !strings.Contains(pr.Detail, "个单位") || pr.Evidence.Count != int64(len(pr.Evidence.Units)) {
					t.Errorf("below target: %+v", pr)
				}
			}
			d1 := actorWithRole(p.districts[1], domain.RoleDistrictAdmin)
			got = ofKind(p.problems(d1, p.districts[1].ID, "2026"), app.ProblemBelowTarget)
			if len(got) != 1 || len(got[0].Evidence.Units) != 1 || got[0].Evidence.Units[0].ID != p.schools[3].ID {
				t.Errorf("district 2 sees %+v", got)
			}
		})
	}
}
