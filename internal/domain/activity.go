package domain

import "time"

// Status is where an activity stands in its review.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
	StatusApproved  Status = "approved"
	StatusReturned  Status = "returned"
)

// Statuses lists every status.
var Statuses = []Status{StatusDraft, StatusSubmitted, StatusApproved, StatusReturned}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusSubmitted, StatusApproved, StatusReturned:
		return true
	}
	return false
}

// Transition names an action on an activity's status.
type Transition string

const (
	ActSubmit  Transition = "submit"
	ActApprove Transition = "approve"
	ActReturn  Transition = "return"
)

// Next returns the status an action leads to from s, or a conflict error.
// draft → submitted → approved | returned; returned → submitted.
func (s Status) Next(t Transition) (Status, error) {
	switch {
	case t == ActSubmit && (s == StatusDraft || s == StatusReturned):
		return StatusSubmitted, nil
	case t == ActApprove && s == StatusSubmitted:
		return StatusApproved, nil
	case t == ActReturn && s == StatusSubmitted:
		return StatusReturned, nil
	}
	return s, Conflict("status", "cannot %s an activity that is %s", t, s)
}

// Activity is one event that happened, recorded once in the ledger.
type Activity struct {
	ID           int64      `json:"id"`
	OrgID        int64      `json:"org_id"`
	TypeID       int64      `json:"type_id"`
	Date         Date       `json:"date"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	Attendance   int        `json:"attendance"`
	Venues       []string   `json:"venues"`
	Publication  string     `json:"publication,omitempty"`
	Status       Status     `json:"status"`
	ReturnReason string     `json:"return_reason,omitempty"`
	Evidence     []Evidence `json:"evidence"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	// Version increases with every change; updates carry it to refuse lost updates.
	Version int64 `json:"version"`
}

// Evidence is a file attached to an activity. The blob is shared: the same
// photo attached twice is one blob, and SharedWith says where else it is used.
type Evidence struct {
	SHA256     string    `json:"sha256"`
	Filename   string    `json:"filename"`
	MediaType  string    `json:"media_type"`
	Size       int64     `json:"size"`
	AttachedAt time.Time `json:"attached_at"`
	// SharedWith lists the other activities (in the reader's scope) carrying the same blob.
	// At most the first 20 (by id); SharedCount says how many there are
	// (counted up to 1 001: a file on 10⁵ records costs no more than on two).
	SharedWith  []int64 `json:"shared_with,omitempty"`
	SharedCount int     `json:"shared_count,omitempty"`
}

// ActivityInput is what a client may set on an activity.
type ActivityInput struct {
	OrgID       int64    `json:"org_id"`
	TypeID      int64    `json:"type_id"`
	Date        Date     `json:"date"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Attendance  int      `json:"attendance"`
	Venues      []string `json:"venues"`
	Publication string   `json:"publication"`
}
