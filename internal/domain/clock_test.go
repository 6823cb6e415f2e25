package domain

import (
	"testing"
	"time"
	_ "time/tzdata" // the test must not depend on the machine's zone files
)

func TestClockTakesDatesInTheBureausZone(t *testing.T) {
	cst := time.FixedZone("UTC+8", 8*3600)
	cases := []struct {
		at    time.Time
		today string
	}{
		{time.Date(2025, 12, 31, 23, 59, 0, 0, cst), "2025-12-31"},
		{time.Date(2026, 1, 1, 0, 1, 0, 0, cst), "2026-01-01"},
		{time.Date(2025, 12, 31, 23, 59, 0, 0, time.UTC), "2026-01-01"},
		{time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC), "2026-01-01"},
	}
	for _, c := range cases {
		clk := NewClock(func() time.Time { return c.at }, nil)
		if got := clk.Today().String(); got != c.today {
			t.Errorf("%s: today = %s, want %s", c.at.Format(time.RFC3339), got, c.today)
		}
		if got := clk.DateOf(c.at).String(); got != c.today {
			t.Errorf("%s: DateOf = %s, want %s", c.at.Format(time.RFC3339), got, c.today)
		}
		if _, off := clk.Now().Zone(); off != 8*3600 {
			t.Errorf("Now is not in the bureau's zone: offset %d", off)
		}
	}
	// Another bureau's zone is a setting.
	utc := NewClock(func() time.Time { return cases[1].at }, time.UTC)
	if got := utc.Today().String(); got != "2025-12-31" {
		t.Errorf("in UTC, 00:01 Beijing is still %s, want 2025-12-31", got)
	}
	// A day's instants: midnight to midnight in the bureau's zone.
	clk := NewClock(nil, nil)
	from, to := clk.Instants(Range{From: NewDate(2026, 1, 1), To: NewDate(2026, 1, 2)})
	if from.UTC().Format(time.RFC3339) != "2025-12-31T16:00:00Z" || to.Sub(from) != 24*time.Hour {
		t.Errorf("1 January 2026 in Beijing: %s – %s", from.UTC(), to.UTC())
	}
	if clk.ZoneName() != DefaultTimeZone {
		t.Errorf("default zone %q, want %s", clk.ZoneName(), DefaultTimeZone)
	}
}

func TestLoadTimeZone(t *testing.T) {
	if loc, err := LoadTimeZone("Asia/Urumqi"); err != nil || loc.String() != "Asia/Urumqi" {
		t.Errorf("Asia/Urumqi: %v, %v", loc, err)
	}
	for _, bad := range []string{"", "Local", "Asia/Beijing", "+08:00", "../../etc/passwd"} {
		if _, err := LoadTimeZone(bad); !IsKind(err, KindInvalid) {
			t.Errorf("%q: want an invalid error, got %v", bad, err)
		} else if e := err.(*Error); e.Field != "tz" {
			t.Errorf("%q: field %q", bad, e.Field)
		}
	}
}
