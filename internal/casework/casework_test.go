package casework_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/casework"
	"github.com/zeren-edu/zeren/internal/domain"
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestTransitions(t *testing.T) {
	path := []struct {
		act  casework.Action
		want casework.State
	}{
		{casework.ActAssess, casework.StateAssessing},
		{casework.ActRespond, casework.StateResponding},
		{casework.ActResolve, casework.StateResolved},
		{casework.ActReopen, casework.StateAssessing},
		{casework.ActRespond, casework.StateResponding},
		{casework.ActResolve, casework.StateResolved},
		{casework.ActClose, casework.StateClosed},
		{casework.ActReopen, casework.StateAssessing},
	}
	s := casework.StateNew
	for _, p := range path {
		next, err := s.Next(p.act, casework.Handler)
		if err != nil || next != p.want {
			t.Fatalf("%s from %s = %s, %v; want %s", p.act, s, next, err, p.want)
		}
		s = next
	}
	if _, err := casework.StateNew.Next(casework.ActAssess, casework.Opener); !domain.IsKind(err, domain.KindForbidden) {
		t.Fatalf("a monitor assessing: %v, want forbidden", err)
	}
	if _, err := casework.StateNew.Next(casework.ActClose, casework.Handler); !domain.IsKind(err, domain.KindConflict) {
		t.Fatalf("closing a new case: %v, want conflict", err)
	}
}

// Property: over random walks of steps, a step is allowed exactly when the
// table says so, a refused step leaves the state unchanged, and the state is
// always one of the five; only reopen moves a case backwards.
func TestTransitionsProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 14))
	allowed := map[casework.State][]casework.Action{
		casework.StateNew:        {casework.ActAssess},
		casework.StateAssessing:  {casework.ActRespond},
		casework.StateResponding: {casework.ActResolve},
		casework.StateResolved:   {casework.ActClose, casework.ActReopen},
		casework.StateClosed:     {casework.ActReopen},
	}
	order := func(s casework.State) int { return slices.Index(casework.States, s) }
	for walk := 0; walk < 500; walk++ {
		s := casework.StateNew
		for step := 0; step < 30; step++ {
			a := casework.Actions[r.IntN(len(casework.Actions))]
			who := casework.Who(r.IntN(2))
			next, err := s.Next(a, who)
			ok := who == casework.Handler && slices.Contains(allowed[s], a)
			if ok != (err == nil) {
				t.Fatalf("%s from %s by %d: err %v, allowed %v", a, s, who, err, ok)
			}
			if err != nil {
				if next != s {
					t.Fatalf("a refused step moved %s to %s", s, next)
				}
				continue
			}
			if !next.Valid() {
				t.Fatalf("invalid state %q", next)
			}
			if order(next) < order(s) && a != casework.ActReopen {
				t.Fatalf("%s moved %s back to %s", a, s, next)
			}
			s = next
		}
	}
}

func TestDefaultTiers(t *testing.T) {
	loc := shanghai(t)
	opened := time.Date(2026, 11, 29, 9, 30, 0, 0, loc)
	major := casework.DefaultTier(casework.SevMajor)
	want := map[casework.Deadline]time.Time{
		casework.DeadlineTriage:     time.Date(2026, 11, 29, 14, 30, 0, 0, loc),
		casework.DeadlineResponse:   time.Date(2026, 11, 30, 9, 30, 0, 0, loc),
		casework.DeadlineResolution: time.Date(2026, 12, 1, 9, 30, 0, 0, loc),
	}
	for d, w := range want {
		if got := major.Due(d, opened, loc); !got.Equal(w) {
			t.Errorf("major %s due %s, want %s", d, got, w)
		}
	}
	general := casework.DefaultTier(casework.SevGeneral)
	if got := general.Due(casework.DeadlineResolution, opened, loc); !got.Equal(time.Date(2026, 12, 6, 9, 30, 0, 0, loc)) {
		t.Errorf("general resolution due %s, want 7 days on", got)
	}
	for _, tier := range casework.DefaultTiers() {
		if err := tier.Validate(); err != nil {
			t.Errorf("default tier %s: %v", tier.Severity, err)
		}
	}
}

// A whole-day limit ends at the same wall-clock time in the bureau's zone,
// even where the zone shifts its clock (checked with a zone that has DST).
func TestDueCountsDaysOnTheWallClock(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zone database")
	}
	opened := time.Date(2026, 3, 7, 10, 0, 0, 0, ny) // DST starts 2026-03-08
	tier := casework.Tier{Severity: casework.SevGeneral, Triage: time.Hour, Response: 2 * time.Hour, Resolution: 2*24*time.Hour + 3*time.Hour}
	got := tier.Due(casework.DeadlineResolution, opened, ny)
	if want := time.Date(2026, 3, 9, 13, 0, 0, 0, ny); !got.Equal(want) {
		t.Fatalf("due %s, want %s", got, want)
	}
}

func TestTierValidate(t *testing.T) {
	ok := casework.DefaultTier(casework.SevMajor)
	cases := []struct {
		name  string
		tier  casework.Tier
		field string
	}{
		{"response before triage", casework.Tier{Severity: casework.SevMajor, Triage: 6 * time.Hour, Response: 5 * time.Hour, Resolution: 48 * time.Hour}, "response_minutes"},
		{"resolution before response", casework.Tier{Severity: casework.SevMajor, Triage: time.Hour, Response: 5 * time.Hour, Resolution: 4 * time.Hour}, "resolution_minutes"},
		{"zero", casework.Tier{Severity: casework.SevMajor, Response: 5 * time.Hour, Resolution: 6 * time.Hour}, "triage_minutes"},
		{"too long", casework.Tier{Severity: casework.SevMajor, Triage: time.Hour, Response: 2 * time.Hour, Resolution: 91 * 24 * time.Hour}, "resolution_minutes"},
		{"seconds", casework.Tier{Severity: casework.SevMajor, Triage: time.Hour + time.Second, Response: 2 * time.Hour, Resolution: 3 * time.Hour}, "triage_minutes"},
		{"severity", casework.Tier{Severity: "huge", Triage: ok.Triage, Response: ok.Response, Resolution: ok.Resolution}, "severity"},
	}
	for _, c := range cases {
		err := c.tier.Validate()
		var de *domain.Error
		if !errors.As(err, &de) || de.Field != c.field {
			t.Errorf("%s: %v, want an error on %s", c.name, err, c.field)
		}
	}
}

// Property: for any valid tier and opening instant, the deadlines fall in
// order, none before the opening, and each at least its limit later.
func TestDueProperty(t *testing.T) {
	loc := shanghai(t)
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 2000; i++ {
		a := time.Duration(1+r.IntN(60*24*10)) * time.Minute
		b := a + time.Duration(r.IntN(60*24*10))*time.Minute
		c := b + time.Duration(r.IntN(60*24*30))*time.Minute
		tier := casework.Tier{Severity: casework.SevGeneral, Triage: a, Response: b, Resolution: c}
		if err := tier.Validate(); err != nil {
			t.Fatalf("%s: %v", tier, err)
		}
		opened := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
		due := tier.DueAll(opened, loc)
		tr, rs, rv := due[casework.DeadlineTriage], due[casework.DeadlineResponse], due[casework.DeadlineResolution]
		if tr.After(rs) || rs.After(rv) || !tr.After(opened) {
			t.Fatalf("%s opened %s: %s %s %s out of order", tier, opened, tr, rs, rv)
		}
		// China keeps no DST: wall-clock days are exactly 24 hours.
		if tr.Sub(opened) != a || rv.Sub(opened) != c {
			t.Fatalf("%s opened %s: due %s / %s", tier, opened, tr, rv)
		}
	}
}

// Property: Judge agrees with Within and with the instants: met iff done by
// the deadline, overdue iff not done and past it.
func TestJudgeProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	base := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	at := func() time.Time { return base.Add(time.Duration(r.IntN(100)) * time.Minute) }
	for i := 0; i < 5000; i++ {
		due, now := at(), at()
		var done time.Time
		if r.IntN(2) == 0 {
			done = at()
		}
		s := casework.Judge(due, done, now)
		switch {
		case done.IsZero() && now.After(due):
			if s != casework.Overdue {
				t.Fatalf("not done, past due: %s", s)
			}
		case done.IsZero():
			if s != casework.Pending {
				t.Fatalf("not done, not due: %s", s)
			}
		case !done.After(due):
			if s != casework.Met || !casework.Within(due, done) {
				t.Fatalf("done by due: %s", s)
			}
		default:
			if s != casework.Missed || casework.Within(due, done) {
				t.Fatalf("done late: %s", s)
			}
		}
	}
}

func TestPercentile(t *testing.T) {
	m := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Minute)
		}
		return out
	}
	if _, ok := casework.Percentile(nil, 50); ok {
		t.Fatal("median of nothing")
	}
	for _, c := range []struct {
		in       []time.Duration
		pct      int
		wantMins int
	}{
		{m(10), 50, 10}, {m(1, 2, 3, 4), 50, 2}, {m(1, 2, 3), 50, 2},
		{m(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9}, {m(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 90, 10}, {m(5, 6), 100, 6},
	} {
		got, _ := casework.Percentile(c.in, c.pct)
		if got != time.Duration(c.wantMins)*time.Minute {
			t.Errorf("p%d of %v = %s, want %dm", c.pct, c.in, got, c.wantMins)
		}
	}
	// Property: the percentile is an observed value and at least
	// pct% of the values are at or below it.
	r := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < 1000; i++ {
		n := 1 + r.IntN(50)
		xs := make([]time.Duration, n)
		for j := range xs {
			xs[j] = time.Duration(r.IntN(1000)) * time.Minute
		}
		slices.Sort(xs)
		pct := 1 + r.IntN(100)
		v, _ := casework.Percentile(xs, pct)
		below := 0
		for _, x := range xs {
			if x <= v {
				below++
			}
		}
		if !slices.Contains(xs, v) || below*100 < pct*n {
			t.Fatalf("p%d of %v = %s", pct, xs, v)
		}
	}
}

func TestParseKinds(t *testing.T) {
	ks, err := casework.ParseKinds("kinds", []string{"ideology", "ethics"})
	if err != nil || len(ks) != 2 {
		t.Fatalf("%v %v", ks, err)
	}
	var de *domain.Error
	if _, err := casework.ParseKinds("kinds", []string{"gossip"}); !errors.As(err, &de) || de.Field != "kinds" {
		t.Fatalf("unknown kind: %v", err)
	}
}
