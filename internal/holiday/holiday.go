// Package holiday is China's working-day calendar: the public holidays
// (法定节假日) and the make-up working days (调休上班) that the State Council
// publishes each year. zeren uses it to place plausible demo activities on
// working days and for deadline math in working days.
//
// The data covers the State Council schedules for 2024, 2025 and 2026 (see
// Covered). For any other year the calendar falls back to a rough rule:
// weekends are days off, and so are the fixed-date holidays 元旦 (Jan 1),
// 劳动节 (May 1) and 国庆节 (Oct 1–3); lunar holidays (春节, 清明, 端午, 中秋)
// and make-up working days are unknown there. Add each year's schedule when
// the State Council publishes it (usually in November for the next year).
package holiday

import (
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// Holiday names.
const (
	NewYear           = "元旦"
	SpringFest        = "春节"
	QingMing          = "清明节"
	LabourDay         = "劳动节"
	DragonBoat        = "端午节"
	MidAutumn         = "中秋节"
	NationalDay       = "国庆节"
	NationalMidAutumn = "国庆节、中秋节" // the two run together in some years
)

type span struct {
	from, to domain.Date // inclusive
	name     string
}

type year struct {
	holidays []span        // days off, weekends inside a span included
	makeup   []domain.Date // weekend days that are working days
	makeupOf []string      // the holiday each make-up day belongs to
}

func date(y int, m time.Month, day int) domain.Date { return domain.Date{Year: y, Month: m, Day: day} }

func days(y int, m1 time.Month, d1 int, m2 time.Month, d2 int, name string) span {
	return span{date(y, m1, d1), date(y, m2, d2), name}
}

// schedules holds the State Council notices (国务院办公厅关于…部分节假日安排的通知).
var schedules = map[int]year{
	2024: {
		holidays: []span{
			days(2024, 1, 1, 1, 1, NewYear),
			days(2024, 2, 10, 2, 17, SpringFest),
			days(2024, 4, 4, 4, 6, QingMing),
			days(2024, 5, 1, 5, 5, LabourDay),
			days(2024, 6, 10, 6, 10, DragonBoat),
			days(2024, 9, 15, 9, 17, MidAutumn),
			days(2024, 10, 1, 10, 7, NationalDay),
		},
		makeup: []domain.Date{
			date(2024, 2, 4), date(2024, 2, 18),
			date(2024, 4, 7),
			date(2024, 4, 28), date(2024, 5, 11),
			date(2024, 9, 14),
			date(2024, 9, 29), date(2024, 10, 12),
		},
		makeupOf: []string{SpringFest, SpringFest, QingMing, LabourDay, LabourDay, MidAutumn, NationalDay, NationalDay},
	},
	2025: {
		holidays: []span{
			days(2025, 1, 1, 1, 1, NewYear),
			days(2025, 1, 28, 2, 4, SpringFest),
			days(2025, 4, 4, 4, 6, QingMing),
			days(2025, 5, 1, 5, 5, LabourDay),
			days(2025, 5, 31, 6, 2, DragonBoat),
			days(2025, 10, 1, 10, 8, NationalMidAutumn),
		},
		makeup: []domain.Date{
			date(2025, 1, 26), date(2025, 2, 8),
			date(2025, 4, 27),
			date(2025, 9, 28), date(2025, 10, 11),
		},
		makeupOf: []string{SpringFest, SpringFest, LabourDay, NationalMidAutumn, NationalMidAutumn},
	},
	2026: {
		holidays: []span{
			days(2026, 1, 1, 1, 3, NewYear),
			days(2026, 2, 15, 2, 23, SpringFest),
			days(2026, 4, 4, 4, 6, QingMing),
			days(2026, 5, 1, 5, 5, LabourDay),
			days(2026, 6, 19, 6, 21, DragonBoat),
			days(2026, 9, 25, 9, 27, MidAutumn),
			days(2026, 10, 1, 10, 7, NationalDay),
		},
		makeup: []domain.Date{
			date(2026, 1, 4),
			date(2026, 2, 14), date(2026, 2, 28),
			date(2026, 5, 9),
			date(2026, 9, 20), date(2026, 10, 10),
		},
		makeupOf: []string{NewYear, SpringFest, SpringFest, LabourDay, NationalDay, NationalDay},
	},
}

// Built once from schedules; read-only afterwards, so safe for concurrent use.
var (
	holidayName = map[domain.Date]string{}
	makeupName  = map[domain.Date]string{}
)

func init() {
	for _, y := range schedules {
		for _, s := range y.holidays {
			for x := s.from; !x.After(s.to); x = x.AddDays(1) {
				holidayName[x] = s.name
			}
		}
		for i, m := range y.makeup {
			makeupName[m] = y.makeupOf[i]
		}
	}
}

// Covered reports whether the calendar holds the State Council schedule for
// the year. Outside it, the fallback of the package comment applies.
func Covered(year int) bool {
	_, ok := schedules[year]
	return ok
}

// norm normalises an out-of-range date (Feb 30) the way time.Date does.
func norm(x domain.Date) domain.Date { return domain.DateOf(x.Time()) }

// IsHoliday reports whether d is an official public holiday day off,
// including the days bridged to it (a Saturday or Sunday inside the
// published span counts; an ordinary weekend does not).
func IsHoliday(d domain.Date) bool { return Name(d) != "" }

// Name returns the name of the holiday d falls in ("春节", "国庆节" …), or ""
// if d is not a holiday.
func Name(d domain.Date) string {
	d = norm(d)
	if Covered(d.Year) {
		return holidayName[d]
	}
	switch {
	case d.Month == time.January && d.Day == 1:
		return NewYear
	case d.Month == time.May && d.Day == 1:
		return LabourDay
	case d.Month == time.October && d.Day <= 3:
		return NationalDay
	}
	return ""
}

// IsMakeup reports whether d is a weekend day made a working day (调休上班).
// It is always false outside the covered years.
func IsMakeup(d domain.Date) bool {
	_, ok := makeupName[norm(d)]
	return ok
}

// IsWorkday reports whether d is a working day: Monday to Friday and not a
// holiday, or a make-up working day.
func IsWorkday(d domain.Date) bool {
	d = norm(d)
	if IsMakeup(d) {
		return true
	}
	if IsHoliday(d) {
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays returns the n-th working day after d (n > 0) or before d
// (n < 0); d itself is not counted, so a task opened on a Friday with one
// working day to go is due the next Monday. AddWorkdays(d, 0) returns d.
func AddWorkdays(d domain.Date, n int) domain.Date {
	d = norm(d)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if IsWorkday(d) {
			n--
		}
	}
	return d
}
