// Package duty is the pure logic of duty targets (责任清单的量化目标): the
// windows a target is counted in, and a unit's progress in each, from the
// monthly and daily totals the ledger's rollups hold. It has no database:
// internal/app loads the totals (one read of the rollup rows of the units
// shown) and internal/store stores the duties.
//
// A target asks for at least N records (or participants) of some types in
// every grain window — month, quarter, semester (from the bureau's calendar)
// or year — of the duty's period. The windows are the grain periods that
// start inside the duty's period, cut to it: a calendar-year plan counted by
// semester has the spring term (Feb–Jul) and the autumn term cut at 31
// December; the January tail of last year's autumn term belongs to last
// year's plan. A period that holds no whole grain period (a quarterly target
// over two months) cannot be judged fairly and is refused.
package duty

import (
	"fmt"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/period"
)

// Window is one grain window of a duty's period.
type Window struct {
	Code    string       `json:"code"` // the grain period's code, e.g. 2025Q2
	LabelZH string       `json:"label_zh"`
	LabelEN string       `json:"label_en"`
	Range   domain.Range `json:"range"` // [From, To), cut to the duty's period
}

// Last is the window's last day: the day by which it must be met.
func (w Window) Last() domain.Date { return w.Range.To.AddDays(-1) }

// Windows returns the grain windows of the period [from, to] (to inclusive),
// or an Invalid error naming the field when the period holds no whole grain
// period.
func Windows(g domain.DutyGrain, from, to domain.Date, cal period.Calendar) ([]Window, error) {
	if !g.Valid() {
		return nil, domain.Invalid("target.grain", "%q is not a grain (month, quarter, semester, year)", g)
	}
	if to.Before(from) {
		return nil, domain.Invalid("to", "%s is before from (%s)", to, from)
	}
	end := to.AddDays(1)
	var out []Window
	whole := false
	p := period.Containing(period.Kind(g), from, cal)
	if p.Range(cal).From.Before(from) {
		p = p.Next()
	}
	for ; p.Range(cal).From.Before(end); p = p.Next() {
		r := p.Range(cal)
		if !end.Before(r.To) {
			whole = true
		} else {
			r.To = end
		}
		out = append(out, Window{Code: p.Code(), LabelZH: p.Label("zh"), LabelEN: p.Label("en"), Range: r})
	}
	if !whole {
		return nil, domain.Invalid("to", "the period %s – %s is shorter than the target's grain (%s): it holds no whole %s, so the target could never be judged; widen the period or choose a finer grain",
			from, to, g, g)
	}
	return out, nil
}

// Figure is a count of records and their attendance.
type Figure struct {
	Count      int64
	Attendance int64
}

// Series holds one unit's approved totals per activity type: whole months,
// and single days for the months a window cuts (Ragged). Sum reads months
// where it can and days only for the cut months, as the store's aggregates do.
type Series struct {
	Months map[int64]map[string]Figure // type → "YYYY-MM" → figure
	Days   map[int64]map[string]Figure // type → "YYYY-MM-DD" → figure
}

// NewSeries returns an empty series.
func NewSeries() *Series {
	return &Series{Months: map[int64]map[string]Figure{}, Days: map[int64]map[string]Figure{}}
}

// AddMonth adds a month's figure of a type.
func (s *Series) AddMonth(typ int64, month string, f Figure) {
	add(s.Months, typ, month, f)
}

// AddDay adds a day's figure of a type.
func (s *Series) AddDay(typ int64, day string, f Figure) {
	add(s.Days, typ, day, f)
}

func add(m map[int64]map[string]Figure, typ int64, k string, f Figure) {
	if m[typ] == nil {
		m[typ] = map[string]Figure{}
	}
	g := m[typ][k]
	g.Count += f.Count
	g.Attendance += f.Attendance
	m[typ][k] = g
}

// Sum is the figure of the types over r. A month r covers only in part is
// summed from its days, which the caller must have loaded (RaggedMonths).
func (s *Series) Sum(types []int64, r domain.Range) Figure {
	var out Figure
	for m := domain.NewDate(r.From.Year, r.From.Month, 1); m.Before(r.To); m = domain.NewDate(m.Year, m.Month+1, 1) {
		next := domain.NewDate(m.Year, m.Month+1, 1)
		if !m.Before(r.From) && !r.To.Before(next) {
			for _, t := range types {
				f := s.Months[t][m.MonthKey()]
				out.Count += f.Count
				out.Attendance += f.Attendance
			}
			continue
		}
		for d := maxDate(m, r.From); d.Before(next) && d.Before(r.To); d = d.AddDays(1) {
			for _, t := range types {
				f := s.Days[t][d.String()]
				out.Count += f.Count
				out.Attendance += f.Attendance
			}
		}
	}
	return out
}

func maxDate(a, b domain.Date) domain.Date {
	if a.Before(b) {
		return b
	}
	return a
}

// RaggedMonths lists the months ("YYYY-MM") that some window covers only in
// part: their totals must be read by day.
func RaggedMonths(ws []Window) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range ws {
		for _, d := range []domain.Date{w.Range.From, w.Range.To} {
			if d.Day != 1 && !seen[d.MonthKey()] {
				seen[d.MonthKey()] = true
				out = append(out, d.MonthKey())
			}
		}
	}
	return out
}

// State is how a unit stands on a duty.
type State string

const (
	StateMissed   State = "missed"   // an ended window fell short
	StateBehind   State = "behind"   // the current window is still short
	StateMet      State = "met"      // every window so far is met
	StateUpcoming State = "upcoming" // no window has started
	StatePending  State = "pending"  // a checklist item not yet signed off
)

// WindowProgress is a unit's figure in one window.
type WindowProgress struct {
	Window
	Need    int64 `json:"need"`
	Got     int64 `json:"got"`
	Missing int64 `json:"missing"` // Need − Got, at least 0
	Met     bool  `json:"met"`
	Ended   bool  `json:"ended"`   // its last day is before today
	Current bool  `json:"current"` // today lies in it
}

// Progress is a unit's standing on one measured duty.
type Progress struct {
	State   State            `json:"state"`
	Windows []WindowProgress `json:"windows"`
	// Due is true when some window has ended; Done when every ended window
	// was met (a duty can be done this far and still have windows ahead).
	Due  bool `json:"due"`
	Done bool `json:"done"`
	// Missed counts the ended windows that fell short; Missing the records
	// (or participants) those and the current window still lack.
	Missed  int   `json:"missed"`
	Missing int64 `json:"missing"`
}

// Measure computes a unit's progress on a target over its windows, as of
// today, from the unit's series (its own subtree's approved totals).
func Measure(t domain.Target, ws []Window, types []int64, s *Series, today domain.Date) Progress {
	p := Progress{Windows: make([]WindowProgress, 0, len(ws)), Done: true}
	started := false
	for _, w := range ws {
		f := s.Sum(types, w.Range)
		got := f.Count
		if t.Measure == domain.MeasureAttendance {
			got = f.Attendance
		}
		wp := WindowProgress{Window: w, Need: t.AtLeast, Got: got, Met: got >= t.AtLeast,
			Ended: !today.Before(w.Range.To), Current: w.Range.Contains(today)}
		if !wp.Met {
			wp.Missing = t.AtLeast - got
		}
		if !w.Range.From.After(today) {
			started = true
		}
		if wp.Ended {
			p.Due = true
			if !wp.Met {
				p.Done = false
				p.Missed++
				p.Missing += wp.Missing
			}
		} else if wp.Current {
			p.Missing += wp.Missing
		}
		p.Windows = append(p.Windows, wp)
	}
	if !p.Due {
		p.Done = false
	}
	current := false
	for _, w := range p.Windows {
		if w.Current && !w.Met {
			current = true
		}
	}
	switch {
	case p.Missed > 0:
		p.State = StateMissed
	case current:
		p.State = StateBehind
	case !started:
		p.State = StateUpcoming
	default:
		p.State = StateMet
	}
	return p
}

// Checked is the progress of a checklist duty: one window over the whole
// period, met when its reviewer has signed it off (Need 1, Got 1 when
// signed); due once the period has ended or it is signed.
func Checked(ws []Window, signed bool, today domain.Date) Progress {
	whole := Window{Code: ws[0].Code, LabelZH: ws[0].LabelZH, LabelEN: ws[0].LabelEN,
		Range: domain.Range{From: ws[0].Range.From, To: ws[len(ws)-1].Range.To}}
	if len(ws) > 1 {
		whole.Code = ws[0].Code + "/" + ws[len(ws)-1].Code
		whole.LabelZH = ws[0].LabelZH + "至" + ws[len(ws)-1].LabelZH
		whole.LabelEN = ws[0].LabelEN + " to " + ws[len(ws)-1].LabelEN
	}
	w := WindowProgress{Window: whole, Need: 1, Met: signed, Ended: !today.Before(whole.Range.To), Current: whole.Range.Contains(today)}
	if signed {
		w.Got = 1
	} else {
		w.Missing = 1
	}
	p := Progress{Windows: []WindowProgress{w}, Done: signed, Due: w.Ended || signed}
	switch {
	case signed:
		p.State = StateMet
	case w.Ended:
		p.State, p.Missed, p.Missing = StateMissed, 1, 1
	case today.Before(whole.Range.From):
		p.State = StateUpcoming
	default:
		p.State, p.Missing = StatePending, 1
	}
	return p
}

// Rank orders states worst first, for the leader's page.
func Rank(s State) int {
	switch s {
	case StateMissed:
		return 0
	case StateBehind:
		return 1
	case StatePending:
		return 2
	case StateUpcoming:
		return 3
	}
	return 4
}

// String renders a window's shortfall in the bureau's words, for a to-do line.
func (w WindowProgress) String() string {
	return fmt.Sprintf("%s %d/%d", w.LabelZH, w.Got, w.Need)
}
