package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecretKeysSealOpenRotate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "secret.key")
	k1, err := LoadKeyFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("a new key file must be 0600: %v %v", st.Mode(), err)
	}
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	sealed := k1.Seal(secret, "totp:account:1")
	if strings.Contains(sealed, secret) || !strings.HasPrefix(sealed, "zk1:k1:") {
		t.Fatalf("sealed form: %s", sealed)
	}
	if sealed == k1.Seal(secret, "totp:account:1") {
		t.Fatal("two seals of one secret must differ (fresh nonce)")
	}
	if got, err := k1.Open(sealed, "totp:account:1"); err != nil || got != secret {
		t.Fatalf("open: %q %v", got, err)
	}
	// Copied into another account's row, it does not open; altered, neither.
	if _, err := k1.Open(sealed, "totp:account:2"); err == nil {
		t.Fatal("a sealed secret opened for another account")
	}
	if _, err := k1.Open(sealed[:len(sealed)-2]+"AA", "totp:account:1"); err == nil {
		t.Fatal("an altered sealed secret opened")
	}
	if _, err := k1.Open(secret, "totp:account:1"); !errors.Is(err, ErrNotSealed) {
		t.Fatalf("plaintext: %v", err)
	}
	if !k1.Stale(secret) || k1.Stale(sealed) {
		t.Fatal("Stale: plaintext is stale, a value under the current key is not")
	}
	// Loading again reads the same key.
	again, err := LoadKeyFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open(sealed, "totp:account:1"); err != nil || got != secret {
		t.Fatalf("the key file must give the same key: %q %v", got, err)
	}
	// Rotation: a new key first; the old one still opens, and its values are stale.
	old, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append([]byte(NewKeyLine("k2")), old...), 0o600); err != nil {
		t.Fatal(err)
	}
	k2, err := LoadKeyFile(path, false)
	if err != nil || k2.CurrentID() != "k2" {
		t.Fatalf("rotated: %v", err)
	}
	if got, err := k2.Open(sealed, "totp:account:1"); err != nil || got != secret || !k2.Stale(sealed) {
		t.Fatalf("old key after rotation: %q %v", got, err)
	}
	if !strings.HasPrefix(k2.Seal(secret, "x"), "zk1:k2:") {
		t.Fatal("the first key seals")
	}
	// Without the old key, its values do not open, and the error names the key.
	if _, err := EphemeralSecretKeys().Open(sealed, "totp:account:1"); err == nil || !strings.Contains(err.Error(), `"k1"`) {
		t.Fatalf("unknown key: %v", err)
	}
	// A key file others may read is refused; so is a missing one without create.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyFile(path, false); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable key file: %v", err)
	}
	if _, err := LoadKeyFile(filepath.Join(dir, "none"), false); err == nil {
		t.Fatal("a missing key file without create")
	}
	for _, bad := range []string{"", "# only a comment\n", "k1\n", "k1 notbase64!\n", "k1 AAAA\n", "K1 " + strings.Repeat("A", 44) + "\n",
		NewKeyLine("k1") + NewKeyLine("k1")} {
		if _, err := ParseKeyFile([]byte(bad)); err == nil {
			t.Errorf("key file %q accepted", bad)
		}
	}
}
