package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"

	"github.com/zeren-edu/zeren/internal/domain"
)

// NewSessionID returns a new session identifier: 32 random bytes (256 bits),
// base64url without padding (43 characters, cookie-safe). Store only
// HashToken(id), so that a read of the sessions table does not hand out live
// sessions.
func NewSessionID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// API tokens for machine clients look like zrn_<id>_<secret>: the prefix
// lets secret scanners and people recognise a leaked zeren token, the id (8
// random bytes, 16 lower-case hex digits) is the public handle under which the
// token's row is found, and the secret (32 random bytes, 64 lower-case hex
// digits) is stored only as HashToken(secret). Hex keeps both parts free of
// the '_' separator, so parsing is unambiguous.
const (
	apiTokenPrefix    = "zrn_"
	apiTokenIDLen     = 16
	apiTokenSecretLen = 64
	apiTokenLen       = len(apiTokenPrefix) + apiTokenIDLen + 1 + apiTokenSecretLen
)

// NewAPIToken returns a new API token to show the client once (plain), the id
// to store it under and the hash of its secret to store with it.
func NewAPIToken() (plain, id, hash string) {
	b := make([]byte, apiTokenIDLen/2+apiTokenSecretLen/2)
	_, _ = rand.Read(b) // never fails (crypto/rand crashes the program instead)
	id = hex.EncodeToString(b[:apiTokenIDLen/2])
	secret := hex.EncodeToString(b[apiTokenIDLen/2:])
	return apiTokenPrefix + id + "_" + secret, id, HashToken(secret)
}

// ParseAPIToken splits a token into its id and secret. It is strict — exact
// length, prefix and separator, lower-case hex only — so that anything else a
// client sends is refused before the database is asked. The error is of kind
// invalid on field "token"; the HTTP layer answers every authentication
// failure alike (401), malformed or unknown.
func ParseAPIToken(s string) (id, secret string, err error) {
	if len(s) != apiTokenLen || s[:len(apiTokenPrefix)] != apiTokenPrefix || s[len(apiTokenPrefix)+apiTokenIDLen] != '_' {
		return "", "", domain.Invalid("token", "malformed API token")
	}
	id = s[len(apiTokenPrefix) : len(apiTokenPrefix)+apiTokenIDLen]
	secret = s[len(apiTokenPrefix)+apiTokenIDLen+1:]
	if !lowerHex(id) || !lowerHex(secret) {
		return "", "", domain.Invalid("token", "malformed API token")
	}
	return id, secret, nil
}

// HashToken is the stored form of a high-entropy secret (an API token's
// secret, a session id, a recovery code): SHA-256, lower-case hex. A fast hash
// is right here, unlike for passwords: 80 bits or more of randomness cannot
// be guessed, so slowing each guess down buys nothing.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// VerifyToken reports whether secret hashes to the stored hash, comparing
// in constant time.
func VerifyToken(secret, hash string) bool {
	return subtle.ConstantTimeCompare([]byte(HashToken(secret)), []byte(hash)) == 1
}

func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
