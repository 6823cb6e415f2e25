package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// TestProblemsAgainstBruteForce builds random ledgers (units, types, dates,
// statuses, authors, shared files) and holds every rule to a brute-force
// reading of the whole ledger, and every suggestion to a recount of its links.
func TestProblemsAgainstBruteForce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		for seed := uint64(1); seed <= 2; seed++ {
			t.Run(fmt.Sprintf("%s/seed%d", e.Name, seed), func(t *testing.T) {
				bruteForceRun(t, e, seed)
			})
		}
	}
}

func bruteForceRun(t *testing.T, e storetest.Engine, seed uint64) {
	ctx := context.Background()
	p := &problemFixture{fixture: newFixture(t, e), t: t}
	rng := rand.New(rand.NewPCG(seed, 99))
	units := append(append(append([]domain.OrgUnit{p.bureau, p.office}, p.districts...), p.schools...), p.branches...)
	codes := []string{"study_session", "outreach_lecture", "moral_education", "online_monitoring", "party_committee_meeting", "volunteer_service"}
	authors := []*domain.Actor{nil}
	for _, s := range []domain.OrgUnit{p.schools[0], p.schools[2]} {
		a := actorWithRole(p.bureau, domain.RoleSchoolAdmin) // scoped to the bureau so it may enter anywhere
		a.Name = "admin of " + s.Code
		authors = append(authors, &a)
	}
	statuses := []domain.Status{domain.StatusApproved, domain.StatusApproved, domain.StatusApproved, domain.StatusSubmitted, domain.StatusDraft}
	for i := range 170 {
		u := units[rng.IntN(len(units))]
		d := domain.NewDate(2024, 1, 1).AddDays(rng.IntN(1060)) // 2024-01-01 … 2026-11-25
		id := p.addStatus(authors[rng.IntN(len(authors))], u.ID, codes[rng.IntN(len(codes))], d.String(), statuses[rng.IntN(len(statuses))])
		if rng.IntN(10) < 4 {
			p.attach(id, "照片.pdf", fmt.Sprintf("file-%d", rng.IntN(8)))
		}
		if rng.IntN(10) == 0 {
			p.attach(id, "纪要.pdf", fmt.Sprintf("own-%d", i))
		}
	}

	// The whole ledger, as the office sees it.
	var all []domain.Activity
	for off := 0; ; off += app.MaxPageSize {
		page, _, err := p.app.ListActivities(ctx, p.op, app.ActivityQuery{Limit: app.MaxPageSize, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if len(page) < app.MaxPageSize {
			break
		}
	}
	parentOf := map[int64]int64{}
	kindOf := map[int64]domain.OrgKind{}
	for _, u := range units {
		parentOf[u.ID], kindOf[u.ID] = u.ParentID, u.Kind
	}
	under := func(org, root int64) bool {
		for ; org != 0; org = parentOf[org] {
			if org == root {
				return true
			}
		}
		return false
	}
	typeByID := map[int64]domain.ActivityType{}
	for _, ty := range p.types {
		typeByID[ty.ID] = ty
	}
	today := date(today)
	codeOf := map[int64]string{}
	for _, u := range units {
		codeOf[u.ID] = u.Code
	}
	// describe says what a suggestion claims, in the brute force's words.
	describe := func(pr app.Problem) string {
		q := func(records, k string) string {
			v, err := url.ParseQuery(records)
			if err != nil {
				t.Fatal(err)
			}
			return v.Get(k)
		}
		ev := pr.Evidence
		switch pr.Kind {
		case app.ProblemNoTheoryStudy:
			var cs []string
			for _, u := range ev.Units {
				cs = append(cs, u.Code)
			}
			return fmt.Sprintf("%s %v", q(ev.Units[0].Records, "period"), cs)
		case app.ProblemPillarDrop:
			return fmt.Sprintf("%s %d→%d", q(ev.Records, "pillar"), ev.Compare.Count, ev.Count)
		case app.ProblemUnitDrop:
			id, _ := strconv.ParseInt(q(ev.Records, "org_id"), 10, 64)
			return fmt.Sprintf("%s %d→%d", codeOf[id], ev.Compare.Count, ev.Count)
		case app.ProblemNoEvidence:
			return fmt.Sprintf("%d/%d", ev.Count, ev.Total.Count)
		case app.ProblemReusedEvidence:
			return fmt.Sprintf("%s×%d", q(ev.Records, "evidence")[:8], ev.Count)
		case app.ProblemBackfill:
			return fmt.Sprintf("%s×%d", q(ev.Records, "created_by"), ev.Count)
		}
		return pr.Kind
	}

	for _, c := range []struct {
		root   domain.OrgUnit
		period string
		from   domain.Date
		to     domain.Date // exclusive
		ly     [2]domain.Date
	}{
		{p.bureau, "2025", date("2025-01-01"), date("2026-01-01"), [2]domain.Date{date("2024-01-01"), date("2025-01-01")}},
		{p.districts[0], "2025", date("2025-01-01"), date("2026-01-01"), [2]domain.Date{date("2024-01-01"), date("2025-01-01")}},
		{p.bureau, "2024Q3", date("2024-07-01"), date("2024-10-01"), [2]domain.Date{date("2023-07-01"), date("2023-10-01")}},
		{p.bureau, "2026", date("2026-01-01"), date("2027-01-01"), [2]domain.Date{date("2025-01-01"), date("2025-11-30")}},
	} {
		got, err := p.app.Problems(ctx, p.op, c.root.ID, c.period)
		if err != nil {
			t.Fatal(err)
		}
		checkRecount(t, p.app, p.op, got.Items)
		in := func(a domain.Activity, from, to domain.Date) bool {
			return a.Status == domain.StatusApproved && under(a.OrgID, c.root.ID) && !a.Date.Before(from) && a.Date.Before(to)
		}
		byKind := map[string][]string{}
		for _, pr := range got.Items {
			byKind[pr.Kind] = append(byKind[pr.Kind], describe(pr))
		}
		want := map[string][]string{}

		// Rule 1.
		for y := c.from.Year; y <= c.to.Year; y++ {
			for q := 1; q <= 4; q++ {
				qf := domain.NewDate(y, time.Month(3*q-2), 1)
				qt := domain.NewDate(y, time.Month(3*q+1), 1)
				if qf.Before(c.from) || c.to.Before(qt) || today.Before(qt) {
					continue
				}
				var missing []string
				for _, s := range p.schools {
					if !under(s.ID, c.root.ID) {
						continue
					}
					n := 0
					for _, a := range all {
						if in(a, qf, qt) && under(a.OrgID, s.ID) && typeByID[a.TypeID].Pillar == domain.PillarTheory {
							n++
						}
					}
					if n == 0 {
						missing = append(missing, s.Code)
					}
				}
				if len(missing) > 0 {
					want[app.ProblemNoTheoryStudy] = append(want[app.ProblemNoTheoryStudy], fmt.Sprintf("%dQ%d %v", y, q, missing))
				}
			}
		}
		// Rule 3.
		count := func(root int64, pillar string, from, to domain.Date) int64 {
			var n int64
			for _, a := range all {
				if a.Status == domain.StatusApproved && under(a.OrgID, root) && !a.Date.Before(from) && a.Date.Before(to) &&
					(pillar == "" || typeByID[a.TypeID].Pillar == pillar) {
					n++
				}
			}
			return n
		}
		for _, pl := range domain.Pillars {
			now, before := count(c.root.ID, pl.Code, c.from, c.to), count(c.root.ID, pl.Code, c.ly[0], c.ly[1])
			if d := before - now; d >= app.MinPillarDropCount && d*100/before >= app.MinPillarDropPercent {
				want[app.ProblemPillarDrop] = append(want[app.ProblemPillarDrop], fmt.Sprintf("%s %d→%d", pl.Code, before, now))
			}
		}
		for _, u := range units {
			if u.ParentID != c.root.ID {
				continue
			}
			now, before := count(u.ID, "", c.from, c.to), count(u.ID, "", c.ly[0], c.ly[1])
			if d := before - now; d >= app.MinUnitDropCount && d*100/before >= app.MinUnitDropPercent {
				want[app.ProblemUnitDrop] = append(want[app.ProblemUnitDrop], fmt.Sprintf("%s %d→%d", u.Code, before, now))
			}
		}
		// Rule 4.
		var total, bare int64
		for _, a := range all {
			if in(a, c.from, c.to) && typeByID[a.TypeID].ExpectsEvidence {
				total++
				if len(a.Evidence) == 0 {
					bare++
				}
			}
		}
		if total >= app.MinEvidenceBase && bare*100 > total*app.MaxNoEvidencePercent {
			want[app.ProblemNoEvidence] = []string{fmt.Sprintf("%d/%d", bare, total)}
		}
		// Rule 5.
		files := map[string]int{}
		for _, a := range all {
			if in(a, c.from, c.to) {
				for _, ev := range a.Evidence {
					files[ev.SHA256]++
				}
			}
		}
		for sha, n := range files {
			if n >= app.MinSharedActivities {
				want[app.ProblemReusedEvidence] = append(want[app.ProblemReusedEvidence], fmt.Sprintf("%s×%d", sha[:8], n))
			}
		}
		// Rule 6: every record was entered today (the fixed clock).
		batches := map[string]int{}
		for _, a := range all {
			if in(a, c.from, c.to) && a.CreatedBy != "operator" && !today.AddDays(-app.MinBackfillDays).Before(a.Date) {
				batches[a.CreatedBy]++
			}
		}
		for by, n := range batches {
			if n >= app.MinBackfillBatch {
				want[app.ProblemBackfill] = append(want[app.ProblemBackfill], fmt.Sprintf("%s×%d", by, n))
			}
		}

		t.Logf("%s %s: %d suggestions %v", c.root.Code, c.period, len(got.Items), byKind)
		for _, k := range []string{app.ProblemNoTheoryStudy, app.ProblemPillarDrop, app.ProblemUnitDrop, app.ProblemNoEvidence, app.ProblemReusedEvidence, app.ProblemBackfill} {
			g, w := slices.Clone(byKind[k]), slices.Clone(want[k])
			sort.Strings(g)
			sort.Strings(w)
			if strings.Join(g, "; ") != strings.Join(w, "; ") {
				t.Errorf("%s %s %s:\n got  %v\n want %v", c.root.Code, c.period, k, g, w)
			}
		}
	}
}
