package auth

import (
	"encoding/base32"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/zeren-edu/zeren/internal/domain"
)

// RFC 6238 appendix B, SHA-1: the secret is the ASCII string
// "12345678901234567890". The RFC lists 8-digit codes; a 6-digit code is the
// same value modulo 10⁶, that is its last six digits.
var (
	rfcSecret  = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	rfcVectors = []struct {
		unix  int64
		code8 string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
)

func TestTOTPRFC6238Vectors(t *testing.T) {
	if rfcSecret != "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" {
		t.Fatalf("secret = %s", rfcSecret)
	}
	for _, v := range rfcVectors {
		now := time.Unix(v.unix, 0)
		// The library with our parameters but 8 digits reproduces the RFC…
		got, err := totp.GenerateCodeCustom(rfcSecret, now, totp.ValidateOpts{
			Period: 30, Digits: otp.DigitsEight, Algorithm: otp.AlgorithmSHA1})
		if err != nil || got != v.code8 {
			t.Fatalf("T=%d: 8-digit code %s, %v; want %s", v.unix, got, err, v.code8)
		}
		// …and VerifyTOTP accepts the 6-digit form at that time.
		ok, step := VerifyTOTP(rfcSecret, v.code8[2:], now, 0)
		if !ok || step != v.unix/30 {
			t.Fatalf("T=%d: VerifyTOTP(%s) = %v, %d; want true, %d", v.unix, v.code8[2:], ok, step, v.unix/30)
		}
	}
}

func TestTOTPSkewAndReplay(t *testing.T) {
	const code = "005924" // T = 1234567890, step 41152263
	now := time.Unix(1234567890, 0)
	step := int64(1234567890 / 30)
	for _, c := range []struct {
		offset time.Duration
		ok     bool
	}{
		{-61 * time.Second, false},
		{-30 * time.Second, true}, // the phone is one step ahead
		{0, true},
		{30 * time.Second, true}, // one step behind
		{60 * time.Second, false},
	} {
		ok, got := VerifyTOTP(rfcSecret, code, now.Add(c.offset), 0)
		if ok != c.ok || (ok && got != step) {
			t.Errorf("at %+v: %v, step %d; want %v", c.offset, ok, got, c.ok)
		}
	}
	// Replay: the step just used, or any earlier one, is refused.
	if ok, _ := VerifyTOTP(rfcSecret, code, now, step); ok {
		t.Error("replayed code accepted")
	}
	if ok, _ := VerifyTOTP(rfcSecret, code, now.Add(30*time.Second), step); ok {
		t.Error("replayed code accepted a step later")
	}
	if ok, _ := VerifyTOTP(rfcSecret, code, now, step+1); ok {
		t.Error("code of a step before lastUsedStep accepted")
	}
	if ok, got := VerifyTOTP(rfcSecret, code, now, step-1); !ok || got != step {
		t.Error("code after lastUsedStep refused")
	}
	// The next step's code is fine after this one was used.
	next, _ := totp.GenerateCode(rfcSecret, now.Add(30*time.Second))
	if ok, got := VerifyTOTP(rfcSecret, next, now.Add(30*time.Second), step); !ok || got != step+1 {
		t.Errorf("next code %s refused after step %d was used", next, step)
	}
}

func TestTOTPInput(t *testing.T) {
	now := time.Unix(1234567890, 0)
	for _, code := range []string{"005924", "005 924", " 005924 ", "00 59 24", "\t005924"} {
		if ok, _ := VerifyTOTP(rfcSecret, code, now, 0); !ok {
			t.Errorf("%q refused", code)
		}
	}
	for _, code := range []string{"", "00592", "0059244", "00592a", "-05924", "+05924", "００５９２４", "005924\n", "0x5924", "٠٠٥٩٢٤"} {
		if ok, step := VerifyTOTP(rfcSecret, code, now, 0); ok || step != 0 {
			t.Errorf("%q accepted", code)
		}
	}
	for _, secret := range []string{"", "!!!!", "GEZDGNBV", "GEZDGNBVGY3TQOJQ", strings.Repeat("A", 1000)} {
		if ok, _ := VerifyTOTP(secret, "005924", now, 0); ok {
			t.Errorf("secret %q accepted", secret)
		}
	}
	// Lower case and missing padding are how some apps write secrets.
	if ok, _ := VerifyTOTP(strings.ToLower(rfcSecret), "005924", now, 0); !ok {
		t.Error("lower-case secret refused")
	}
	if ok, _ := VerifyTOTP(rfcSecret, "005924", time.Unix(-1e9, 0), 0); ok {
		t.Error("a code accepted before 1970")
	}
}

func TestNewTOTPSecret(t *testing.T) {
	secret, uri, err := NewTOTPSecret("某县教育局 zeren", "zhangsan")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil || len(raw) != 20 {
		t.Fatalf("secret %q: %d bytes, %v", secret, len(raw), err)
	}
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		t.Fatal(err)
	}
	if key.Type() != "totp" || key.Issuer() != "某县教育局 zeren" || key.AccountName() != "zhangsan" ||
		key.Secret() != secret || key.Algorithm() != otp.AlgorithmSHA1 || key.Digits() != otp.DigitsSix || key.Period() != 30 {
		t.Fatalf("URI %s decodes to %s/%s/%s/%v/%v/%d", uri, key.Type(), key.Issuer(), key.AccountName(), key.Algorithm(), key.Digits(), key.Period())
	}
	now := time.Now()
	code, _ := totp.GenerateCode(secret, now)
	if ok, _ := VerifyTOTP(secret, code, now, 0); !ok {
		t.Fatal("a fresh secret's own code is refused")
	}
	if s2, _, _ := NewTOTPSecret("zeren", "zhangsan"); s2 == secret {
		t.Fatal("two secrets are equal")
	}
	for _, c := range [][2]string{{"", "zhangsan"}, {"a:b", "zhangsan"}, {"zeren", " "}} {
		if _, _, err := NewTOTPSecret(c[0], c[1]); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("NewTOTPSecret(%q, %q) = %v, want invalid", c[0], c[1], err)
		}
	}
}

func TestRecoveryCodes(t *testing.T) {
	plain, hashed := NewRecoveryCodes(10)
	if len(plain) != 10 || len(hashed) != 10 {
		t.Fatalf("got %d codes, %d hashes", len(plain), len(hashed))
	}
	form := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$`)
	seen := map[string]bool{}
	for i, c := range plain {
		if !form.MatchString(c) || seen[c] {
			t.Fatalf("code %q malformed or repeated", c)
		}
		seen[c] = true
		if got := VerifyRecoveryCode(c, hashed); got != i {
			t.Fatalf("VerifyRecoveryCode(%q) = %d, want %d", c, got, i)
		}
		typed := strings.ToUpper(strings.ReplaceAll(c, "-", " "))
		if got := VerifyRecoveryCode(typed, hashed); got != i {
			t.Fatalf("VerifyRecoveryCode(%q) = %d, want %d", typed, got, i)
		}
		if strings.Contains(hashed[i], c) || len(hashed[i]) != 64 {
			t.Fatalf("hash %q", hashed[i])
		}
	}
	// Crockford: i, l and o are read as 1, 1 and 0.
	h := []string{HashToken("0000111122223333")}
	if got := VerifyRecoveryCode("OOOO-ilIL-2222-3333", h); got != 0 {
		t.Fatalf("Crockford substitution: %d", got)
	}
	for _, bad := range []string{"", "0000-1111-2222-333", "0000-1111-2222-3334", "0000-1111-2222-333u", strings.Repeat("0", 100)} {
		if got := VerifyRecoveryCode(bad, h); got != -1 {
			t.Errorf("VerifyRecoveryCode(%q) = %d", bad, got)
		}
	}
	if p, h := NewRecoveryCodes(0); p != nil || h != nil {
		t.Error("NewRecoveryCodes(0) returned codes")
	}
}
