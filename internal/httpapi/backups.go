package httpapi

import (
	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Scheduled backups (定时备份): the system admin's page under 系统管理.

func backupRoutes() []*route {
	admin := []domain.Permission{domain.PermConfigManage}
	return []*route{
		{method: "GET", path: api + "/backups", opID: "getBackups", tag: "ops", summary: "The scheduled backup's settings and its last runs",
			desc:  "The newest runs first (scheduled ones carry the day they are for in `slot`), each with its archive, size and result.",
			reach: reachInstallation, perms: admin, status: 200, resp: "BackupStatus", handle: (*Server).getBackups},
		{method: "PUT", path: api + "/backups/settings", opID: "setBackupSettings", tag: "ops", summary: "Set the scheduled backup",
			desc: "Enabled, the time of day (HH:MM in the bureau's zone), an absolute directory on the server and how many archives to keep " +
				"(the oldest beyond it are removed after a good backup, never the newest). Once a day at that time one node writes the same " +
				"archive as `zeren backup`. Audited.",
			body: jsonBody("BackupSettingsInput"), reach: reachInstallation, perms: admin, status: 200, resp: "BackupSettings",
			handle: (*Server).setBackupSettings},
		{method: "POST", path: api + "/backups/run", opID: "runBackup", tag: "ops", summary: "Back up now (立即备份)",
			desc: "Writes an archive into the configured directory and answers the run: a failure is its `result` and `error` (and is " +
				"notified to the system admins), not an error of the call. Audited.",
			transfer: true, reach: reachInstallation, perms: admin, status: 200, resp: "BackupRun", handle: (*Server).runBackup},
	}
}

func (s *Server) getBackups(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	st, err := s.app.BackupStatus(c.ctx(), ac)
	if err != nil {
		return err
	}
	return c.reply(st)
}

func (s *Server) setBackupSettings(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	var in struct {
		Enabled   bool   `json:"enabled"`
		TimeOfDay string `json:"time_of_day"`
		Dir       string `json:"dir"`
		Keep      int    `json:"keep"`
	}
	if err := c.decode(&in); err != nil {
		return err
	}
	out, err := s.app.SetBackupSettings(c.ctx(), ac, app.BackupSettings{Enabled: in.Enabled, TimeOfDay: in.TimeOfDay, Dir: in.Dir, Keep: in.Keep})
	if err != nil {
		return err
	}
	return c.reply(out)
}

func (s *Server) runBackup(c *call) error {
	ac, err := c.actor()
	if err != nil {
		return err
	}
	r, err := s.app.BackupNow(c.ctx(), ac)
	if err != nil {
		return err
	}
	return c.reply(r)
}

func backupSchemas() obj {
	settings := obj{
		"enabled":     boolean("Back up every day at time_of_day."),
		"time_of_day": ex(obj{"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "HH:MM in the bureau's time zone."}, "02:00"),
		"dir":         ex(strMax("An absolute directory on the server.", 1000), "/srv/zeren/backups"),
		"keep":        ex(obj{"type": "integer", "minimum": 1, "maximum": 1000, "description": "How many archives to keep."}, 14),
	}
	full := obj{"updated_by": str("Who saved them last."), "updated_at": dateTime("")}
	for k, v := range settings {
		full[k] = v
	}
	run := object("One backup.", obj{
		"id": id(""), "slot": str("The day a scheduled run is for; absent for one started by hand."),
		"started_by": str("The account, or backup for the schedule."), "started_at": dateTime(""), "finished_at": dateTime(""),
		"file": str("The archive's path on the server."), "size": obj{"type": "integer", "minimum": 0},
		"result": enum("", app.BackupRunning, app.BackupOK, app.BackupFailed), "error": str("Why it failed."),
	}, "id", "started_by", "started_at", "file", "size", "result")
	return obj{
		"BackupSettingsInput": object("The scheduled backup's settings.", settings, "enabled", "time_of_day", "dir", "keep"),
		"BackupSettings":      object("The scheduled backup's settings.", full, "enabled", "time_of_day", "dir", "keep", "updated_by"),
		"BackupRun":           run,
		"BackupStatus": object("The settings and the newest runs.", obj{
			"settings": ref("BackupSettings"),
			"runs":     array("Newest first.", ref("BackupRun")),
			"ready":    boolean("Whether this server knows its data directory (a server always does)."),
		}, "settings", "runs", "ready"),
	}
}
