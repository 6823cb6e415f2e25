package main

import (
	"path/filepath"
	"testing"
)

// The bureau's time zone is a setting of serve, migrate, demo and report; an
// unknown zone, or the machine's own ("Local"), is refused in one line naming
// the setting, before anything is done.
func TestTimeZoneSetting(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--db", db, "--tz", "Asia/Beijing"}, `--tz: "Asia/Beijing" is not a known time zone`},
		{[]string{"migrate", "--db", db, "--tz", "Local"}, "--tz: name the bureau's time zone"},
		{[]string{"demo", "--db", filepath.Join(dir, "d.db"), "--tz", "+08:00"}, "--tz"},
		{[]string{"report", "--db", db, "--tz", "CST8", "--unit", "B", "--period", "2024", "-o", filepath.Join(dir, "r.docx")}, "--tz"},
	} {
		code, _, stderr := runCmd(t, c.args...)
		if code != exitUsage {
			t.Fatalf("%v: exit %d, want 2 (%s)", c.args, code, stderr)
		}
		oneLine(t, stderr, c.want)
	}
	t.Setenv("ZEREN_TZ", "Mars/Olympus_Mons")
	code, _, stderr := runCmd(t, "migrate", "--db", db)
	if code != exitUsage {
		t.Fatalf("exit %d (%s)", code, stderr)
	}
	oneLine(t, stderr, `ZEREN_TZ: "Mars/Olympus_Mons" is not a known time zone`)

	// The flag wins over the environment; no setting means Asia/Shanghai.
	cfg, err := parseConfig("serve", []string{"--tz", "Asia/Urumqi"})
	if err != nil || cfg.tz == nil || cfg.tz.String() != "Asia/Urumqi" {
		t.Fatalf("--tz Asia/Urumqi: %v, %v", cfg.tz, err)
	}
	t.Setenv("ZEREN_TZ", "")
	if cfg, err = parseConfig("serve", nil); err != nil || cfg.tz != nil {
		t.Fatalf("no setting: %v, %v", cfg.tz, err)
	}
	if loc, err := zoneOf(""); err != nil || loc.String() != "Asia/Shanghai" {
		t.Fatalf("report's default zone: %v, %v", loc, err)
	}
	code, _, stderr = runCmd(t, "migrate", "--db", db, "--tz", "Asia/Shanghai")
	if code != exitOK {
		t.Fatalf("migrate --tz Asia/Shanghai: exit %d (%s)", code, stderr)
	}
}
