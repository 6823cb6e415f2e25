package app_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/backup"
	"github.com/zeren-edu/zeren/internal/blob"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
	"github.com/zeren-edu/zeren/internal/store/storetest"
)

// archives lists the backup archives in dir, oldest first.
func archives(t *testing.T, dir string) []string {
	t.Helper()
	ms, err := filepath.Glob(filepath.Join(dir, backup.ArchivePrefix+"*"+backup.ArchiveSuffix))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(ms)
	return ms
}

// backupNode is an App over f's database that can back it up: a node.
func backupNode(t *testing.T, f *fixture, dataDir string, clk *movingClock) *app.App {
	t.Helper()
	blobs, err := blob.NewFS(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	return app.New(f.st, blobs, app.Config{Backup: app.BackupConfig{DataDir: dataDir, Version: "test"}}, clk.now)
}

func sweepOf(t *testing.T, a *app.App, name string) app.Sweep {
	t.Helper()
	for _, s := range a.Sweeps() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no sweep %s", name)
	return app.Sweep{}
}

// TestScheduledBackup on both engines: the settings are checked and audited;
// the day's backup is written once though two nodes run the sweep at the
// same time (and again later); the archive is the one `zeren restore`
// verifies; 立即备份 adds runs and retention keeps the newest N; a directory
// that cannot be written fails the run, recorded, audited and notified.
func TestScheduledBackup(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, e)
			ledgerFixture(t, f)
			data, out := t.TempDir(), t.TempDir()
			clk := newMovingClock(storetest.Clock(today)().Format(time.RFC3339Nano)) // (exams_test.go)
			nodes := []*app.App{backupNode(t, f, data, clk), backupNode(t, f, data, clk)}
			sys := domain.Actor{Name: "sysadmin", Scope: f.op.Scope, Permissions: []domain.Permission{domain.PermConfigManage}}
			office := domain.Actor{Name: "office", Scope: f.op.Scope, Permissions: []domain.Permission{domain.PermActivityRead, domain.PermExport}}

			// Nothing is backed up until enabled.
			if err := sweepOf(t, nodes[0], "scheduled_backup").Run(ctx); err != nil {
				t.Fatal(err)
			}
			if got := archives(t, out); len(got) != 0 {
				t.Fatalf("backed up while disabled: %v", got)
			}
			for in, field := range map[store.BackupSettings]string{
				{Enabled: true, TimeOfDay: "25:00", Dir: out, Keep: 2}:       "time_of_day",
				{Enabled: true, TimeOfDay: "02:00", Dir: "", Keep: 2}:        "dir",
				{Enabled: true, TimeOfDay: "02:00", Dir: "rel/dir", Keep: 2}: "dir",
				{Enabled: true, TimeOfDay: "02:00", Dir: out, Keep: 0}:       "keep",
			} {
				_, err := nodes[0].SetBackupSettings(ctx, sys, in)
				wantKind(t, err, domain.KindInvalid, field)
			}
			_, err := nodes[0].SetBackupSettings(ctx, office, store.BackupSettings{TimeOfDay: "02:00", Dir: out, Keep: 2})
			wantKind(t, err, domain.KindForbidden, "")
			if _, err := nodes[0].SetBackupSettings(ctx, sys, store.BackupSettings{Enabled: true, TimeOfDay: "00:00", Dir: out, Keep: 2}); err != nil {
				t.Fatal(err)
			}

			// Two nodes run the sweep at once, then once more each: one backup.
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, n := range nodes {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = sweepOf(t, n, "scheduled_backup").Run(ctx) }()
			}
			wg.Wait()
			for _, n := range nodes {
				if err := sweepOf(t, n, "scheduled_backup").Run(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("sweeps: %v", errs)
			}
			got := archives(t, out)
			if len(got) != 1 {
				t.Fatalf("the day's backup was written %d times: %v", len(got), got)
			}
			st, err := nodes[1].BackupStatus(ctx, sys)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Runs) != 1 || st.Runs[0].Result != store.BackupOK || st.Runs[0].Slot != today || st.Runs[0].File != got[0] ||
				st.Runs[0].Size <= 0 || st.Runs[0].FinishedAt.IsZero() {
				t.Fatalf("the run recorded: %+v", st.Runs)
			}
			fh, err := os.Open(got[0])
			if err != nil {
				t.Fatal(err)
			}
			m, err := backup.Verify(ctx, fh, "")
			fh.Close()
			if err != nil {
				t.Fatalf("the scheduled archive does not verify: %v", err)
			}
			if m.Facts.Activities == 0 {
				t.Fatalf("the archive holds no activities: %+v", m.Facts)
			}

			// By hand, twice more: three archives written, the newest two kept.
			for range 2 {
				clk.advance(time.Minute)
				r, err := nodes[0].BackupNow(ctx, sys)
				if err != nil || r.Result != store.BackupOK {
					t.Fatalf("backup now: %+v %v", r, err)
				}
			}
			kept := archives(t, out)
			if len(kept) != 2 || kept[0] == got[0] {
				t.Fatalf("retention kept %v (the first was %s)", kept, got[0])
			}
			_, err = nodes[0].BackupNow(ctx, office)
			wantKind(t, err, domain.KindForbidden, "")

			// A directory that cannot be written: the run fails, says why, and
			// the system admins are told.
			blocker := filepath.Join(t.TempDir(), "a-file")
			if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := nodes[0].SetBackupSettings(ctx, sys, store.BackupSettings{Enabled: true, TimeOfDay: "00:00", Dir: filepath.Join(blocker, "sub"), Keep: 2}); err != nil {
				t.Fatal(err)
			}
			r, err := nodes[0].BackupNow(ctx, sys)
			if err != nil {
				t.Fatal(err)
			}
			if r.Result != store.BackupFailed || !strings.Contains(r.Error, "not a directory") {
				t.Fatalf("a failing directory: %+v", r)
			}
			st, err = nodes[0].BackupStatus(ctx, sys)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Runs) != 4 || st.Runs[0].Result != store.BackupFailed || st.Runs[0].Error == "" {
				t.Fatalf("runs %+v", st.Runs)
			}
			failed := 0
			err = f.st.Write(ctx, func(tx *store.Tx) error {
				ids, err := tx.DueNoticeIDs(ctx, 100)
				if err != nil {
					return err
				}
				for _, id := range ids {
					n, ok, err := tx.ClaimNotice(ctx, id)
					if err != nil {
						return err
					}
					if ok && n.Kind == "backup.failed" {
						failed++
					}
				}
				return nil
			})
			if err != nil || failed != 1 {
				t.Fatalf("backup.failed notices: %d %v", failed, err)
			}
			events, _, err := f.app.ListAudit(ctx, f.op, store.AuditFilter{Type: "backup.run", Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(events) != 4 || events[0].Outcome != "failure" {
				t.Fatalf("audited runs: %d, newest %+v", len(events), events[0])
			}
		})
	}
}
