package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/store"
)

// At start, zeren creates the key file (0600) in the data directory and seals
// every TOTP secret still stored in plaintext; a key file others can read
// stops it.
func TestStartSealsTOTPSecrets(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config{db: filepath.Join(dir, "z.db"), dataDir: filepath.Join(dir, "data"), maxEvidenceMB: 20}
	st, a, err := openApp(ctx, cfg, store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Init(ctx, "B", "示范县教育局"); err != nil {
		t.Fatal(err)
	}
	const plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if err := st.ExecRaw(ctx, "UPDATE accounts SET totp_secret = $1 WHERE username = 'sysadmin'", plain); err != nil {
		t.Fatal(err)
	}
	st.Close()
	keyFile := filepath.Join(cfg.dataDir, "secret.key")
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	st, _, err = openApp(ctx, cfg, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := st.Read(ctx, func(tx *store.Tx) error {
		c, err := tx.CredentialsByUsername(ctx, "sysadmin")
		stored = c.TOTPSecret
		return err
	}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if !strings.HasPrefix(stored, "zk1:k1:") || strings.Contains(stored, plain) {
		t.Fatalf("after a start the secret is %q", stored)
	}
	if err := os.Chmod(keyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := openApp(ctx, cfg, store.Options{}); err == nil || !strings.Contains(err.Error(), "--secret-key-file") {
		t.Fatalf("a world-readable key file: %v", err)
	}
}
