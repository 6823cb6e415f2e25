package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/backup"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Scheduled backups (定时备份): the system admin sets a time of day (in the
// bureau's zone), a directory on the server and how many archives to keep;
// the backup sweep then writes, once a day on one node, the same archive as
// `zeren backup`, removes the oldest beyond the number kept (never the newest
// good one), records every run and audits it. A failed run is shown on the
// page and notified to the system admins.

// BackupSettings and BackupRun are the store's, named here for the layers
// above (which do not import the store).
type (
	BackupSettings = store.BackupSettings
	BackupRun      = store.BackupRun
)

// Backup run results.
const (
	BackupRunning = store.BackupRunning
	BackupOK      = store.BackupOK
	BackupFailed  = store.BackupFailed
)

// BackupConfig is what a server tells the App so that it can back itself up.
type BackupConfig struct {
	DataDir  string   // the evidence files and the audit anchors
	KeyFiles []string // fingerprinted in the manifest, never archived
	Version  string   // the running binary's, recorded in the manifest
}

// backupSweepEvery is how often the sweep looks whether the day's backup is due.
const backupSweepEvery = 10 * time.Minute

// maxBackupRuns is how many runs the page lists.
const maxBackupRuns = 50

var timeOfDay = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// BackupStatus is the page's answer: the settings and the last runs.
type BackupStatus struct {
	Settings store.BackupSettings `json:"settings"`
	Runs     []store.BackupRun    `json:"runs"`
	// Ready says whether this server can back up (it knows its data directory).
	Ready bool `json:"ready"`
}

// BackupStatus returns the settings and the newest runs (system admin).
func (a *App) BackupStatus(ctx context.Context, ac domain.Actor) (BackupStatus, error) {
	if err := ac.Require(domain.PermConfigManage); err != nil {
		return BackupStatus{}, err
	}
	out := BackupStatus{Ready: a.cfg.Backup.DataDir != ""}
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if out.Settings, err = tx.GetBackupSettings(ctx); err != nil {
			return err
		}
		out.Runs, err = tx.ListBackupRuns(ctx, maxBackupRuns)
		return err
	})
	if out.Runs == nil {
		out.Runs = []store.BackupRun{}
	}
	return out, err
}

// SetBackupSettings saves the settings (system admin), audited.
func (a *App) SetBackupSettings(ctx context.Context, ac domain.Actor, s store.BackupSettings) (store.BackupSettings, error) {
	if err := ac.Require(domain.PermConfigManage); err != nil {
		return s, err
	}
	if !timeOfDay.MatchString(s.TimeOfDay) {
		return s, domain.Invalid("time_of_day", "%q is not a time of day written HH:MM (00:00 to 23:59)", s.TimeOfDay)
	}
	if s.Keep < 1 || s.Keep > 1000 {
		return s, domain.Invalid("keep", "must be between 1 and 1000")
	}
	s.Dir = strings.TrimSpace(s.Dir)
	if err := domain.TextLine("dir", s.Dir); err != nil {
		return s, err
	}
	if s.Enabled && s.Dir == "" {
		return s, domain.Invalid("dir", "a scheduled backup needs a directory on the server")
	}
	if s.Dir != "" && !filepath.IsAbs(s.Dir) {
		return s, domain.Invalid("dir", "%q is not an absolute path on the server (e.g. /srv/zeren/backups)", s.Dir)
	}
	s.UpdatedBy = ac.Name
	var out store.BackupSettings
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		before, err := tx.GetBackupSettings(ctx)
		if err != nil {
			return err
		}
		if err := tx.SetBackupSettings(ctx, s); err != nil {
			return err
		}
		if out, err = tx.GetBackupSettings(ctx); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "config.backup", Target: "backup", Before: before, After: out})
	})
	return out, err
}

// BackupNow runs a backup at once into the configured directory (the
// page's 立即备份), and answers its run.
func (a *App) BackupNow(ctx context.Context, ac domain.Actor) (store.BackupRun, error) {
	if err := ac.Require(domain.PermConfigManage); err != nil {
		return store.BackupRun{}, err
	}
	var s store.BackupSettings
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		s, err = tx.GetBackupSettings(ctx)
		return err
	}); err != nil {
		return store.BackupRun{}, err
	}
	return a.runBackup(ctx, ac, s, "")
}

// backupSweep backs up once a day at the configured time: the day's slot is
// claimed in the database (unique), so with two nodes, or a retried job, the
// day is backed up once. A server that does not know its data directory
// (a command, a test without one) skips.
func (a *App) backupSweep() Sweep {
	return Sweep{Name: "scheduled_backup", Every: backupSweepEvery, Run: func(ctx context.Context) error {
		if a.cfg.Backup.DataDir == "" {
			return nil
		}
		var s store.BackupSettings
		if err := a.st.Read(ctx, func(tx *store.Tx) error {
			var err error
			s, err = tx.GetBackupSettings(ctx)
			return err
		}); err != nil || !s.Enabled || s.Dir == "" {
			return err
		}
		today := a.Today()
		h, _ := strconv.Atoi(s.TimeOfDay[:2])
		m, _ := strconv.Atoi(s.TimeOfDay[3:])
		due := a.clock.StartOf(today).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
		if a.now().Before(due) {
			return nil
		}
		_, err := a.runBackup(ctx, domain.Actor{Name: "backup", Operator: true}, s, today.String())
		return err
	}}
}

// runBackup claims a run (a slot for a scheduled one), writes the archive,
// prunes the directory and records the outcome with its audit row; a failure
// is notified to the system admins. The run's error is its answer, not an
// error of the call: the page shows it.
func (a *App) runBackup(ctx context.Context, ac domain.Actor, s store.BackupSettings, slot string) (store.BackupRun, error) {
	run := store.BackupRun{StartedBy: ac.Name, Slot: slot, StartedAt: a.now(), Result: store.BackupRunning}
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		run.ID, err = tx.StartBackupRun(ctx, slot, ac.Name)
		return err
	})
	if err != nil || run.ID == 0 {
		return run, err // the slot is another node's
	}
	var failure error
	switch {
	case s.Dir == "":
		failure = fmt.Errorf("no backup directory is set: set it first")
	case a.cfg.Backup.DataDir == "":
		failure = fmt.Errorf("this server was started without its data directory")
	default:
		w, err := backup.WriteArchive(ctx, a.st, backup.Options{DataDir: a.cfg.Backup.DataDir, KeyFiles: a.cfg.Backup.KeyFiles,
			Zeren: a.cfg.Backup.Version, Now: a.now()}, s.Dir, a.clock.Location())
		if err != nil {
			failure = err
		} else {
			run.File, run.Size = w.Path, w.Size
			// Only after a good archive: the oldest beyond the number kept go.
			if _, err := backup.Prune(s.Dir, s.Keep); err != nil {
				failure = fmt.Errorf("the archive %s was written, but removing older ones failed: %w", filepath.Base(w.Path), err)
			}
		}
	}
	run.Result = store.BackupOK
	if failure != nil && run.File == "" {
		run.Result = store.BackupFailed
	}
	if failure != nil {
		run.Error = clipError(failure.Error())
	}
	err = a.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.FinishBackupRun(ctx, run); err != nil {
			return err
		}
		outcome := "success"
		if run.Result == store.BackupFailed {
			outcome = "failure"
		}
		if err := a.record(ctx, tx, ac, AuditEntry{Type: "backup.run", Target: "backup:" + strconv.FormatInt(run.ID, 10), Outcome: outcome,
			Detail: fmt.Sprintf("%s %s (%d bytes) %s", run.Result, filepath.Base(run.File), run.Size, run.Error)}); err != nil {
			return err
		}
		if failure == nil {
			return nil
		}
		roots, err := tx.RootIDs(ctx)
		if err != nil {
			return err
		}
		return a.notify(ctx, tx, domain.Notice{Kind: "backup.failed", Units: roots, Perm: domain.PermConfigManage,
			Subject: "备份失败", Body: firstLine(run.Error), Link: "/admin/backups",
			DedupKey: fmt.Sprintf("backup:%d:failed", run.ID), At: tx.Now()})
	})
	if fi, statErr := os.Stat(run.File); run.File != "" && statErr == nil {
		run.Size = fi.Size()
	}
	run.FinishedAt = a.now()
	return run, err
}

// clipError keeps a run's error to what a page shows.
func clipError(s string) string {
	if r := []rune(s); len(r) > 500 {
		return string(r[:500]) + "…"
	}
	return s
}
