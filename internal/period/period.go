package period

import (
	"fmt"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Kind is the granularity of a period. The codes are stored and sent over the
// API, so they must not change.
type Kind string

const (
	Day        Kind = "day"
	Week       Kind = "week" // ISO 8601, Monday start
	Month      Kind = "month"
	Quarter    Kind = "quarter"
	Semester   Kind = "semester"
	SchoolYear Kind = "school_year"
	Year       Kind = "year"
)

// Kinds lists every kind, finest first.
var Kinds = []Kind{Day, Week, Month, Quarter, Semester, SchoolYear, Year}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case Day, Week, Month, Quarter, Semester, SchoolYear, Year:
		return true
	}
	return false
}

// ParseKind reads a kind code such as "month", for query parameters.
func ParseKind(s string) (Kind, error) {
	if k := Kind(s); k.Valid() {
		return k, nil
	}
	return "", domain.Invalid("kind", "%q is not a period kind; use one of day, week, month, quarter, semester, school_year, year", s)
}

// The two terms of a semester period, in the order they occur within a
// calendar year.
const (
	Spring = 1 // 春季学期, starts at Calendar.SpringStart
	Autumn = 2 // 秋季学期, starts at Calendar.AutumnStart and runs into the next year
)

// Year bounds. Four-digit years keep codes fixed-width and sortable; nothing
// zeren records predates 1900.
const (
	MinYear = 1900
	MaxYear = 9999
)

// Period is one day, week, month, quarter, semester, school year or year.
// It is a small comparable value: use == to compare periods and use them as
// map keys.
//
// The meaning of the fields depends on Kind:
//
//	Kind        Year                       N                     Day
//	day         calendar year              month 1-12            day of month
//	week        ISO week-numbering year    ISO week 1-52/53      0
//	month       calendar year              month 1-12            0
//	quarter     calendar year              quarter 1-4           0
//	semester    year the term starts in    Spring or Autumn      0
//	school_year year it starts in (2024    0                     0
//	            for 2024-2025)
//	year        calendar year              0                     0
//
// Periods from Parse are always valid, and so are those from Containing for
// dates in years 1900-9999. A Period built by hand
// should be checked with Validate; Range, Next, Prev and SameLastYear panic if
// its Kind is unknown (the zero Period included).
type Period struct {
	Kind Kind
	Year int
	N    int
	Day  int
}

// Containing returns the period of kind k that contains d. It panics if k is
// not a known kind (use ParseKind on input), or if k is Semester or SchoolYear
// and cal is invalid.
func Containing(k Kind, d domain.Date, cal Calendar) Period {
	switch k {
	case Day:
		return Period{Kind: Day, Year: d.Year, N: int(d.Month), Day: d.Day}
	case Week:
		y, w := d.Time().ISOWeek()
		return Period{Kind: Week, Year: y, N: w}
	case Month:
		return Period{Kind: Month, Year: d.Year, N: int(d.Month)}
	case Quarter:
		return Period{Kind: Quarter, Year: d.Year, N: (int(d.Month)-1)/3 + 1}
	case Semester:
		cal.mustValid()
		md := MonthDay{d.Month, d.Day}
		switch {
		case md.before(cal.SpringStart): // January: still last year's autumn term
			return Period{Kind: Semester, Year: d.Year - 1, N: Autumn}
		case md.before(cal.AutumnStart):
			return Period{Kind: Semester, Year: d.Year, N: Spring}
		default:
			return Period{Kind: Semester, Year: d.Year, N: Autumn}
		}
	case SchoolYear:
		cal.mustValid()
		if (MonthDay{d.Month, d.Day}).before(cal.AutumnStart) {
			return Period{Kind: SchoolYear, Year: d.Year - 1}
		}
		return Period{Kind: SchoolYear, Year: d.Year}
	case Year:
		return Period{Kind: Year, Year: d.Year}
	}
	panic(fmt.Sprintf("period: unknown kind %q", k))
}

// Range returns the days p covers as [From, To). cal is used only by
// semesters and school years; for them Range panics if cal is invalid.
func (p Period) Range(cal Calendar) domain.Range {
	switch p.Kind {
	case Day:
		from := domain.Date{Year: p.Year, Month: time.Month(p.N), Day: p.Day}
		return domain.Range{From: from, To: from.AddDays(1)}
	case Week:
		from := isoWeekStart(p.Year, p.N)
		return domain.Range{From: from, To: from.AddDays(7)}
	case Month:
		return domain.Range{From: firstOf(p.Year, p.N), To: firstOf(p.Year, p.N+1)}
	case Quarter:
		m := 3*(p.N-1) + 1
		return domain.Range{From: firstOf(p.Year, m), To: firstOf(p.Year, m+3)}
	case Semester:
		cal.mustValid()
		if p.N == Spring {
			return domain.Range{From: cal.SpringStart.in(p.Year), To: cal.AutumnStart.in(p.Year)}
		}
		return domain.Range{From: cal.AutumnStart.in(p.Year), To: cal.SpringStart.in(p.Year + 1)}
	case SchoolYear:
		cal.mustValid()
		return domain.Range{From: cal.AutumnStart.in(p.Year), To: cal.AutumnStart.in(p.Year + 1)}
	case Year:
		return domain.Range{From: firstOf(p.Year, 1), To: firstOf(p.Year+1, 1)}
	}
	panic(fmt.Sprintf("period: unknown kind %q", p.Kind))
}

// Contains reports whether d lies in p.
func (p Period) Contains(cal Calendar, d domain.Date) bool { return p.Range(cal).Contains(d) }

// Next returns the period of the same kind that follows p. Its range starts
// where p's ends. Stepping past year 9999 yields a period that fails Validate.
func (p Period) Next() Period { return p.step(1) }

// Prev returns the period of the same kind that precedes p; Prev undoes Next.
func (p Period) Prev() Period { return p.step(-1) }

// step moves p by one period forwards (dir=1) or backwards (dir=-1).
func (p Period) step(dir int) Period {
	switch p.Kind {
	case Day:
		d := domain.Date{Year: p.Year, Month: time.Month(p.N), Day: p.Day}.AddDays(dir)
		return Period{Kind: Day, Year: d.Year, N: int(d.Month), Day: d.Day}
	case Week:
		// Week counts differ between ISO years, so carry by hand rather than
		// by date arithmetic that could land in the wrong ISO year.
		y, w := p.Year, p.N+dir
		if w > isoWeeks(y) {
			y, w = y+1, 1
		} else if w < 1 {
			y, w = y-1, isoWeeks(y-1)
		}
		return Period{Kind: Week, Year: y, N: w}
	case Month:
		return carry(p, 12, dir)
	case Quarter:
		return carry(p, 4, dir)
	case Semester:
		// Spring Y → Autumn Y → Spring Y+1: the two terms alternate, and the
		// year changes on the autumn → spring step.
		return carry(p, 2, dir)
	case SchoolYear, Year:
		return Period{Kind: p.Kind, Year: p.Year + dir}
	}
	panic(fmt.Sprintf("period: unknown kind %q", p.Kind))
}

// carry steps N within 1..per, carrying into Year.
func carry(p Period, per, dir int) Period {
	i := p.Year*per + (p.N - 1) + dir
	return Period{Kind: p.Kind, Year: floorDiv(i, per), N: i - floorDiv(i, per)*per + 1}
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// SameLastYear returns the period one year before p, for year-on-year
// comparison: the same quarter, month, term or school year of the previous
// year; for weeks the same ISO week number of the previous ISO year, or its
// last week (52) when that year has no week 53; for days the same month and
// day, with February 29 mapped to February 28.
func (p Period) SameLastYear() Period {
	switch p.Kind {
	case Day:
		q := Period{Kind: Day, Year: p.Year - 1, N: p.N, Day: p.Day}
		if q.Day > daysIn(q.Year, time.Month(q.N)) {
			q.Day = daysIn(q.Year, time.Month(q.N))
		}
		return q
	case Week:
		return Period{Kind: Week, Year: p.Year - 1, N: min(p.N, isoWeeks(p.Year-1))}
	case Month, Quarter, Semester, SchoolYear, Year:
		p.Year--
		return p
	}
	panic(fmt.Sprintf("period: unknown kind %q", p.Kind))
}

// IsZero reports whether p is the zero Period, so JSON fields tagged
// `omitzero` can leave an unset period out.
func (p Period) IsZero() bool { return p == Period{} }

// Validate reports, as a domain.Invalid error on field "period", why p does
// not name a real period, or nil if it does.
func (p Period) Validate() error {
	if msg := p.problem(); msg != "" {
		return domain.Invalid("period", "%s", msg)
	}
	return nil
}

// problem explains what is wrong with p, with an example of the right form,
// or returns "" if p is valid. Parse and Validate share it so that both give
// the same message.
func (p Period) problem() string {
	if !p.Kind.Valid() {
		if p.Kind == "" {
			return "no period given; " + examples
		}
		return fmt.Sprintf("%q is not a period kind", string(p.Kind))
	}
	ex := "; write e.g. " + exampleOf[p.Kind]
	maxYear := MaxYear
	if p.Kind == SchoolYear {
		maxYear-- // its second year must still have four digits
	}
	if p.Year < MinYear || p.Year > maxYear {
		return fmt.Sprintf("year %d is outside %d-%d%s", p.Year, MinYear, maxYear, ex)
	}
	switch p.Kind {
	case Day:
		if p.N < 1 || p.N > 12 {
			return fmt.Sprintf("month %d does not exist, months are 1-12%s", p.N, ex)
		}
		if n := daysIn(p.Year, time.Month(p.N)); p.Day < 1 || p.Day > n {
			return fmt.Sprintf("%s %d has %d days, so day %d does not exist%s", time.Month(p.N), p.Year, n, p.Day, ex)
		}
		return ""
	case Week:
		if n := isoWeeks(p.Year); p.N < 1 || p.N > n {
			return fmt.Sprintf("ISO year %d has %d weeks, so week %d does not exist%s", p.Year, n, p.N, ex)
		}
	case Month:
		if p.N < 1 || p.N > 12 {
			return fmt.Sprintf("month %d does not exist, months are 1-12%s", p.N, ex)
		}
	case Quarter:
		if p.N < 1 || p.N > 4 {
			return fmt.Sprintf("quarter %d does not exist, quarters are 1-4%s", p.N, ex)
		}
	case Semester:
		if p.N != Spring && p.N != Autumn {
			return fmt.Sprintf("term %d does not exist, a semester is Spring (%d) or Autumn (%d)%s", p.N, Spring, Autumn, ex)
		}
	case SchoolYear, Year:
		if p.N != 0 {
			return fmt.Sprintf("a %s has no number N (got %d)", p.Kind, p.N)
		}
	}
	if p.Day != 0 {
		return fmt.Sprintf("only a day period has a Day (got %d for a %s)", p.Day, p.Kind)
	}
	return ""
}

// firstOf returns the first day of month m of year y; m may overflow into
// the next year (m=13 is January of y+1).
func firstOf(y, m int) domain.Date { return domain.NewDate(y, time.Month(m), 1) }

// isoWeekStart returns the Monday of ISO week w of ISO year y. January 4 is
// always in week 1, so week 1 starts on the Monday on or before it.
func isoWeekStart(y, w int) domain.Date {
	jan4 := domain.Date{Year: y, Month: time.January, Day: 4}
	sinceMonday := (int(jan4.Weekday()) + 6) % 7
	return jan4.AddDays(-sinceMonday + 7*(w-1))
}

// isoWeeks returns the number of ISO weeks in ISO year y (52 or 53).
// December 28 is always in the last week of its ISO year.
func isoWeeks(y int) int {
	_, w := time.Date(y, time.December, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}
