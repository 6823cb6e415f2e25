// Package audit is zeren's tamper-evident audit trail engine (MLPS 2.0 level 3,
// GB/T 22239-2019 §8.1.4.3 安全审计): the event record, its canonical
// encoding, the hash chain that links events, the verifier behind
// `zeren audit verify`, and the retention rule.
//
// It is a pure engine: the standard library, internal/domain and
// github.com/emmansun/gmsm/sm3, no database and no HTTP. internal/app builds an
// Event, calls Seal with the head of the trail and stores the sealed event in
// the same transaction as the change it records; internal/store streams
// events back in Seq order into Verify.
//
// # The chain
//
// Events are numbered 1, 2, 3… without gaps (Seq). Each event stores the hash
// of the event before it (PrevHash; the first event stores GenesisHash, 64
// zeros) and its own hash:
//
//	Hash = hex(H(PrevHash || Canonical(event)))
//
// where PrevHash is the 64 lowercase hex characters as ASCII bytes, Canonical
// is the encoding below (it covers every field except Hash, PrevHash and Alg
// included), and H is the algorithm the event names in Alg: "sha256"
// (SHA-256, the default) or "sm3" (SM3, GB/T 32905-2016). Hashes are written
// in lowercase hex. The algorithm is recorded per event, so a bureau can
// switch from SHA-256 to SM3 at any time: the chain continues and each event
// is verified with its own algorithm.
//
// # Canonical encoding, version 1
//
// A length-prefixed binary encoding, chosen over canonical JSON because it
// has no escaping rules to get wrong and is simple to reimplement (for an
// independent verifier) in any language:
//
//	"zeren-audit-v1" 0x00
//	int   Seq
//	int   Time as Unix milliseconds (the instant; time zone and anything finer than 1 ms are not covered)
//	str   Actor
//	int   ActorID
//	int   OrgID
//	str   ClientAddr
//	str   Type
//	str   Target
//	str   Outcome
//	json  Before
//	json  After
//	str   Detail
//	str   PrevHash
//	str   Alg
//
//	int  = 8 bytes, big-endian two's complement
//	str  = 4-byte big-endian length in bytes, then the UTF-8 bytes as stored
//	json = 0x00 when absent; else 0x01 followed by CanonicalJSON(value) as a str
//
// Strings are hashed byte for byte as stored: a database must return them
// unchanged (text columns do). Seal refuses invalid UTF-8 and NUL, which
// PostgreSQL cannot store.
//
// # Before and After
//
// Before and After are hashed in their canonical JSON form (CanonicalJSON):
// no insignificant whitespace; object keys sorted by their UTF-8 bytes;
// duplicate keys refused; strings re-escaped minimally (only '"', '\\' and
// control characters; \b \f \n \r \t, otherwise \u00XX); numbers rewritten
// from their exact decimal value (1.0, 1.00 and 1e0 are all 1; -0 is 0;
// large and small magnitudes in exponent form, as in ECMAScript) without ever
// going through a float, so 64-bit identifiers keep every digit; and a
// top-level null counts as absent. The hash therefore depends on the JSON
// value only, and a database that re-serializes the document — PostgreSQL
// jsonb reorders keys, drops whitespace, unescapes \u00e9 and writes 1e2 as
// 100 — cannot break the chain. Seal stores the canonical form in the event,
// so a plain text column holds exactly what was hashed. \u0000 is refused
// (jsonb rejects it).
//
// # What the chain detects, and what it cannot
//
// Verify reads events in Seq order and reports the first bad one: an event
// whose content no longer matches its hash (modified, including its Hash or
// PrevHash), a Seq missing from the sequence (missing, e.g. a deleted row), a
// Seq out of order or repeated (reordered), an event whose PrevHash is not
// the hash of the event before it (broken_link: the event before it was
// rewritten and re-hashed), and an unknown algorithm (bad_alg).
//
// The hash is not keyed: anyone who can write to the table can also compute
// hashes. So an attacker who deletes or rewrites events and then re-hashes
// everything after them, or simply deletes the newest events, leaves a chain
// that is internally consistent. Only a record of the head kept outside the
// table detects that. The system therefore records the Head (Seq and Hash of
// the newest event) as an Anchor (anchor.go): a line with an HMAC under a key
// the database never holds, appended to a file in the data directory and
// printed to the service log, at start, periodically and at shutdown; an
// auditor keeps copies off the machine. Verify compares the chain with the
// anchors' heads (Options.Heads, VerifyAgainstHead): a head beyond the end of
// the chain means it was truncated, a head whose hash differs means the
// events up to it were rewritten (or the database replaced). Events appended
// after the newest anchor are protected by the chain only.
//
// # Retention
//
// Events are kept at least MinRetentionDays (184 days, six months as MLPS
// level 3 requires). Older events may be purged from the start of the chain;
// the head of the last purged event must then be kept, and verification
// starts from it (Options.From).
package audit
