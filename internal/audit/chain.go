package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"math"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/zeren-edu/zeren/internal/domain"
)

// Alg is a hash algorithm of the chain.
type Alg string

const (
	SHA256 Alg = "sha256" // SHA-256 (FIPS 180-4), the default
	SM3    Alg = "sm3"    // SM3 (GB/T 32905-2016), the Chinese national standard (国密)

	DefaultAlg = SHA256
)

// Algs lists the supported algorithms.
var Algs = []Alg{SHA256, SM3}

// ParseAlg reads the configured algorithm: "sha256" (also "sha-256") or
// "sm3", in any case; empty means DefaultAlg.
func ParseAlg(s string) (Alg, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return DefaultAlg, nil
	case "sha256", "sha-256":
		return SHA256, nil
	case "sm3":
		return SM3, nil
	}
	return "", domain.Invalid("hash_alg", "must be %q or %q, not %q", SHA256, SM3, s)
}

// Valid reports whether a is a supported algorithm, spelled exactly as it is
// stored in Event.Alg.
func (a Alg) Valid() bool { return a == SHA256 || a == SM3 }

func (a Alg) newHash() hash.Hash {
	switch a {
	case SHA256:
		return sha256.New()
	case SM3:
		return sm3.New()
	}
	return nil
}

// Sum returns the hash of data under a in lowercase hex ("" for an invalid Alg).
func (a Alg) Sum(data []byte) string {
	h := a.newHash()
	if h == nil {
		return ""
	}
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// HashLen is the length of a hash in hex; both algorithms give 256 bits.
const HashLen = 64

// GenesisHash is the PrevHash of the first event of a chain.
var GenesisHash = strings.Repeat("0", HashLen)

// Head is a position in a chain: the Seq and Hash of its newest event. The
// head of an empty chain is Genesis (the zero Head means the same).
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Genesis is the head of an empty chain.
var Genesis = Head{Seq: 0, Hash: GenesisHash}

// normalize turns the zero Head into Genesis and checks the rest.
func (h Head) normalize(field string) (Head, error) {
	switch {
	case h.Seq < 0:
		return Head{}, domain.Invalid(field, "seq must not be negative, not %d", h.Seq)
	case h.Seq == 0 && (h.Hash == "" || h.Hash == GenesisHash):
		return Genesis, nil
	case h.Seq == 0:
		return Head{}, domain.Invalid(field, "seq 0 is the empty chain, whose hash is %s, not %q", GenesisHash, h.Hash)
	case !isHash(h.Hash):
		return Head{}, domain.Invalid(field, "hash must be %d lowercase hex digits, not %q", HashLen, h.Hash)
	}
	return h, nil
}

func isHash(s string) bool {
	if len(s) != HashLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Seal appends e to the chain whose newest event is prev (Genesis, or the
// zero Head, for the first event): it checks the description, stores Time in
// UTC truncated to the millisecond and Before/After in canonical JSON, and
// sets Seq = prev.Seq+1, PrevHash = prev.Hash, Alg and Hash. On error e is
// left unchanged.
//
// The caller must read prev and insert e in one transaction that serializes
// writers (a unique Seq makes a concurrent second writer fail rather than
// fork the chain).
func Seal(prev Head, e *Event, alg Alg) error {
	if e == nil {
		return domain.Invalid("event", "is required")
	}
	if !alg.Valid() {
		return domain.Invalid("hash_alg", "must be %q or %q, not %q", SHA256, SM3, alg)
	}
	prev, err := prev.normalize("prev")
	if err != nil {
		return err
	}
	if prev.Seq == math.MaxInt64 {
		return domain.Conflict("seq", "the audit trail is full")
	}
	if err := e.validate(); err != nil {
		return err
	}
	before, err := CanonicalJSON(e.Before)
	if err != nil {
		return domain.Invalid("before", "%v", err)
	}
	after, err := CanonicalJSON(e.After)
	if err != nil {
		return domain.Invalid("after", "%v", err)
	}
	sealed := *e
	sealed.Seq = prev.Seq + 1
	sealed.Time = e.Time.UTC().Truncate(time.Millisecond)
	sealed.Before, sealed.After = before, after
	sealed.PrevHash = prev.Hash
	sealed.Alg = string(alg)
	sealed.Hash, err = ComputeHash(sealed)
	if err != nil {
		return domain.Invalid("event", "%v", err)
	}
	*e = sealed
	return nil
}

// ComputeHash returns H(PrevHash || Canonical(e)) in lowercase hex, H being
// the algorithm e.Alg names. Verify compares it with e.Hash.
func ComputeHash(e Event) (string, error) {
	alg := Alg(e.Alg)
	if !alg.Valid() {
		return "", domain.Invalid("alg", "unknown hash algorithm %q", e.Alg)
	}
	c, err := Canonical(e)
	if err != nil {
		return "", err
	}
	h := alg.newHash()
	h.Write([]byte(e.PrevHash))
	h.Write(c)
	return hex.EncodeToString(h.Sum(nil)), nil
}
