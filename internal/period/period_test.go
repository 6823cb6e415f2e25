package period

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

func date(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func mustParse(t *testing.T, s string) Period {
	t.Helper()
	p, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return p
}

// Known answers, worked out by hand from a calendar, so the property tests
// are anchored to reality and not only to each other.
func TestRanges(t *testing.T) {
	def := DefaultCalendar()
	custom := Calendar{SpringStart: MonthDay{time.February, 20}, AutumnStart: MonthDay{time.September, 1}}
	tests := []struct {
		code     string
		cal      Calendar
		from, to string
	}{
		{"2024", def, "2024-01-01", "2025-01-01"},
		{"2024Q1", def, "2024-01-01", "2024-04-01"},
		{"2024Q4", def, "2024-10-01", "2025-01-01"},
		{"2024-02", def, "2024-02-01", "2024-03-01"},
		{"2024-12", def, "2024-12-01", "2025-01-01"},
		{"2024-02-29", def, "2024-02-29", "2024-03-01"},
		{"2024-12-31", def, "2024-12-31", "2025-01-01"},
		{"2024-W01", def, "2024-01-01", "2024-01-08"}, // 2024-01-01 is a Monday
		{"2025-W01", def, "2024-12-30", "2025-01-06"}, // week 1 holds Jan 4 and starts in 2024
		{"2020-W53", def, "2020-12-28", "2021-01-04"},
		{"2021-W01", def, "2021-01-04", "2021-01-11"}, // 2021-01-01..03 belong to 2020-W53
		{"2024FA", def, "2024-08-01", "2025-02-01"},
		{"2025SP", def, "2025-02-01", "2025-08-01"},
		{"2024-2025", def, "2024-08-01", "2025-08-01"},
		{"2024FA", custom, "2024-09-01", "2025-02-20"},
		{"2025SP", custom, "2025-02-20", "2025-09-01"},
		{"2024-2025", custom, "2024-09-01", "2025-09-01"},
	}
	for _, tt := range tests {
		p := mustParse(t, tt.code)
		r := p.Range(tt.cal)
		if r.From.String() != tt.from || r.To.String() != tt.to {
			t.Errorf("%s.Range(%v) = [%s, %s), want [%s, %s)", tt.code, tt.cal, r.From, r.To, tt.from, tt.to)
		}
	}
}

func TestContaining(t *testing.T) {
	def := DefaultCalendar()
	tests := []struct {
		kind Kind
		date string
		want string
	}{
		{Day, "2024-09-05", "2024-09-05"},
		{Week, "2024-12-30", "2025-W01"},
		{Week, "2021-01-03", "2020-W53"},
		{Week, "2024-01-01", "2024-W01"},
		{Week, "2023-01-01", "2022-W52"},
		{Month, "2024-09-30", "2024-09"},
		{Quarter, "2024-03-31", "2024Q1"},
		{Quarter, "2024-04-01", "2024Q2"},
		{Quarter, "2024-09-05", "2024Q3"},
		{Quarter, "2024-12-31", "2024Q4"},
		{Semester, "2025-01-31", "2024FA"}, // January is still the autumn term
		{Semester, "2025-02-01", "2025SP"},
		{Semester, "2025-07-31", "2025SP"}, // summer holiday belongs to spring
		{Semester, "2025-08-01", "2025FA"},
		{SchoolYear, "2025-07-31", "2024-2025"},
		{SchoolYear, "2025-08-01", "2025-2026"},
		{SchoolYear, "2025-01-15", "2024-2025"},
		{Year, "2024-12-31", "2024"},
	}
	for _, tt := range tests {
		got := Containing(tt.kind, date(tt.date), def)
		if got.Code() != tt.want {
			t.Errorf("Containing(%s, %s) = %s, want %s", tt.kind, tt.date, got, tt.want)
		}
		if !got.Contains(def, date(tt.date)) {
			t.Errorf("%s does not contain %s", got, tt.date)
		}
	}
}

func TestNextPrev(t *testing.T) {
	tests := []struct{ p, next string }{
		{"2024-12-31", "2025-01-01"},
		{"2024-02-28", "2024-02-29"},
		{"2023-02-28", "2023-03-01"},
		{"2020-W52", "2020-W53"},
		{"2020-W53", "2021-W01"},
		{"2024-W52", "2025-W01"},
		{"2024-12", "2025-01"},
		{"2024Q4", "2025Q1"},
		{"2024SP", "2024FA"},
		{"2024FA", "2025SP"},
		{"2024-2025", "2025-2026"},
		{"2024", "2025"},
	}
	for _, tt := range tests {
		p, n := mustParse(t, tt.p), mustParse(t, tt.next)
		if got := p.Next(); got != n {
			t.Errorf("%s.Next() = %s, want %s", tt.p, got, tt.next)
		}
		if got := n.Prev(); got != p {
			t.Errorf("%s.Prev() = %s, want %s", tt.next, got, tt.p)
		}
	}
}

func TestSameLastYear(t *testing.T) {
	tests := []struct{ p, want string }{
		{"2024", "2023"},
		{"2024Q3", "2023Q3"},
		{"2024-01", "2023-01"},
		{"2024-09-05", "2023-09-05"},
		{"2024-02-29", "2023-02-28"},
		{"2025-03-01", "2024-03-01"},
		{"2021-W10", "2020-W10"},
		{"2021-W01", "2020-W01"},
		{"2026-W53", "2025-W52"}, // 2025 has no week 53
		{"2021-W52", "2020-W52"},
		{"2024FA", "2023FA"},
		{"2025SP", "2024SP"},
		{"2024-2025", "2023-2024"},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.p).SameLastYear(); got.Code() != tt.want {
			t.Errorf("%s.SameLastYear() = %s, want %s", tt.p, got, tt.want)
		}
	}
}

// isoWeeks is checked against the list of 53-week ISO years, not against the
// time package it is built on.
func TestISOWeeks(t *testing.T) {
	long := map[int]bool{1998: true, 2004: true, 2009: true, 2015: true, 2020: true, 2026: true, 2032: true, 2037: true}
	for y := 1995; y <= 2040; y++ {
		want := 52
		if long[y] {
			want = 53
		}
		if got := isoWeeks(y); got != want {
			t.Errorf("isoWeeks(%d) = %d, want %d", y, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	valid := []Period{
		{Kind: Day, Year: 2024, N: 2, Day: 29},
		{Kind: Week, Year: 2020, N: 53},
		{Kind: Semester, Year: 9999, N: Autumn},
		{Kind: SchoolYear, Year: 9998},
		{Kind: Year, Year: 1900},
	}
	for _, p := range valid {
		if err := p.Validate(); err != nil {
			t.Errorf("%#v.Validate() = %v, want nil", p, err)
		}
	}
	invalid := []Period{
		{},
		{Kind: "decade", Year: 2020},
		{Kind: Year, Year: 1899},
		{Kind: Year, Year: 10000},
		{Kind: Year, Year: 2024, N: 1},
		{Kind: Month, Year: 2024, N: 9, Day: 1},
		{Kind: Month, Year: 2024, N: 0},
		{Kind: Quarter, Year: 2024, N: 5},
		{Kind: Semester, Year: 2024, N: 0},
		{Kind: Semester, Year: 2024, N: 3},
		{Kind: SchoolYear, Year: 9999},
		{Kind: Week, Year: 2024, N: 53},
		{Kind: Day, Year: 2023, N: 2, Day: 29},
		{Kind: Day, Year: 2023, N: 13, Day: 1},
	}
	for _, p := range invalid {
		err := p.Validate()
		if !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("%#v.Validate() = %v, want an invalid error", p, err)
		}
		if _, err := p.MarshalText(); err == nil {
			t.Errorf("%#v.MarshalText() succeeded, want an error", p)
		}
	}
}

func TestCalendarValidate(t *testing.T) {
	md := func(m time.Month, d int) MonthDay { return MonthDay{m, d} }
	if err := DefaultCalendar().Validate(); err != nil {
		t.Fatalf("default calendar: %v", err)
	}
	if got := DefaultCalendar(); got.SpringStart != md(2, 1) || got.AutumnStart != md(8, 1) {
		t.Errorf("DefaultCalendar() = %+v, want spring 02-01 autumn 08-01", got)
	}
	ok := []Calendar{
		{md(1, 1), md(12, 31)},
		{md(2, 28), md(3, 1)},
		{md(3, 1), md(9, 1)},
	}
	for _, c := range ok {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v.Validate() = %v, want nil", c, err)
		}
	}
	bad := []struct {
		cal   Calendar
		field string
		says  string
	}{
		{Calendar{}, "spring_start", "not a day of the year"},
		{Calendar{md(2, 1), md(13, 1)}, "autumn_start", "not a day of the year"},
		{Calendar{md(2, 30), md(8, 1)}, "spring_start", "not a day of the year"},
		{Calendar{md(2, 1), md(9, 31)}, "autumn_start", "not a day of the year"},
		{Calendar{md(2, 1), md(8, 0)}, "autumn_start", "not a day of the year"},
		{Calendar{md(2, 29), md(8, 1)}, "spring_start", "leap years"},
		{Calendar{md(1, 1), md(2, 29)}, "autumn_start", "leap years"},
		{Calendar{md(8, 1), md(2, 1)}, "spring_start", "must start before"},
		{Calendar{md(8, 1), md(8, 1)}, "spring_start", "must start before"},
		{Calendar{md(8, 2), md(8, 1)}, "spring_start", "must start before"},
	}
	for _, tt := range bad {
		err := tt.cal.Validate()
		var de *domain.Error
		if e, ok := err.(*domain.Error); ok {
			de = e
		}
		if de == nil || de.Kind != domain.KindInvalid || de.Field != tt.field || !strings.Contains(de.Message, tt.says) {
			t.Errorf("%+v.Validate() = %v, want invalid %s saying %q", tt.cal, err, tt.field, tt.says)
		}
	}
}

func TestParseMonthDay(t *testing.T) {
	good := map[string]MonthDay{
		"08-01":   {time.August, 1},
		"8-1":     {time.August, 1},
		"02-29":   {time.February, 29},
		"12-31":   {time.December, 31},
		" 02-01 ": {time.February, 1},
	}
	for s, want := range good {
		got, err := ParseMonthDay(s)
		if err != nil || got != want {
			t.Errorf("ParseMonthDay(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "08", "08-", "-01", "08-01-02", "13-01", "00-10", "02-30", "04-31", "+8-1", "8--1", "008-01", "08-001", "aug-01"} {
		if md, err := ParseMonthDay(s); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("ParseMonthDay(%q) = %v, %v; want an invalid error", s, md, err)
		}
	}
	if got := (MonthDay{time.August, 1}).String(); got != "08-01" {
		t.Errorf("String() = %q, want 08-01", got)
	}
}

func TestJSON(t *testing.T) {
	type doc struct {
		P   Period   `json:"p"`
		Opt Period   `json:"opt,omitzero"`
		Cal Calendar `json:"cal"`
	}
	in := doc{P: Period{Kind: Quarter, Year: 2024, N: 3}, Cal: DefaultCalendar()}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"p":"2024Q3","cal":{"spring_start":"02-01","autumn_start":"08-01"}}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("Unmarshal(%s) = %+v, %v; want %+v", b, out, err, in)
	}

	// Any accepted form reads back.
	var p Period
	if err := json.Unmarshal([]byte(`"2024年秋季学期"`), &p); err != nil || p != (Period{Kind: Semester, Year: 2024, N: Autumn}) {
		t.Errorf("Unmarshal Chinese label = %#v, %v", p, err)
	}
	if err := json.Unmarshal([]byte(`"2024Q5"`), &p); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("Unmarshal 2024Q5 error = %v, want invalid", err)
	}
	if err := json.Unmarshal([]byte(`2024`), &p); err == nil {
		t.Errorf("Unmarshal of a JSON number succeeded, want an error")
	}
	// An unset period without omitzero is a bug the encoder reports.
	if _, err := json.Marshal(struct{ P Period }{}); err == nil {
		t.Errorf("Marshal of the zero Period succeeded, want an error")
	}
}

func TestPanicsOnMisuse(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	d := date("2024-09-05")
	mustPanic("Containing unknown kind", func() { Containing("decade", d, DefaultCalendar()) })
	mustPanic("Range of zero Period", func() { Period{}.Range(DefaultCalendar()) })
	mustPanic("Next of zero Period", func() { Period{}.Next() })
	mustPanic("SameLastYear of zero Period", func() { Period{}.SameLastYear() })
	mustPanic("semester with zero Calendar", func() { Containing(Semester, d, Calendar{}) })
	mustPanic("school year range with zero Calendar", func() { Period{Kind: SchoolYear, Year: 2024}.Range(Calendar{}) })
	// Kinds that do not use the calendar do not need a valid one.
	if got := Containing(Month, d, Calendar{}); got.Code() != "2024-09" {
		t.Errorf("Containing(Month) with zero calendar = %s", got)
	}
}
