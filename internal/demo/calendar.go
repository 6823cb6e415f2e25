package demo

import (
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/holiday"
)

// schoolBreaks are the winter and summer holidays of the county's schools
// (inclusive), which move with the Spring Festival. Years not listed get a
// typical pattern.
var schoolBreaks = map[int][2][2]domain.Date{
	2024: {{d(2024, 1, 20), d(2024, 2, 25)}, {d(2024, 7, 6), d(2024, 8, 31)}},
	2025: {{d(2025, 1, 15), d(2025, 2, 16)}, {d(2025, 7, 5), d(2025, 8, 31)}},
	2026: {{d(2026, 1, 24), d(2026, 3, 1)}, {d(2026, 7, 4), d(2026, 8, 31)}},
	2027: {{d(2027, 1, 23), d(2027, 2, 21)}, {d(2027, 7, 3), d(2027, 8, 31)}},
}

// inBreak reports whether d falls in a school holiday.
func inBreak(x domain.Date) bool {
	b, ok := schoolBreaks[x.Year]
	if !ok {
		b = [2][2]domain.Date{{d(x.Year, 1, 20), d(x.Year, 2, 20)}, {d(x.Year, 7, 8), d(x.Year, 8, 31)}}
	}
	for _, r := range b {
		if !x.Before(r[0]) && !x.After(r[1]) {
			return true
		}
	}
	return false
}

// Lunar festivals (the day itself); other festivals have fixed dates.
var (
	dragonBoat = map[int]domain.Date{2024: d(2024, 6, 10), 2025: d(2025, 5, 31), 2026: d(2026, 6, 19), 2027: d(2027, 6, 9)}
	midAutumn  = map[int]domain.Date{2024: d(2024, 9, 17), 2025: d(2025, 10, 6), 2026: d(2026, 9, 25), 2027: d(2027, 9, 15)}
	qingming   = map[int]domain.Date{2024: d(2024, 4, 4), 2025: d(2025, 4, 4), 2026: d(2026, 4, 5), 2027: d(2027, 4, 5)}
)

// festival is an occasion that holiday activities gather around.
type festival struct {
	key  string // 五一, 端午, 六一, 七一, 中秋, 国庆
	day  domain.Date
	lead int // activities fall on the day or up to lead days before it
}

// festivalsOf lists the holiday-activity occasions of a year that the
// calendar knows.
func festivalsOf(y int) []festival {
	out := []festival{{"五一", d(y, 5, 1), 5}}
	if x, ok := dragonBoat[y]; ok {
		out = append(out, festival{"端午", x, 4})
	}
	out = append(out, festival{"七一", d(y, 7, 1), 6})
	if x, ok := midAutumn[y]; ok {
		out = append(out, festival{"中秋", x, 4})
	}
	out = append(out, festival{"国庆", d(y, 10, 1), 6})
	return out
}

// qingmingOf returns the Qingming festival day of a year (April 4 or 5).
func qingmingOf(y int) domain.Date {
	if x, ok := qingming[y]; ok {
		return x
	}
	return d(y, 4, 4)
}

// daysOf lists every day of year y.
func daysOf(y int) []domain.Date {
	var out []domain.Date
	for x := d(y, 1, 1); x.Year == y; x = x.AddDays(1) {
		out = append(out, x)
	}
	return out
}

// workdaysIn lists the working days in [from, to].
func workdaysIn(from, to domain.Date) []domain.Date {
	var out []domain.Date
	for x := from; !x.After(to); x = x.AddDays(1) {
		if holiday.IsWorkday(x) {
			out = append(out, x)
		}
	}
	return out
}

// cnDate writes a date the Chinese way without the year: 3月15日.
func cnDate(x domain.Date) string { return itoa(int(x.Month)) + "月" + itoa(x.Day) + "日" }

// quarterLabel names the quarter of a date.
func quarterLabel(x domain.Date) string {
	return [...]string{"第一季度", "第二季度", "第三季度", "第四季度"}[(x.Month-time.January)/3]
}

// halfLabel names the half-year of a date.
func halfLabel(x domain.Date) string {
	if x.Month <= time.June {
		return "上半年"
	}
	return "下半年"
}

// termLabel names the school term of a date, e.g. 2024年春季学期.
func termLabel(x domain.Date) string {
	switch {
	case x.Month < time.February:
		return itoa(x.Year-1) + "年秋季学期"
	case x.Month < time.August:
		return itoa(x.Year) + "年春季学期"
	default:
		return itoa(x.Year) + "年秋季学期"
	}
}
