package httpapi

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// Issue #9: the audit log filters by unit (a subtree of the reader's own)
// and by outcome, and names actors, units and targets; an audit admin of
// another subtree sees nothing of this one and cannot ask for it.
func TestAuditLogFiltersAndNames(t *testing.T) {
	e := newEnv(t)
	aud := e.adminSession("auditadmin")
	s := e.secretary("he.ping") // 王书记, of 实验小学
	e.call(loginReq(s.username, "Wrong-pass-1"), 401)
	var act domain.Activity
	e.call(req("POST", "/api/v1/activities", map[string]any{"org_id": e.school, "type_id": e.types["moral_education"].ID,
		"date": "2024-03-01", "title": "四德教育进课堂", "attendance": 30}).as(s), 201).decode(t, &act)
	gone := e.activity(e.school, "moral_education", "2024-03-02", "待删除的活动", 3, false)
	e.call(req("DELETE", activityPath(gone.ID), nil), 204)
	aud2 := e.newSession("shen.ji2", "第二中学审计员", e.school2, domain.RoleAuditAdmin)
	e.call(req("POST", "/api/v1/activities", map[string]any{"org_id": e.school2, "type_id": e.types["moral_education"].ID,
		"date": "2024-03-03", "title": "二中的活动", "attendance": 5}).as(e.newSession("li.s2", "李书记", e.school2, domain.RoleSchoolAdmin)), 201)

	list := func(as *session, query string, want int) page[auditEventView] {
		t.Helper()
		var p page[auditEventView]
		r := e.call(req("GET", "/api/v1/audit/events?limit=500&"+query, nil).as(as), want)
		if want == 200 {
			r.decode(t, &p)
		}
		return p
	}
	inSchool := func(ev auditEventView) bool { return ev.OrgID == e.school || ev.OrgID == e.branch }

	// By unit: only the school's subtree, and its secretary's record, named.
	p := list(aud, fmt.Sprintf("org_id=%d", e.school), 200)
	if p.Total == 0 {
		t.Fatal("no events of the school")
	}
	var create *auditEventView
	for i, ev := range p.Items {
		if !inSchool(ev) {
			t.Errorf("org_id=school lists seq %d of unit %d", ev.Seq, ev.OrgID)
		}
		if ev.Type == "activity.create" {
			create = &p.Items[i]
		}
	}
	if create == nil || create.ActorName != "王书记" || create.OrgName != "实验小学" || create.TargetKind != "activity" ||
		create.TargetName != "四德教育进课堂" {
		t.Fatalf("the secretary's record is not named: %+v", create)
	}

	// By outcome.
	p = list(aud, fmt.Sprintf("org_id=%d&outcome=failure", e.school), 200)
	if p.Total == 0 {
		t.Fatal("the failed login is not listed")
	}
	for _, ev := range p.Items {
		if ev.Outcome != "failure" || !inSchool(ev) {
			t.Errorf("outcome=failure lists %s %s of unit %d", ev.Type, ev.Outcome, ev.OrgID)
		}
		if ev.Type == "login.failure" && ev.TargetName != "王书记" {
			t.Errorf("the failed login's target is not named: %+v", ev)
		}
	}
	if p := list(aud, "outcome=success&type=login.failure", 200); p.Total != 0 {
		t.Errorf("successful failed logins: %d", p.Total)
	}

	// A deleted record is named from the event itself; an account and a unit by their names.
	del := list(aud, "type=activity.delete", 200)
	if len(del.Items) != 1 || del.Items[0].TargetName != "待删除的活动" {
		t.Errorf("the deleted activity is not named: %+v", del.Items)
	}
	acc := list(aud, fmt.Sprintf("type=account.create&target=account:%d", aud2.accountID), 200)
	if len(acc.Items) != 1 || acc.Items[0].TargetName != "第二中学审计员" {
		t.Errorf("the account is not named: %+v", acc.Items)
	}
	for _, ev := range list(aud, "", 200).Items {
		if ev.ActorID != 0 && ev.ActorName == "" {
			t.Errorf("seq %d: actor %d has no name", ev.Seq, ev.ActorID)
		}
		if ev.OrgID != 0 && ev.OrgName == "" {
			t.Errorf("seq %d: unit %d has no name", ev.Seq, ev.OrgID)
		}
	}

	// Another subtree's audit admin: nothing of the school, and the school is not found.
	other := list(aud2, "", 200)
	if other.Total == 0 {
		t.Fatal("the second school's audit admin sees not even its own school")
	}
	for _, ev := range other.Items {
		if inSchool(ev) || ev.OrgID == e.bureau || strings.Contains(ev.TargetName, "四德") || ev.ActorName == "王书记" {
			t.Errorf("the other subtree's audit admin sees seq %d (%s by %s of unit %d)", ev.Seq, ev.Type, ev.Actor, ev.OrgID)
		}
	}
	list(aud2, fmt.Sprintf("org_id=%d", e.school), 404)
	list(aud2, fmt.Sprintf("org_id=%d&outcome=failure", e.district), 404)

	// Bounded filters, each error naming its parameter.
	for q, field := range map[string]string{
		"outcome=maybe":                      "outcome",
		"type=" + strings.Repeat("a", 65):    "type",
		"target=" + strings.Repeat("x", 201): "target",
		"org_id=abc":                         "org_id",
		"limit=100000":                       "limit",
	} {
		if got := e.call(req("GET", "/api/v1/audit/events?"+q, nil).as(aud), 400).errorOf(t); got.Field != field {
			t.Errorf("%s: field %q, want %q", q, got.Field, field)
		}
	}
	// Not the office admin's to read.
	e.call(req("GET", "/api/v1/audit/events", nil), 403)
}

// The audit admin's verification checks the anchors the server writes: a
// trail whose newest events were deleted is reported as truncated, though
// the chain that is left is intact.
func TestAuditVerifyChecksAnchors(t *testing.T) {
	e := newEnv(t)
	aud := e.adminSession("auditadmin")
	ctx := context.Background()
	an := app.AuditAnchors{Path: filepath.Join(t.TempDir(), audit.AnchorFileName), Key: []byte("0123456789abcdef0123456789abcdef")}
	var rep auditReport
	e.call(req("POST", "/api/v1/audit/verify", nil).as(aud), 200).decode(t, &rep)
	if !rep.OK || rep.Anchored {
		t.Fatalf("without anchors: %+v", rep)
	}
	e.app.UseAuditAnchors(an)
	anc, wrote, err := e.app.AnchorAudit(ctx, an, audit.Head{})
	if err != nil || !wrote {
		t.Fatalf("AnchorAudit: %v %v", wrote, err)
	}
	e.call(req("POST", "/api/v1/audit/verify", nil).as(aud), 200).decode(t, &rep)
	if !rep.OK || !rep.Anchored || rep.Anchors != 1 || rep.LastAnchor == nil || rep.LastAnchor.Seq < anc.Seq {
		t.Fatalf("with an anchor: %+v", rep)
	}
	if err := storetest.Exec(t, e.st, fmt.Sprintf("DELETE FROM audit_events WHERE seq > %d", anc.Seq-3)); err != nil {
		t.Fatal(err)
	}
	rep = auditReport{}
	e.call(req("POST", "/api/v1/audit/verify", nil).as(aud), 200).decode(t, &rep)
	if rep.OK || rep.FirstBad == nil || rep.FirstBad.Kind != audit.ProblemTruncated || rep.FirstBad.Seq != anc.Seq-2 {
		t.Fatalf("a truncated trail: %+v", rep)
	}
}
