package app

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// quietEnd, for any instant and any window: inside it, the end is after now,
// less than a day away, at the window's end time in the bureau's zone, and
// no longer quiet; outside it, no wait.
func TestQuietEndProperties(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(13, 13))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 20000; i++ {
		now := base.Add(time.Duration(r.Int64N(int64(400 * 24 * time.Hour))))
		f, to := r.IntN(24*60), r.IntN(24*60)
		from, until := fmt.Sprintf("%02d:%02d", f/60, f%60), fmt.Sprintf("%02d:%02d", to/60, to%60)
		end, quiet := quietEnd(now, loc, from, until)
		local := now.In(loc)
		m := local.Hour()*60 + local.Minute()
		inside := f != to && ((f < to && m >= f && m < to) || (f > to && (m >= f || m < to)))
		if quiet != inside {
			t.Fatalf("%s in %s–%s: quiet %v, want %v", local.Format("15:04"), from, until, quiet, inside)
		}
		if !quiet {
			continue
		}
		if !end.After(now) || end.Sub(now) > 24*time.Hour || end.In(loc).Format("15:04") != until {
			t.Fatalf("%s in %s–%s: ends %s", local, from, until, end.In(loc))
		}
		if _, again := quietEnd(end, loc, from, until); again {
			t.Fatalf("%s–%s: still quiet at its end %s", from, until, end.In(loc))
		}
	}
}

// clockMinutes accepts exactly the times of day HH:MM.
func FuzzClockMinutes(f *testing.F) {
	for _, s := range []string{"00:00", "23:59", "24:00", "7:00", "07:60", "", "ab:cd", "-1:00", "07:0x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := clockMinutes(s)
		if !ok {
			return
		}
		if m < 0 || m >= 24*60 || fmt.Sprintf("%02d:%02d", m/60, m%60) != s {
			t.Fatalf("%q accepted as %d minutes", s, m)
		}
	})
}
