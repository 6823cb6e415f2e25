// Package jobs runs zeren's background work in the database with River
// (riverqueue/river): on SQLite through riversqlite on its own one-connection
// handle, on PostgreSQL through riverpgxv5 on its own pgx pool. Any node
// runs jobs; each job is claimed by one node, retried with backoff, and kept
// with its errors for the system admin's page. Periodic work (app.Sweeps and
// the notification outbox) is enqueued by the one elected leader and is
// unique per period, so two nodes never both run one period's sweep.
//
// The package is wiring between River and the use cases: what a job does
// lives in internal/app (FanOutDue, Deliver, the sweeps' Run).
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Options tune the runner; the zero value is the production setting.
type Options struct {
	// ID names this node among the runners on one database (default: River's).
	ID string
	// OutboxEvery is how often due notices are fanned out (default 2 s).
	OutboxEvery time.Duration
	// MaxAttempts bounds the tries of a delivery before it is failed (default 8).
	MaxAttempts int
	// Backoff is the wait before retry attempt n (default River's, attempt⁴ s
	// with jitter: 1 s, 16 s, 81 s, … about an hour and a half in all).
	Backoff func(attempt int) time.Duration
	// DeliverTimeout bounds one send (a robot that hangs; default 30 s).
	DeliverTimeout time.Duration
	// Workers is how many jobs one node runs at once (default 4).
	Workers int
	// PollInterval is how often a node looks for new jobs (default 1 s).
	PollInterval time.Duration
	// Logger receives River's log (default: discarded).
	Logger *slog.Logger
	// Sweeps replaces the app's sweeps (tests count runs with their own).
	Sweeps []app.Sweep
}

// client is the part of *river.Client[TTx] the runner uses; it does not
// depend on the driver's transaction type, so one Runner serves both engines.
type client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobRetry(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// Runner is one node's job runner.
type Runner struct {
	c     client
	a     *app.App
	opt   Options
	close func()
}

// SweepArgs runs one of app.Sweeps by name.
type SweepArgs struct {
	Name string `json:"name"`
}

// Kind is River's job kind.
func (SweepArgs) Kind() string { return "sweep" }

// OutboxArgs fans out the due notices.
type OutboxArgs struct{}

// Kind is River's job kind.
func (OutboxArgs) Kind() string { return "notice_outbox" }

// DeliverArgs sends one delivery.
type DeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind is River's job kind.
func (DeliverArgs) Kind() string { return "notice_deliver" }

// Migrate applies River's own migrations (its job tables) to the store's
// database, next to goose's.
func Migrate(ctx context.Context, st *store.Store) error {
	if st.Dialect() == "postgres" {
		pool, err := pgxpool.New(ctx, st.DSN())
		if err != nil {
			return fmt.Errorf("jobs: %w", err)
		}
		defer pool.Close()
		return migrate(ctx, riverpgxv5.New(pool))
	}
	db, err := st.OpenSQLiteJobsHandle()
	if err != nil {
		return err
	}
	defer db.Close()
	return migrate(ctx, riversqlite.New(db))
}

func migrate[TTx any](ctx context.Context, d riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(d, nil)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrating River's tables: %w", err)
	}
	return nil
}

// New builds a runner over the store's database for the app's sweeps and
// notifications; Start starts it. Call Migrate first.
func New(ctx context.Context, st *store.Store, a *app.App, opt Options) (*Runner, error) {
	if opt.OutboxEvery <= 0 {
		opt.OutboxEvery = 2 * time.Second
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 8
	}
	if opt.DeliverTimeout <= 0 {
		opt.DeliverTimeout = 30 * time.Second
	}
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = time.Second
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Runner{a: a, opt: opt}
	cfg, err := r.config()
	if err != nil {
		return nil, err
	}
	if st.Dialect() == "postgres" {
		pool, err := pgxpool.New(ctx, st.DSN())
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		c, err := river.NewClient(riverpgxv5.New(pool), cfg)
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("jobs: %w", err)
		}
		r.c, r.close = c, pool.Close
		return r, nil
	}
	db, err := st.OpenSQLiteJobsHandle()
	if err != nil {
		return nil, err
	}
	// SQLite has no LISTEN/NOTIFY: nodes poll.
	cfg.PollOnly = true
	c, err := river.NewClient(riversqlite.New(db), cfg)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("jobs: %w", err)
	}
	r.c, r.close = c, func() { _ = db.Close() }
	return r, nil
}

func (r *Runner) config() (*river.Config, error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, &sweepWorker{r: r})
	river.AddWorker(workers, &outboxWorker{r: r})
	river.AddWorker(workers, &deliverWorker{r: r})

	periodic := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(r.opt.OutboxEvery), func() (river.JobArgs, *river.InsertOpts) {
			return OutboxArgs{}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: max(r.opt.OutboxEvery, time.Second)}}
		}, &river.PeriodicJobOpts{ID: "notice_outbox", RunOnStart: true}),
	}
	seen := map[string]bool{}
	for _, s := range r.sweeps() {
		if len(s.Name) < 2 || seen[s.Name] || s.Every <= 0 {
			return nil, fmt.Errorf("jobs: sweep %q: a name of two characters or more, unique, and a positive period", s.Name)
		}
		seen[s.Name] = true
		every, name := s.Every, s.Name
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) {
			// Unique per period: however many leaders a failover makes
			// briefly, one period's sweep is inserted once.
			return SweepArgs{Name: name}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: every}}
		}, &river.PeriodicJobOpts{ID: "sweep." + name, RunOnStart: true}))
	}
	cfg := &river.Config{
		ID:                r.opt.ID,
		Logger:            r.opt.Logger,
		MaxAttempts:       r.opt.MaxAttempts,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: r.opt.Workers}},
		Workers:           workers,
		PeriodicJobs:      periodic,
		FetchPollInterval: r.opt.PollInterval,
		FetchCooldown:     min(r.opt.PollInterval, 100*time.Millisecond),
		// Finished jobs stay a week for the admin page, failed ones a month.
		CompletedJobRetentionPeriod: 7 * 24 * time.Hour,
		DiscardedJobRetentionPeriod: 30 * 24 * time.Hour,
	}
	if r.opt.Backoff != nil {
		cfg.RetryPolicy = backoff(r.opt.Backoff)
	}
	return cfg, nil
}

type backoff func(attempt int) time.Duration

func (b backoff) NextRetry(job *rivertype.JobRow) time.Time { return time.Now().Add(b(job.Attempt)) }

// Start starts working jobs; it returns at once.
func (r *Runner) Start(ctx context.Context) error { return r.c.Start(ctx) }

// Stop finishes the jobs at hand (until ctx ends) and closes the runner's handle.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.c.Stop(ctx)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		err = nil
	}
	r.close()
	return err
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	r *Runner
}

func (r *Runner) sweeps() []app.Sweep {
	if r.opt.Sweeps != nil {
		return r.opt.Sweeps
	}
	return r.a.Sweeps()
}

func (w *sweepWorker) Work(ctx context.Context, job *river.Job[SweepArgs]) error {
	for _, s := range w.r.sweeps() {
		if s.Name == job.Args.Name {
			return s.Run(ctx)
		}
	}
	return river.JobCancel(fmt.Errorf("no sweep named %q on this node", job.Args.Name))
}

type outboxWorker struct {
	river.WorkerDefaults[OutboxArgs]
	r *Runner
}

// Work fans the due notices out and queues their deliveries. A node that dies
// between the two leaves pending deliveries that the next run queues
// (FanOutDue returns them); unique jobs keep a delivery from being queued twice.
func (w *outboxWorker) Work(ctx context.Context, _ *river.Job[OutboxArgs]) error {
	for range 100 {
		due, more, err := w.r.a.FanOutDue(ctx)
		if qerr := w.r.queue(ctx, due); qerr != nil {
			return errors.Join(err, qerr)
		}
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// queue inserts one delivery job per due delivery, unique by delivery.
func (r *Runner) queue(ctx context.Context, due []app.DeliveryDue) error {
	const batch = 1000
	for start := 0; start < len(due); start += batch {
		end := min(start+batch, len(due))
		params := make([]river.InsertManyParams, 0, end-start)
		for _, d := range due[start:end] {
			params = append(params, river.InsertManyParams{Args: DeliverArgs{DeliveryID: d.ID},
				InsertOpts: &river.InsertOpts{ScheduledAt: d.At, UniqueOpts: river.UniqueOpts{ByArgs: true}}})
		}
		if _, err := r.c.InsertMany(ctx, params); err != nil {
			return fmt.Errorf("jobs: queueing deliveries: %w", err)
		}
	}
	return nil
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	r *Runner
}

func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return w.r.opt.DeliverTimeout }

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	out, err := w.r.a.Deliver(ctx, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts)
	if !out.Wait.IsZero() {
		return river.JobSnooze(max(out.Wait.Sub(w.r.a.Clock().Now()), time.Second))
	}
	if err != nil && out.Permanent {
		return river.JobCancel(err)
	}
	return err
}

// ListJobs lists jobs in state (all when empty), newest first.
func (r *Runner) ListJobs(ctx context.Context, state string, limit int) ([]domain.Job, error) {
	p := river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit)
	if state != "" {
		p = p.States(rivertype.JobState(state))
	}
	res, err := r.c.JobList(ctx, p)
	if err != nil {
		return nil, domain.Unavailable(err)
	}
	out := make([]domain.Job, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		errs := make([]string, 0, len(j.Errors))
		for _, e := range j.Errors {
			errs = append(errs, e.Error)
		}
		args := string(j.EncodedArgs)
		if !json.Valid(j.EncodedArgs) {
			args = ""
		}
		out = append(out, domain.Job{ID: j.ID, Kind: j.Kind, State: string(j.State), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts,
			Args: args, Errors: errs, CreatedAt: j.CreatedAt, ScheduledAt: j.ScheduledAt, FinalizedAt: j.FinalizedAt})
	}
	return out, nil
}

// RetryJob makes a job available to run now.
func (r *Runner) RetryJob(ctx context.Context, id int64) error {
	_, err := r.c.JobRetry(ctx, id)
	return jobErr(id, err)
}

// CancelJob cancels a job that has not finished.
func (r *Runner) CancelJob(ctx context.Context, id int64) error {
	_, err := r.c.JobCancel(ctx, id)
	return jobErr(id, err)
}

func jobErr(id int64, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rivertype.ErrNotFound):
		return domain.NotFound("job %d", id)
	default:
		return domain.Unavailable(err)
	}
}

var _ app.JobQueue = (*Runner)(nil)
