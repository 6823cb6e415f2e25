package httpapi

import (
	"context"
	"fmt"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// TestProblemsAPI: the office reads the suggestions of its bureau, every
// evidence link lists what the suggestion says through the ledger API, a
// decision persists, and other units' admins neither read nor decide them.
func TestProblemsAPI(t *testing.T) {
	e := newEnv(t)
	// 2025: one civility record, no theory study anywhere: both schools are
	// named in each quarter.
	a := e.activity(e.school2, "moral_education", "2025-03-01", "文明礼仪教育", 50, true)
	e.call(req("POST", activityPath(a.ID)+"/approve", nil), 200)

	var list app.ProblemList
	e.call(req("GET", fmt.Sprintf("/api/v1/problems?org_id=%d&period=2025", e.bureau), nil), 200).decode(t, &list)
	if len(list.Items) != 4 || list.Period.Code != "2025" {
		t.Fatalf("want the four quarters, got %+v", list)
	}
	for _, p := range list.Items {
		if p.Kind != app.ProblemNoTheoryStudy || len(p.Evidence.Units) != 2 || p.Decision != nil {
			t.Fatalf("suggestion: %+v", p)
		}
		for _, u := range p.Evidence.Units {
			var pg page[domain.Activity]
			e.call(req("GET", "/api/v1/activities?"+u.Records, nil), 200).decode(t, &pg)
			if pg.Total != 0 {
				t.Errorf("%s is named for no theory study, its ledger lists %d", u.Name, pg.Total)
			}
		}
	}
	q1 := list.Items[0]
	if q1.Key != problemKeyExample {
		t.Errorf("the documented example key %s is not the key of 2025 Q1 (%s)", problemKeyExample, q1.Key)
	}

	decide := func(key string, body map[string]any) *request {
		return req("PUT", "/api/v1/problems/"+key+"/decision", body)
	}
	var got app.Problem
	e.call(decide(q1.Key, map[string]any{"org_id": e.bureau, "period": "2025", "decision": "accepted", "note": "属实"}), 200).decode(t, &got)
	if got.Decision == nil || *got.Decision != "accepted" || got.Note != "属实" || got.DecidedAt == nil {
		t.Fatalf("decision: %+v", got)
	}
	e.call(req("GET", fmt.Sprintf("/api/v1/problems?org_id=%d&period=2025年", e.bureau), nil), 200).decode(t, &list)
	if d := list.Items[0].Decision; d == nil || *d != "accepted" {
		t.Fatalf("after re-reading: %+v", list.Items[0])
	}
	e.call(decide(q1.Key, map[string]any{"org_id": e.bureau, "period": "2025", "decision": nil}), 200).decode(t, &got)
	if got.Decision != nil {
		t.Fatalf("undecided: %+v", got)
	}

	// Bad input names the field; an unknown key is not found.
	for _, c := range []struct {
		key    string
		body   map[string]any
		status int
		field  string
	}{
		{q1.Key, map[string]any{"org_id": e.bureau, "period": "2025", "decision": "maybe"}, 400, "decision"},
		{q1.Key, map[string]any{"org_id": e.bureau, "period": "2025Q7", "decision": "accepted"}, 400, "period"},
		{q1.Key, map[string]any{"period": "2025", "decision": "accepted"}, 400, "org_id"},
		{"NOT-A-KEY", map[string]any{"org_id": e.bureau, "period": "2025", "decision": "accepted"}, 400, "key"},
		{"00000000000000ff", map[string]any{"org_id": e.bureau, "period": "2025", "decision": "accepted"}, 404, ""},
	} {
		r := e.call(decide(c.key, c.body), c.status)
		if c.field != "" {
			if f := r.errorOf(t).Field; f != c.field {
				t.Errorf("%v: error on %q, want %q", c.body, f, c.field)
			}
		}
	}
	e.call(req("GET", fmt.Sprintf("/api/v1/problems?org_id=%d", e.bureau), nil), 400)

	// Another district's admin: the problems of this district are not found,
	// and deciding needs report.manage.
	op := e.operator(e.bureau)
	d2, err := e.app.CreateOrg(context.Background(), op, app.OrgInput{ParentID: e.bureau, Kind: domain.OrgDistrict, Code: "xy-d2", Name: "第二学区"})
	if err != nil {
		t.Fatal(err)
	}
	other := e.newSession("d2admin", "第二学区管理员", d2.ID, domain.RoleDistrictAdmin)
	e.call(req("GET", fmt.Sprintf("/api/v1/problems?org_id=%d&period=2025", e.district), nil).as(other), 404)
	e.call(req("GET", fmt.Sprintf("/api/v1/problems?org_id=%d&period=2025", d2.ID), nil).as(other), 200)
	e.call(decide(q1.Key, map[string]any{"org_id": e.district, "period": "2025", "decision": "accepted"}).as(other), 403)

	// The back-filling filter of a suggestion's link is a ledger filter.
	var pg page[domain.Activity]
	today := e.app.Today().String()
	e.call(req("GET", "/api/v1/activities?created_by=office&entered_on="+today, nil), 200).decode(t, &pg)
	if pg.Total != 1 {
		t.Errorf("the office entered one record today, the ledger lists %d", pg.Total)
	}
	e.call(req("GET", "/api/v1/activities?created_by=office&entered_on=2020-01-01", nil), 200).decode(t, &pg)
	if pg.Total != 0 {
		t.Errorf("nothing was entered on 2020-01-01, the ledger lists %d", pg.Total)
	}
}
