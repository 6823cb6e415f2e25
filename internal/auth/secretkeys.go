package auth

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SecretKeys seal the secrets zeren must keep readable — TOTP seeds, which
// unlike passwords cannot be stored hashed — with AES-256-GCM under keys
// that live outside the database (GB/T 22239-2019 8.1.4.8 数据保密性): a copy
// of the database alone does not give the second factors away.
//
// Each sealed value names its key: "zk1:<key id>:<base64 of nonce‖ciphertext>".
// The first key is the current one, used to seal; every key opens what it
// sealed, so keys can rotate: put a new key first, and the values still
// under an older one are re-sealed (see Stale). The sealed value is bound
// to what it belongs to (the associated data, e.g. "totp:account:12"), so a
// sealed secret copied into another account's row does not open.
//
// This is the one part of the package that reads a file (LoadKeyFile): the
// keys are configuration of the node, like the TLS key of its proxy.
type SecretKeys struct {
	keys []secretKey // the first seals
}

type secretKey struct {
	id   string
	aead cipher.AEAD
}

const (
	sealedPrefix = "zk1:"
	secretKeyLen = 32 // AES-256
	maxKeyIDLen  = 32
)

// ErrNotSealed reports a stored value that is not sealed (a secret stored
// before sealing existed, or a corrupt row).
var ErrNotSealed = errors.New("auth: the stored secret is not sealed")

// NewSecretKeys returns key ids and raw 32-byte keys as SecretKeys; the first
// is the current key.
func NewSecretKeys(ids []string, keys [][]byte) (*SecretKeys, error) {
	if len(ids) == 0 || len(ids) != len(keys) {
		return nil, errors.New("auth: at least one secret key, each with an id")
	}
	out := &SecretKeys{}
	seen := map[string]bool{}
	for i, id := range ids {
		if !validKeyID(id) {
			return nil, fmt.Errorf("auth: secret key id %q: use 1 to %d of a-z, 0-9, '-' and '_'", id, maxKeyIDLen)
		}
		if seen[id] {
			return nil, fmt.Errorf("auth: secret key id %q appears twice", id)
		}
		seen[id] = true
		if len(keys[i]) != secretKeyLen {
			return nil, fmt.Errorf("auth: secret key %q has %d bytes, want %d", id, len(keys[i]), secretKeyLen)
		}
		block, err := aes.NewCipher(keys[i])
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		out.keys = append(out.keys, secretKey{id: id, aead: aead})
	}
	return out, nil
}

// EphemeralSecretKeys returns one random key that lives only in memory: for
// tests and for commands that never store a secret. A server must load its
// keys from a file (LoadKeyFile), or sealed secrets die with the process.
func EphemeralSecretKeys() *SecretKeys {
	k := make([]byte, secretKeyLen)
	_, _ = rand.Read(k) // never fails (crypto/rand crashes the program instead)
	s, _ := NewSecretKeys([]string{"ephemeral"}, [][]byte{k})
	return s
}

// CurrentID is the id of the key that seals.
func (s *SecretKeys) CurrentID() string { return s.keys[0].id }

// Seal encrypts plain under the current key, bound to ad.
func (s *SecretKeys) Seal(plain, ad string) string {
	k := s.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	_, _ = rand.Read(nonce) // never fails (crypto/rand crashes the program instead)
	ct := k.aead.Seal(nonce, nonce, []byte(plain), []byte(ad))
	return sealedPrefix + k.id + ":" + base64.RawStdEncoding.EncodeToString(ct)
}

// Open decrypts a value Seal made with any of the keys, bound to ad. A value
// that is not sealed gives ErrNotSealed; a key that is not loaded, or a value
// altered or bound to something else, gives another error.
func (s *SecretKeys) Open(stored, ad string) (string, error) {
	id, body, ok := splitSealed(stored)
	if !ok {
		return "", ErrNotSealed
	}
	for _, k := range s.keys {
		if k.id != id {
			continue
		}
		ct, err := base64.RawStdEncoding.Strict().DecodeString(body)
		if err != nil || len(ct) < k.aead.NonceSize() {
			return "", fmt.Errorf("auth: sealed secret under key %q is malformed", id)
		}
		plain, err := k.aead.Open(nil, ct[:k.aead.NonceSize()], ct[k.aead.NonceSize():], []byte(ad))
		if err != nil {
			return "", fmt.Errorf("auth: sealed secret under key %q does not open: altered, or not this one's", id)
		}
		return string(plain), nil
	}
	return "", fmt.Errorf("auth: the secret is sealed under key %q, which is not in the key file", id)
}

// Stale reports whether stored should be (re-)sealed under the current key:
// it is plaintext, or sealed under another key.
func (s *SecretKeys) Stale(stored string) bool {
	id, _, ok := splitSealed(stored)
	return !ok || id != s.keys[0].id
}

func splitSealed(stored string) (id, body string, ok bool) {
	rest, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return "", "", false
	}
	id, body, ok = strings.Cut(rest, ":")
	return id, body, ok && validKeyID(id)
}

func validKeyID(id string) bool {
	if id == "" || len(id) > maxKeyIDLen {
		return false
	}
	for _, r := range id {
		if !(r == '-' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z')) {
			return false
		}
	}
	return true
}

// ParseKeyFile reads a key file: one key a line, "<id> <base64 of 32 bytes>",
// the current key first; blank lines and lines starting with # are ignored.
func ParseKeyFile(data []byte) (*SecretKeys, error) {
	var ids []string
	var keys [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("line %d: want \"<key id> <base64 key>\"", n)
		}
		k, err := base64.StdEncoding.DecodeString(f[1])
		if err != nil {
			return nil, fmt.Errorf("line %d: the key is not base64", n)
		}
		ids, keys = append(ids, f[0]), append(keys, k)
	}
	if len(ids) == 0 {
		return nil, errors.New("no key in the file")
	}
	return NewSecretKeys(ids, keys)
}

// NewKeyLine returns a key file line with a fresh random key under id.
func NewKeyLine(id string) string {
	k := make([]byte, secretKeyLen)
	_, _ = rand.Read(k) // never fails (crypto/rand crashes the program instead)
	return id + " " + base64.StdEncoding.EncodeToString(k) + "\n"
}

// LoadKeyFile reads the key file at path. When it does not exist and create
// is set, it first writes one with a fresh key "k1", readable by its owner
// only (0600). A key file that others may read is refused: whoever reads it
// and the database reads every second factor.
func LoadKeyFile(path string, create bool) (*SecretKeys, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, err
		}
		content := "# zeren secret keys: \"<id> <base64 key>\", the current key first. Back this file up apart from the database.\n" + NewKeyLine("k1")
		if err := writeNewFile(path, content); err != nil {
			return nil, err
		}
		data, err = []byte(content), nil
	}
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s is readable by others (mode %v): chmod 600 it", path, st.Mode().Perm())
	}
	keys, err := ParseKeyFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return keys, nil
}

// writeNewFile creates path (it must not exist) readable by its owner only.
func writeNewFile(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
