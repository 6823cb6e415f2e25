package period

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// MonthDay is a day of the year without a year, such as 08-01. It is written
// "MM-DD" in configuration and JSON.
type MonthDay struct {
	Month time.Month
	Day   int
}

// ParseMonthDay parses "MM-DD" (one-digit month and day are accepted, so
// "8-1" reads as 08-01). February 29 is a real month-day and is accepted here;
// Calendar.Validate is what refuses it as a term boundary.
func ParseMonthDay(s string) (MonthDay, error) {
	ms, ds, ok := strings.Cut(strings.TrimSpace(s), "-")
	m, err1 := strconv.Atoi(ms)
	d, err2 := strconv.Atoi(ds)
	// Atoi accepts a sign; a month-day never has one.
	if !ok || err1 != nil || err2 != nil || len(ms) > 2 || len(ds) > 2 ||
		strings.ContainsAny(ms+ds, "+-") {
		return MonthDay{}, domain.Invalid("month_day", "%q is not a month-day; write MM-DD, e.g. 08-01", s)
	}
	md := MonthDay{time.Month(m), d}
	if !md.valid() {
		return MonthDay{}, domain.Invalid("month_day", "%q is not a day of the year; write MM-DD, e.g. 08-01", s)
	}
	return md, nil
}

// String formats md as "MM-DD".
func (md MonthDay) String() string { return fmt.Sprintf("%02d-%02d", int(md.Month), md.Day) }

// MarshalText writes md as "MM-DD", so a Calendar reads naturally in JSON.
func (md MonthDay) MarshalText() ([]byte, error) { return []byte(md.String()), nil }

// UnmarshalText reads "MM-DD".
func (md *MonthDay) UnmarshalText(b []byte) error {
	v, err := ParseMonthDay(string(b))
	if err != nil {
		return err
	}
	*md = v
	return nil
}

// valid reports whether md exists in some year (leap years included).
func (md MonthDay) valid() bool {
	return md.Month >= time.January && md.Month <= time.December &&
		md.Day >= 1 && md.Day <= daysIn(2000, md.Month) // 2000 is a leap year
}

// before reports whether md comes strictly before o within a year.
func (md MonthDay) before(o MonthDay) bool {
	return md.Month < o.Month || (md.Month == o.Month && md.Day < o.Day)
}

// in returns md in year y. Callers only use validated calendars, which exclude
// February 29, so the date always exists.
func (md MonthDay) in(y int) domain.Date { return domain.Date{Year: y, Month: md.Month, Day: md.Day} }

// Calendar holds a bureau's semester boundaries: the month-days on which the
// spring and autumn terms begin. See the package doc for how they tile the year.
type Calendar struct {
	SpringStart MonthDay `json:"spring_start"`
	AutumnStart MonthDay `json:"autumn_start"`
}

// DefaultCalendar starts the spring term on 02-01 and the autumn term on 08-01,
// which puts the summer holiday in the spring term and the winter holiday in
// the autumn term, as most county bureaus report them.
func DefaultCalendar() Calendar {
	return Calendar{
		SpringStart: MonthDay{time.February, 1},
		AutumnStart: MonthDay{time.August, 1},
	}
}

// Validate checks that both boundaries are real month-days other than
// February 29 and that spring comes before autumn within the year.
func (c Calendar) Validate() error {
	for _, f := range []struct {
		name string
		md   MonthDay
	}{{"spring_start", c.SpringStart}, {"autumn_start", c.AutumnStart}} {
		if !f.md.valid() {
			return domain.Invalid(f.name, "%s is not a day of the year; write MM-DD, e.g. 08-01", f.md)
		}
		// A boundary on February 29 would move or vanish in three years out of
		// four, so terms would not cover the same days each year.
		if f.md.Month == time.February && f.md.Day == 29 {
			return domain.Invalid(f.name, "02-29 cannot start a term because it exists only in leap years; use 02-28 or 03-01")
		}
	}
	if !c.SpringStart.before(c.AutumnStart) {
		return domain.Invalid("spring_start", "the spring term (%s) must start before the autumn term (%s) in the calendar year, e.g. 02-01 and 08-01",
			c.SpringStart, c.AutumnStart)
	}
	return nil
}

// mustValid panics on an invalid calendar. Calendars are validated when a
// bureau's settings are loaded; reaching here with a bad one (typically the
// zero Calendar) is a programming error, and silently computing nonsense
// semester ranges would corrupt figures.
func (c Calendar) mustValid() {
	if err := c.Validate(); err != nil {
		panic(fmt.Sprintf("period: invalid calendar %+v: %v", c, err))
	}
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
