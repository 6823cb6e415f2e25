package holiday

import (
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

func day(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestKnownDates(t *testing.T) {
	cases := []struct {
		date    string
		holiday bool
		workday bool
		name    string
	}{
		{"2024-01-01", true, false, NewYear},
		{"2024-01-02", false, true, ""},
		{"2024-02-04", false, true, ""}, // Sunday, make-up for 春节
		{"2024-02-09", false, true, ""}, // 除夕 2024 was a working Friday
		{"2024-02-10", true, false, SpringFest},
		{"2024-02-17", true, false, SpringFest},
		{"2024-02-18", false, true, ""},
		{"2024-04-04", true, false, QingMing},
		{"2024-04-07", false, true, ""},
		{"2024-04-28", false, true, ""},
		{"2024-05-03", true, false, LabourDay},
		{"2024-05-11", false, true, ""},
		{"2024-06-10", true, false, DragonBoat},
		{"2024-09-14", false, true, ""},
		{"2024-09-17", true, false, MidAutumn},
		{"2024-09-29", false, true, ""},
		{"2024-10-07", true, false, NationalDay},
		{"2024-10-08", false, true, ""},
		{"2024-10-12", false, true, ""},
		{"2024-10-13", false, false, ""}, // an ordinary Sunday
		{"2025-01-01", true, false, NewYear},
		{"2025-01-26", false, true, ""},
		{"2025-01-28", true, false, SpringFest},
		{"2025-02-04", true, false, SpringFest},
		{"2025-02-08", false, true, ""},
		{"2025-04-06", true, false, QingMing},
		{"2025-04-07", false, true, ""},
		{"2025-04-27", false, true, ""},
		{"2025-05-05", true, false, LabourDay},
		{"2025-05-31", true, false, DragonBoat},
		{"2025-06-02", true, false, DragonBoat},
		{"2025-09-28", false, true, ""},
		{"2025-10-06", true, false, NationalMidAutumn},
		{"2025-10-08", true, false, NationalMidAutumn},
		{"2025-10-11", false, true, ""},
		{"2026-01-02", true, false, NewYear},
		{"2026-01-04", false, true, ""},
		{"2026-02-14", false, true, ""},
		{"2026-02-15", true, false, SpringFest},
		{"2026-02-23", true, false, SpringFest},
		{"2026-02-28", false, true, ""},
		{"2026-04-06", true, false, QingMing},
		{"2026-05-09", false, true, ""},
		{"2026-06-19", true, false, DragonBoat},
		{"2026-09-20", false, true, ""},
		{"2026-09-25", true, false, MidAutumn},
		{"2026-10-01", true, false, NationalDay},
		{"2026-10-10", false, true, ""},
		{"2026-10-11", false, false, ""},
		{"2026-12-31", false, true, ""},
		// Outside the data: weekends and the fixed-date holidays only.
		{"2023-01-01", true, false, NewYear},
		{"2027-05-01", true, false, LabourDay},
		{"2027-10-03", true, false, NationalDay},
		{"2027-10-04", false, true, ""},  // a Monday: the fallback cannot know the real 国庆 week
		{"2027-02-06", false, false, ""}, // Saturday
	}
	for _, c := range cases {
		d := day(c.date)
		if got := IsHoliday(d); got != c.holiday {
			t.Errorf("IsHoliday(%s) = %v, want %v", c.date, got, c.holiday)
		}
		if got := IsWorkday(d); got != c.workday {
			t.Errorf("IsWorkday(%s, %s) = %v, want %v", c.date, d.Weekday(), got, c.workday)
		}
		if got := Name(d); got != c.name {
			t.Errorf("Name(%s) = %q, want %q", c.date, got, c.name)
		}
	}
}

func TestMakeupDaysAreWorkingWeekendDays(t *testing.T) {
	n := 0
	for y, s := range schedules {
		if len(s.makeup) != len(s.makeupOf) {
			t.Fatalf("%d: %d make-up days but %d names", y, len(s.makeup), len(s.makeupOf))
		}
		for _, m := range s.makeup {
			n++
			if m.Year != y {
				t.Errorf("make-up day %s filed under %d", m, y)
			}
			if wd := m.Weekday(); wd != time.Saturday && wd != time.Sunday {
				t.Errorf("make-up day %s is a %s, not a weekend day", m, wd)
			}
			if !IsWorkday(m) || !IsMakeup(m) || IsHoliday(m) {
				t.Errorf("make-up day %s: IsWorkday %v, IsMakeup %v, IsHoliday %v", m, IsWorkday(m), IsMakeup(m), IsHoliday(m))
			}
		}
	}
	if n != 8+5+6 {
		t.Errorf("%d make-up days, want 19", n)
	}
	if IsMakeup(day("2027-02-06")) {
		t.Error("IsMakeup outside the covered years")
	}
}

func TestHolidayCountsPerYear(t *testing.T) {
	want := map[int]struct{ holidays, makeup, workdays int }{
		// holidays: 2024 1+8+3+5+1+3+7; 2025 1+8+3+5+3+8; 2026 3+9+3+5+3+3+7.
		// working days as published: 251 in 2024, 248 in 2025 and 2026.
		2024: {28, 8, 251},
		2025: {28, 5, 248},
		2026: {33, 6, 248},
	}
	for y, w := range want {
		if !Covered(y) {
			t.Fatalf("Covered(%d) = false", y)
		}
		var holidays, makeup, workdays int
		weekdayHolidays := 0
		for d := domain.NewDate(y, 1, 1); d.Year == y; d = d.AddDays(1) {
			if IsHoliday(d) {
				holidays++
				if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
					weekdayHolidays++
				}
			}
			if IsMakeup(d) {
				makeup++
			}
			if IsWorkday(d) {
				workdays++
			}
		}
		if holidays != w.holidays || makeup != w.makeup {
			t.Errorf("%d: %d holiday days and %d make-up days, want %d and %d", y, holidays, makeup, w.holidays, w.makeup)
		}
		if workdays != w.workdays {
			t.Errorf("%d: %d working days, want %d", y, workdays, w.workdays)
		}
		// Working days = weekdays - weekday holidays + make-up days.
		weekdays := 0
		for d := domain.NewDate(y, 1, 1); d.Year == y; d = d.AddDays(1) {
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				weekdays++
			}
		}
		if workdays != weekdays-weekdayHolidays+makeup {
			t.Errorf("%d: working days do not add up", y)
		}
	}
	for _, y := range []int{2023, 2027, 1999} {
		if Covered(y) {
			t.Errorf("Covered(%d) = true", y)
		}
	}
}

// Every legal holiday day (法定假日) the law grants falls inside the spans:
// 13 days a year since 2025 (11 before), the rest are bridged weekends.
func TestSpansHoldTheLegalDays(t *testing.T) {
	legal := []string{
		"2024-01-01", "2024-02-10", "2024-02-11", "2024-02-12", "2024-04-04", "2024-05-01",
		"2024-06-10", "2024-09-17", "2024-10-01", "2024-10-02", "2024-10-03",
		"2025-01-01", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-04-04",
		"2025-05-01", "2025-05-02", "2025-05-31", "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06",
		"2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-04-05",
		"2026-05-01", "2026-05-02", "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-02", "2026-10-03",
	}
	for _, s := range legal {
		if !IsHoliday(day(s)) {
			t.Errorf("%s is a legal holiday day but IsHoliday is false", s)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2024-03-01", 0, "2024-03-01"},
		{"2024-03-01", 1, "2024-03-04"},  // Friday → Monday
		{"2024-03-04", -1, "2024-03-01"}, // Monday → Friday
		{"2024-03-04", 5, "2024-03-11"},
		{"2024-02-08", 1, "2024-02-09"},  // Thursday → Friday before 春节
		{"2024-02-09", 1, "2024-02-18"},  // over 春节 to the make-up Sunday
		{"2024-02-18", -1, "2024-02-09"}, // and back
		{"2024-09-27", 1, "2024-09-29"},  // Friday → make-up Sunday before 国庆
		{"2024-09-30", 1, "2024-10-08"},
		{"2025-09-30", 1, "2025-10-09"},
		{"2025-09-30", 3, "2025-10-11"}, // Oct 9, Oct 10, make-up Saturday Oct 11
		{"2025-12-31", 1, "2026-01-04"}, // over 元旦 2026 to its make-up Sunday
		{"2026-02-13", 1, "2026-02-14"}, // Friday → make-up Saturday
		{"2026-02-14", 1, "2026-02-24"},
		{"2024-01-31", 20, "2024-03-04"}, // across 春节 and its make-up Sundays Feb 4 and Feb 18
		{"2026-12-31", 1, "2027-01-04"},  // fallback: Jan 1 2027 off, weekend
	}
	for _, c := range cases {
		if got := AddWorkdays(day(c.from), c.n); got.String() != c.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", c.from, c.n, got, c.want)
		}
	}
	// Round trip from working days.
	for d := day("2024-01-02"); d.Before(day("2026-12-31")); d = d.AddDays(1) {
		if !IsWorkday(d) {
			continue
		}
		for _, n := range []int{1, 3, 10} {
			if back := AddWorkdays(AddWorkdays(d, n), -n); back != d {
				t.Fatalf("AddWorkdays(AddWorkdays(%s, %d), %d) = %s", d, n, -n, back)
			}
		}
	}
}

func TestNormalisesDates(t *testing.T) {
	// Feb 30 2024 is Mar 1 2024, a Friday.
	odd := domain.Date{Year: 2024, Month: 2, Day: 30}
	if !IsWorkday(odd) || IsHoliday(odd) {
		t.Error("Feb 30 is not treated as Mar 1")
	}
	// Sep 31 2025 is Oct 1 2025.
	if Name(domain.Date{Year: 2025, Month: 9, Day: 31}) != NationalMidAutumn {
		t.Error("Sep 31 is not treated as Oct 1")
	}
}

func FuzzAddWorkdays(f *testing.F) {
	f.Add(2024, 2, 9, 1)
	f.Add(2025, 9, 30, -7)
	f.Add(2026, 12, 31, 30)
	f.Fuzz(func(t *testing.T, y, m, dd, n int) {
		y = 2020 + abs(y)%10
		n %= 400
		d := domain.NewDate(y, time.Month(1+abs(m)%12), 1+abs(dd)%31)
		got := AddWorkdays(d, n)
		if n != 0 && !IsWorkday(got) {
			t.Fatalf("AddWorkdays(%s, %d) = %s, not a working day", d, n, got)
		}
		if (n > 0 && !got.After(d)) || (n < 0 && !got.Before(d)) || (n == 0 && got != d) {
			t.Fatalf("AddWorkdays(%s, %d) = %s moves the wrong way", d, n, got)
		}
		if IsWorkday(d) && AddWorkdays(got, -n) != d {
			t.Fatalf("AddWorkdays(AddWorkdays(%s, %d), %d) = %s", d, n, -n, AddWorkdays(got, -n))
		}
	})
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
