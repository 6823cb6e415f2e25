package auth

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zeren-edu/zeren/internal/domain"
)

// FuzzParseAPIToken: whatever a client sends as a token, parsing neither
// panics nor accepts anything but the exact form NewAPIToken makes.
func FuzzParseAPIToken(f *testing.F) {
	good, _, _ := NewAPIToken()
	for _, s := range []string{good, "", "zrn_", "zrn__", good[:84], good + "0", strings.ToUpper(good),
		"zrn_0123456789abcdef_" + strings.Repeat("g", 64), "Bearer " + good, "zrn_é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, secret, err := ParseAPIToken(s)
		if err != nil {
			if id != "" || secret != "" || !domain.IsKind(err, domain.KindInvalid) {
				t.Fatalf("ParseAPIToken(%q) = %q, %q, %v", s, id, secret, err)
			}
			return
		}
		if "zrn_"+id+"_"+secret != s || len(id) != 16 || len(secret) != 64 || !lowerHex(id+secret) {
			t.Fatalf("ParseAPIToken(%q) accepted %q, %q", s, id, secret)
		}
		if !VerifyToken(secret, HashToken(secret)) {
			t.Fatal("hash round trip")
		}
	})
}

// FuzzVerifyPassword: a malformed or hostile stored hash gives an error,
// never a panic, and never a match.
func FuzzVerifyPassword(f *testing.F) {
	good, err := HashPassword("Correct-Horse-9", TestParams)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, "Correct-Horse-9")
	f.Add(good, "wrong")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$ZVrRXqxlLcWfcXCnMyv0m4Rpvh/bnCi7", "password")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$$", "")
	f.Add("$argon2id$v=19$m=4294967295,t=4294967295,p=255$c29tZXNhbHQ$c29tZXNhbHQ", "x")
	f.Add("$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", "password")
	f.Add("$$$$$", "")
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		// Valid but expensive parameters are within bounds by design; skip
		// hashing them so the fuzzer spends its time on parsing.
		if p, _, _, err := decodeHash(encoded); err == nil && uint64(p.Memory)*uint64(p.Time) > 1<<12 {
			t.Skip()
		}
		ok, rehash, err := VerifyPassword(encoded, pw)
		if err != nil {
			if ok || rehash || !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("VerifyPassword(%q) = %v, %v, %v", encoded, ok, rehash, err)
			}
			return
		}
		// A hash that decodes must re-encode to itself (one canonical form).
		p, salt, key, _ := decodeHash(encoded)
		if back := encodeHash(p, salt, key); back != encoded {
			t.Fatalf("decode(%q) re-encodes as %q", encoded, back)
		}
	})
}

// FuzzCheckNewPassword: any candidate gives either nil — and then it really
// meets every rule — or a password violation; never a panic.
func FuzzCheckNewPassword(f *testing.F) {
	old := "Old-Passw0rd"
	history := []string{mustHash(f, old)}
	for _, c := range [][2]string{
		{"zhangsan", "Abcdefg1"}, {"zhangsan", "Zhangsan-2024"}, {"li", "Climb-Li-9"}, {"zhangsan", old},
		{"zhangsan", "密码Mima2024"}, {"", ""}, {"zhangsan", "Abc\xff12345"}, {"ǅ", "ǆǅǄ12345"},
		{"zhangsan", strings.Repeat("Ab1!", 40)}, {"İstanbul", "İSTANBUL-1a"},
	} {
		f.Add(c[0], c[1])
	}
	p := Level3()
	f.Fuzz(func(t *testing.T, username, pw string) {
		err := CheckNewPassword(p, username, pw, history)
		if err != nil {
			var e *domain.Error
			var v *Violation
			if !errors.As(err, &e) || e.Field != "password" || e.Kind != domain.KindInvalid || !errors.As(err, &v) {
				t.Fatalf("CheckNewPassword(%q, %q) = %v", username, pw, err)
			}
			return
		}
		u := strings.ToLower(strings.TrimSpace(username))
		switch {
		case !utf8.ValidString(pw), len(pw) > MaxPasswordBytes, utf8.RuneCountInString(pw) < 8, countClasses(pw) < 3:
			t.Fatalf("accepted %q", pw)
		case utf8.RuneCountInString(u) >= 3 && strings.Contains(strings.ToLower(pw), u):
			t.Fatalf("accepted %q containing username %q", pw, username)
		case pw == old:
			t.Fatalf("accepted the previous password")
		}
	})
}
