package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// BackupSettings are the system admin's settings of the scheduled backup.
type BackupSettings struct {
	Enabled   bool      `json:"enabled"`
	TimeOfDay string    `json:"time_of_day"` // HH:MM in the bureau's time zone
	Dir       string    `json:"dir"`         // a directory on the server
	Keep      int       `json:"keep"`        // archives kept; older ones are removed
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// DefaultBackupSettings are the settings before the admin saves any.
var DefaultBackupSettings = BackupSettings{TimeOfDay: "02:00", Keep: 14}

// BackupRun is one backup, scheduled (Slot: the day it is for) or by hand.
type BackupRun struct {
	ID         int64     `json:"id"`
	Slot       string    `json:"slot,omitempty"`
	StartedBy  string    `json:"started_by"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	File       string    `json:"file"`
	Size       int64     `json:"size"`
	Result     string    `json:"result"` // running, ok, failed
	Error      string    `json:"error,omitempty"`
}

// Backup run results.
const (
	BackupRunning = "running"
	BackupOK      = "ok"
	BackupFailed  = "failed"
)

// GetBackupSettings returns the settings (the defaults before any were saved).
func (tx *Tx) GetBackupSettings(ctx context.Context) (BackupSettings, error) {
	s := DefaultBackupSettings
	var at string
	err := tx.queryRow(ctx, `SELECT enabled, time_of_day, dir, keep, updated_by, updated_at FROM backup_settings WHERE id = 1`).
		Scan(&s.Enabled, &s.TimeOfDay, &s.Dir, &s.Keep, &s.UpdatedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultBackupSettings, nil
	}
	if at != "" {
		s.UpdatedAt = parseTime(at)
	}
	return s, tx.d.wrap(err)
}

// SetBackupSettings saves the settings.
func (tx *Tx) SetBackupSettings(ctx context.Context, s BackupSettings) error {
	_, err := tx.exec(ctx, `INSERT INTO backup_settings (id, enabled, time_of_day, dir, keep, updated_by, updated_at)
		VALUES (1, $1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET enabled = $1, time_of_day = $2, dir = $3, keep = $4, updated_by = $5, updated_at = $6`,
		s.Enabled, s.TimeOfDay, s.Dir, s.Keep, s.UpdatedBy, timeText(tx.now))
	return err
}

// StartBackupRun records a run as started. A scheduled run names its slot;
// when that slot was already claimed (another node, a retried job) it
// returns 0 and records nothing.
func (tx *Tx) StartBackupRun(ctx context.Context, slot, by string) (int64, error) {
	var s any
	if slot != "" {
		s = slot
	}
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO backup_runs (slot, started_by, started_at) VALUES ($1, $2, $3)
		ON CONFLICT (slot) DO NOTHING RETURNING id`, s, by, timeText(tx.now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, tx.d.wrap(err)
}

// FinishBackupRun records a run's outcome.
func (tx *Tx) FinishBackupRun(ctx context.Context, r BackupRun) error {
	_, err := tx.exec(ctx, `UPDATE backup_runs SET finished_at = $1, file = $2, size = $3, result = $4, error = $5 WHERE id = $6`,
		timeText(tx.now), r.File, r.Size, r.Result, r.Error, r.ID)
	return err
}

// ListBackupRuns returns the newest runs first.
func (tx *Tx) ListBackupRuns(ctx context.Context, limit int) ([]BackupRun, error) {
	rows, err := tx.query(ctx, `SELECT id, COALESCE(slot, ''), started_by, started_at, finished_at, file, size, result, error
		FROM backup_runs ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BackupRun
	for rows.Next() {
		var r BackupRun
		var started, finished string
		if err := rows.Scan(&r.ID, &r.Slot, &r.StartedBy, &started, &finished, &r.File, &r.Size, &r.Result, &r.Error); err != nil {
			return nil, err
		}
		r.StartedAt = parseTime(started)
		if finished != "" {
			r.FinishedAt = parseTime(finished)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// BackupFilesKept lists the files of the successful runs, newest first: the
// archives retention may remove (never the newest good one).
func (tx *Tx) BackupFilesKept(ctx context.Context) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT file FROM backup_runs WHERE result = $1 AND file <> '' ORDER BY id DESC`, BackupOK)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
