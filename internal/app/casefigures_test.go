package app_test

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/casework"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// TestCaseFigures: the report's case figures count the cases opened in the
// period, and each links the cases page listing exactly the ids it counted;
// the claim of no ideology incidents is a zero with its (empty) list.
func TestCaseFigures(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			clock := newMovableClock()
			f := newFixtureAt(t, e, clock.Now)
			school, district, _ := caseActors(f)
			office := actorWithRole(f.bureau, domain.RoleOfficeAdmin)
			fast := f.openCase(t, school, f.schools[0].ID, casework.SevMajor, casework.KindService)
			f.openCase(t, school, f.schools[0].ID, casework.SevGeneral, casework.KindEthics) // its response passes unmet
			f.openCase(t, actorWithRole(f.schools[2], domain.RoleSchoolAdmin), f.schools[2].ID, casework.SevGeneral, casework.KindSafety)
			clock.Add(time.Hour)
			step(t, f, school, fast.ID, casework.ActAssess, "研判")
			clock.Add(2 * time.Hour)
			step(t, f, school, fast.ID, casework.ActRespond, "回应") // 3 h after opening
			clock.Add(50 * time.Hour)                              // the slow case's response (48 h) passed unmet
			src := `{{ cases() }}|{{ cases(severity: "major") }}|{{ cases(outcome: "open") }}|{{ cases_within(deadline: "response") }}|` +
				`{{ cases_within_pct(deadline: "response") }}|{{ case_response_minutes() }}|{{ concern_incidents() }}|{{ concern_incidents(kinds: "ethics,safety") }}`
			doc, err := f.app.PreviewReport(ctx, district, app.ReportRequest{OrgID: f.districts[0].ID, Period: "2026", Source: "# 报告\n\n" + src + "\n"})
			if err != nil {
				t.Fatal(err)
			}
			want := []int64{2, 1, 2, 1, 50, 180, 0, 1}
			if len(doc.Figures) != len(want) {
				t.Fatalf("%d figures", len(doc.Figures))
			}
			for i, fig := range doc.Figures {
				if fig.Value != want[i] {
					t.Errorf("%s = %d, want %d", fig.Expr, fig.Value, want[i])
				}
				// The link lists exactly the cases counted (the percentage: those judged).
				u, err := url.Parse(fig.Records)
				if err != nil || u.Path != "/cases" {
					t.Fatalf("%s links %q", fig.Expr, fig.Records)
				}
				q := app.CaseQuery{OrgID: f.districts[0].ID, Kinds: u.Query()["kind"], Severities: u.Query()["severity"], States: u.Query()["state"],
					From: date(u.Query().Get("from")), To: date(u.Query().Get("to"))}
				for _, s := range u.Query()["ids"] {
					id, _ := strconv.ParseInt(s, 10, 64)
					q.IDs = append(q.IDs, id)
				}
				listed, _, err := f.app.ListCases(ctx, district, q)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, c := range listed {
					ids = append(ids, c.ID)
				}
				slices.Sort(ids)
				counted := slices.Sorted(slices.Values(fig.RecordIDs()))
				if !slices.Equal(ids, counted) {
					t.Errorf("%s: the link lists %v, the figure counted %v", fig.Expr, ids, counted)
				}
			}
			// A unit whose cases all lie outside: zero, not another unit's.
			doc, err = f.app.PreviewReport(ctx, office, app.ReportRequest{OrgID: f.districts[1].ID, Period: "2026", Source: "# 报告\n\n{{ cases() }}\n"})
			if err != nil || doc.Figures[0].Value != 1 {
				t.Fatalf("district 2: %+v %v", doc.Figures, err)
			}
		})
	}
}
