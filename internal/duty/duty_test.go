package duty_test

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/duty"
	"github.com/zeren-edu/zeren/internal/period"
)

func d(s string) domain.Date {
	v, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestWindowsEdgeCases(t *testing.T) {
	cal := period.DefaultCalendar() // spring 02-01, autumn 08-01
	cases := []struct {
		name     string
		grain    domain.DutyGrain
		from, to string
		want     []string // code from..to(exclusive)
		errField string
	}{
		{"year plan by month", domain.GrainMonth, "2025-01-01", "2025-12-31", nil, ""},
		{"year plan by quarter", domain.GrainQuarter, "2025-01-01", "2025-12-31",
			[]string{"2025Q1 2025-01-01 2025-04-01", "2025Q2 2025-04-01 2025-07-01", "2025Q3 2025-07-01 2025-10-01", "2025Q4 2025-10-01 2026-01-01"}, ""},
		{"semesters of a calendar year: the autumn term is cut at 31 December, January belongs to last year's term", domain.GrainSemester, "2025-01-01", "2025-12-31",
			[]string{"2025SP 2025-02-01 2025-08-01", "2025FA 2025-08-01 2026-01-01"}, ""},
		{"year", domain.GrainYear, "2025-01-01", "2025-12-31", []string{"2025 2025-01-01 2026-01-01"}, ""},
		{"a deadline cuts the last window", domain.GrainQuarter, "2025-01-01", "2025-05-15",
			[]string{"2025Q1 2025-01-01 2025-04-01", "2025Q2 2025-04-01 2025-05-16"}, ""},
		{"a period starting mid-quarter skips the quarter it starts in", domain.GrainQuarter, "2025-02-10", "2025-12-31",
			[]string{"2025Q2 2025-04-01 2025-07-01", "2025Q3 2025-07-01 2025-10-01", "2025Q4 2025-10-01 2026-01-01"}, ""},
		{"two months cannot hold a quarter", domain.GrainQuarter, "2025-03-01", "2025-05-31", nil, "to"},
		{"half a year cannot hold a year", domain.GrainYear, "2025-01-01", "2025-06-30", nil, "to"},
		{"a month short of a day cannot hold the month", domain.GrainMonth, "2025-02-01", "2025-02-27", nil, "to"},
		{"one whole month is enough", domain.GrainMonth, "2025-02-01", "2025-02-28", []string{"2025-02 2025-02-01 2025-03-01"}, ""},
		{"to before from", domain.GrainMonth, "2025-03-01", "2025-02-01", nil, "to"},
		{"unknown grain", "week", "2025-01-01", "2025-12-31", nil, "target.grain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws, err := duty.Windows(c.grain, d(c.from), d(c.to), cal)
			if c.errField != "" {
				var de *domain.Error
				if err == nil || !asDomain(err, &de) || de.Field != c.errField {
					t.Fatalf("want an invalid error on %q, got %v", c.errField, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.want == nil {
				if len(ws) != 12 || ws[0].Code != "2025-01" || ws[11].Range.To != d("2026-01-01") {
					t.Fatalf("want 12 months of 2025, got %+v", ws)
				}
				return
			}
			var got []string
			for _, w := range ws {
				got = append(got, w.Code+" "+w.Range.From.String()+" "+w.Range.To.String())
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Fatalf("windows\n got %v\nwant %v", got, c.want)
			}
		})
	}
}

func asDomain(err error, de **domain.Error) bool {
	e, ok := err.(*domain.Error)
	*de = e
	return ok
}

func TestMeasureStates(t *testing.T) {
	cal := period.DefaultCalendar()
	ws, err := duty.Windows(domain.GrainQuarter, d("2025-01-01"), d("2025-12-31"), cal)
	if err != nil {
		t.Fatal(err)
	}
	s := duty.NewSeries()
	s.AddMonth(1, "2025-02", duty.Figure{Count: 2, Attendance: 40})
	s.AddMonth(2, "2025-05", duty.Figure{Count: 1, Attendance: 10})
	s.AddMonth(3, "2025-05", duty.Figure{Count: 9, Attendance: 90}) // a type the target does not count
	target := domain.Target{Measure: domain.MeasureCount, Grain: domain.GrainQuarter, AtLeast: 2}
	cases := []struct {
		today   string
		state   duty.State
		due     bool
		done    bool
		missed  int
		missing int64
	}{
		{"2024-12-31", duty.StateUpcoming, false, false, 0, 0},
		{"2025-02-15", duty.StateMet, false, false, 0, 0},   // Q1 already has 2
		{"2025-05-31", duty.StateBehind, true, true, 0, 1},  // Q1 met and ended, Q2 has 1 of 2 so far
		{"2025-06-30", duty.StateBehind, true, true, 0, 1},  // Q2 has 1 of 2 on its last day
		{"2025-07-01", duty.StateMissed, true, false, 1, 3}, // Q2 ended short by 1, Q3 lacks 2
		{"2026-01-01", duty.StateMissed, true, false, 3, 5}, // Q2 short 1, Q3 and Q4 short 2 each
	}
	for _, c := range cases {
		p := duty.Measure(target, ws, []int64{1, 2}, s, d(c.today))
		if p.State != c.state || p.Due != c.due || p.Done != c.done || p.Missed != c.missed || p.Missing != c.missing {
			t.Errorf("%s: got state %s due %v done %v missed %d missing %d; want %s %v %v %d %d",
				c.today, p.State, p.Due, p.Done, p.Missed, p.Missing, c.state, c.due, c.done, c.missed, c.missing)
		}
	}
	att := domain.Target{Measure: domain.MeasureAttendance, Grain: domain.GrainQuarter, AtLeast: 40}
	p := duty.Measure(att, ws, []int64{1, 2}, s, d("2026-01-01"))
	if !p.Windows[0].Met || p.Windows[0].Got != 40 || p.Windows[1].Got != 10 || p.Windows[1].Met {
		t.Fatalf("attendance: %+v", p.Windows[:2])
	}
}

// TestSumMatchesDayByDay: reading whole months from the month totals and the
// cut months by day gives the same figure as summing every day, for random
// records and random ranges.
func TestSumMatchesDayByDay(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for round := 0; round < 200; round++ {
		s := duty.NewSeries()
		days := map[string]duty.Figure{}
		start := d("2025-01-01")
		for i := 0; i < 60; i++ {
			day := start.AddDays(rng.Intn(365))
			typ := int64(1 + rng.Intn(3))
			f := duty.Figure{Count: 1, Attendance: int64(rng.Intn(50))}
			s.AddMonth(typ, day.MonthKey(), f)
			s.AddDay(typ, day.String(), f)
			if typ != 3 {
				g := days[day.String()]
				g.Count += f.Count
				g.Attendance += f.Attendance
				days[day.String()] = g
			}
		}
		from := start.AddDays(rng.Intn(365))
		to := from.AddDays(1 + rng.Intn(200))
		var want duty.Figure
		for x := from; x.Before(to); x = x.AddDays(1) {
			want.Count += days[x.String()].Count
			want.Attendance += days[x.String()].Attendance
		}
		if got := s.Sum([]int64{1, 2}, domain.Range{From: from, To: to}); got != want {
			t.Fatalf("round %d %s–%s: got %+v want %+v", round, from, to, got, want)
		}
	}
}

func TestRaggedMonths(t *testing.T) {
	ws, err := duty.Windows(domain.GrainQuarter, d("2025-01-01"), d("2025-05-15"), period.Calendar{
		SpringStart: period.MonthDay{Month: time.February, Day: 20}, AutumnStart: period.MonthDay{Month: time.September, Day: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(duty.RaggedMonths(ws), ","); got != "2025-05" {
		t.Fatalf("ragged months %q", got)
	}
}

func TestInputValidation(t *testing.T) {
	ok := domain.DutyInput{Year: 2025, Title: "中心组学习", Pillar: domain.PillarTheory, OwnerOrgID: 1,
		Applies: domain.Applies{Kind: domain.AppliesSubtree, Root: 1},
		Target:  domain.Target{Measure: domain.MeasureCount, Grain: domain.GrainMonth, AtLeast: 1, TypeIDs: []int64{3, 3}}}
	in, err := ok.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if in.From != d("2025-01-01") || in.To != d("2025-12-31") || len(in.Target.TypeIDs) != 1 {
		t.Fatalf("defaults: %+v", in)
	}
	bad := []struct {
		field string
		edit  func(*domain.DutyInput)
	}{
		{"title", func(in *domain.DutyInput) { in.Title = " " }},
		{"title", func(in *domain.DutyInput) { in.Title = "a\nb" }},
		{"pillar", func(in *domain.DutyInput) { in.Pillar = "x" }},
		{"applies.kind", func(in *domain.DutyInput) { in.Applies.Kind = "" }},
		{"applies.org_kind", func(in *domain.DutyInput) {
			in.Applies = domain.Applies{Kind: domain.AppliesKindIn, Root: 1, OrgKind: "team"}
		}},
		{"applies.org_ids", func(in *domain.DutyInput) { in.Applies = domain.Applies{Kind: domain.AppliesList} }},
		{"target.at_least", func(in *domain.DutyInput) { in.Target.AtLeast = 0 }},
		{"target.pillar", func(in *domain.DutyInput) { in.Target.TypeIDs, in.Target.Pillar = nil, "x" }},
		{"target.measure", func(in *domain.DutyInput) { in.Target.Measure = "hours" }},
		{"from", func(in *domain.DutyInput) { in.From = d("2024-12-01") }},
		{"deadline", func(in *domain.DutyInput) { x := d("2026-01-05"); in.Deadline = &x }},
		{"weight", func(in *domain.DutyInput) { in.Weight = -1 }},
		{"year", func(in *domain.DutyInput) { in.Year = 25 }},
	}
	for _, b := range bad {
		in := ok
		in.Target.TypeIDs = []int64{3}
		b.edit(&in)
		_, err := in.Validate()
		var de *domain.Error
		if err == nil || !asDomain(err, &de) || de.Field != b.field {
			t.Errorf("want invalid %s, got %v", b.field, err)
		}
	}
}
