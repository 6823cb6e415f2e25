package report_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/demo"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// The demo's clock: the evening of a fixed day in China, so the demo ledger
// (2024-01-01 up to that day) is the same on every run.
func demoClock() time.Time {
	return time.Date(2026, time.November, 29, 18, 0, 0, 0, time.FixedZone("CST", 8*3600))
}

type demoDB struct {
	app    *app.App
	st     *store.Store
	ac     domain.Actor
	bureau int64
	err    error
}

var (
	demoOnce sync.Once
	shared   demoDB
	demoDir  string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "report-demo-")
	if err != nil {
		panic(err)
	}
	demoDir = dir
	code := m.Run()
	if shared.st != nil {
		shared.st.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// demoCounty builds the demo county once per test binary.
func demoCounty(t testing.TB) demoDB {
	t.Helper()
	demoOnce.Do(func() {
		ctx := context.Background()
		st, err := store.Open(ctx, filepath.Join(demoDir, "demo.db"), store.Options{Create: true, Now: demoClock})
		if err != nil {
			shared.err = err
			return
		}
		shared.st = st
		if err := st.Migrate(ctx); err != nil {
			shared.err = err
			return
		}
		blobs, err := blob.NewFS(filepath.Join(demoDir, "blobs"))
		if err != nil {
			shared.err = err
			return
		}
		a := app.New(st, blobs, app.DefaultConfig(), demoClock)
		sum, err := demo.Build(ctx, a, demo.Options{Seed: 1})
		if err != nil {
			shared.err = err
			return
		}
		ac, err := a.OperatorActor(ctx)
		shared = demoDB{app: a, st: st, ac: ac, bureau: sum.BureauID, err: err}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared
}
