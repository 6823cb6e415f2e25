package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are the argon2id cost parameters. They are written into every
// encoded hash, so a hash made with older parameters still verifies after
// the defaults change (and VerifyPassword reports that it needs a rehash).
type HashParams struct {
	Memory  uint32 `json:"memory_kib"` // memory in KiB
	Time    uint32 `json:"time"`       // passes over the memory
	Threads uint8  `json:"threads"`    // lanes (parallelism)
	SaltLen uint32 `json:"salt_len"`   // bytes of random salt
	KeyLen  uint32 `json:"key_len"`    // bytes of derived hash
}

// DefaultParams suit the small server (two cores) a county runs zeren on:
// 64 MiB, one pass, two lanes — above OWASP's argon2id minimum (46 MiB, t=1,
// p=1). Storing only such a slow, memory-hard, salted hash is how zeren keeps
// authentication data confidential in storage (GB/T 22239-2019 8.1.4.8
// 数据保密性): a stolen database does not give passwords away cheaply.
var DefaultParams = HashParams{Memory: 64 * 1024, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}

// TestParams are deliberately cheap (the smallest memory argon2 accepts) so
// tests that hash many passwords stay fast. Never use them in production:
// VerifyPassword reports hashes made with them as needing a rehash.
var TestParams = HashParams{Memory: 8, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds on parameters, enforced both when hashing and when decoding a stored
// hash, so a corrupt or hostile encoding cannot make a verification allocate
// gigabytes or spin for minutes.
const (
	maxMemoryKiB = 256 * 1024 // four times the default
	maxTime      = 16
	maxThreads   = 16
	minSaltLen   = 8
	maxSaltLen   = 64
	minKeyLen    = 16
	maxKeyLen    = 64

	// maxVerifyBytes bounds the password a login may submit for verification.
	// New passwords are capped far lower (MaxPasswordBytes); anything longer
	// than this cannot match and is refused without hashing.
	maxVerifyBytes = 1024
)

// ErrMalformedHash reports a stored password hash that is not a PHC string
// this package produces. It is a data or programming error, not a client one.
var ErrMalformedHash = errors.New("auth: malformed password hash")

func (p HashParams) validate() error {
	switch {
	case p.Threads < 1 || p.Threads > maxThreads:
		return fmt.Errorf("auth: argon2 threads %d outside 1..%d", p.Threads, maxThreads)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("auth: argon2 memory %d KiB outside %d..%d", p.Memory, 8*uint32(p.Threads), maxMemoryKiB)
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("auth: argon2 time %d outside 1..%d", p.Time, maxTime)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("auth: salt length %d outside %d..%d", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("auth: key length %d outside %d..%d", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// b64 is the PHC string format's base64: standard alphabet, no padding.
var b64 = base64.RawStdEncoding.Strict()

// HashPassword hashes pw with argon2id and a fresh random salt and returns the
// PHC string $argon2id$v=19$m=…,t=…,p=…$salt$hash. It does not judge the
// password; CheckNewPassword does that first.
func HashPassword(pw string, p HashParams) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails (it crashes the program instead)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encodeHash(p, salt, key), nil
}

func encodeHash(p HashParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether pw matches the encoded hash, comparing in
// constant time. needsRehash is true when the hash was made with parameters
// other than DefaultParams; the caller then stores HashPassword(pw,
// DefaultParams) after a successful login, so hashes follow the defaults as
// they are raised. A malformed encoding gives ErrMalformedHash (wrapped), never
// a panic; ok is then false.
func VerifyPassword(encoded, pw string) (ok bool, needsRehash bool, err error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	if len(pw) > maxVerifyBytes {
		return false, false, nil
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	return true, p != DefaultParams, nil
}

// NeedsRehash reports whether encoded was made with parameters other than p
// (or is malformed), for deployments whose target parameters are not
// DefaultParams.
func NeedsRehash(encoded string, p HashParams) bool {
	got, _, _, err := decodeHash(encoded)
	return err != nil || got != p
}

// decodeHash parses a PHC argon2id string strictly: exactly the form
// encodeHash writes, canonical decimals and canonical base64, parameters
// within bounds.
func decodeHash(encoded string) (HashParams, []byte, []byte, error) {
	var p HashParams
	bad := func(why string) (HashParams, []byte, []byte, error) {
		return HashParams{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, why)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("not a PHC string")
	}
	if parts[1] != "argon2id" {
		return bad("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("unsupported version")
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return bad("parameters are not m,t,p")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return bad("parameters are not m,t,p")
		}
		n, ok := parseDecimal(v)
		if !ok {
			return bad("parameter " + name + " is not a number")
		}
		vals[i] = n
	}
	if vals[0] > maxMemoryKiB || vals[1] > maxTime || vals[2] > maxThreads {
		return bad("parameters out of range")
	}
	p.Memory, p.Time, p.Threads = uint32(vals[0]), uint32(vals[1]), uint8(vals[2])
	salt, ok := decodeB64(parts[4])
	if !ok {
		return bad("salt is not base64")
	}
	key, ok := decodeB64(parts[5])
	if !ok {
		return bad("hash is not base64")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.validate(); err != nil {
		return bad(err.Error())
	}
	return p, salt, key, nil
}

// parseDecimal accepts a canonical unsigned decimal: digits only, no sign, no
// leading zero, at most 10 digits.
func parseDecimal(s string) (uint64, bool) {
	if s == "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// decodeB64 decodes canonical unpadded standard base64. The round-trip check
// refuses what the decoder would otherwise tolerate (embedded newlines).
func decodeB64(s string) ([]byte, bool) {
	if len(s) > 2*maxKeyLen+8 {
		return nil, false
	}
	b, err := b64.DecodeString(s)
	if err != nil || b64.EncodeToString(b) != s {
		return nil, false
	}
	return b, true
}
