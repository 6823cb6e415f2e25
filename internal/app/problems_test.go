package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// problemFixture records activities for the problem rules.
type problemFixture struct {
	*fixture
	t   *testing.T
	seq int
}

// add records an approved activity of a type at a unit on a date, entered by
// ac (the operator when ac is nil), and returns its id.
func (p *problemFixture) add(ac *domain.Actor, org int64, typ, d string) int64 {
	p.t.Helper()
	return p.addStatus(ac, org, typ, d, domain.StatusApproved)
}

func (p *problemFixture) addStatus(ac *domain.Actor, org int64, typ, d string, st domain.Status) int64 {
	p.t.Helper()
	ctx := context.Background()
	by := p.op
	if ac != nil {
		by = *ac
	}
	p.seq++
	in := domain.ActivityInput{OrgID: org, TypeID: p.types[typ].ID, Date: date(d), Title: fmt.Sprintf("活动%d", p.seq), Attendance: 30}
	if t := p.types[typ]; len(t.Venues) > 0 {
		in.Venues = []string{t.Venues[0]}
	}
	act, err := p.app.CreateActivity(ctx, by, in, st != domain.StatusDraft)
	if err != nil {
		p.t.Fatalf("create %s at %d on %s: %v", typ, org, d, err)
	}
	if st == domain.StatusApproved {
		if _, err := p.app.Transition(ctx, p.op, act.ID, domain.ActApprove, ""); err != nil {
			p.t.Fatal(err)
		}
	}
	return act.ID
}

// attach attaches a file with the given content to an activity.
func (p *problemFixture) attach(id int64, name, content string) {
	p.t.Helper()
	if _, err := p.app.AttachEvidence(context.Background(), p.op, id, name, bytes.NewReader(pdfBytes(content))); err != nil {
		p.t.Fatal(err)
	}
}

// pdfBytes is a small PDF whose bytes (and SHA-256) depend on content.
func pdfBytes(content string) []byte {
	return []byte("%PDF-1.4\n% " + content + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func (p *problemFixture) problems(ac domain.Actor, org int64, period string) []app.Problem {
	p.t.Helper()
	list, err := p.app.Problems(context.Background(), ac, org, period)
	if err != nil {
		p.t.Fatalf("problems of %d in %s: %v", org, period, err)
	}
	return list.Items
}

func ofKind(ps []app.Problem, kind string) []app.Problem {
	var out []app.Problem
	for _, p := range ps {
		if p.Kind == kind {
			out = append(out, p)
		}
	}
	return out
}

// recount lists the records of a ledger query string through the
// application, as the ledger page does, and returns how many there are.
func recount(t *testing.T, a *app.App, ac domain.Actor, records string) int64 {
	t.Helper()
	v, err := url.ParseQuery(records)
	if err != nil {
		t.Fatalf("records %q: %v", records, err)
	}
	q := app.ActivityQuery{Period: v.Get("period"), Pillar: v.Get("pillar"), EvidenceSHA: v.Get("evidence"),
		CreatedBy: v.Get("created_by"), Limit: 1}
	known := map[string]bool{"org_id": true, "period": true, "pillar": true, "evidence": true, "created_by": true,
		"status": true, "from": true, "to": true, "has_evidence": true, "entered_on": true, "type_id": true}
	for k := range v {
		if !known[k] {
			t.Fatalf("records %q: parameter %s is not a ledger filter this test knows", records, k)
		}
	}
	if q.OrgID, err = strconv.ParseInt(v.Get("org_id"), 10, 64); err != nil {
		t.Fatalf("records %q: org_id: %v", records, err)
	}
	for _, s := range v["status"] {
		q.Statuses = append(q.Statuses, domain.Status(s))
	}
	for _, s := range v["type_id"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("records %q: type_id: %v", records, err)
		}
		q.TypeIDs = append(q.TypeIDs, id)
	}
	if s := v.Get("from"); s != "" {
		q.From = date(s)
	}
	if s := v.Get("to"); s != "" {
		q.To = date(s)
	}
	if s := v.Get("entered_on"); s != "" {
		q.EnteredOn = date(s)
	}
	if s := v.Get("has_evidence"); s != "" {
		b := s == "true"
		q.HasEvidence = &b
	}
	_, n, err := a.ListActivities(context.Background(), ac, q)
	if err != nil {
		t.Fatalf("records %q: %v", records, err)
	}
	return int64(n)
}

// checkRecount holds every suggestion to its evidence: the records link lists
// exactly the records counted, and units named for an absence have none.
func checkRecount(t *testing.T, a *app.App, ac domain.Actor, ps []app.Problem) {
	t.Helper()
	for _, p := range ps {
		ev := p.Evidence
		if ev.Records != "" {
			if n := recount(t, a, ac, ev.Records); n != ev.Count {
				t.Errorf("%s %q: counts %d, its records link lists %d (%s)", p.Kind, p.Detail, ev.Count, n, ev.Records)
			}
		} else if int64(len(ev.Units)) != ev.Count {
			t.Errorf("%s %q: counts %d units, names %d", p.Kind, p.Detail, ev.Count, len(ev.Units))
		}
		for _, u := range ev.Units {
			if n := recount(t, a, ac, u.Records); n != 0 {
				t.Errorf("%s: unit %s is named for having no records, its link lists %d", p.Kind, u.Name, n)
			}
		}
		for _, f := range []*app.ProblemFigure{ev.Compare, ev.Total} {
			if f != nil {
				if n := recount(t, a, ac, f.Records); n != f.Count {
					t.Errorf("%s %q: compared figure %d, its link lists %d (%s)", p.Kind, p.Detail, f.Count, n, f.Records)
				}
			}
		}
		if p.Title == "" || p.TitleEN == "" || p.Detail == "" || p.DetailEN == "" {
			t.Errorf("%s: a title or detail is missing: %+v", p.Kind, p)
		}
		if !strings.Contains(p.Detail, strconv.FormatInt(ev.Count, 10)) {
			t.Errorf("%s: the detail %q does not state the count %d", p.Kind, p.Detail, ev.Count)
		}
	}
}

func TestProblemsNoTheoryStudy(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			quarters := []string{"2025-02-10", "2025-05-10", "2025-08-10", "2025-11-10"}
			for i, s := range p.schools {
				for q, d := range quarters {
					switch {
					case i == 0 && q == 1: // D1-S1 nothing in Q2 but a submitted (unapproved) record
						p.addStatus(nil, s.ID, "study_session", d, domain.StatusSubmitted)
					case i == 3 && q == 1: // D2-S2 nothing in Q2 but civility work
						p.add(nil, s.ID, "moral_education", d)
					case i == 1 && q == 2: // D1-S2 nothing in Q3
					case i == 2 && q == 2: // D2-S1 only one study, by its branch: enough
						p.add(nil, p.branches[i].ID, "study_session", d)
					default:
						p.add(nil, s.ID, "outreach_lecture", d)
					}
				}
			}
			// 2026 Q4 is in progress (today is 2026-11-29): not judged yet.
			got := ofKind(p.problems(p.op, p.bureau.ID, "2025"), app.ProblemNoTheoryStudy)
			if len(got) != 2 {
				t.Fatalf("want 2 quarters with gaps, got %d: %+v", len(got), got)
			}
			want := map[string][]string{
				"2025年第二季度": {p.schools[0].Name, p.schools[3].Name},
				"2025年第三季度": {p.schools[1].Name},
			}
			for _, pr := range got {
				var q string
				for k := range want {
					if strings.HasPrefix(pr.Title, k) {
						q = k
					}
				}
				if q == "" {
					t.Fatalf("unexpected quarter: %s", pr.Title)
				}
				var names []string
				for _, u := range pr.Evidence.Units {
					names = append(names, u.Name)
				}
				if strings.Join(names, ",") != strings.Join(want[q], ",") {
					t.Errorf("%s: units %v, want %v", q, names, want[q])
				}
				for _, n := range want[q] {
					if !strings.Contains(pr.Detail, n) {
						t.Errorf("%s: the detail %q does not name %s", q, pr.Detail, n)
					}
				}
			}
			checkRecount(t, p.app, p.op, got)
			// A district sees only its own schools.
			d1 := actorWithRole(p.districts[0], domain.RoleDistrictAdmin)
			got = ofKind(p.problems(d1, p.districts[0].ID, "2025"), app.ProblemNoTheoryStudy)
			if len(got) != 2 || len(got[0].Evidence.Units) != 1 || got[0].Evidence.Units[0].ID != p.schools[0].ID {
				t.Errorf("district D1 sees %+v", got)
			}
			// A quarter period judges only itself; a month judges no quarter.
			if got := ofKind(p.problems(p.op, p.bureau.ID, "2025Q3"), app.ProblemNoTheoryStudy); len(got) != 1 {
				t.Errorf("2025Q3: %d suggestions", len(got))
			}
			if got := ofKind(p.problems(p.op, p.bureau.ID, "2025-05"), app.ProblemNoTheoryStudy); len(got) != 0 {
				t.Errorf("2025-05: %d suggestions", len(got))
			}
			// Every school studied in 2026 Q1–Q3 but for nothing recorded at all:
			// all four are named for each ended quarter, none for Q4 in progress.
			got = ofKind(p.problems(p.op, p.bureau.ID, "2026"), app.ProblemNoTheoryStudy)
			if len(got) != 3 {
				t.Errorf("2026: want Q1–Q3 judged, got %d", len(got))
			}
		})
	}
}

func TestProblemsDrops(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			s1, s3 := p.schools[0].ID, p.schools[2].ID // D1-S1, D2-S1
			series := func(org int64, typ string, year, n int) {
				for i := range n {
					p.add(nil, org, typ, fmt.Sprintf("%d-%02d-%02d", year, 1+i%12, 1+i/12))
				}
			}
			// Theory (bureau): 10 → 7, −3 (30%): a pillar drop. D1: 20 → 15, −5 but 25%: no unit drop.
			series(s1, "outreach_lecture", 2024, 10)
			series(s1, "outreach_lecture", 2025, 7)
			// Online (bureau): 10 → 8, −2: just below the pillar count threshold.
			series(s1, "online_monitoring", 2024, 10)
			series(s1, "online_monitoring", 2025, 8)
			// Civility (bureau and D2): 20 → 14, −6 (30%): a pillar drop and a unit drop.
			series(s3, "moral_education", 2024, 20)
			series(s3, "moral_education", 2025, 14)
			// Leadership (bureau): 40 → 37, −3 but 7.5%: just below the pillar percent threshold.
			series(p.office.ID, "party_committee_meeting", 2024, 40)
			series(p.office.ID, "party_committee_meeting", 2025, 37)

			ps := p.problems(p.op, p.bureau.ID, "2025")
			drops := ofKind(ps, app.ProblemPillarDrop)
			var pillars []string
			for _, d := range drops {
				pillars = append(pillars, d.Title)
			}
			if len(drops) != 2 || !strings.HasPrefix(drops[0].Title, "理论学习") || !strings.HasPrefix(drops[1].Title, "精神文明创建") {
				t.Fatalf("pillar drops: %v", pillars)
			}
			if drops[0].Evidence.Count != 7 || drops[0].Evidence.Compare.Count != 10 || !strings.Contains(drops[0].Detail, "下降30%") {
				t.Errorf("theory drop: %+v", drops[0])
			}
			units := ofKind(ps, app.ProblemUnitDrop)
			if len(units) != 1 || !strings.HasPrefix(units[0].Title, p.districts[1].Name) || units[0].Evidence.Count != 14 {
				t.Fatalf("unit drops: %+v", units)
			}
			checkRecount(t, p.app, p.op, append(drops, units...))
			// Compared with last year up to the same day while the period runs:
			// 2026 has nothing yet, 2025 up to 29 November had everything above.
			for _, d := range ofKind(p.problems(p.op, p.bureau.ID, "2026"), app.ProblemPillarDrop) {
				if !strings.Contains(d.Evidence.Compare.Records, "to=2025-11-29") {
					t.Errorf("2026 compares with %s", d.Evidence.Compare.Records)
				}
				checkRecount(t, p.app, p.op, []app.Problem{d})
			}
		})
	}
}

func TestProblemsNoEvidence(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			s := p.schools[0].ID
			// Per quarter: records, of which without evidence.
			plan := []struct {
				month       string
				total, bare int
				fires       bool
			}{
				{"2025-02", 20, 2, false},  // exactly 10%: not above
				{"2025-05", 20, 3, true},   // 15%
				{"2025-08", 19, 10, false}, // too few records to speak of a share
			}
			for _, q := range plan {
				for i := range q.total {
					id := p.add(nil, s, "study_session", fmt.Sprintf("%s-%02d", q.month, 1+i))
					if i >= q.bare {
						p.attach(id, "纪要.pdf", fmt.Sprintf("%s-%d", q.month, i))
					}
				}
			}
			// Records of a type that expects no evidence (monitoring patrols) are not judged.
			for i := range 10 {
				p.add(nil, s, "online_monitoring", fmt.Sprintf("2025-02-%02d", 1+i))
			}
			for i, q := range plan {
				code := fmt.Sprintf("2025Q%d", i+1)
				got := ofKind(p.problems(p.op, p.bureau.ID, code), app.ProblemNoEvidence)
				if (len(got) == 1) != q.fires || len(got) > 1 {
					t.Fatalf("%s: %d suggestions, want fires=%v", code, len(got), q.fires)
				}
				if q.fires {
					if got[0].Evidence.Count != int64(q.bare) || got[0].Evidence.Total.Count != int64(q.total) || !strings.Contains(got[0].Evidence.Records, "has_evidence=false") {
						t.Errorf("%s: %+v", code, got[0].Evidence)
					}
					checkRecount(t, p.app, p.op, got)
				}
			}
		})
	}
}

func TestProblemsReusedEvidence(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			a := p.add(nil, p.schools[0].ID, "study_session", "2025-03-01")
			b := p.add(nil, p.schools[0].ID, "study_session", "2025-04-01")
			c := p.add(nil, p.schools[2].ID, "moral_education", "2025-05-01")
			d := p.add(nil, p.schools[1].ID, "study_session", "2025-06-01")
			draft := p.addStatus(nil, p.schools[1].ID, "study_session", "2025-06-02", domain.StatusSubmitted)
			for _, id := range []int64{a, b, c} {
				p.attach(id, "合影.pdf", "photo-x") // three records, two units
			}
			p.attach(d, "签到.pdf", "photo-y") // once approved, once on a submitted record: one counted
			p.attach(draft, "签到.pdf", "photo-y")
			p.attach(a, "纪要.pdf", "minutes-a") // once

			got := ofKind(p.problems(p.op, p.bureau.ID, "2025"), app.ProblemReusedEvidence)
			if len(got) != 1 {
				t.Fatalf("want one reused file, got %+v", got)
			}
			if got[0].Evidence.Count != 3 || !strings.Contains(got[0].Detail, "合影.pdf") || !strings.Contains(got[0].Detail, "2个单位") {
				t.Errorf("reused: %+v", got[0])
			}
			checkRecount(t, p.app, p.op, got)
			// Within one district the same file backs two records.
			d1 := actorWithRole(p.districts[0], domain.RoleDistrictAdmin)
			got = ofKind(p.problems(d1, p.districts[0].ID, "2025"), app.ProblemReusedEvidence)
			if len(got) != 1 || got[0].Evidence.Count != 2 {
				t.Fatalf("district D1: %+v", got)
			}
			checkRecount(t, p.app, d1, got)
			// D2 holds one of them only.
			d2 := actorWithRole(p.districts[1], domain.RoleDistrictAdmin)
			if got := ofKind(p.problems(d2, p.districts[1].ID, "2025"), app.ProblemReusedEvidence); len(got) != 0 {
				t.Errorf("district D2: %+v", got)
			}
		})
	}
}

func TestProblemsBackfill(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			// Today is 2026-11-29: 2026-10-30 is 30 days earlier, 2026-10-31 29.
			late := actorOf(p.schools[0])
			for i := range 10 {
				p.add(&late, p.schools[0].ID, "study_session", fmt.Sprintf("2026-%02d-%02d", 1+i, 30-i%2*29))
			}
			p.add(&late, p.schools[0].ID, "study_session", "2026-10-31") // entered in time
			p.add(&late, p.schools[0].ID, "study_session", "2025-12-01") // another period
			nine := actorOf(p.schools[2])
			for i := range 9 {
				p.add(&nine, p.schools[2].ID, "study_session", fmt.Sprintf("2026-03-%02d", 1+i))
			}
			for i := range 12 { // the system's own entries: not judged
				p.add(nil, p.schools[1].ID, "study_session", fmt.Sprintf("2026-04-%02d", 1+i))
			}
			got := ofKind(p.problems(p.op, p.bureau.ID, "2026"), app.ProblemBackfill)
			if len(got) != 1 {
				t.Fatalf("want one batch, got %+v", got)
			}
			// Only the console operator's own entries are not judged: no account may take its name.
			_, err := p.app.CreateAccount(context.Background(), p.op, app.AccountInput{Username: "operator", Name: "冒名", OrgID: p.schools[0].ID,
				Phone: "13912345678", Roles: []string{domain.RoleSchoolAdmin}})
			wantKind(t, err, domain.KindInvalid, "username")
			if got[0].Evidence.Count != 10 || !strings.Contains(got[0].Detail, late.Name) || !strings.Contains(got[0].Evidence.Records, "entered_on=2026-11-29") {
				t.Errorf("batch: %+v", got[0])
			}
			checkRecount(t, p.app, p.op, got)
			// 2025 holds one late record of that account: no batch.
			if got := ofKind(p.problems(p.op, p.bureau.ID, "2025"), app.ProblemBackfill); len(got) != 0 {
				t.Errorf("2025: %+v", got)
			}
		})
	}
}

func TestProblemDecisions(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			// 2025: no school studied theory at all (one civility record each).
			for _, s := range p.schools {
				p.add(nil, s.ID, "moral_education", "2025-03-01")
			}
			office := actorWithRole(p.bureau, domain.RoleOfficeAdmin)
			first := p.problems(office, p.bureau.ID, "2025")
			if len(first) < 4 {
				t.Fatalf("want the four quarters suggested, got %d", len(first))
			}
			again := p.problems(office, p.bureau.ID, "2025")
			for i := range first {
				if first[i].Key != again[i].Key || first[i].Decision != nil {
					t.Fatalf("keys differ between runs or a decision appeared: %+v / %+v", first[i], again[i])
				}
			}
			q2 := first[1]
			accepted := app.DecisionAccepted
			dropped := app.DecisionDropped
			got, err := p.app.DecideProblem(ctx, office, q2.Key, app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025", Decision: &accepted, Note: " 属实 "})
			if err != nil {
				t.Fatal(err)
			}
			if got.Decision == nil || *got.Decision != accepted || got.Note != "属实" || got.DecidedBy != office.Name {
				t.Fatalf("decision: %+v", got)
			}
			if _, err := p.app.DecideProblem(ctx, office, first[0].Key, app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025", Decision: &dropped}); err != nil {
				t.Fatal(err)
			}
			// The data changes (one school studies in Q2): the problem stays, with its key and decision.
			p.add(nil, p.schools[0].ID, "study_session", "2025-05-05")
			after := p.problems(office, p.bureau.ID, "2025")
			if after[1].Key != q2.Key || after[1].Decision == nil || *after[1].Decision != accepted || after[1].Evidence.Count != 3 {
				t.Fatalf("after re-running: %+v", after[1])
			}
			acc, err := p.app.AcceptedProblems(ctx, office, p.bureau.ID, "2025年")
			if err != nil || len(acc) != 1 || acc[0].Key != q2.Key || acc[0].Note != "属实" {
				t.Fatalf("accepted: %+v %v", acc, err)
			}
			// Decisions belong to their unit and period.
			if ps := p.problems(office, p.districts[0].ID, "2025"); len(ps) == 0 || ps[0].Decision != nil {
				t.Errorf("a district's problems carry the bureau's decision: %+v", ps)
			}
			// Undecide.
			if got, err := p.app.DecideProblem(ctx, office, q2.Key, app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025"}); err != nil || got.Decision != nil {
				t.Fatalf("undecide: %+v %v", got, err)
			}
			if acc, _ := p.app.AcceptedProblems(ctx, office, p.bureau.ID, "2025"); len(acc) != 0 {
				t.Errorf("still accepted: %+v", acc)
			}
			// Every decision is audited.
			auditor := domain.Actor{Name: "auditor", Scope: domain.Scope{Roots: []int64{p.bureau.ID}}, Permissions: []domain.Permission{domain.PermAuditRead}}
			rows, n, err := p.app.ListAuditEvents(ctx, auditor, app.AuditQuery{Type: "problem.decide", Limit: 10})
			if err != nil || n != 3 {
				t.Fatalf("audit rows: %d %v", n, err)
			}
			if !strings.Contains(rows[0].Target, q2.Key) || rows[0].Actor != office.Name {
				t.Errorf("audit row: %+v", rows[0])
			}

			// Bad input.
			bad := "maybe"
			long := strings.Repeat("很", app.MaxProblemNoteLen+1)
			for _, c := range []struct {
				key   string
				in    app.ProblemDecisionInput
				kind  domain.Kind
				field string
			}{
				{q2.Key, app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025", Decision: &bad}, domain.KindInvalid, "decision"},
				{q2.Key, app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025", Decision: &accepted, Note: long}, domain.KindInvalid, "note"},
				{q2.Key, app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025", Note: "x"}, domain.KindInvalid, "note"},
				{q2.Key, app.ProblemDecisionInput{Period: "2025", Decision: &accepted}, domain.KindInvalid, "org_id"},
				{q2.Key, app.ProblemDecisionInput{OrgID: p.bureau.ID, Decision: &accepted}, domain.KindInvalid, "period"},
				{q2.Key, app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025Q9", Decision: &accepted}, domain.KindInvalid, "period"},
				{"0123456789abcdef", app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025", Decision: &accepted}, domain.KindNotFound, ""},
				{"../../etc", app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2025", Decision: &accepted}, domain.KindNotFound, ""},
				// Another period does not have this problem.
				{q2.Key, app.ProblemDecisionInput{OrgID: p.bureau.ID, Period: "2024", Decision: &accepted}, domain.KindNotFound, ""},
			} {
				_, err := p.app.DecideProblem(ctx, office, c.key, c.in)
				wantKind(t, err, c.kind, c.field)
			}

			// Scope: a district office sees and decides nothing of another district.
			d2Office := actorWithRole(p.districts[1], domain.RoleOfficeAdmin)
			d1Key := ofKind(p.problems(office, p.districts[0].ID, "2025"), app.ProblemNoTheoryStudy)[0].Key
			_, err = p.app.DecideProblem(ctx, d2Office, d1Key, app.ProblemDecisionInput{OrgID: p.districts[0].ID, Period: "2025", Decision: &accepted})
			wantKind(t, err, domain.KindNotFound, "org_id")
			_, err = p.app.Problems(ctx, d2Office, p.districts[0].ID, "2025")
			wantKind(t, err, domain.KindNotFound, "org_id")
			_, err = p.app.AcceptedProblems(ctx, d2Office, p.bureau.ID, "2025")
			wantKind(t, err, domain.KindNotFound, "org_id")
			// A leader covering D1 reads its problems but cannot decide.
			leader := actorWithRole(p.districts[1], domain.RoleOfficeAdmin)
			leader.Scope.Covered = []int64{p.districts[0].ID}
			if ps := p.problems(leader, p.districts[0].ID, "2025"); len(ps) == 0 {
				t.Error("a covering leader reads no problems")
			}
			_, err = p.app.DecideProblem(ctx, leader, d1Key, app.ProblemDecisionInput{OrgID: p.districts[0].ID, Period: "2025", Decision: &accepted})
			wantKind(t, err, domain.KindNotFound, "org_id")
			// The empty scope sees nothing.
			empty := office
			empty.Scope = domain.Scope{}
			_, err = p.app.Problems(ctx, empty, p.bureau.ID, "2025")
			wantKind(t, err, domain.KindNotFound, "org_id")
			// Deciding needs report.manage; reading needs activity.read.
			school := actorOf(p.schools[0])
			_, err = p.app.DecideProblem(ctx, school, q2.Key, app.ProblemDecisionInput{OrgID: p.schools[0].ID, Period: "2025", Decision: &accepted})
			wantKind(t, err, domain.KindForbidden, "")
			_, err = p.app.Problems(ctx, domain.Actor{Name: "nobody", Scope: office.Scope}, p.bureau.ID, "2025")
			wantKind(t, err, domain.KindForbidden, "")
		})
	}
}

// The store's unit-month counts equal a recount of the activities.
func TestUnitMonthCountsMatchRecords(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			p := &problemFixture{fixture: newFixture(t, e), t: t}
			for i, s := range p.schools {
				for k := 0; k <= i; k++ {
					p.add(nil, p.branches[i].ID, "study_session", fmt.Sprintf("2025-%02d-01", 1+k))
				}
				p.add(nil, s.ID, "moral_education", "2025-01-02")
			}
			var got []store.UnitMonthCount
			err := p.st.Read(context.Background(), func(tx *store.Tx) error {
				var err error
				got, err = tx.UnitMonthCounts(context.Background(), p.op.Scope, store.UnitMonthQuery{Root: p.bureau.ID, Kind: domain.OrgSchool,
					TypeIDs: []int64{p.types["study_session"].ID}, FromMonth: "2025-01", UntilMonth: "2026-01"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var total int64
			for _, c := range got {
				n := recount(t, p.app, p.op, fmt.Sprintf("org_id=%d&period=%s&status=approved&pillar=theory", c.OrgID, c.Month))
				if n != c.Count {
					t.Errorf("unit %d month %s: rollup %d, records %d", c.OrgID, c.Month, c.Count, n)
				}
				total += c.Count
			}
			if total != 1+2+3+4 {
				t.Errorf("total %d", total)
			}
		})
	}
}
