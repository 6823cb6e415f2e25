package audit

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/zeren-edu/zeren/internal/domain"
)

// An anchor is a keyed checkpoint of the chain's head, kept outside the
// database: the Seq and Hash of the newest event at a moment, with an HMAC
// over them under a key the database never holds. The chain alone cannot
// show that its newest events were deleted, or that a run of events was
// rewritten and everything after it re-hashed; an anchor can: Verify with the
// anchors' heads reports ProblemTruncated or ProblemHeadMismatch.
//
// Anchors are appended, one JSON object a line, to a file in the data
// directory (AnchorFileName), and each line is also printed to the server's
// log, so an auditor can copy the file off the machine and verify the
// database against the copy later. The MAC makes a line that an attacker
// edits (to match a rewritten database) fail; copies kept elsewhere make
// deleting or rewriting the server's own file useless.
//
// The MAC is HMAC over the hash the head event uses — HMAC-SHA256 for a
// SHA-256 chain, HMAC-SM3 for an SM3 one — of the message
//
//	"zeren-audit-anchor-v1\n" seq "\n" hash "\n" time "\n" mac_alg "\n" key_id
//
// with seq in decimal, time in RFC 3339 UTC to the millisecond
// (2006-01-02T15:04:05.000Z) and MAC and key_id in lowercase hex.
type Anchor struct {
	V      int       `json:"v"`       // format version, 1
	Seq    int64     `json:"seq"`     // the newest event's Seq
	Hash   string    `json:"hash"`    // the newest event's Hash
	Time   time.Time `json:"time"`    // when the anchor was written (UTC, milliseconds)
	MACAlg string    `json:"mac_alg"` // "hmac-sha256" or "hmac-sm3"
	KeyID  string    `json:"key_id"`  // which key made the MAC (KeyID of the key)
	MAC    string    `json:"mac"`     // HMAC of the message above, lowercase hex
}

// Head returns the chain position the anchor records.
func (a Anchor) Head() Head { return Head{Seq: a.Seq, Hash: a.Hash} }

const (
	// AnchorFileName is the anchor file in the data directory.
	AnchorFileName = "audit-anchors.jsonl"
	// AnchorKeyFileName is the default key file in the data directory.
	AnchorKeyFileName = "audit-anchor.key"
	// AnchorKeyLen is the length of a generated key in bytes (256 bits).
	AnchorKeyLen = 32

	macSHA256 = "hmac-sha256"
	macSM3    = "hmac-sm3"

	anchorTimeLayout = "2006-01-02T15:04:05.000Z"
)

// macAlgFor names the HMAC matching the chain's hash.
func macAlgFor(alg Alg) string {
	if alg == SM3 {
		return macSM3
	}
	return macSHA256
}

func macHash(macAlg string) func() hash.Hash {
	switch macAlg {
	case macSHA256:
		return sha256.New
	case macSM3:
		return sm3.New
	}
	return nil
}

// KeyID names a key without revealing it: the first 16 hex digits of
// SHA-256 over a label and the key.
func KeyID(key []byte) string {
	h := sha256.New()
	h.Write([]byte("zeren-audit-anchor-key-id\n"))
	h.Write(key)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func (a Anchor) message() []byte {
	return fmt.Appendf(nil, "zeren-audit-anchor-v1\n%d\n%s\n%s\n%s\n%s",
		a.Seq, a.Hash, a.Time.UTC().Format(anchorTimeLayout), a.MACAlg, a.KeyID)
}

func (a Anchor) mac(key []byte) (string, error) {
	newHash := macHash(a.MACAlg)
	if newHash == nil {
		return "", fmt.Errorf("unknown mac_alg %q (expected %q or %q)", a.MACAlg, macSHA256, macSM3)
	}
	m := hmac.New(newHash, key)
	m.Write(a.message())
	return hex.EncodeToString(m.Sum(nil)), nil
}

// NewAnchor signs the head h of a chain whose newest event uses alg, at time
// t, with key.
func NewAnchor(key []byte, h Head, alg Alg, t time.Time) (Anchor, error) {
	if len(key) < 16 {
		return Anchor{}, domain.Invalid("key", "the anchor key must have at least 16 bytes, not %d", len(key))
	}
	h, err := h.normalize("head")
	if err != nil {
		return Anchor{}, err
	}
	if !alg.Valid() {
		return Anchor{}, domain.Invalid("hash_alg", "must be %q or %q, not %q", SHA256, SM3, alg)
	}
	a := Anchor{V: 1, Seq: h.Seq, Hash: h.Hash, Time: t.UTC().Truncate(time.Millisecond), MACAlg: macAlgFor(alg), KeyID: KeyID(key)}
	a.MAC, err = a.mac(key)
	return a, err
}

// Check verifies a's MAC under key, saying what is wrong.
func (a Anchor) Check(key []byte) error {
	if a.V != 1 {
		return fmt.Errorf("unknown anchor version %d", a.V)
	}
	if _, err := a.Head().normalize("head"); err != nil || a.Seq == 0 {
		return fmt.Errorf("seq %d and hash %q are not a position in a chain", a.Seq, a.Hash)
	}
	if id := KeyID(key); a.KeyID != id {
		return fmt.Errorf("it was signed with key %s, not with this key (%s): give the key it was written with, or the line was forged", a.KeyID, id)
	}
	want, err := a.mac(key)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(want), []byte(a.MAC)) {
		return fmt.Errorf("the MAC does not match: the line was altered after it was written (seq %d, hash %s)", a.Seq, a.Hash)
	}
	return nil
}

// Line is a's line in the anchor file, without the newline.
func (a Anchor) Line() string {
	// Field order is fixed by the struct; Time is written to the millisecond.
	b, _ := json.Marshal(struct {
		V      int    `json:"v"`
		Seq    int64  `json:"seq"`
		Hash   string `json:"hash"`
		Time   string `json:"time"`
		MACAlg string `json:"mac_alg"`
		KeyID  string `json:"key_id"`
		MAC    string `json:"mac"`
	}{a.V, a.Seq, a.Hash, a.Time.UTC().Format(anchorTimeLayout), a.MACAlg, a.KeyID, a.MAC})
	return string(b)
}

// AnchorProblem is a line of an anchor file that cannot be trusted.
type AnchorProblem struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (p AnchorProblem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Message) }

// maxAnchorLine bounds one line of an anchor file (a line is ~300 bytes).
const maxAnchorLine = 4096

// ReadAnchors reads an anchor file and checks every line's MAC under key.
// It returns the anchors that check out and a problem for every line that
// does not (malformed, unknown format, or a MAC that fails); blank lines are
// skipped. A read error is returned as err.
func ReadAnchors(r io.Reader, key []byte) ([]Anchor, []AnchorProblem, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, maxAnchorLine), maxAnchorLine)
	var good []Anchor
	var bad []AnchorProblem
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		a, err := parseAnchor(line)
		if err == nil {
			err = a.Check(key)
		}
		if err != nil {
			bad = append(bad, AnchorProblem{Line: n, Message: err.Error()})
			continue
		}
		good = append(good, a)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return good, bad, domain.Invalid("anchor", "a line is longer than %d bytes: this is not an anchor file", maxAnchorLine)
		}
		return good, bad, err
	}
	return good, bad, nil
}

func parseAnchor(line string) (Anchor, error) {
	var raw struct {
		V      int    `json:"v"`
		Seq    int64  `json:"seq"`
		Hash   string `json:"hash"`
		Time   string `json:"time"`
		MACAlg string `json:"mac_alg"`
		KeyID  string `json:"key_id"`
		MAC    string `json:"mac"`
	}
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return Anchor{}, fmt.Errorf("not an anchor line: %v", err)
	}
	t, err := time.Parse(anchorTimeLayout, raw.Time)
	if err != nil {
		return Anchor{}, fmt.Errorf("time %q is not of the form %s", raw.Time, anchorTimeLayout)
	}
	return Anchor{V: raw.V, Seq: raw.Seq, Hash: raw.Hash, Time: t, MACAlg: raw.MACAlg, KeyID: raw.KeyID, MAC: raw.MAC}, nil
}

// AppendAnchor appends a's line to the anchor file at path (created 0644: an
// anchor is not secret) and syncs it to disk.
func AppendAnchor(path string, a Anchor) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("opening the audit anchor file: %w", err)
	}
	if _, err := f.WriteString(a.Line() + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("writing the audit anchor file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("syncing the audit anchor file: %w", err)
	}
	return f.Close()
}

// LastAnchor returns the newest anchor of the file at path whose MAC checks
// out under key; ok is false when the file is missing or has none.
func LastAnchor(path string, key []byte) (a Anchor, ok bool, err error) {
	good, _, _, err := ReadAnchorFile(path, key)
	if err != nil || len(good) == 0 {
		return Anchor{}, false, err
	}
	return good[len(good)-1], true, nil
}

// LoadKey reads an anchor key file: the key in hex on its first line.
func LoadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 16 {
		return nil, domain.Invalid("audit_key", "%s must hold the key as at least 32 hexadecimal digits", path)
	}
	return key, nil
}

// LoadOrCreateKey reads the key file at path, creating it with a new random
// key (mode 0600) when it does not exist. created says whether it did.
func LoadOrCreateKey(path string) (key []byte, created bool, err error) {
	key, err = LoadKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	key = make([]byte, AnchorKeyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, false, err
	}
	// O_EXCL: two processes starting at once never overwrite each other's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		key, err = LoadKey(path)
		return key, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("creating the audit anchor key: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, false, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, false, err
	}
	return key, true, f.Close()
}

// AnchorHeads returns the heads anchors record, for Options.Heads.
func AnchorHeads(anchors []Anchor) []Head {
	out := make([]Head, len(anchors))
	for i, a := range anchors {
		out[i] = a.Head()
	}
	return out
}

// ReadAnchorFile reads and checks the anchor file at path (see ReadAnchors);
// exists is false when there is no such file.
func ReadAnchorFile(path string, key []byte) (anchors []Anchor, problems []AnchorProblem, exists bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	defer f.Close()
	anchors, problems, err = ReadAnchors(f, key)
	return anchors, problems, true, err
}
