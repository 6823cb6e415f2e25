package period

import (
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"pgregory.net/rapid"
)

var (
	minDate = domain.Date{Year: 1950, Month: time.January, Day: 1}
	maxDate = domain.Date{Year: 2100, Month: time.December, Day: 31}
)

// genDate draws a day in 1950..2100. Half the draws land near the turn of a
// year or the end of February, where ISO week 53, week 1 and leap days make
// most of the edge cases; uniform draws alone would rarely reach them.
func genDate() *rapid.Generator[domain.Date] {
	span := int(maxDate.Time().Sub(minDate.Time()).Hours() / 24)
	uniform := rapid.Custom(func(t *rapid.T) domain.Date {
		return minDate.AddDays(rapid.IntRange(0, span).Draw(t, "offset"))
	})
	edge := rapid.Custom(func(t *rapid.T) domain.Date {
		y := rapid.IntRange(minDate.Year+1, maxDate.Year-1).Draw(t, "year")
		anchor := rapid.SampledFrom([]domain.Date{
			{Year: y, Month: time.January, Day: 1},
			{Year: y, Month: time.March, Day: 1},
		}).Draw(t, "anchor")
		return anchor.AddDays(rapid.IntRange(-7, 7).Draw(t, "shift"))
	})
	return rapid.OneOf(uniform, edge)
}

// genCalendar draws any valid calendar: two distinct days of a common year,
// the earlier one starting spring. Drawing from a common year excludes
// February 29 by construction.
func genCalendar() *rapid.Generator[Calendar] {
	return rapid.Custom(func(t *rapid.T) Calendar {
		a := rapid.IntRange(0, 363).Draw(t, "spring_day")
		b := rapid.IntRange(a+1, 364).Draw(t, "autumn_day")
		jan1 := domain.Date{Year: 2001, Month: time.January, Day: 1}
		sa, au := jan1.AddDays(a), jan1.AddDays(b)
		return Calendar{MonthDay{sa.Month, sa.Day}, MonthDay{au.Month, au.Day}}
	})
}

// within reports whether inner ⊆ outer.
func within(inner, outer domain.Range) bool {
	return !inner.From.Before(outer.From) && !inner.To.After(outer.To)
}

// oneYearEarlier shifts a date back one calendar year; only called on dates
// that are not February 29.
func oneYearEarlier(d domain.Date) domain.Date {
	return domain.Date{Year: d.Year - 1, Month: d.Month, Day: d.Day}
}

func TestPropContainingAndTiling(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDate().Draw(t, "date")
		cal := genCalendar().Draw(t, "cal")
		if err := cal.Validate(); err != nil {
			t.Fatalf("generated calendar %+v is invalid: %v", cal, err)
		}
		for _, k := range Kinds {
			p := Containing(k, d, cal)
			r := p.Range(cal)
			if p.Kind != k {
				t.Fatalf("Containing(%s, %s) has kind %s", k, d, p.Kind)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("Containing(%s, %s) = %#v is invalid: %v", k, d, p, err)
			}
			if !r.Contains(d) || !p.Contains(cal, d) {
				t.Fatalf("%s range [%s, %s) does not contain %s", p, r.From, r.To, d)
			}
			// Range and Containing agree at both ends, so the range is not
			// merely a superset of the true period.
			if got := Containing(k, r.From, cal); got != p {
				t.Fatalf("%s starts on %s, which lies in %s", p, r.From, got)
			}
			if got := Containing(k, r.To.AddDays(-1), cal); got != p {
				t.Fatalf("%s ends on %s, which lies in %s", p, r.To.AddDays(-1), got)
			}
			if got := Containing(k, r.To, cal); got != p.Next() {
				t.Fatalf("the day after %s is in %s, not in its Next %s", p, got, p.Next())
			}

			next, prev := p.Next(), p.Prev()
			if next.Range(cal).From != r.To {
				t.Fatalf("%s ends %s but Next %s starts %s", p, r.To, next, next.Range(cal).From)
			}
			if prev.Range(cal).To != r.From {
				t.Fatalf("%s starts %s but Prev %s ends %s", p, r.From, prev, prev.Range(cal).To)
			}
			if next.Prev() != p || prev.Next() != p {
				t.Fatalf("%s: Next.Prev = %s, Prev.Next = %s", p, next.Prev(), prev.Next())
			}
			if r.Days() < 1 {
				t.Fatalf("%s has empty range [%s, %s)", p, r.From, r.To)
			}

			for _, s := range []string{p.Code(), p.Label("zh")} {
				back, err := Parse(s)
				if err != nil || back != p {
					t.Fatalf("Parse(%q) = %#v, %v; want %#v", s, back, err, p)
				}
			}
			text, err := p.MarshalText()
			if err != nil || string(text) != p.Code() {
				t.Fatalf("%#v.MarshalText() = %q, %v", p, text, err)
			}
		}
	})
}

func TestPropSizes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDate().Draw(t, "date")
		cal := DefaultCalendar()
		if n := Containing(Day, d, cal).Range(cal).Days(); n != 1 {
			t.Fatalf("day of %s has %d days", d, n)
		}
		w := Containing(Week, d, cal).Range(cal)
		if w.Days() != 7 || w.From.Weekday() != time.Monday {
			t.Fatalf("week of %s is [%s, %s), want 7 days from a Monday", d, w.From, w.To)
		}
		// The ISO week's Thursday lies in the week's ISO year.
		if wp := Containing(Week, d, cal); w.From.AddDays(3).Year != wp.Year {
			t.Fatalf("week %s has its Thursday in %d", wp, w.From.AddDays(3).Year)
		}
		if y := Containing(Year, d, cal).Range(cal).Days(); y != 365 && y != 366 {
			t.Fatalf("year of %s has %d days", d, y)
		}
	})
}

func TestPropNesting(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDate().Draw(t, "date")
		cal := genCalendar().Draw(t, "cal")
		day := Containing(Day, d, cal).Range(cal)
		month := Containing(Month, d, cal).Range(cal)
		quarter := Containing(Quarter, d, cal).Range(cal)
		year := Containing(Year, d, cal).Range(cal)
		if !within(day, month) || !within(month, quarter) || !within(quarter, year) {
			t.Fatalf("%s: day %v, month %v, quarter %v, year %v do not nest", d, day, month, quarter, year)
		}

		// A semester lies inside the school year containing its start.
		sem := Containing(Semester, d, cal)
		sr := sem.Range(cal)
		sy := Containing(SchoolYear, sr.From, cal)
		if !within(sr, sy.Range(cal)) {
			t.Fatalf("%s %v is not inside %s %v", sem, sr, sy, sy.Range(cal))
		}
		if !within(day, sr) {
			t.Fatalf("%s is not inside its semester %s", d, sem)
		}

		// The two semesters of the school year tile it exactly: autumn of its
		// first year, then spring of its second.
		year0 := Containing(SchoolYear, d, cal)
		yr := year0.Range(cal)
		autumn := Period{Kind: Semester, Year: year0.Year, N: Autumn}.Range(cal)
		spring := Period{Kind: Semester, Year: year0.Year + 1, N: Spring}.Range(cal)
		if autumn.From != yr.From || autumn.To != spring.From || spring.To != yr.To {
			t.Fatalf("%s %v is not autumn %v + spring %v", year0, yr, autumn, spring)
		}
		if autumn.Days()+spring.Days() != yr.Days() {
			t.Fatalf("%s: %d + %d days != %d", year0, autumn.Days(), spring.Days(), yr.Days())
		}
		if yr.Days() != 365 && yr.Days() != 366 {
			t.Fatalf("%s has %d days", year0, yr.Days())
		}
	})
}

func TestPropSameLastYear(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDate().Draw(t, "date")
		cal := genCalendar().Draw(t, "cal")
		// Periods whose boundaries are fixed month-days (never February 29)
		// move by exactly one calendar year.
		for _, k := range []Kind{Month, Quarter, Year, Semester, SchoolYear} {
			p := Containing(k, d, cal)
			r, last := p.Range(cal), p.SameLastYear()
			lr := last.Range(cal)
			if lr.From != oneYearEarlier(r.From) || lr.To != oneYearEarlier(r.To) {
				t.Fatalf("%s %v: SameLastYear %s %v is not one year earlier", p, r, last, lr)
			}
			if last.Kind != k || last.N != p.N || last.Year != p.Year-1 {
				t.Fatalf("%#v.SameLastYear() = %#v", p, last)
			}
		}

		dp := Containing(Day, d, cal)
		last := dp.SameLastYear()
		want := oneYearEarlier(d)
		if d.Month == time.February && d.Day == 29 {
			want = domain.Date{Year: d.Year - 1, Month: time.February, Day: 28}
		}
		if got := last.Range(cal).From; got != want || last.Validate() != nil {
			t.Fatalf("%s.SameLastYear() = %s, want %s", dp, got, want)
		}

		wp := Containing(Week, d, cal)
		lw := wp.SameLastYear()
		if lw.Year != wp.Year-1 || lw.Validate() != nil {
			t.Fatalf("%s.SameLastYear() = %#v", wp, lw)
		}
		if wp.N <= 52 && lw.N != wp.N {
			t.Fatalf("%s.SameLastYear() = %s, want the same week number", wp, lw)
		}
		if wp.N == 53 && lw.N != isoWeeks(wp.Year-1) {
			t.Fatalf("%s.SameLastYear() = %s, want the last week of %d", wp, lw, wp.Year-1)
		}
	})
}

// Parse is lenient with variants; check that normalising a label by hand
// (full-width digits and dashes) still lands on the same period.
func TestPropParseFullWidth(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDate().Draw(t, "date")
		k := rapid.SampledFrom(Kinds).Draw(t, "kind")
		p := Containing(k, d, DefaultCalendar())
		for _, s := range []string{p.Code(), p.Label("zh")} {
			wide := []rune(s)
			for i, r := range wide {
				if (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || r == '-' {
					wide[i] = r - '!' + 0xFF01
				}
			}
			padded := " \t" + string(wide) + "\u3000"
			back, err := Parse(padded)
			if err != nil || back != p {
				t.Fatalf("Parse(%q) = %#v, %v; want %#v", padded, back, err, p)
			}
		}
	})
}
