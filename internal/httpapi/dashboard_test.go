package httpapi

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// TestDashboardEqualsAggregates checks the grouped dashboard answer against
// the figures the page used to ask for one by one (GET /api/v1/aggregates),
// for random records, units and periods: each card and its last year, each
// type, each heatmap cell, the unit's own row, each month of the trend; and
// that every records query lists exactly what its figure counts.
func TestDashboardEqualsAggregates(t *testing.T) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(3, 5))
	units := []int64{e.bureau, e.district, e.school, e.school2, e.branch}
	codes := []string{"outreach_lecture", "study_session", "moral_education", "volunteer_service", "central_group_study"}
	for i := 0; i < 70; i++ {
		date := domain.NewDate(2025+rng.IntN(2), 1, 1).AddDays(rng.IntN(365))
		if date.After(e.app.Today()) {
			date = date.AddDays(-200)
		}
		a := e.activity(units[rng.IntN(len(units))], codes[rng.IntN(len(codes))], date.String(), fmt.Sprintf("活动 %d", i), 1+rng.IntN(60), true)
		if rng.IntN(5) > 0 {
			e.call(req("POST", activityPath(a.ID)+"/approve", nil), 200)
		}
	}
	agg := func(q string) app.AggResult {
		var r app.AggResult
		e.call(req("GET", "/api/v1/aggregates?"+q, nil), 200).decode(t, &r)
		return r
	}
	recount := func(records string) (int64, int64) {
		var p page[domain.Activity]
		e.call(req("GET", "/api/v1/activities?"+records+"&limit=500", nil), 200).decode(t, &p)
		var att int64
		for _, a := range p.Items {
			att += int64(a.Attendance)
		}
		return int64(p.Total), att
	}
	same := func(what string, got, want interface{ fig() (int64, int64) }) {
		t.Helper()
		gn, ga := got.fig()
		wn, wa := want.fig()
		if gn != wn || ga != wa {
			t.Fatalf("%s: dashboard %d/%d, aggregates %d/%d", what, gn, ga, wn, wa)
		}
	}
	checked := 0
	for _, unit := range units {
		for _, p := range []string{"2026", "2025", "2026FA", "2025Q2", "2026-03"} {
			var d app.Dashboard
			e.call(req("GET", fmt.Sprintf("/api/v1/dashboard?org_id=%d&period=%s", unit, url.QueryEscape(p)), nil), 200).decode(t, &d)
			base := fmt.Sprintf("org_id=%d&period=%s", unit, url.QueryEscape(p))
			whole := agg(base)
			same(p+" total", fig(d.Figure.Count, d.Figure.Attendance), fig(whole.Count, whole.Attendance))
			if n, att := recount(d.Records); n != d.Count || att != d.Attendance {
				t.Fatalf("%s: total %d/%d, its records %d/%d", base, d.Count, d.Attendance, n, att)
			}
			if len(d.Pillars) != len(domain.Pillars) {
				t.Fatalf("%s: %d cards", base, len(d.Pillars))
			}
			for i, c := range d.Pillars {
				if c.Pillar != domain.Pillars[i].Code {
					t.Fatalf("%s: card %d is %s", base, i, c.Pillar)
				}
				want := agg(base + "&pillar=" + c.Pillar + "&compare=last_year")
				same(base+" card "+c.Pillar, fig(c.Count, c.Attendance), fig(want.Count, want.Attendance))
				same(base+" card last year "+c.Pillar, fig(c.LastYear.Count, c.LastYear.Attendance), fig(want.LastYear.Count, want.LastYear.Attendance))
				if want.LastYear.Period.Range != d.LastYear.Range {
					t.Fatalf("%s: last year %v, aggregates compare with %v", base, d.LastYear.Range, want.LastYear.Period.Range)
				}
				if c.Records != want.Records {
					t.Fatalf("%s: card records %q, aggregates %q", base, c.Records, want.Records)
				}
			}
			byType := agg(base + "&group_by=type")
			if len(byType.Groups) > len(d.Types) {
				t.Fatalf("%s: %d types with figures, dashboard lists %d", base, len(byType.Groups), len(d.Types))
			}
			for _, ty := range d.Types {
				want := agg(fmt.Sprintf("%s&type_id=%d", base, ty.TypeID))
				same(fmt.Sprintf("%s type %d", base, ty.TypeID), fig(ty.Count, ty.Attendance), fig(want.Count, want.Attendance))
			}
			// The heatmap: every cell as the aggregate by child of its pillar;
			// the rows and the own row add up to the total.
			var sn, sa int64
			for _, r := range d.Children {
				sn, sa = sn+r.Count, sa+r.Attendance
				for i, cell := range r.Cells {
					code := d.Pillars[i].Pillar
					if r.Own {
						continue
					}
					g := agg(base + "&pillar=" + code + "&group_by=child")
					var want app.AggResult
					for _, x := range g.Groups {
						if x.Key == fmt.Sprint(r.OrgID) {
							want.Count, want.Attendance = x.Count, x.Attendance
						}
					}
					same(fmt.Sprintf("%s cell %s/%s", base, r.Name, code), fig(cell.Count, cell.Attendance), fig(want.Count, want.Attendance))
				}
				if n, att := recount(r.Records + "&pillar=" + d.Pillars[0].Pillar); !r.Own && (n != r.Cells[0].Count || att != r.Cells[0].Attendance) {
					t.Fatalf("%s: row %s's first cell %v, its records %d/%d", base, r.Name, r.Cells[0], n, att)
				}
				checked++
			}
			if sn != d.Count || sa != d.Attendance {
				t.Fatalf("%s: heatmap rows sum to %d/%d, total %d/%d", base, sn, sa, d.Count, d.Attendance)
			}
			trend := agg(fmt.Sprintf("org_id=%d&period=%s&group_by=month", unit, d.Trend.Year))
			wantMonths := map[string][2]int64{}
			for _, g := range trend.Groups {
				if g.Key <= e.app.Today().MonthKey() {
					wantMonths[g.Key] = [2]int64{g.Count, g.Attendance}
				}
			}
			if len(d.Trend.Months) != len(wantMonths) {
				t.Fatalf("%s: trend %v, aggregates %v", base, d.Trend.Months, wantMonths)
			}
			for _, m := range d.Trend.Months {
				if w := wantMonths[m.Key]; w != [2]int64{m.Count, m.Attendance} {
					t.Fatalf("%s: month %s %d/%d, aggregates %v", base, m.Key, m.Count, m.Attendance, w)
				}
			}
			checked++
		}
	}
	var d app.Dashboard
	e.call(req("GET", fmt.Sprintf("/api/v1/dashboard?org_id=%d&period=2026", e.bureau), nil), 200).decode(t, &d)
	if d.Count == 0 || len(d.Types) == 0 || len(d.Trend.Months) == 0 {
		t.Fatalf("nothing approved in 2026: the test proves nothing: %+v", d)
	}
	t.Logf("%d dashboards and rows checked", checked)
}

type figPair [2]int64

func (f figPair) fig() (int64, int64) { return f[0], f[1] }
func fig(n, a int64) figPair          { return figPair{n, a} }

// TestDashboardScope: a school's admin reads the own school, sees only the
// units of the own scope in the breadcrumbs, and another school answers 404
// like a unit that does not exist.
func TestDashboardScope(t *testing.T) {
	e := newEnv(t)
	e.activity(e.school2, "study_session", "2026-03-02", "二中学习", 30, true)
	school := e.newSession("xiao1", "一中管理员", e.school, domain.RoleSchoolAdmin)
	var d app.Dashboard
	e.call(req("GET", fmt.Sprintf("/api/v1/dashboard?org_id=%d&period=2026", e.school), nil).as(school), 200).decode(t, &d)
	if len(d.Path) != 1 || d.Path[0].ID != e.school {
		t.Fatalf("a school admin's breadcrumbs: %+v, want the school only", d.Path)
	}
	for _, r := range d.Children {
		if r.OrgID != e.branch && r.OrgID != e.school {
			t.Fatalf("the school's heatmap lists unit %d", r.OrgID)
		}
	}
	if got := e.call(req("GET", fmt.Sprintf("/api/v1/dashboard?org_id=%d&period=2026", e.school2), nil).as(school), 404).errorOf(t); got.Field != "org_id" {
		t.Fatalf("another school: %+v", got)
	}
	// The office reads the whole tree: breadcrumbs from the bureau down.
	e.call(req("GET", fmt.Sprintf("/api/v1/dashboard?org_id=%d&period=2026", e.branch), nil), 200).decode(t, &d)
	want := []int64{e.bureau, e.district, e.school, e.branch}
	if len(d.Path) != len(want) {
		t.Fatalf("breadcrumbs %+v, want %v", d.Path, want)
	}
	for i, id := range want {
		if d.Path[i].ID != id || d.Path[i].Name == "" {
			t.Fatalf("breadcrumbs %+v, want %v", d.Path, want)
		}
	}
	for q, field := range map[string]string{
		"period=2026":                                    "org_id",
		fmt.Sprintf("org_id=%d", e.school):               "period",
		fmt.Sprintf("org_id=%d&period=2026Q9", e.school): "period",
	} {
		if got := e.call(req("GET", "/api/v1/dashboard?"+q, nil), 400).errorOf(t); got.Field != field {
			t.Fatalf("%s: %+v, want field %s", q, got, field)
		}
	}
}
