package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/deliver"
)

// TestBackupRestoreCommands: `zeren backup` writes an archive next to the
// data, --keep prunes only its own archives, `zeren restore --check-only`
// names a damaged file, and `zeren restore` fills an empty instance once.
func TestBackupRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	data := filepath.Join(dir, "data")
	if code, _, errs := runCmd(t, "migrate", "--db", db); code != exitOK {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	out := filepath.Join(dir, "backups")
	if err := os.MkdirAll(out, 0o750); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(out, "notes.txt")
	if err := os.WriteFile(other, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	var archives []string
	for i := 0; i < 3; i++ {
		code, stdout, errs := runCmd(t, "backup", "--db", db, "--data-dir", data, "--out", out, "--keep", "2")
		if code != exitOK {
			t.Fatalf("backup: %d %s", code, errs)
		}
		if !strings.Contains(stdout, "the keys are not in the archive") {
			t.Errorf("backup does not say the keys stay out: %s", stdout)
		}
		ms, _ := filepath.Glob(filepath.Join(out, archivePrefix+"*"+archiveSuffix))
		archives = ms
	}
	if len(archives) != 2 {
		t.Fatalf("--keep 2 left %d archives: %v", len(archives), archives)
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("--keep removed a file that is not an archive: %v", err)
	}
	latest := archives[len(archives)-1]

	if code, stdout, errs := runCmd(t, "restore", "--from", latest, "--check-only"); code != exitOK || !strings.Contains(stdout, "is intact") {
		t.Fatalf("check-only: %d %s %s", code, stdout, errs)
	}
	damaged := filepath.Join(dir, "damaged.tar.gz")
	b, _ := os.ReadFile(latest)
	if err := os.WriteFile(damaged, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCmd(t, "restore", "--from", damaged, "--check-only"); code != exitFailed || !strings.Contains(errs, "damaged") {
		t.Fatalf("a damaged archive passed the check: %d %s", code, errs)
	}

	rdb := filepath.Join(dir, "restored", "z.db")
	rdata := filepath.Join(dir, "restored", "data")
	code, stdout, errs := runCmd(t, "restore", "--from", latest, "--db", rdb, "--data-dir", rdata)
	if code != exitOK || !strings.Contains(stdout, "restored") {
		t.Fatalf("restore: %d %s %s", code, stdout, errs)
	}
	if code, _, errs := runCmd(t, "audit", "verify", "--db", rdb, "--data-dir", rdata); code != exitOK {
		t.Fatalf("the restored audit trail does not verify: %s", errs)
	}
	if code, _, errs := runCmd(t, "restore", "--from", latest, "--db", rdb, "--data-dir", rdata); code != exitFailed || !strings.Contains(errs, "already exists") {
		t.Fatalf("restore over a restored database: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, "restore", "--db", rdb); code != exitUsage || !strings.Contains(errs, "--from") {
		t.Fatalf("restore without --from: %d %s", code, errs)
	}
}

// TestDeliverySettings: the notification channels' settings are checked at
// start, naming the flag at fault, and e-mail without a server fails its
// deliveries permanently with a clear error instead of being retried.
func TestDeliverySettings(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--smtp", "smtp.example.gov.cn"}, "--smtp: must be host:port"},
		{[]string{"--smtp", "smtp.example.gov.cn:587"}, "needs --smtp-from"},
		{[]string{"--smtp", "smtp.example.gov.cn:587", "--smtp-from", "not an address"}, "--smtp-from"},
		{[]string{"--smtp", "smtp.example.gov.cn:587", "--smtp-from", "zeren@example.gov.cn", "--smtp-password-file", "/nonexistent/pw"}, "--smtp-password-file"},
		{[]string{"--public-url", "zeren.example.gov.cn"}, "--public-url"},
	} {
		_, err := parseConfig("serve", c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseConfig("serve", []string{"--smtp", "smtp.example.gov.cn:587", "--smtp-from", "zeren@example.gov.cn",
		"--smtp-user", "zeren", "--smtp-password-file", pw, "--public-url", "https://zeren.example.gov.cn/"})
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.delivery
	if d.smtp.Host != "smtp.example.gov.cn" || d.smtp.Port != 587 || !d.smtp.StartTLS || d.smtp.Password != "secret" || d.publicURL != "https://zeren.example.gov.cn" {
		t.Fatalf("settings: %+v", d)
	}
	if _, err := newDeliverers(d, time.Now).Email([]string{"a@example.gov.cn"}); err != nil {
		t.Errorf("a configured server: %v", err)
	}
	_, err = newDeliverers(deliverySettings{}, time.Now).Email([]string{"a@example.gov.cn"})
	var de *deliver.Error
	if !errors.As(err, &de) || !de.Permanent || !strings.Contains(err.Error(), "--smtp") {
		t.Errorf("e-mail without a server: %v", err)
	}
}
