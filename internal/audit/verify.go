package audit

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/zeren-edu/zeren/internal/domain"
)

// ProblemKind says what is wrong with the first bad event.
type ProblemKind string

const (
	// ProblemModified: the event's content no longer matches its Hash (any
	// field changed, its Hash or PrevHash included, or Before/After no longer
	// valid JSON).
	ProblemModified ProblemKind = "modified"
	// ProblemMissing: no event has this Seq (a deleted event, or a Seq changed
	// to a higher one); Seq is the first missing number.
	ProblemMissing ProblemKind = "missing"
	// ProblemReordered: the Seq does come, but out of order or twice.
	ProblemReordered ProblemKind = "reordered"
	// ProblemBrokenLink: the event is intact but its PrevHash is not the Hash
	// of the event before it, which was rewritten and re-hashed (or the chain
	// does not continue from Options.From).
	ProblemBrokenLink ProblemKind = "broken_link"
	// ProblemBadAlg: the event names an unknown hash algorithm.
	ProblemBadAlg ProblemKind = "bad_alg"
	// ProblemTruncated: a head recorded outside the chain lies beyond its end:
	// the newest events were deleted. Seq is the first one missing.
	ProblemTruncated ProblemKind = "truncated"
	// ProblemHeadMismatch: the chain's hash at a recorded head's Seq differs
	// from the recorded one: events up to that Seq were rewritten and the
	// chain re-hashed after them.
	ProblemHeadMismatch ProblemKind = "head_mismatch"
)

// Problem is the first bad event of a chain.
type Problem struct {
	Seq     int64       `json:"seq"`
	Kind    ProblemKind `json:"kind"`
	Message string      `json:"message"`
}

func (p *Problem) Error() string {
	return fmt.Sprintf("audit trail %s at seq %d: %s", p.Kind, p.Seq, p.Message)
}

// Report is the outcome of Verify.
type Report struct {
	Checked  int64    `json:"checked"`   // events verified good, before FirstBad
	From     Head     `json:"from"`      // where verification started (Genesis for a whole chain)
	Last     Head     `json:"last"`      // the newest good event (From when none); record it as a head
	FirstBad *Problem `json:"first_bad"` // nil when the chain (and the heads given) are intact

	seen map[int64]string // hashes found at the Seqs of Options.Heads
}

// OK reports whether no problem was found.
func (r Report) OK() bool { return r.FirstBad == nil }

// Options widen what Verify checks. The zero value verifies a whole chain
// from its first event.
type Options struct {
	// From is the head just before the first event streamed: Genesis (or the
	// zero Head) for a whole chain, or the recorded head of the last event
	// purged under the retention rule.
	From Head
	// Heads are heads recorded outside the database (see the package
	// documentation). Each is checked against the chain: a Seq beyond the end
	// is ProblemTruncated, a different hash ProblemHeadMismatch. Heads before
	// From are ignored (their events were purged).
	Heads []Head
}

// Verify checks a whole chain; next returns its events in Seq order, then
// ok == false. See VerifyWith.
func Verify(next func() (Event, bool, error)) (Report, error) {
	return VerifyWith(next, Options{})
}

// VerifyWith checks the chain that next streams, in Seq order, and reports
// the first bad event: for each event, in this order, that it has the
// expected Seq (a Seq that comes late, early or twice is ProblemReordered, one
// that never comes is ProblemMissing), a known algorithm, a Hash matching its
// content, and a PrevHash equal to the Hash before it. Then opt.Heads are
// checked, and the problem with the lowest Seq is reported.
//
// It stops reading at the first problem, except after a gap in Seq, where it
// reads on to tell a missing event from a misplaced one. An error from next
// is returned with the report so far.
//
// Time is not checked for order: several nodes' clocks may disagree by a few
// milliseconds; Seq is the order.
func VerifyWith(next func() (Event, bool, error), opt Options) (Report, error) {
	from, err := opt.From.normalize("from")
	if err != nil {
		return Report{}, err
	}
	heads := make([]Head, 0, len(opt.Heads))
	for _, h := range opt.Heads {
		h, err := h.normalize("heads")
		if err != nil {
			return Report{}, err
		}
		if h.Seq >= from.Seq {
			heads = append(heads, h)
		}
	}
	slices.SortFunc(heads, func(a, b Head) int { return cmp.Compare(a.Seq, b.Seq) })

	r := Report{From: from, Last: from, seen: make(map[int64]string, len(heads))}
	for _, h := range heads {
		r.seen[h.Seq] = ""
	}
	if err := r.scan(next); err != nil {
		return r, err
	}
	for _, h := range heads {
		if r.FirstBad != nil && h.Seq >= r.FirstBad.Seq {
			break
		}
		if p, _ := r.headProblem(h); p != nil {
			r.FirstBad = p // the lowest Seq: heads are sorted and all below FirstBad
			break
		}
	}
	return r, nil
}

func (r *Report) scan(next func() (Event, bool, error)) error {
	for {
		e, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		want := r.Last.Seq + 1
		switch {
		case e.Seq < want:
			msg := fmt.Sprintf("seq %d comes after seq %d", e.Seq, r.Last.Seq)
			if e.Seq == r.Last.Seq {
				msg = fmt.Sprintf("seq %d comes twice", e.Seq)
			}
			r.FirstBad = &Problem{Seq: e.Seq, Kind: ProblemReordered, Message: msg}
			return nil
		case e.Seq > want:
			return r.gap(want, e.Seq, next)
		}
		if p := check(r.Last, e); p != nil {
			r.FirstBad = p
			return nil
		}
		r.Checked++
		r.Last = e.Head()
		if _, ok := r.seen[e.Seq]; ok {
			r.seen[e.Seq] = e.Hash
		}
	}
}

// gap handles seq got arriving where want was expected: want is missing,
// unless it comes later in the stream.
func (r *Report) gap(want, got int64, next func() (Event, bool, error)) error {
	prev := fmt.Sprintf("seq %d", r.Last.Seq)
	if r.Last.Seq == 0 {
		prev = "the start"
	}
	r.FirstBad = &Problem{Seq: want, Kind: ProblemMissing,
		Message: fmt.Sprintf("seq %d is missing: seq %d follows %s", want, got, prev)}
	for {
		e, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if e.Seq == want {
			r.FirstBad = &Problem{Seq: want, Kind: ProblemReordered,
				Message: fmt.Sprintf("seq %d comes out of order: seq %d comes before it, right after %s", want, got, prev)}
			return nil
		}
	}
}

// check verifies e, which has the Seq expected after prev.
func check(prev Head, e Event) *Problem {
	if !Alg(e.Alg).Valid() {
		return &Problem{Seq: e.Seq, Kind: ProblemBadAlg,
			Message: fmt.Sprintf("unknown hash algorithm %q (expected %q or %q)", e.Alg, SHA256, SM3)}
	}
	sum, err := ComputeHash(e)
	if err != nil {
		return &Problem{Seq: e.Seq, Kind: ProblemModified, Message: fmt.Sprintf("the event cannot be encoded: %v", err)}
	}
	if sum != e.Hash {
		return &Problem{Seq: e.Seq, Kind: ProblemModified,
			Message: fmt.Sprintf("the content does not match the hash: stored %s, computed %s", e.Hash, sum)}
	}
	if e.PrevHash != prev.Hash {
		what := fmt.Sprintf("the hash of seq %d (%s)", prev.Seq, prev.Hash)
		if prev == Genesis {
			what = "the genesis hash"
		}
		return &Problem{Seq: e.Seq, Kind: ProblemBrokenLink,
			Message: fmt.Sprintf("prev_hash %s is not %s: seq %d was rewritten", e.PrevHash, what, prev.Seq)}
	}
	return nil
}

// headProblem checks the recorded head h against r, whose FirstBad (if any)
// lies beyond h.Seq. known is false when r holds no hash for h.Seq.
func (r *Report) headProblem(h Head) (p *Problem, known bool) {
	var got string
	switch hash, ok := r.seen[h.Seq]; {
	case h.Seq > r.Last.Seq:
		return &Problem{Seq: r.Last.Seq + 1, Kind: ProblemTruncated,
			Message: fmt.Sprintf("the trail ends at seq %d, but a head at seq %d (%s) was recorded: the events after seq %d were deleted",
				r.Last.Seq, h.Seq, h.Hash, r.Last.Seq)}, true
	case h.Seq == r.Last.Seq:
		got = r.Last.Hash
	case h.Seq == r.From.Seq:
		got = r.From.Hash
	case ok && hash != "":
		got = hash
	default:
		return nil, false
	}
	if got != h.Hash {
		return &Problem{Seq: h.Seq, Kind: ProblemHeadMismatch,
			Message: fmt.Sprintf("seq %d has hash %s, but %s was recorded: events up to seq %d were rewritten and re-hashed, or the database was replaced", h.Seq, got, h.Hash, h.Seq)}, true
	}
	return nil, true
}

// VerifyAgainstHead checks a head recorded outside the database against a
// report of Verify, and returns the first problem of the chain taking the
// head into account (nil when there is none): ProblemTruncated when the head
// lies beyond the verified chain, ProblemHeadMismatch when the chain's hash
// at the head's Seq differs, else r.FirstBad.
//
// The hash at h.Seq is known when h.Seq is r.From or r.Last, or when h was
// among Options.Heads; otherwise, and for a head before r.From, it returns
// an error.
func VerifyAgainstHead(r Report, h Head) (*Problem, error) {
	h, err := h.normalize("head")
	if err != nil {
		return nil, err
	}
	from := r.From
	if from == (Head{}) {
		from = Genesis
	}
	if h.Seq < from.Seq {
		return nil, domain.Invalid("head", "seq %d precedes the verified events, which start after seq %d", h.Seq, from.Seq)
	}
	if r.FirstBad != nil && h.Seq >= r.FirstBad.Seq {
		return r.FirstBad, nil
	}
	r.From = from
	if r.Last == (Head{}) {
		r.Last = from
	}
	p, known := r.headProblem(h)
	if !known {
		return nil, domain.Invalid("head", "the hash at seq %d was not kept: pass the head in Options.Heads to VerifyWith", h.Seq)
	}
	if p != nil {
		return p, nil
	}
	return r.FirstBad, nil
}
