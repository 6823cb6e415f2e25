package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"github.com/zeren-edu/zeren/internal/domain"
)

// The second factor (GB/T 22239-2019 8.1.4.1 d): two or more authentication
// techniques, one of them cryptographic) is TOTP, RFC 6238, with the only
// parameters every authenticator app supports: HMAC-SHA1, 6 digits, 30-second
// steps. The secret is 20 random bytes (160 bits, RFC 4226's recommendation).
const (
	TOTPPeriod = 30 * time.Second
	TOTPDigits = 6

	totpSecretBytes    = 20
	totpMinSecretBytes = 16 // RFC 4226 R6: at least 128 bits
	totpSkew           = 1  // steps accepted either side of now: phones' clocks drift
)

// NewTOTPSecret makes a new TOTP secret for account at issuer (shown in the
// authenticator app, e.g. the bureau's name) and returns it base32-encoded
// together with its otpauth:// URI for a QR code. The secret is as sensitive
// as a password and is stored encrypted or at least never shown again; the
// enrolment is confirmed by a first VerifyTOTP before it takes effect.
func NewTOTPSecret(issuer, account string) (secret, uri string, err error) {
	switch {
	case strings.TrimSpace(issuer) == "":
		return "", "", domain.Invalid("issuer", "the TOTP issuer is required")
	case strings.Contains(issuer, ":"):
		return "", "", domain.Invalid("issuer", "the TOTP issuer cannot contain a colon")
	case strings.TrimSpace(account) == "":
		return "", "", domain.Invalid("account", "the TOTP account name is required")
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      uint(TOTPPeriod / time.Second),
		SecretSize:  totpSecretBytes,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// VerifyTOTP reports whether code is the TOTP of secret at now, allowing one
// step of clock skew either way, and returns the step it matched. Spaces in
// the code are ignored ("123 456" as some apps display it); anything but six
// digits is refused, as is a secret shorter than 128 bits.
//
// Replay protection: a step at or before lastUsedStep is refused, so a code
// seen over a shoulder or in a log cannot be used again, not even within its
// 90-second window. The caller stores the returned step as the account's new
// lastUsedStep on success (in the same transaction as the login) and passes 0
// for an account that never used one.
func VerifyTOTP(secret, code string, now time.Time, lastUsedStep int64) (ok bool, step int64) {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, code)
	if len(code) != TOTPDigits || !allDigits(code) {
		return false, 0
	}
	if b, decoded := decodeTOTPSecret(secret); !decoded || len(b) < totpMinSecretBytes {
		return false, 0
	}
	period := int64(TOTPPeriod / time.Second)
	cur := now.Unix() / period
	if now.Unix() < 0 && now.Unix()%period != 0 {
		cur-- // floor, not truncation, before 1970
	}
	opts := hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	// Every candidate step is computed and compared, so the time taken does
	// not say which one matched.
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		if s < 0 || s <= lastUsedStep {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), opts)
		if err != nil {
			return false, 0
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			ok, step = true, s // the latest matching step, to close the most of the window
		}
	}
	if !ok {
		return false, 0
	}
	return true, step
}

// decodeTOTPSecret decodes a base32 secret the way the otp library reads it:
// case-insensitive, padding optional.
func decodeTOTPSecret(secret string) ([]byte, bool) {
	s := strings.ToUpper(strings.TrimSpace(secret))
	if len(s) > 256 {
		return nil, false
	}
	if n := len(s) % 8; n != 0 {
		s += strings.Repeat("=", 8-n)
	}
	b, err := base32.StdEncoding.DecodeString(s)
	return b, err == nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Recovery codes let a user who lost the phone log in once per code. Each is
// 16 characters of Crockford's base32 (80 random bits), written
// xxxx-xxxx-xxxx-xxxx. 80 random bits make a fast SHA-256 enough to store
// them: unlike passwords they cannot be guessed from a dictionary.
const (
	recoveryAlphabet = "0123456789abcdefghjkmnpqrstvwxyz" // Crockford: no i, l, o, u
	recoveryChars    = 16
)

// NewRecoveryCodes returns n new recovery codes to show the user once, and
// their hashes (HashToken of the normalised code) to store; the caller
// deletes a code's hash when it is used.
func NewRecoveryCodes(n int) (plain []string, hashed []string) {
	if n <= 0 {
		return nil, nil
	}
	plain, hashed = make([]string, n), make([]string, n)
	raw := make([]byte, recoveryChars)
	for i := range n {
		_, _ = rand.Read(raw) // never fails (crypto/rand crashes the program instead)
		var sb strings.Builder
		for j, b := range raw {
			if j > 0 && j%4 == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(recoveryAlphabet[b&31])
		}
		plain[i] = sb.String()
		hashed[i] = HashToken(normaliseRecoveryCode(plain[i]))
	}
	return plain, hashed
}

// VerifyRecoveryCode returns the index in hashed of the code the user typed,
// or -1. Typing is forgiven: case, dashes and spaces do not matter, and i, l
// and o read as 1, 1 and 0 (Crockford's rule). Every hash is compared, in
// constant time.
func VerifyRecoveryCode(code string, hashed []string) int {
	norm := normaliseRecoveryCode(code)
	if len(norm) != recoveryChars {
		return -1
	}
	h := []byte(HashToken(norm))
	found := -1
	for i, want := range hashed {
		if subtle.ConstantTimeCompare(h, []byte(want)) == 1 && found < 0 {
			found = i
		}
	}
	return found
}

func normaliseRecoveryCode(code string) string {
	if len(code) > 64 {
		return ""
	}
	var sb strings.Builder
	for _, r := range strings.ToLower(code) {
		switch {
		case r == '-' || r == ' ':
			continue
		case r == 'i' || r == 'l':
			r = '1'
		case r == 'o':
			r = '0'
		case !strings.ContainsRune(recoveryAlphabet, r):
			return ""
		}
		sb.WriteRune(r)
	}
	return sb.String()
}
