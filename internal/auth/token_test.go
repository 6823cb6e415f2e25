package auth

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/domain"
)

func TestNewSessionID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := NewSessionID()
		raw, err := base64.RawURLEncoding.DecodeString(id)
		if err != nil || len(raw) != 32 || len(id) != 43 || seen[id] {
			t.Fatalf("session id %q: %d bytes, %v, repeated %v", id, len(raw), err, seen[id])
		}
		seen[id] = true
	}
}

func TestAPIToken(t *testing.T) {
	plain, id, hash := NewAPIToken()
	if !strings.HasPrefix(plain, "zrn_"+id+"_") || len(plain) != 85 || len(id) != 16 || len(hash) != 64 {
		t.Fatalf("token %q, id %q, hash %q", plain, id, hash)
	}
	gotID, secret, err := ParseAPIToken(plain)
	if err != nil || gotID != id {
		t.Fatalf("ParseAPIToken = %q, %q, %v", gotID, secret, err)
	}
	if strings.Contains(hash, secret) || !VerifyToken(secret, hash) {
		t.Fatal("the stored hash does not verify the secret")
	}
	other, _, _ := NewAPIToken()
	if VerifyToken(other[21:], hash) {
		t.Fatal("another token's secret verifies")
	}
	if VerifyToken(secret, "") || VerifyToken(secret, strings.ToUpper(hash)) {
		t.Fatal("a wrong hash verifies")
	}
	if p2, id2, _ := NewAPIToken(); p2 == plain || id2 == id {
		t.Fatal("two tokens are equal")
	}
}

func TestParseAPITokenMalformed(t *testing.T) {
	good, _, _ := NewAPIToken()
	id, secret := good[4:20], good[21:]
	for name, s := range map[string]string{
		"empty":           "",
		"prefix only":     "zrn_",
		"wrong prefix":    "zrx_" + id + "_" + secret,
		"upper prefix":    "ZRN_" + id + "_" + secret,
		"upper hex":       "zrn_" + strings.ToUpper(id) + "_" + secret,
		"no separator":    "zrn_" + id + "-" + secret,
		"short secret":    "zrn_" + id + "_" + secret[1:],
		"long secret":     "zrn_" + id + "_" + secret + "0",
		"separator in id": "zrn_" + id[:8] + "_" + id[9:] + "_" + secret,
		"non-hex":         "zrn_" + id + "_" + secret[:63] + "g",
		"bearer":          "Bearer " + good,
		"spaces":          " " + good[1:],
		"multibyte":       "zrn_" + id + "_" + secret[:62] + "é",
		"NUL":             "zrn_" + id + "_" + secret[:63] + "\x00",
	} {
		gotID, gotSecret, err := ParseAPIToken(s)
		if gotID != "" || gotSecret != "" || !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("%s: ParseAPIToken(%q) = %q, %q, %v", name, s, gotID, gotSecret, err)
		}
	}
}

func TestHashToken(t *testing.T) {
	// FIPS 180-2 example: SHA-256("abc").
	if got := HashToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("HashToken(abc) = %s", got)
	}
}
