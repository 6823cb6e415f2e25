package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// JobQueue is the background job runner as the system admin sees it
// (internal/jobs implements it; cmd/zeren wires it with SetJobQueue).
type JobQueue interface {
	ListJobs(ctx context.Context, state string, limit int) ([]domain.Job, error)
	RetryJob(ctx context.Context, id int64) error
	CancelJob(ctx context.Context, id int64) error
}

// SetJobQueue wires the job runner the admin page reads.
func (a *App) SetJobQueue(q JobQueue) { a.jobs = q }

func (a *App) jobQueue(ac domain.Actor) (JobQueue, error) {
	if err := ac.Require(domain.PermConfigManage); err != nil {
		return nil, err
	}
	if a.jobs == nil {
		return noJobs{}, nil
	}
	return a.jobs, nil
}

// noJobs is the queue of a node without a job runner (a console command):
// it lists none and finds none.
type noJobs struct{}

func (noJobs) ListJobs(context.Context, string, int) ([]domain.Job, error) {
	return []domain.Job{}, nil
}
func (noJobs) RetryJob(_ context.Context, id int64) error  { return domain.NotFound("job %d", id) }
func (noJobs) CancelJob(_ context.Context, id int64) error { return domain.NotFound("job %d", id) }

// ListJobs lists background jobs in state (all when empty), newest first:
// the system admin's view of queued, running and failed work.
func (a *App) ListJobs(ctx context.Context, ac domain.Actor, state string, limit int) ([]domain.Job, error) {
	q, err := a.jobQueue(ac)
	if err != nil {
		return nil, err
	}
	if state != "" && !slices.Contains(domain.JobStates, state) {
		return nil, domain.Invalid("state", "unknown job state %q", state)
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return q.ListJobs(ctx, state, limit)
}

// RetryJob runs a failed or waiting job again now; audited.
func (a *App) RetryJob(ctx context.Context, ac domain.Actor, id int64) error {
	return a.jobAction(ctx, ac, id, "job.retry", JobQueue.RetryJob)
}

// CancelJob cancels a job that has not finished; audited.
func (a *App) CancelJob(ctx context.Context, ac domain.Actor, id int64) error {
	return a.jobAction(ctx, ac, id, "job.cancel", JobQueue.CancelJob)
}

func (a *App) jobAction(ctx context.Context, ac domain.Actor, id int64, typ string, do func(JobQueue, context.Context, int64) error) error {
	q, err := a.jobQueue(ac)
	if err != nil {
		return err
	}
	if err := do(q, ctx, id); err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		return a.record(ctx, tx, ac, AuditEntry{Type: typ, Target: fmt.Sprintf("job:%d", id)})
	})
}

// ListDeliveries lists the newest outside deliveries in state (all when
// empty) — the failed ones with their errors — for the system admin.
func (a *App) ListDeliveries(ctx context.Context, ac domain.Actor, state string, limit int) ([]store.Delivery, error) {
	if err := ac.Require(domain.PermConfigManage); err != nil {
		return nil, err
	}
	if state != "" && !slices.Contains([]string{"pending", "digest", "sent", "failed"}, state) {
		return nil, domain.Invalid("state", "unknown delivery state %q", state)
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var out []store.Delivery
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListDeliveries(ctx, state, limit)
		return err
	})
	return out, err
}
