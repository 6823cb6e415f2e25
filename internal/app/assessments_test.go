package app_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/assess"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

func testRubric(f *fixture) app.RubricInput {
	return app.RubricInput{OrgID: f.bureau.ID, Year: 2026, Name: "2026年度意识形态工作考核", UnitKind: domain.OrgSchool, Items: []assess.Item{
		{Name: "宣讲活动", Indicator: app.IndActivityCount, Weight: 10, Params: map[string]string{"types": "outreach_lecture"},
			Rule: assess.Rule{Kind: assess.Thresholds, Steps: []assess.Step{{At: 1, Points: 5}, {At: 2, Points: 10}}}},
		{Name: "台账及时", Indicator: app.IndRecordsTimely, Weight: 40, Rule: assess.Rule{Kind: assess.Linear, Floor: 0, Full: 1}},
		{Name: "审核通过", Indicator: app.IndApprovedShare, Weight: 30, Rule: assess.Rule{Kind: assess.Linear, Floor: 0.5, Full: 1}},
		{Name: "整改按时", Indicator: app.IndRectOnTime, Weight: 20, Rule: assess.Rule{Kind: assess.Linear, Floor: 0, Full: 1}},
	}}
}

func TestRubricRules(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
			in := testRubric(f)
			in.Items[1].Weight = 45
			_, err := f.app.SaveRubric(ctx, office, 0, in)
			wantKind(t, err, domain.KindInvalid, "items.weight")
			in = testRubric(f)
			in.Items[0].Indicator = "logins" // never an indicator: no clicks, logins or time online
			_, err = f.app.SaveRubric(ctx, office, 0, in)
			wantKind(t, err, domain.KindInvalid, "items[0].indicator")
			in = testRubric(f)
			in.Items[1].Params = map[string]string{"days": "-3"}
			_, err = f.app.SaveRubric(ctx, office, 0, in)
			wantKind(t, err, domain.KindInvalid, "items[1].params.days")
			_, err = f.app.SaveRubric(ctx, actorWithRole(f.districts[0], domain.RoleDistrictAdmin), 0, testRubric(f))
			wantKind(t, err, domain.KindForbidden, "")
			// An office admin of district 1 (a custom placement) cannot write district 2's rubric.
			in = testRubric(f)
			in.OrgID = f.districts[1].ID
			_, err = f.app.SaveRubric(ctx, actorWithRole(f.districts[0], domain.RoleOfficeAdmin), 0, in)
			wantKind(t, err, domain.KindNotFound, "org_id")
			r, err := f.app.SaveRubric(ctx, office, 0, testRubric(f))
			if err != nil || r.Total != 100 || len(r.Items) != 4 {
				t.Fatalf("save: %+v %v", r, err)
			}
			_, err = f.app.SaveRubric(ctx, office, 0, testRubric(f))
			wantKind(t, err, domain.KindConflict, "name")
			// A school reads the bureau's rubric that scores it; another bureau's it would not.
			list, err := f.app.ListRubrics(ctx, actorOf(f.schools[0]), 2026)
			if err != nil || len(list) != 1 {
				t.Fatalf("school lists %d rubrics: %v", len(list), err)
			}
			_, err = f.app.GetRubric(ctx, actorOf(f.schools[0]), r.ID+1000)
			wantKind(t, err, domain.KindNotFound, "")
		})
	}
}

// TestAssessmentByHand scores four schools from records whose figures are
// worked out below (today 2026-11-29, records entered today):
//
//	school 1: lectures of 11-25 (approved, 4 days: on time), 11-20 (approved, 9 days: late), 11-28 (submitted, on time)
//	          宣讲 2 → 10; 及时 2/3 → 26.67; 通过 2/3 → 30·(2/3−½)/½ = 10; 整改 none due → 20;  66.67
//	school 2: lecture of 11-29 approved; a rectification due 11-25 still open
//	          宣讲 1 → 5; 及时 1 → 40; 通过 1 → 30; 整改 0/1 → 0;                                   75
//	schools 3, 4: nothing → 0 + 0 + 0 + 20 = 20; school 3 adjusted +5 with a reason → 25
func TestAssessmentByHand(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			var now atomic.Value
			now.Store(storetest.Clock("2026-11-20")())
			f := newFixtureAt(t, e, func() time.Time { return now.Load().(time.Time) })
			district, _ := rectActors(f)
			f.openRect(t, district, f.schools[1].ID, "2026-11-25")
			now.Store(storetest.Clock(today)())
			lecture := func(school int, d string, approve bool) {
				a, err := f.app.CreateActivity(ctx, actorOf(f.schools[school]), f.lecture(f.schools[school].ID, d, 30), true)
				if err != nil {
					t.Fatal(err)
				}
				if approve {
					if _, err := f.app.Transition(ctx, actorWithRole(f.districts[school/2], domain.RoleDistrictAdmin), a.ID, domain.ActApprove, ""); err != nil {
						t.Fatal(err)
					}
				}
			}
			lecture(0, "2026-11-25", true)
			lecture(0, "2026-11-20", true)
			lecture(0, "2026-11-28", false)
			lecture(1, "2026-11-29", true)
			lecture(1, "2025-12-31", true) // last year: not counted
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
			r, err := f.app.SaveRubric(ctx, office, 0, testRubric(f))
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.app.AdjustScore(ctx, office, r.ID, app.AdjustmentInput{OrgID: f.schools[2].ID, Points: 5, Reason: " "})
			wantKind(t, err, domain.KindInvalid, "reason")
			_, err = f.app.AdjustScore(ctx, office, r.ID, app.AdjustmentInput{OrgID: f.districts[0].ID, Points: 5, Reason: "x"})
			wantKind(t, err, domain.KindNotFound, "org_id")
			_, err = f.app.AdjustScore(ctx, district, r.ID, app.AdjustmentInput{OrgID: f.schools[2].ID, Points: 5, Reason: "x"})
			wantKind(t, err, domain.KindForbidden, "")
			if _, err := f.app.AdjustScore(ctx, office, r.ID, app.AdjustmentInput{OrgID: f.schools[2].ID, Points: 5, Reason: "获市级先进集体表彰"}); err != nil {
				t.Fatal(err)
			}
			rows, _, err := f.app.ListAuditEvents(ctx, f.op, app.AuditQuery{Type: "assessment.adjust", Limit: 10})
			if err != nil || len(rows) != 1 {
				t.Fatalf("%d adjustment audit rows: %v", len(rows), err)
			}
			sc, err := f.app.Scores(ctx, office, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := []struct {
				school int
				total  float64
				rank   int
				points []float64
			}{{1, 75, 1, []float64{5, 40, 30, 0}}, {0, 66.67, 2, []float64{10, 26.67, 10, 20}}, {2, 25, 3, []float64{0, 0, 0, 20}}, {3, 20, 4, []float64{0, 0, 0, 20}}}
			if sc.Of != 4 || len(sc.Units) != 4 {
				t.Fatalf("%d of %d units", len(sc.Units), sc.Of)
			}
			for i, w := range want {
				u := sc.Units[i]
				if u.OrgID != f.schools[w.school].ID || u.Total != w.total || u.Rank != w.rank {
					t.Errorf("place %d: %s %v rank %d, want %s %v rank %d", i, u.OrgName, u.Total, u.Rank, f.schools[w.school].Name, w.total, w.rank)
				}
				for j, p := range w.points {
					if u.Items[j].Points != p {
						t.Errorf("%s %s: %v points, want %v (value %v = %d/%d)", u.OrgName, u.Items[j].Name, u.Items[j].Points, p, u.Items[j].Value, u.Items[j].Num, u.Items[j].Den)
					}
				}
			}
			if l := sc.Units[1].Items[0].Records; l != fmt.Sprintf("org_id=%d&period=2026&status=approved&type_id=%d", f.schools[0].ID, f.types["outreach_lecture"].ID) {
				t.Errorf("records link %q", l)
			}
			// District 2's admin sees its two schools, ranked among all four.
			sc, err = f.app.Scores(ctx, actorWithRole(f.districts[1], domain.RoleDistrictAdmin), r.ID)
			if err != nil || sc.Of != 4 || len(sc.Units) != 2 || sc.Units[0].Rank != 3 || sc.Units[1].Rank != 4 {
				t.Fatalf("district 2: %+v %v", sc.Units, err)
			}
		})
	}
}

// TestAssessmentRecount: random ledgers scored by the app equal a recount
// of what the test itself created, by the rules' own arithmetic.
func TestAssessmentRecount(t *testing.T) {
	e := storetest.Engines(t)[0]
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			rng := rand.New(rand.NewPCG(seed, 7))
			type tally struct{ lectures, timely, live, approved, nondraft int }
			want := make([]tally, 4)
			for n := 0; n < 24; n++ {
				s := rng.IntN(4)
				d := date(today).AddDays(-rng.IntN(40))
				a, err := f.app.CreateActivity(ctx, actorOf(f.schools[s]), f.lecture(f.schools[s].ID, d.String(), 10), rng.IntN(5) > 0)
				if err != nil {
					t.Fatal(err)
				}
				if a.Status == domain.StatusDraft {
					continue
				}
				reviewer := actorWithRole(f.districts[s/2], domain.RoleDistrictAdmin)
				w := &want[s]
				w.nondraft++
				switch rng.IntN(3) {
				case 0:
					if _, err := f.app.Transition(ctx, reviewer, a.ID, domain.ActApprove, ""); err != nil {
						t.Fatal(err)
					}
					w.approved++
					w.lectures++
					w.live++
				case 1:
					if _, err := f.app.Transition(ctx, reviewer, a.ID, domain.ActReturn, "补充照片"); err != nil {
						t.Fatal(err)
					}
					continue // returned: not live, not timely
				default:
					w.live++
				}
				if !d.Before(date(today).AddDays(-7)) {
					w.timely++
				}
			}
			r, err := f.app.SaveRubric(ctx, actorWithRole(f.bureau, domain.RoleOfficeAdmin), 0, testRubric(f))
			if err != nil {
				t.Fatal(err)
			}
			sc, err := f.app.Scores(ctx, actorWithRole(f.bureau, domain.RoleOfficeAdmin), r.ID)
			if err != nil {
				t.Fatal(err)
			}
			r2 := func(x float64) float64 { return math.Round(x*100) / 100 }
			frac := func(a, b int) float64 {
				if b == 0 {
					return 0
				}
				return float64(a) / float64(b)
			}
			for _, u := range sc.Units {
				s := -1
				for i, sch := range f.schools {
					if sch.ID == u.OrgID {
						s = i
					}
				}
				w := want[s]
				p0 := 0.0
				if w.lectures >= 2 {
					p0 = 10
				} else if w.lectures == 1 {
					p0 = 5
				}
				p1 := r2(40 * frac(w.timely, w.live))
				p2 := r2(30 * math.Max(0, math.Min(1, (frac(w.approved, w.nondraft)-0.5)/0.5)))
				total := r2(p0 + p1 + p2 + 20)
				if u.Items[0].Points != p0 || u.Items[1].Points != p1 || u.Items[2].Points != p2 || math.Abs(u.Total-total) > 1e-9 {
					t.Errorf("school %d: %v %v %v = %v; recount %v %v %v = %v (%+v)", s, u.Items[0].Points, u.Items[1].Points, u.Items[2].Points, u.Total, p0, p1, p2, total, w)
				}
			}
		})
	}
}

func TestAssessmentExport(t *testing.T) {
	e := storetest.Engines(t)[0]
	ctx := context.Background()
	f := newFixture(t, e)
	office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
	r, err := f.app.SaveRubric(ctx, office, 0, testRubric(f))
	if err != nil {
		t.Fatal(err)
	}
	b, name, err := f.app.ExportScores(ctx, actorWithRole(f.districts[0], domain.RoleDistrictAdmin), r.ID)
	if err != nil || name != "2026年度考核结果-示范县教育局.xlsx" {
		t.Fatalf("%q %v", name, err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("考核结果")
	if len(rows) != 3 || rows[0][3] != "宣讲活动（10分）" || rows[1][2] != f.schools[0].Name && rows[1][2] != f.schools[1].Name {
		t.Fatalf("rows %v", rows)
	}
	for _, r := range rows[1:] {
		if r[2] == f.schools[2].Name || r[2] == f.schools[3].Name {
			t.Fatalf("district 1 exported district 2's school: %v", r)
		}
	}
}
