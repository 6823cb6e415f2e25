package app

import (
	"context"
	"time"
)

// Sweep is periodic work over the database — deadlines passed, reminders due,
// digests — run by the background job runner on whichever node claims it, so
// each run happens once however many nodes serve. Run must be idempotent: a
// retried or overlapping run changes nothing twice.
type Sweep struct {
	Name  string // job kind: at least two characters, unique
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Sweeps lists the periodic work every pillar registers. The job runner
// schedules each; tests call Run directly with a pinned clock.
func (a *App) Sweeps() []Sweep {
	return []Sweep{
		{Name: "duty_deadlines", Every: time.Hour, Run: a.sweepDutyDeadlines},
		{Name: "notice_digest", Every: time.Hour, Run: a.digestSweep},
		a.rectSweep(),
		a.concernFeedSweep(),
		a.caseSweep(),
		a.examExpirySweep(),
		a.backupSweep(),
	}
}
