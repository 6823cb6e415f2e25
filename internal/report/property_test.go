package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// The types the random ledger draws from: with and without venues, in
// several pillars.
var randomTypes = []string{"outreach_lecture", "volunteer_service", "moral_education", "civility_campaign",
	"study_session", "central_group_study", "team_training", "religion_policy_education"}

// call is one random figure call and how to recount it by brute force.
type call struct {
	fn     string
	types  []string // nil: every type
	pillar string
	venue  string
	unit   string
	period string
	status domain.Status
	kind   domain.OrgKind // units()
	expr   string
}

func randomCall(r *rand.Rand, c *county) call {
	k := call{fn: []string{"count", "attendance", "units"}[r.IntN(3)], status: domain.StatusApproved}
	var args []string
	switch r.IntN(4) {
	case 0:
		k.types = []string{randomTypes[r.IntN(len(randomTypes))]}
		args = append(args, fmt.Sprintf("type: %q", k.types[0]))
	case 1:
		k.types = []string{randomTypes[r.IntN(len(randomTypes))], randomTypes[r.IntN(len(randomTypes))]}
		args = append(args, fmt.Sprintf("types: [%q, %q]", k.types[0], k.types[1]))
	case 2:
		k.pillar = []string{"theory", "civility", "team"}[r.IntN(3)]
		args = append(args, fmt.Sprintf("pillar: %q", k.pillar))
	}
	if r.IntN(3) == 0 {
		k.venue = []string{"campus", "classroom", "office", "community", "online"}[r.IntN(5)]
		args = append(args, fmt.Sprintf("venue: %q", k.venue))
	}
	if r.IntN(2) == 0 {
		k.unit = c.units[r.IntN(len(c.units))].Code
		args = append(args, fmt.Sprintf("unit: %q", k.unit))
	}
	if r.IntN(2) == 0 {
		k.period = []string{"2024", "2025", "2024Q2", "2025-03", "2024-2025学年", "2025SP", "2024年第四季度"}[r.IntN(7)]
		args = append(args, fmt.Sprintf("period: %q", k.period))
	}
	if r.IntN(4) == 0 {
		k.status = []domain.Status{domain.StatusSubmitted, domain.StatusDraft, domain.StatusReturned}[r.IntN(3)]
		args = append(args, fmt.Sprintf("status: %q", k.status))
	}
	if k.fn == "units" {
		k.kind = []domain.OrgKind{domain.OrgSchool, domain.OrgDistrict, domain.OrgBranch}[r.IntN(3)]
		args = append([]string{fmt.Sprintf("kind: %q", k.kind)}, args...)
	}
	r.Shuffle(len(args), func(i, j int) { args[i], args[j] = args[j], args[i] })
	k.expr = k.fn + "(" + strings.Join(args, ", ") + ")"
	return k
}

// recount answers a call by scanning every activity.
func (k call) recount(t *testing.T, c *county, acts []domain.Activity, defUnit domain.OrgUnit, defPeriod string) int64 {
	unit := defUnit
	if k.unit != "" {
		unit = c.byCode[k.unit]
	}
	code := defPeriod
	if k.period != "" {
		code = k.period
	}
	p, err := period.Parse(code)
	if err != nil {
		t.Fatal(err)
	}
	rng := p.Range(period.DefaultCalendar())
	var n, att int64
	units := map[int64]bool{}
	for _, a := range acts {
		ty := c.typeIDs[a.TypeID]
		if !c.within(a.OrgID, unit.ID) || !rng.Contains(a.Date) || a.Status != k.status {
			continue
		}
		if k.types != nil && !slices.Contains(k.types, ty.Code) {
			continue
		}
		if k.pillar != "" && ty.Pillar != k.pillar {
			continue
		}
		if k.venue != "" && !slices.Contains(a.Venues, k.venue) {
			continue
		}
		n++
		att += int64(a.Attendance)
		for u := a.OrgID; u != 0; u = c.parent[u] {
			if o := unitByID(c, u); o.Kind == k.kind && c.within(u, unit.ID) {
				units[u] = true
			}
		}
	}
	switch k.fn {
	case "count":
		return n
	case "attendance":
		return att
	}
	return int64(len(units))
}

func unitByID(c *county, id int64) domain.OrgUnit {
	for _, u := range c.units {
		if u.ID == id {
			return u
		}
	}
	panic(id)
}

// randomLedger records n activities at random units, dates, types, venues
// and statuses.
func randomLedger(t *testing.T, r *rand.Rand, c *county, n int) {
	for i := 0; i < n; i++ {
		ty := c.types[randomTypes[r.IntN(len(randomTypes))]]
		var venues []string
		for _, v := range ty.Venues {
			if r.IntN(2) == 0 {
				venues = append(venues, v)
			}
		}
		d := domain.NewDate(2024, 1, 1).AddDays(r.IntN(2*365 + 30))
		in := domain.ActivityInput{OrgID: c.units[r.IntN(len(c.units))].ID, TypeID: ty.ID, Date: d,
			Title: fmt.Sprintf("随机活动%d", i), Attendance: 1 + r.IntN(120), Venues: venues}
		status := []domain.Status{domain.StatusApproved, domain.StatusApproved, domain.StatusApproved,
			domain.StatusSubmitted, domain.StatusDraft, domain.StatusReturned}[r.IntN(6)]
		c.add(t, in, status)
	}
}

// TestFiguresEqualBruteForceRecount renders templates of random figure calls
// over a random ledger and checks every figure against a scan of all the
// activities, and every count and attendance figure against the records its
// link lists — on both engines.
func TestFiguresEqualBruteForceRecount(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			c := newCounty(t, e)
			r := rand.New(rand.NewPCG(5, uint64(len(e.Name))))
			randomLedger(t, r, c, 300)
			acts := c.all(t)
			// A second app on the same database that never reads a period's
			// records into memory: every figure takes the store's own query.
			cfg := app.DefaultConfig()
			cfg.ReportPoolRecords = -1
			direct := app.New(c.st, nil, cfg, storetest.Clock(today))
			checked, nonzero := 0, 0
			for round := 0; round < 12; round++ {
				unit := c.units[r.IntN(len(c.units))]
				per := []string{"2024", "2025", "2024-2025学年", "2025Q1"}[r.IntN(4)]
				calls := make([]call, 6)
				var src strings.Builder
				src.WriteString("# 随机模板\n\n")
				for i := range calls {
					calls[i] = randomCall(r, c)
					fmt.Fprintf(&src, "第%d项{{ %s }}。\n", i+1, calls[i].expr)
				}
				req := app.ReportRequest{OrgID: unit.ID, Period: per, Source: src.String()}
				doc, err := c.app.PreviewReport(ctx, c.op, req)
				if err != nil {
					t.Fatalf("round %d:\n%s\n%v", round, src.String(), err)
				}
				other, err := direct.PreviewReport(ctx, c.op, req)
				if err != nil {
					t.Fatal(err)
				}
				if len(doc.Figures) != len(calls) {
					t.Fatalf("round %d: %d figures, want %d", round, len(doc.Figures), len(calls))
				}
				for i, k := range calls {
					f := doc.Figures[i]
					want := k.recount(t, c, acts, unit, per)
					if other.Figures[i].Value != want {
						t.Errorf("round %d, %s (querying per figure): %d, brute force %d", round, k.expr, other.Figures[i].Value, want)
					}
					if f.Value != want {
						t.Errorf("round %d, %s for %s %s: %d, brute force %d (query %s)", round, k.expr, unit.Code, per, f.Value, want, f.Query)
					}
					if k.fn != "units" {
						// The link lists exactly the records counted.
						var n, att int64
						for _, a := range listed(t, c.app, c.op, f.Records) {
							n++
							att += int64(a.Attendance)
						}
						if got := map[string]int64{"count": n, "attendance": att}[k.fn]; got != f.Value {
							t.Errorf("round %d, %s: %d, but its link %s lists %d", round, k.expr, f.Value, f.Records, got)
						}
					}
					checked++
					if want != 0 {
						nonzero++
					}
				}
			}
			if nonzero < checked/4 {
				t.Errorf("only %d of %d figures are non-zero: the random ledger does not exercise the figures", nonzero, checked)
			}
			t.Logf("%s: %d figures (%d non-zero) over %d activities equal the brute-force recount", e.Name, checked, nonzero, len(acts))
		})
	}
}
