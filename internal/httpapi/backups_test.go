package httpapi

import (
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// TestBackupsAPI: the system admin reads and sets the scheduled backup, bad
// settings name their field, a run is answered with its result (here a
// failure: no directory, then a server without its data directory), and no
// one else may touch it. (internal/app's TestScheduledBackup writes real
// archives on both engines.)
func TestBackupsAPI(t *testing.T) {
	e := newEnv(t)
	sys := e.newSession("xitong", "系统管理员", e.bureau, domain.RoleSystemAdmin)
	var st struct {
		Settings app.BackupSettings `json:"settings"`
		Runs     []app.BackupRun    `json:"runs"`
	}
	e.call(req("GET", "/api/v1/backups", nil).as(sys), 200).decode(t, &st)
	if st.Settings.Enabled || st.Settings.Keep != 14 || st.Settings.TimeOfDay != "02:00" || len(st.Runs) != 0 {
		t.Fatalf("defaults %+v", st)
	}
	var r app.BackupRun
	e.call(req("POST", "/api/v1/backups/run", nil).as(sys), 200).decode(t, &r)
	if r.Result != app.BackupFailed || !strings.Contains(r.Error, "directory") {
		t.Fatalf("a run without a directory: %+v", r)
	}
	for body, field := range map[string]string{
		`{"enabled":true,"time_of_day":"2:00","dir":"/srv/b","keep":3}`:  "time_of_day",
		`{"enabled":true,"time_of_day":"02:00","dir":"b","keep":3}`:      "dir",
		`{"enabled":true,"time_of_day":"02:00","dir":"/srv/b","keep":0}`: "keep",
	} {
		if d := e.call(req("PUT", "/api/v1/backups/settings", body).as(sys), 400).errorOf(t); d.Field != field {
			t.Fatalf("%s: want the error on %s, got %+v", body, field, d)
		}
	}
	dir := t.TempDir()
	var saved app.BackupSettings
	e.call(req("PUT", "/api/v1/backups/settings", map[string]any{"enabled": true, "time_of_day": "03:30", "dir": dir, "keep": 5}).as(sys), 200).decode(t, &saved)
	if !saved.Enabled || saved.TimeOfDay != "03:30" || saved.Dir != dir || saved.Keep != 5 || saved.UpdatedBy != "xitong" {
		t.Fatalf("saved %+v", saved)
	}
	e.call(req("POST", "/api/v1/backups/run", nil).as(sys), 200).decode(t, &r)
	if r.Result != app.BackupFailed || !strings.Contains(r.Error, "data directory") {
		t.Fatalf("a run on a server without its data directory: %+v", r)
	}
	e.call(req("GET", "/api/v1/backups", nil).as(sys), 200).decode(t, &st)
	if len(st.Runs) != 2 || st.Runs[0].ID != r.ID || st.Settings.Dir != dir {
		t.Fatalf("status %+v", st)
	}
	// Not the office admin, not a school's system admin's business either way: config.manage only.
	e.call(req("GET", "/api/v1/backups", nil).as(e.office), 403)
	e.call(req("POST", "/api/v1/backups/run", nil).as(e.office), 403)
	e.call(req("PUT", "/api/v1/backups/settings", map[string]any{"enabled": false, "time_of_day": "03:30", "dir": dir, "keep": 5}).as(e.office), 403)
}
