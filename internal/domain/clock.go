package domain

import (
	"strings"
	"time"
)

// DefaultTimeZone is the bureau's time zone unless configured otherwise:
// China has one time zone, and no daylight saving since 1991.
const DefaultTimeZone = "Asia/Shanghai"

// Clock is zeren's one source of "now" and "today": an instant source and
// the bureau's time zone. Every date derived from an instant — today, the
// day a record was entered, the running period, a report's signing date —
// is that instant's civil date in the bureau's zone, never in UTC and never
// in the server's or the browser's zone. Instants themselves (timestamps)
// stay zone-free and are stored in UTC.
//
// The zero Clock reads the real time in China; NewClock resolves the zone
// once, which the zero Clock does on every call.
type Clock struct {
	now func() time.Time
	loc *time.Location
}

// NewClock returns a clock reading now (nil: the real time) in loc (nil:
// China's zone).
func NewClock(now func() time.Time, loc *time.Location) Clock {
	if loc == nil {
		loc = chinaZone()
	}
	return Clock{now: now, loc: loc}
}

// LoadTimeZone loads an IANA time zone by name, such as "Asia/Shanghai" or
// "Asia/Urumqi". "Local" and the empty name are refused: the machine's zone
// must never decide what "today" is.
func LoadTimeZone(name string) (*time.Location, error) {
	n := strings.TrimSpace(name)
	if n == "" || strings.EqualFold(n, "local") {
		return nil, Invalid("tz", "name the bureau's time zone, such as %s; the machine's own zone is not used", DefaultTimeZone)
	}
	loc, err := time.LoadLocation(n)
	if err != nil {
		return nil, Invalid("tz", "%q is not a known time zone (an IANA name such as %s)", clipName(n), DefaultTimeZone)
	}
	return loc, nil
}

func clipName(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// chinaZone is the fallback when the zone database is missing: UTC+8, which
// is what Asia/Shanghai has been since 1991.
func chinaZone() *time.Location {
	if loc, err := time.LoadLocation(DefaultTimeZone); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// Location returns the bureau's time zone.
func (c Clock) Location() *time.Location {
	if c.loc == nil {
		return chinaZone()
	}
	return c.loc
}

// Now returns the current instant, in the bureau's zone.
func (c Clock) Now() time.Time {
	now := time.Now
	if c.now != nil {
		now = c.now
	}
	return now().In(c.Location())
}

// Today returns the current date in the bureau's zone.
func (c Clock) Today() Date { return c.DateOf(c.Now()) }

// DateOf returns the bureau's civil date of an instant.
func (c Clock) DateOf(t time.Time) Date { return DateOf(t.In(c.Location())) }

// StartOf returns the instant the day d begins in the bureau's zone.
func (c Clock) StartOf(d Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, c.Location())
}

// Instants returns the half-open interval of instants [from, to) that a
// range of days covers in the bureau's zone.
func (c Clock) Instants(r Range) (from, to time.Time) {
	return c.StartOf(r.From), c.StartOf(r.To)
}

// ZoneName names the bureau's zone (an IANA name, or the fallback's).
func (c Clock) ZoneName() string { return c.Location().String() }
