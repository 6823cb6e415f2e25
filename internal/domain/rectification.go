package domain

import (
	"strings"
	"time"
)

// RectState is where a rectification (整改) stands.
type RectState string

// open → submitted → closed, or submitted → returned → submitted …: the owner
// unit works on an open or returned item and submits it with its closure
// evidence; the reviewing unit closes it or sends it back with a reason.
const (
	RectOpen      RectState = "open"
	RectSubmitted RectState = "submitted"
	RectClosed    RectState = "closed"
	RectReturned  RectState = "returned"
)

// RectStates lists every state.
var RectStates = []RectState{RectOpen, RectSubmitted, RectClosed, RectReturned}

// Valid reports whether s is a known state.
func (s RectState) Valid() bool {
	for _, x := range RectStates {
		if x == s {
			return true
		}
	}
	return false
}

// Pending reports whether the owner unit still has to act (open or returned):
// only such items can be overdue and escalate. A submitted item waits for its
// reviewer, not for the owner.
func (s RectState) Pending() bool { return s == RectOpen || s == RectReturned }

// RectAction is what someone does to a rectification.
type RectAction string

const (
	RectProgress RectAction = "note"   // a progress note (owner unit)
	RectSubmit   RectAction = "submit" // done, with closure evidence (owner unit)
	RectClose    RectAction = "close"  // reviewer signs off
	RectReturn   RectAction = "return" // reviewer sends it back, with a reason
)

// Next returns the state action leads to from s, or a conflict naming the state.
func (s RectState) Next(a RectAction) (RectState, error) {
	switch {
	case a == RectProgress && s.Pending():
		return s, nil
	case a == RectSubmit && s.Pending():
		return RectSubmitted, nil
	case a == RectClose && s == RectSubmitted:
		return RectClosed, nil
	case a == RectReturn && s == RectSubmitted:
		return RectReturned, nil
	}
	return s, Conflict("state", "cannot %s a rectification that is %s", a, s)
}

// RectSource says where a rectification came from.
type RectSource string

const (
	RectFromProblem    RectSource = "problem"    // a problem the office accepted (存在的问题)
	RectFromInspection RectSource = "inspection" // an inspection (督导检查), entered by hand
	RectFromCase       RectSource = "case"       // a public-concern case (issue handling; later)
	RectFromManual     RectSource = "manual"     // anything else, by hand
)

// Valid reports whether s is a known source.
func (s RectSource) Valid() bool {
	switch s {
	case RectFromProblem, RectFromInspection, RectFromCase, RectFromManual:
		return true
	}
	return false
}

// Limits of a rectification's text.
const (
	MaxRectFindingLen = 500
	MaxRectTextLen    = 2000
	MaxRectNameLen    = 50
)

// RectificationInput is what the creating unit sets.
type RectificationInput struct {
	OrgID    int64      `json:"org_id"` // the owner unit, which fixes the problem
	Source   RectSource `json:"source"`
	Ref      string     `json:"ref"` // e.g. the problem's key, the inspection's name
	Finding  string     `json:"finding"`
	Measures string     `json:"measures"`
	// Responsible is the person answerable in the owner unit (a name);
	// ResponsibleID optionally names their account.
	Responsible   string `json:"responsible"`
	ResponsibleID int64  `json:"responsible_id"`
	Deadline      Date   `json:"deadline"`
}

// Validate trims and checks the input's text and fields (dates against today
// are the app's business).
func (in RectificationInput) Validate() (RectificationInput, error) {
	in.Finding, in.Measures = strings.TrimSpace(in.Finding), strings.TrimSpace(in.Measures)
	in.Responsible, in.Ref = strings.TrimSpace(in.Responsible), strings.TrimSpace(in.Ref)
	if in.Source == "" {
		in.Source = RectFromManual
	}
	if !in.Source.Valid() {
		return in, Invalid("source", "%q is not a source (problem, inspection, case, manual)", in.Source)
	}
	if in.OrgID <= 0 {
		return in, Invalid("org_id", "is required")
	}
	if in.Finding == "" {
		return in, Invalid("finding", "is required")
	}
	if err := checkLen("finding", in.Finding, MaxRectFindingLen); err != nil {
		return in, err
	}
	if err := TextBlock("finding", in.Finding); err != nil {
		return in, err
	}
	if err := checkLen("measures", in.Measures, MaxRectTextLen); err != nil {
		return in, err
	}
	if err := TextBlock("measures", in.Measures); err != nil {
		return in, err
	}
	if err := checkLen("responsible", in.Responsible, MaxRectNameLen); err != nil {
		return in, err
	}
	if err := TextLine("responsible", in.Responsible); err != nil {
		return in, err
	}
	if err := checkLen("ref", in.Ref, MaxRectNameLen*4); err != nil {
		return in, err
	}
	if err := TextLine("ref", in.Ref); err != nil {
		return in, err
	}
	if in.Responsible == "" && in.ResponsibleID == 0 {
		return in, Invalid("responsible", "name the responsible person (or their account)")
	}
	if in.Deadline.IsZero() {
		return in, Invalid("deadline", "is required")
	}
	return in, nil
}

func checkLen(field, s string, max int) error {
	if n := len([]rune(s)); n > max {
		return Invalid(field, "is %d characters long; at most %d", n, max)
	}
	return nil
}

// Rectification is one found problem tracked to closure.
type Rectification struct {
	ID              int64      `json:"id"`
	OrgID           int64      `json:"org_id"`
	OrgName         string     `json:"org_name"`
	ReviewOrgID     int64      `json:"review_org_id"` // the unit that signs off: the creator's, or the owner's parent
	ReviewOrgName   string     `json:"review_org_name"`
	Source          RectSource `json:"source"`
	Ref             string     `json:"ref"`
	Finding         string     `json:"finding"`
	Measures        string     `json:"measures"`
	Responsible     string     `json:"responsible"`
	ResponsibleID   int64      `json:"responsible_id,omitempty"`
	OpenedOn        Date       `json:"opened_on"`
	Deadline        Date       `json:"deadline"`
	State           RectState  `json:"state"`
	SubmittedOn     Date       `json:"submitted_on,omitzero"`
	SubmittedByID   int64      `json:"-"`
	ClosedOn        Date       `json:"closed_on,omitzero"`
	ReturnReason    string     `json:"return_reason,omitempty"`
	Escalation      int        `json:"escalation"` // levels above the owner it has been escalated (0: none)
	EscalatedTo     int64      `json:"escalated_to,omitempty"`
	EscalatedToName string     `json:"escalated_to_name,omitempty"`
	CreatedBy       string     `json:"created_by"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	Version         int64      `json:"version"`
	// Overdue: still pending after its deadline (computed against today).
	Overdue bool `json:"overdue"`
	// OnTime and Immediate are set once closed: the accepted submission
	// came by the deadline; it came within the configured days of opening (立行立改).
	OnTime    bool           `json:"on_time"`
	Immediate bool           `json:"immediate"`
	Notes     []RectNote     `json:"notes,omitempty"`
	Evidence  []RectEvidence `json:"evidence,omitempty"`
}

// Done reports the day the work was done: the day of the submission the
// reviewer accepted. On-time and 立行立改 are judged by it, so a slow
// reviewer does not make a unit late.
func (r Rectification) Done() Date { return r.SubmittedOn }

// Judge fills Overdue, OnTime and Immediate for today and the 立行立改 window.
func (r *Rectification) Judge(today Date, immediateDays int) {
	r.Overdue = r.State.Pending() && r.Deadline.Before(today)
	r.OnTime, r.Immediate = false, false
	if r.State == RectClosed && !r.SubmittedOn.IsZero() {
		r.OnTime = !r.SubmittedOn.After(r.Deadline)
		r.Immediate = !r.SubmittedOn.After(r.OpenedOn.AddDays(immediateDays))
	}
}

// RectNote is one line of a rectification's timeline.
type RectNote struct {
	Kind   string    `json:"kind"` // create, note, submit, close, return, escalate, evidence
	Body   string    `json:"body"`
	Author string    `json:"author"`
	At     time.Time `json:"at"`
}

// RectEvidence is a closure evidence file (an evidence blob, shared with the ledger's).
type RectEvidence struct {
	SHA256    string    `json:"sha256"`
	Filename  string    `json:"filename"`
	MediaType string    `json:"media_type"`
	Size      int64     `json:"size"`
	At        time.Time `json:"attached_at"`
}

// EscalationLevel is how many levels above its owner an overdue item stands
// on today: one on the first day after its deadline, one more every
// `every` days after that, never above the number of ancestors.
func EscalationLevel(deadline, today Date, every, ancestors int) int {
	if !deadline.Before(today) || ancestors <= 0 {
		return 0
	}
	if every <= 0 {
		every = 1 << 30
	}
	late := int(today.Time().Sub(deadline.Time()).Hours()/24) - 1 // 0 on the first late day
	level := 1 + late/every
	if level > ancestors {
		level = ancestors
	}
	return level
}
