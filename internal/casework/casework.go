// Package casework is the pure part of public-concern case handling (舆情事件处置,
// issue 14 item 5): a case's states and the steps between them, who may take
// each step, the severity tiers with their deadlines, and when each deadline
// falls and whether it was met. It knows no database and no clock of its own:
// callers pass the instants.
//
// A case moves new → assessing → responding → resolved → closed:
//
//   - assess (new → assessing): the first assessment (研判) is written down;
//     the triage deadline is met at that moment;
//   - respond (assessing → responding): the public response (回应) is given,
//     its text recorded; the response deadline is met then;
//   - resolve (responding → resolved): the matter is dealt with; the
//     resolution deadline is met then;
//   - close (resolved → closed): the post-incident review (复盘) is written;
//   - reopen (resolved or closed → assessing): it came back; the resolution
//     is undone and judged again against the same deadline.
//
// Notes and evidence files may be added in any state but closed.
package casework

import (
	"fmt"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// State is where a case stands.
type State string

const (
	StateNew        State = "new"
	StateAssessing  State = "assessing"
	StateResponding State = "responding"
	StateResolved   State = "resolved"
	StateClosed     State = "closed"
)

// States lists every state, in the order a case passes them.
var States = []State{StateNew, StateAssessing, StateResponding, StateResolved, StateClosed}

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	for _, x := range States {
		if x == s {
			return true
		}
	}
	return false
}

// Open reports whether the case still needs work (not resolved or closed):
// only an open case's deadlines can pass unmet.
func (s State) Open() bool { return s == StateNew || s == StateAssessing || s == StateResponding }

// Action is a step someone takes on a case.
type Action string

const (
	ActAssess  Action = "assess"
	ActRespond Action = "respond"
	ActResolve Action = "resolve"
	ActClose   Action = "close"
	ActReopen  Action = "reopen"
)

// Actions lists every step.
var Actions = []Action{ActAssess, ActRespond, ActResolve, ActClose, ActReopen}

// Who is the part a person plays on a case.
type Who int

const (
	// Opener may open a case and add notes and evidence to it (a monitor
	// who saw the story), but takes no step.
	Opener Who = iota
	// Handler works the case: every step (a unit's admin over the case's
	// unit or above).
	Handler
)

// Next returns the state action leads to from s, or a conflict naming the
// state; who must be allowed to take it.
func (s State) Next(a Action, who Who) (State, error) {
	if who != Handler {
		return s, domain.Forbidden("only the case's handlers %s a case", a)
	}
	switch {
	case a == ActAssess && s == StateNew:
		return StateAssessing, nil
	case a == ActRespond && s == StateAssessing:
		return StateResponding, nil
	case a == ActResolve && s == StateResponding:
		return StateResolved, nil
	case a == ActClose && s == StateResolved:
		return StateClosed, nil
	case a == ActReopen && (s == StateResolved || s == StateClosed):
		return StateAssessing, nil
	}
	return s, domain.Conflict("state", "cannot %s a case that is %s", a, s)
}

// CanNote reports whether notes and evidence may be added in state s.
func (s State) CanNote() bool { return s != StateClosed }

// Deadline names one of a case's three deadlines.
type Deadline string

const (
	DeadlineTriage     Deadline = "triage"     // first assessment (研判)
	DeadlineResponse   Deadline = "response"   // public response (回应)
	DeadlineResolution Deadline = "resolution" // resolved (处置完毕)
)

// Deadlines lists the three, in the order they fall.
var Deadlines = []Deadline{DeadlineTriage, DeadlineResponse, DeadlineResolution}

// MetBy is the step whose moment meets deadline d.
func (d Deadline) MetBy() Action {
	switch d {
	case DeadlineTriage:
		return ActAssess
	case DeadlineResponse:
		return ActRespond
	}
	return ActResolve
}

// Severity is a case's tier.
type Severity string

const (
	SevMajor       Severity = "major"       // 重大
	SevSignificant Severity = "significant" // 较大
	SevGeneral     Severity = "general"     // 一般
)

// Severities lists the tiers, most severe first.
var Severities = []Severity{SevMajor, SevSignificant, SevGeneral}

// Valid reports whether s is a known tier.
func (s Severity) Valid() bool { return s == SevMajor || s == SevSignificant || s == SevGeneral }

// SeverityOfStory maps a story's severity (the highest of the rules its
// items matched: 3 重大, 2 较大, 1 一般, 0 none) to a case's tier.
func SeverityOfStory(level int) Severity {
	switch {
	case level >= 3:
		return SevMajor
	case level == 2:
		return SevSignificant
	}
	return SevGeneral
}

// Tier is a severity's three time limits, counted from the moment a case is
// opened.
type Tier struct {
	Severity   Severity      `json:"severity"`
	Triage     time.Duration `json:"-"`
	Response   time.Duration `json:"-"`
	Resolution time.Duration `json:"-"`
}

// MaxLimit bounds every time limit: a deadline further than this is not a deadline.
const MaxLimit = 90 * 24 * time.Hour

// DefaultTiers are the national practice the issue names: for a major
// incident authoritative information within 5 hours, a response within 24
// and resolution within 48; for a significant one 12 hours, 24 hours and 3
// days; for a general case 24 hours, 48 hours and 7 days. The office edits them.
func DefaultTiers() []Tier {
	return []Tier{
		{Severity: SevMajor, Triage: 5 * time.Hour, Response: 24 * time.Hour, Resolution: 48 * time.Hour},
		{Severity: SevSignificant, Triage: 12 * time.Hour, Response: 24 * time.Hour, Resolution: 72 * time.Hour},
		{Severity: SevGeneral, Triage: 24 * time.Hour, Response: 48 * time.Hour, Resolution: 7 * 24 * time.Hour},
	}
}

// DefaultTier returns the default tier of s.
func DefaultTier(s Severity) Tier {
	for _, t := range DefaultTiers() {
		if t.Severity == s {
			return t
		}
	}
	return Tier{}
}

// Validate checks a tier: a known severity, limits of whole minutes from one
// minute to MaxLimit, and first assessment ≤ response ≤ resolution.
func (t Tier) Validate() error {
	if !t.Severity.Valid() {
		return domain.Invalid("severity", "%q is not a severity (major, significant, general)", t.Severity)
	}
	for _, l := range []struct {
		field string
		d     time.Duration
	}{{"triage_minutes", t.Triage}, {"response_minutes", t.Response}, {"resolution_minutes", t.Resolution}} {
		if l.d < time.Minute || l.d > MaxLimit {
			return domain.Invalid(l.field, "must be from 1 minute to %d days", int(MaxLimit/(24*time.Hour)))
		}
		if l.d%time.Minute != 0 {
			return domain.Invalid(l.field, "must be whole minutes")
		}
	}
	if t.Triage > t.Response {
		return domain.Invalid("response_minutes", "the response limit (%s) is shorter than the first assessment's (%s)", t.Response, t.Triage)
	}
	if t.Response > t.Resolution {
		return domain.Invalid("resolution_minutes", "the resolution limit (%s) is shorter than the response's (%s)", t.Resolution, t.Response)
	}
	return nil
}

// Limit returns the tier's limit for deadline d.
func (t Tier) Limit(d Deadline) time.Duration {
	switch d {
	case DeadlineTriage:
		return t.Triage
	case DeadlineResponse:
		return t.Response
	}
	return t.Resolution
}

// Due returns when deadline d of a case opened at opened falls, in the
// bureau's zone loc: whole days of the limit are counted on the wall clock
// there (a 7-day limit ends at the same clock time seven days on), the rest
// as elapsed time.
func (t Tier) Due(d Deadline, opened time.Time, loc *time.Location) time.Time {
	lim := t.Limit(d)
	days := int(lim / (24 * time.Hour))
	rest := lim - time.Duration(days)*24*time.Hour
	return opened.In(loc).AddDate(0, 0, days).Add(rest)
}

// DueAll returns the three deadlines of a case opened at opened.
func (t Tier) DueAll(opened time.Time, loc *time.Location) map[Deadline]time.Time {
	out := make(map[Deadline]time.Time, len(Deadlines))
	for _, d := range Deadlines {
		out[d] = t.Due(d, opened, loc)
	}
	return out
}

// Standing is how a deadline stands at an instant.
type Standing string

const (
	Pending Standing = "pending" // not done, not yet due
	Overdue Standing = "overdue" // not done and past due
	Met     Standing = "met"     // done by the deadline
	Missed  Standing = "missed"  // done, but after the deadline
)

// Judge tells how a deadline due at due stands at now, given when its step
// was done (zero: not yet). A step done at the very instant of the deadline
// is within it.
func Judge(due, done, now time.Time) Standing {
	if !done.IsZero() {
		if done.After(due) {
			return Missed
		}
		return Met
	}
	if now.After(due) {
		return Overdue
	}
	return Pending
}

// Within reports whether a step done at done was handled within the deadline
// due; a step not done was not.
func Within(due, done time.Time) bool { return !done.IsZero() && !done.After(due) }

// Kind is what a case is about: the fixed list a report's claim can name.
type Kind string

const (
	KindIdeology Kind = "ideology" // 意识形态
	KindSafety   Kind = "safety"   // 校园安全
	KindEthics   Kind = "ethics"   // 师德师风
	KindService  Kind = "service"  // 教育服务（招生、收费、食堂等民生诉求）
	KindOther    Kind = "other"    // 其他
)

// Kinds lists every kind.
var Kinds = []Kind{KindIdeology, KindSafety, KindEthics, KindService, KindOther}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// ParseKinds reads a comma-separated list of kinds (a report figure's
// argument); field names the argument in the error.
func ParseKinds(field string, list []string) ([]Kind, error) {
	var out []Kind
	for _, s := range list {
		k := Kind(s)
		if !k.Valid() {
			return nil, domain.Invalid(field, "%q is not a case kind (%s)", s, kindNames())
		}
		out = append(out, k)
	}
	return out, nil
}

func kindNames() string {
	s := ""
	for i, k := range Kinds {
		if i > 0 {
			s += ", "
		}
		s += string(k)
	}
	return s
}

// Percentile returns the pct-th percentile of sorted durations by nearest
// rank: the value at rank ⌈pct·n/100⌉, so it is always an observed value
// (the median of 1, 2, 3, 4 is 2). False for an empty list.
func Percentile(sorted []time.Duration, pct int) (time.Duration, bool) {
	n := len(sorted)
	if n == 0 || pct <= 0 || pct > 100 {
		return 0, false
	}
	rank := (pct*n + 99) / 100
	return sorted[max(rank, 1)-1], true
}

// String renders a tier for a message.
func (t Tier) String() string {
	return fmt.Sprintf("%s: %s / %s / %s", t.Severity, t.Triage, t.Response, t.Resolution)
}

// Case is one public concern or incident being handled (舆情事件).
type Case struct {
	ID      int64  `json:"id"`
	OrgID   int64  `json:"org_id"` // where it happened (属地)
	OrgName string `json:"org_name"`
	// StoryID is the story it was opened from (0: opened by hand).
	StoryID         int64      `json:"story_id,omitempty"`
	StoryTitle      string     `json:"story_title,omitempty"`
	StoryFirstSeen  time.Time  `json:"story_first_seen,omitzero"`
	Title           string     `json:"title"`
	Summary         string     `json:"summary"`
	Kind            Kind       `json:"kind"`
	Severity        Severity   `json:"severity"`
	State           State      `json:"state"`
	Assessment      string     `json:"assessment"`      // the first assessment (研判)
	PublicResponse  string     `json:"public_response"` // the public response text (回应)
	Review          string     `json:"review"`          // the post-incident review (复盘)
	OpenedAt        time.Time  `json:"opened_at"`
	ResolvedAt      time.Time  `json:"resolved_at,omitzero"`
	ClosedAt        time.Time  `json:"closed_at,omitzero"`
	EscalatedTo     int64      `json:"escalated_to,omitempty"` // the parent unit a passed deadline moved it to
	EscalatedToName string     `json:"escalated_to_name,omitempty"`
	RectificationID int64      `json:"rectification_id,omitempty"`
	CreatedBy       string     `json:"created_by"`
	CreatedByID     int64      `json:"-"`
	UpdatedAt       time.Time  `json:"updated_at"`
	Version         int64      `json:"version"`
	Deadlines       []Due      `json:"deadlines"`
	Overdue         bool       `json:"overdue"` // a deadline passed and its step not done
	Steps           []Step     `json:"steps,omitempty"`
	Evidence        []Evidence `json:"evidence,omitempty"`
}

// Due is one deadline of a case and how it stands.
type Due struct {
	Kind        Deadline  `json:"kind"`
	DueAt       time.Time `json:"due_at"`
	DoneAt      time.Time `json:"done_at,omitzero"`
	EscalatedAt time.Time `json:"escalated_at,omitzero"`
	Standing    Standing  `json:"standing"`
}

// Judge fills each deadline's standing and Overdue at now.
func (c *Case) Judge(now time.Time) {
	c.Overdue = false
	for i := range c.Deadlines {
		d := &c.Deadlines[i]
		d.Standing = Judge(d.DueAt, d.DoneAt, now)
		if d.Standing == Overdue {
			c.Overdue = true
		}
	}
}

// DueOf returns the case's deadline d (zero when absent).
func (c Case) DueOf(d Deadline) Due {
	for _, x := range c.Deadlines {
		if x.Kind == d {
			return x
		}
	}
	return Due{}
}

// Step is one line of a case's timeline.
type Step struct {
	Kind   string    `json:"kind"` // open, assess, respond, resolve, close, reopen, note, evidence, severity, escalate, rectification
	Body   string    `json:"body"`
	Author string    `json:"author"`
	At     time.Time `json:"at"`
}

// Evidence is a file attached to a case (an evidence blob, shared with the ledger's).
type Evidence struct {
	SHA256    string    `json:"sha256"`
	Filename  string    `json:"filename"`
	MediaType string    `json:"media_type"`
	Size      int64     `json:"size"`
	At        time.Time `json:"attached_at"`
}
