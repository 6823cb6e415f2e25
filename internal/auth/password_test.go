package auth

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

func mustHash(t testing.TB, pw string) string {
	t.Helper()
	h, err := HashPassword(pw, TestParams)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHashRoundTrip(t *testing.T) {
	for _, pw := range []string{"Correct-Horse-9", "", "密码Mima2024!", strings.Repeat("x", MaxPasswordBytes)} {
		h := mustHash(t, pw)
		if !strings.HasPrefix(h, "$argon2id$v=19$m=8,t=1,p=1$") {
			t.Fatalf("HashPassword(%q) = %q, not a PHC argon2id string", pw, h)
		}
		ok, rehash, err := VerifyPassword(h, pw)
		if err != nil || !ok {
			t.Fatalf("VerifyPassword(own hash of %q) = %v, %v", pw, ok, err)
		}
		if !rehash {
			t.Errorf("a TestParams hash must ask for a rehash to DefaultParams")
		}
		if NeedsRehash(h, TestParams) {
			t.Errorf("NeedsRehash(h, TestParams) = true for a TestParams hash")
		}
		ok, rehash, err = VerifyPassword(h, pw+"x")
		if err != nil || ok || rehash {
			t.Fatalf("VerifyPassword(wrong) = %v, %v, %v", ok, rehash, err)
		}
	}
	if a, b := mustHash(t, "same"), mustHash(t, "same"); a == b {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

// The reference implementation's argon2id vector (password "password", salt
// "somesalt", t=1, m=64 KiB, p=1), as carried by golang.org/x/crypto's tests,
// written as a PHC string: our decoder reads what other implementations write.
func TestVerifyReferenceVector(t *testing.T) {
	key, _ := hex.DecodeString("655ad15eac652dc59f7170a7332bf49b8469be1fdb9c28bb")
	enc := "$argon2id$v=19$m=64,t=1,p=1$" + base64.RawStdEncoding.EncodeToString([]byte("somesalt")) +
		"$" + base64.RawStdEncoding.EncodeToString(key)
	if enc != "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$ZVrRXqxlLcWfcXCnMyv0m4Rpvh/bnCi7" {
		t.Fatalf("encoding = %s", enc)
	}
	if ok, _, err := VerifyPassword(enc, "password"); !ok || err != nil {
		t.Fatalf("reference vector does not verify: %v, %v", ok, err)
	}
	if ok, _, _ := VerifyPassword(enc, "Password"); ok {
		t.Fatal("reference vector verifies a wrong password")
	}
}

func TestHashDefaultParams(t *testing.T) {
	start := time.Now()
	h, err := HashPassword("Correct-Horse-9", DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("argon2id with DefaultParams: %v a hash", time.Since(start))
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=1,p=2$") {
		t.Fatalf("DefaultParams hash = %q", h)
	}
	ok, rehash, err := VerifyPassword(h, "Correct-Horse-9")
	if !ok || rehash || err != nil {
		t.Fatalf("VerifyPassword = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

func TestHashPasswordRefusesBadParams(t *testing.T) {
	for _, p := range []HashParams{
		{},
		{Memory: 8, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 8, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}, // memory < 8 × threads
		{Memory: 8, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32},
		{Memory: 8, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8},
		{Memory: 1 << 30, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	} {
		if h, err := HashPassword("x", p); err == nil {
			t.Errorf("HashPassword with %+v = %q, want an error", p, h)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	good := mustHash(t, "pw")
	parts := strings.Split(good, "$") // "", argon2id, v=19, m=8,t=1,p=1, salt, hash
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	cases := map[string]string{
		"empty":               "",
		"dollar":              "$",
		"bcrypt":              "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":             with(1, "argon2i"),
		"upper case":          with(1, "ARGON2ID"),
		"version 16":          with(2, "v=16"),
		"no version":          strings.Join(append(parts[:2:2], parts[3:]...), "$"),
		"extra part":          good + "$x",
		"no leading dollar":   good[1:],
		"params reordered":    with(3, "t=1,m=8,p=1"),
		"extra param":         with(3, "m=8,t=1,p=1,x=1"),
		"leading zero":        with(3, "m=08,t=1,p=1"),
		"signed":              with(3, "m=+8,t=1,p=1"),
		"huge memory":         with(3, "m=4294967295,t=1,p=1"),
		"overflow":            with(3, "m=99999999999999999999,t=1,p=1"),
		"zero time":           with(3, "m=8,t=0,p=1"),
		"zero threads":        with(3, "m=8,t=1,p=0"),
		"memory below 8p":     with(3, "m=8,t=1,p=2"),
		"too many passes":     with(3, "m=8,t=100,p=1"),
		"salt not base64":     with(4, "!!!!"),
		"salt padded":         with(4, parts[4]+"=="),
		"salt with newline":   with(4, parts[4][:4]+"\n"+parts[4][4:]),
		"salt too short":      with(4, "c2FsdA"),
		"salt empty":          with(4, ""),
		"salt url alphabet":   with(4, strings.NewReplacer("+", "-", "/", "_").Replace(parts[4])+"-_"),
		"hash too short":      with(5, "aGFzaA"),
		"hash non-canonical":  with(5, parts[5][:len(parts[5])-1]+"B"), // "B" sets the 2 unused low bits
		"hash huge":           with(5, strings.Repeat("A", 10000)),
		"nul byte":            good + "\x00",
		"invalid utf-8 param": with(3, "m=\xff,t=1,p=1"),
	}
	for name, enc := range cases {
		t.Run(name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(enc, "pw")
			if ok || rehash || !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("VerifyPassword(%q) = %v, %v, %v; want ErrMalformedHash", enc, ok, rehash, err)
			}
			if !NeedsRehash(enc, TestParams) {
				t.Fatalf("NeedsRehash(malformed) = false")
			}
		})
	}
	if ok, _, err := VerifyPassword(good, "pw"); !ok || err != nil {
		t.Fatalf("the unmodified hash no longer verifies: %v, %v", ok, err)
	}
}

func TestVerifyRefusesHugePassword(t *testing.T) {
	h := mustHash(t, "pw")
	if ok, _, err := VerifyPassword(h, strings.Repeat("p", maxVerifyBytes+1)); ok || err != nil {
		t.Fatalf("VerifyPassword(huge) = %v, %v", ok, err)
	}
}
