package httpapi

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// TestAggregateEqualsList checks principle 2 (every figure is traceable)
// through the API: for random units, periods and filters, the figure equals a
// recount of the activity list its `records` query string returns.
func TestAggregateEqualsList(t *testing.T) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(7, 11))
	units := []int64{e.bureau, e.district, e.school, e.school2, e.branch}
	codes := []string{"outreach_lecture", "study_session", "moral_education", "volunteer_service", "central_group_study"}
	for i := 0; i < 90; i++ {
		code := codes[rng.IntN(len(codes))]
		date := domain.NewDate(2023+rng.IntN(3), 1, 1).AddDays(rng.IntN(365))
		a := e.activity(units[rng.IntN(len(units))], code, date.String(), fmt.Sprintf("活动 %d", i), 1+rng.IntN(80), rng.IntN(4) > 0)
		if a.Status == domain.StatusSubmitted {
			switch rng.IntN(3) {
			case 0, 1:
				e.call(req("POST", activityPath(a.ID)+"/approve", nil), 200)
			case 2:
				e.call(req("POST", activityPath(a.ID)+"/return", map[string]any{"reason": "补充材料"}), 200)
			}
		}
	}

	recount := func(records string) (int64, int64) {
		var p page[domain.Activity]
		e.call(req("GET", "/api/v1/activities?"+records+"&limit=500", nil), 200).decode(t, &p)
		var att int64
		for _, a := range p.Items {
			att += int64(a.Attendance)
		}
		if len(p.Items) != p.Total {
			t.Fatalf("more than one page: %d of %d", len(p.Items), p.Total)
		}
		return int64(p.Total), att
	}
	aggregate := func(query string) app.AggResult {
		var res app.AggResult
		e.call(req("GET", "/api/v1/aggregates?"+query, nil), 200).decode(t, &res)
		return res
	}

	periods := []string{"2024", "2024Q1", "2024-03", "2024FA", "2024-2025学年", "2025", "2023", "2025SP"}
	filters := []string{"", "pillar=theory", fmt.Sprintf("type_id=%d&type_id=%d", e.types["moral_education"].ID, e.types["study_session"].ID),
		"status=submitted&status=returned", "status=approved&pillar=civility"}
	groupings := []string{"", "type", "child", "month", "status"}
	checked := 0
	for _, unit := range units {
		for _, p := range periods {
			filter := filters[rng.IntN(len(filters))]
			group := groupings[rng.IntN(len(groupings))]
			q := fmt.Sprintf("org_id=%d&period=%s", unit, url.QueryEscape(p))
			if filter != "" {
				q += "&" + filter
			}
			if group != "" {
				q += "&group_by=" + group
			}
			res := aggregate(q + "&compare=last_year")
			n, att := recount(res.Records)
			if n != res.Count || att != res.Attendance {
				t.Fatalf("%s: figure %d/%d, records %d/%d (records: %s)", q, res.Count, res.Attendance, n, att, res.Records)
			}
			if group != "" {
				var gn, ga int64
				for _, g := range res.Groups {
					gn += g.Count
					ga += g.Attendance
				}
				if gn != res.Count || ga != res.Attendance {
					t.Fatalf("%s: groups sum to %d/%d, figure %d/%d", q, gn, ga, res.Count, res.Attendance)
				}
			}
			if res.LastYear == nil {
				t.Fatalf("%s: no last_year", q)
			}
			ly := aggregate(fmt.Sprintf("org_id=%d&period=%s", unit, url.QueryEscape(res.LastYear.Period.Code)) + ifAmp(filter))
			if ly.Count != res.LastYear.Count || ly.Attendance != res.LastYear.Attendance {
				t.Fatalf("%s: last_year %+v, the same period asked directly %d/%d", q, res.LastYear.Figure, ly.Count, ly.Attendance)
			}
			checked++
		}
	}
	// The figures are not all zero: the test would prove nothing.
	if res := aggregate(fmt.Sprintf("org_id=%d&period=2024", e.bureau)); res.Count == 0 {
		t.Fatal("no approved activity in 2024")
	}
	t.Logf("%d figures recounted", checked)
}

func ifAmp(s string) string {
	if s == "" {
		return ""
	}
	return "&" + s
}

func TestAggregateRefused(t *testing.T) {
	e := newEnv(t)
	for query, field := range map[string]string{
		"period=2024":                     "org_id",
		"org_id=1":                        "period",
		"org_id=1&period=2024Q5":          "period",
		"org_id=1&period=2024&group_by=x": "group_by",
		"org_id=1&period=2024&status=new": "status",
		"org_id=1&period=2024&pillar=art": "pillar",
		"org_id=1&period=2024&type_id=0":  "type_id",
		"org_id=1&period=2024&compare=ly": "compare",
	} {
		if got := e.call(req("GET", "/api/v1/aggregates?"+query, nil), 400).errorOf(t); got.Field != field {
			t.Fatalf("%s: %+v, want field %s", query, got, field)
		}
	}
	if got := e.call(req("GET", "/api/v1/aggregates?org_id=1&period=2024&type_id=99999", nil), 400).errorOf(t); got.Field != "type_id" {
		t.Fatalf("unknown type: %+v", got)
	}
	e.call(req("GET", "/api/v1/aggregates?org_id=99999&period=2024", nil), 404)
}
