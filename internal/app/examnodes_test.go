package app_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// sharedDSNs are one database per engine that several stores (nodes, or a
// restarted server) open.
func sharedDSNs(t *testing.T) map[string]string {
	out := map[string]string{"sqlite": filepath.Join(t.TempDir(), "zeren.db")}
	if pg := os.Getenv(storetest.EnvPG); pg != "" {
		out["postgres"] = storetest.PGDatabase(t, pg)
	}
	return out
}

func openAt(t *testing.T, dsn string, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, store.Options{Create: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func nodeOf(t *testing.T, dsn string, now func() time.Time) *app.App {
	blobs, err := blob.NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return app.New(openAt(t, dsn, now), blobs, app.DefaultConfig(), now)
}

// The expiry job submits each attempt once with two nodes on one database,
// and a server restarted mid-exam loses no acknowledged answer.
func TestExamExpiryTwoNodesAndRestart(t *testing.T) {
	for name, dsn := range sharedDSNs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			w := newExamWorld(t, storetest.Engine{Name: name, Open: func(t testing.TB, now func() time.Time) *store.Store { return openAt(t.(*testing.T), dsn, now) }})
			ex := w.fixedExam(t, nil)
			var ats []domain.Attempt
			for _, m := range w.members {
				at, err := w.app.StartAttempt(ctx, m, ex.ID)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.app.SaveAnswers(ctx, m, at.ID, rightAnswers(t, w, at)); err != nil {
					t.Fatal(err)
				}
				ats = append(ats, at)
			}
			// The server restarts: a new process opens the same database.
			restarted := nodeOf(t, dsn, w.clock.now)
			got, err := restarted.GetAttempt(ctx, w.members[0], ats[0].ID)
			if err != nil || len(got.Answers) != 8 {
				t.Fatalf("after a restart: %v, %d answers", err, len(got.Answers))
			}
			// Two nodes run the expiry sweep at once past the deadline.
			w.clock.advance(31 * time.Minute)
			other := nodeOf(t, dsn, w.clock.now)
			var wg sync.WaitGroup
			counts := make([]int, 2)
			errs := make([]error, 2)
			for i, a := range []*app.App{restarted, other} {
				wg.Add(1)
				go func() { defer wg.Done(); counts[i], errs[i] = a.ExpireDue(ctx) }()
			}
			wg.Wait()
			if errs[0] != nil || errs[1] != nil || counts[0]+counts[1] != len(ats) {
				t.Fatalf("two nodes submitted %v (errors %v), want %d in all", counts, errs, len(ats))
			}
			if n, err := w.app.ExpireDue(ctx); err != nil || n != 0 {
				t.Fatalf("a third run submitted %d: %v", n, err)
			}
			for i, at := range ats {
				r, err := w.app.GetAttempt(ctx, w.members[i], at.ID)
				if err != nil || r.State != domain.AttemptExpired || *r.Result.Score != 100 {
					t.Fatalf("attempt %d: %v %+v", at.ID, err, r.Result)
				}
			}
		})
	}
}
