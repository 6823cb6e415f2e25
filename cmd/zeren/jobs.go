package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/jobs"
	"github.com/zeren-edu/zeren/internal/store"
)

// startJobs starts this node's background job runner (sweeps, notification
// fan-out and deliveries) and wires it into the app for the admin page. The
// returned stop lets the jobs at hand finish, up to shutdownTimeout.
func startJobs(ctx context.Context, st *store.Store, a *app.App, log *slog.Logger) (func(), error) {
	r, err := jobs.New(ctx, st, a, jobs.Options{Logger: log.With("part", "jobs")})
	if err != nil {
		return nil, err
	}
	// The runner's context outlives SIGTERM: Stop ends it in order.
	if err := r.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("starting the background jobs: %w", err)
	}
	a.SetJobQueue(r)
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := r.Stop(sctx); err != nil {
			log.Warn("background jobs still running at the shutdown deadline were cut off", "err", err)
		}
	}, nil
}
