package domain

import "time"

// Job is one background job as the system admin's page shows it: what it
// does (Kind), where it stands (State: available, scheduled, running,
// retryable, completed, cancelled, discarded), how often it was tried and
// with which errors.
type Job struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	State       string     `json:"state"`
	Attempt     int        `json:"attempt"`
	MaxAttempts int        `json:"max_attempts"`
	Args        string     `json:"args"`
	Errors      []string   `json:"errors"`
	CreatedAt   time.Time  `json:"created_at"`
	ScheduledAt time.Time  `json:"scheduled_at"`
	FinalizedAt *time.Time `json:"finalized_at,omitempty"`
}

// JobStates are the states a job list may be filtered by.
var JobStates = []string{"available", "scheduled", "running", "retryable", "completed", "cancelled", "discarded", "pending"}
