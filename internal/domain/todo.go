package domain

import "time"

// TodoKind names what waits for a person: the 待办 list groups by it and the
// web app picks the page that settles it.
type TodoKind string

// The kinds of work a to-do item can stand for. Each pillar adds its own.
const (
	TodoApprove       TodoKind = "approve"       // records submitted for review in the actor's reach
	TodoFixReturned   TodoKind = "fix_returned"  // the actor's records sent back with a reason
	TodoDutyDue       TodoKind = "duty_due"      // duties below target whose deadline nears
	TodoRectification TodoKind = "rectification" // rectifications owned by the actor's unit, open or overdue
	TodoCase          TodoKind = "case"          // public-concern cases of the actor's units waiting for a step, or escalated to them
	TodoStory         TodoKind = "story"         // stories routed to a monitor's units with no case opened yet
	TodoExam          TodoKind = "exam"          // an open exam the actor sits and has not finished
)

// TodoItem is one line of a person's 待办 list. It is computed from the state
// that waits (never stored), so it cannot go stale: approving the last record
// removes the line.
type TodoItem struct {
	Kind  TodoKind `json:"kind"`
	Title string   `json:"title"` // what to do, in the bureau's words
	// Count is how many things the line stands for (18 records to approve).
	Count int `json:"count"`
	// Due is the earliest deadline among them, when any has one.
	Due *Date `json:"due,omitempty"`
	// Overdue marks a line whose earliest deadline has passed.
	Overdue bool `json:"overdue"`
	// OrgID/OrgName name the unit concerned, when one is.
	OrgID   int64  `json:"org_id,omitempty"`
	OrgName string `json:"org_name,omitempty"`
	// Ref is the id of the one thing the line stands for, when it is one.
	Ref int64 `json:"ref,omitempty"`
}

// Notice is one message to deliver: a to-do that appeared, a deadline that
// passed, a record returned. It is written in the same transaction as the
// change that caused it (an outbox), so a rolled-back write notifies no one
// and a committed one is delivered by a background job even if the node dies.
type Notice struct {
	Kind string // e.g. "activity.returned", "rectification.overdue"
	// Recipients are accounts; Units are units whose members with Perm (when
	// set) receive it too — the notifier resolves them at delivery.
	Recipients []int64
	Units      []int64
	Perm       Permission
	Subject    string // one line, already checked text
	Body       string
	// Link is the web path that opens the thing, e.g. "/ledger?id=12".
	Link string
	// DedupKey makes the notice idempotent: a second notice with the same
	// key is not sent again (a sweep that runs twice, a retried job).
	DedupKey string
	At       time.Time
}
