package audit

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

// flipHex changes one hex digit of a hash.
func flipHex(h string, i int) string {
	b := []byte(h)
	if b[i] == '0' {
		b[i] = '1'
	} else {
		b[i] = '0'
	}
	return string(b)
}

// fieldEdits change one field of an event, each in a way that changes what
// is hashed; kind is what Verify must report.
var fieldEdits = []struct {
	field string
	edit  func(*Event)
	kind  ProblemKind
}{
	{"time", func(e *Event) { e.Time = e.Time.Add(time.Millisecond) }, ProblemModified},
	{"time (a day)", func(e *Event) { e.Time = e.Time.AddDate(0, 0, -1) }, ProblemModified},
	{"actor", func(e *Event) { e.Actor += "x" }, ProblemModified},
	{"actor_id", func(e *Event) { e.ActorID ^= 1 }, ProblemModified},
	{"org_id", func(e *Event) { e.OrgID ^= 1 }, ProblemModified},
	{"client_addr", func(e *Event) { e.ClientAddr += "1" }, ProblemModified},
	{"type", func(e *Event) { e.Type += "x" }, ProblemModified},
	{"target", func(e *Event) { e.Target += "9" }, ProblemModified},
	{"outcome", func(e *Event) {
		if e.Outcome == OutcomeSuccess {
			e.Outcome = OutcomeFailure
		} else {
			e.Outcome = OutcomeSuccess
		}
	}, ProblemModified},
	{"before", func(e *Event) { e.Before = tamperJSON(e.Before) }, ProblemModified},
	{"after", func(e *Event) { e.After = tamperJSON(e.After) }, ProblemModified},
	{"after (not JSON)", func(e *Event) { e.After = json.RawMessage(`{"a":`) }, ProblemModified},
	{"detail", func(e *Event) { e.Detail += "." }, ProblemModified},
	{"prev_hash", func(e *Event) { e.PrevHash = flipHex(e.PrevHash, 7) }, ProblemModified},
	{"hash", func(e *Event) { e.Hash = flipHex(e.Hash, 63) }, ProblemModified},
	{"hash (upper case)", func(e *Event) { e.Hash = strings.ToUpper(e.Hash) }, ProblemModified},
	{"alg (the other one)", func(e *Event) {
		if e.Alg == string(SHA256) {
			e.Alg = string(SM3)
		} else {
			e.Alg = string(SHA256)
		}
	}, ProblemModified},
	{"alg (unknown)", func(e *Event) { e.Alg = "md5" }, ProblemBadAlg},
	{"alg (empty)", func(e *Event) { e.Alg = "" }, ProblemBadAlg},
}

// tamperJSON returns a different JSON value.
func tamperJSON(doc json.RawMessage) json.RawMessage {
	if doc == nil {
		return json.RawMessage(`{"approved":true}`)
	}
	return json.RawMessage("[" + string(doc) + "]")
}

func TestVerifyDetectsAModifiedField(t *testing.T) {
	chain := randomChain(t, 10, 100, SHA256, SM3)
	for _, f := range fieldEdits {
		for _, i := range []int{0, 49, 99} {
			events := slices.Clone(chain)
			f.edit(&events[i])
			rep := mustVerify(t, events, Options{})
			wantProblem(t, rep, f.kind, int64(i+1))
			last := Genesis
			if i > 0 {
				last = chain[i-1].Head()
			}
			if rep.Checked != int64(i) || rep.Last != last {
				t.Fatalf("%s of seq %d: checked %d, last %+v", f.field, i+1, rep.Checked, rep.Last)
			}
		}
	}
}

func TestVerifyIgnoresWhatStorageMayChange(t *testing.T) {
	chain := randomChain(t, 11, 50, SHA256)
	events := slices.Clone(chain)
	for i := range events {
		e := &events[i]
		e.Time = e.Time.In(time.FixedZone("", -5*3600)).Add(999 * time.Microsecond)
		if e.Before != nil {
			e.Before = json.RawMessage("\n  " + string(jsonbText(t, e.Before)) + "  ")
		}
	}
	wantOK(t, mustVerify(t, events, Options{}), 50)
}

func TestVerifyDetectsDeletion(t *testing.T) {
	chain := randomChain(t, 12, 100, SM3)
	wantProblem(t, mustVerify(t, without(chain, 49), Options{}), ProblemMissing, 50)
	wantProblem(t, mustVerify(t, without(chain, 0), Options{}), ProblemMissing, 1)
	wantProblem(t, mustVerify(t, slices.Concat(chain[:10], chain[20:]), Options{}), ProblemMissing, 11)

	// The chain alone cannot see the newest event deleted…
	truncated := chain[:99]
	rep := mustVerify(t, truncated, Options{})
	wantOK(t, rep, 99)
	// …a head recorded elsewhere can.
	p, err := VerifyAgainstHead(rep, chain[99].Head())
	if err != nil || p == nil || p.Kind != ProblemTruncated || p.Seq != 100 {
		t.Fatalf("VerifyAgainstHead = %v, %v; want truncated at 100", p, err)
	}
	wantProblem(t, mustVerify(t, chain[:60], Options{Heads: []Head{chain[20].Head(), chain[99].Head()}}), ProblemTruncated, 61)
	// Everything deleted.
	wantProblem(t, mustVerify(t, nil, Options{Heads: []Head{chain[99].Head()}}), ProblemTruncated, 1)
}

func TestVerifyDetectsReordering(t *testing.T) {
	chain := randomChain(t, 13, 100, SHA256)
	swapped := slices.Clone(chain)
	swapped[49], swapped[50] = swapped[50], swapped[49]
	wantProblem(t, mustVerify(t, swapped, Options{}), ProblemReordered, 50)

	swapped = slices.Clone(chain)
	swapped[10], swapped[80] = swapped[80], swapped[10]
	wantProblem(t, mustVerify(t, swapped, Options{}), ProblemReordered, 11)

	moved := slices.Insert(without(chain, 5), 90, chain[5]) // seq 6 moved late
	wantProblem(t, mustVerify(t, moved, Options{}), ProblemReordered, 6)

	moved = slices.Insert(without(chain, 90), 5, chain[90]) // seq 91 moved early
	wantProblem(t, mustVerify(t, moved, Options{}), ProblemReordered, 6)

	dup := slices.Insert(slices.Clone(chain), 30, chain[29])
	wantProblem(t, mustVerify(t, dup, Options{}), ProblemReordered, 30)

	backwards := slices.Clone(chain)
	slices.Reverse(backwards)
	wantProblem(t, mustVerify(t, backwards, Options{}), ProblemReordered, 1)

	// Rows whose contents were swapped but whose Seq column was kept: the
	// order read back is right, the contents are not.
	contents := slices.Clone(chain)
	contents[49], contents[50] = contents[50], contents[49]
	contents[49].Seq, contents[50].Seq = 50, 51
	wantProblem(t, mustVerify(t, contents, Options{}), ProblemModified, 50)
}

// An attacker who rewrites an event and re-hashes it breaks the link of the
// next; one who re-hashes everything after it is caught by a recorded head.
func TestVerifyDetectsRehashing(t *testing.T) {
	chain := randomChain(t, 14, 100, SHA256)
	resealed := slices.Clone(chain)
	e := resealed[49]
	e.Detail = "nothing to see"
	if err := Seal(chain[48].Head(), &e, SHA256); err != nil {
		t.Fatal(err)
	}
	resealed[49] = e
	wantProblem(t, mustVerify(t, resealed, Options{}), ProblemBrokenLink, 51)

	// Delete seq 50 and re-seal all that follows: a consistent chain of 99.
	tail := slices.Clone(chain[50:])
	for i := range tail {
		tail[i].Seq, tail[i].PrevHash, tail[i].Hash = 0, "", ""
	}
	rewritten := slices.Concat(chain[:49], sealAll(t, chain[48].Head(), tail, SHA256))
	wantOK(t, mustVerify(t, rewritten, Options{}), 99)
	wantOK(t, mustVerify(t, rewritten, Options{Heads: []Head{chain[9].Head(), chain[48].Head()}}), 99)
	wantProblem(t, mustVerify(t, rewritten, Options{Heads: []Head{chain[9].Head(), chain[69].Head(), chain[79].Head()}}), ProblemHeadMismatch, 70)
	wantProblem(t, mustVerify(t, rewritten, Options{Heads: []Head{chain[99].Head()}}), ProblemTruncated, 100)

	rep := mustVerify(t, rewritten, Options{Heads: []Head{chain[79].Head()}})
	if p, err := VerifyAgainstHead(rep, chain[79].Head()); err != nil || p == nil || p.Kind != ProblemHeadMismatch || p.Seq != 80 {
		t.Fatalf("VerifyAgainstHead = %v, %v; want head_mismatch at 80", p, err)
	}
	// The report already holds the first problem; a later head does not replace it.
	if p, err := VerifyAgainstHead(rep, chain[98].Head()); err != nil || p != rep.FirstBad {
		t.Fatalf("VerifyAgainstHead(later head) = %v, %v; want %v", p, err, rep.FirstBad)
	}
	rep = mustVerify(t, rewritten, Options{})
	if p, err := VerifyAgainstHead(rep, chain[98].Head()); err != nil || p == nil || p.Kind != ProblemHeadMismatch || p.Seq != 99 {
		t.Fatalf("VerifyAgainstHead(last) = %v, %v; want head_mismatch at 99", p, err)
	}
}

// A head recorded before a problem further on is still checked, and the
// lower Seq wins.
func TestVerifyReportsTheLowestProblem(t *testing.T) {
	chain := randomChain(t, 15, 40, SM3)
	forged := chain[9].Head()
	forged.Hash = flipHex(forged.Hash, 0)
	events := slices.Clone(chain)
	events[29].Detail += "!"
	wantProblem(t, mustVerify(t, events, Options{Heads: []Head{forged}}), ProblemHeadMismatch, 10)
	wantProblem(t, mustVerify(t, events, Options{Heads: []Head{chain[9].Head(), chain[35].Head()}}), ProblemModified, 30)

	rep := mustVerify(t, events, Options{})
	if p, err := VerifyAgainstHead(rep, chain[35].Head()); err != nil || p != rep.FirstBad {
		t.Fatalf("VerifyAgainstHead past the first problem = %v, %v; want %v", p, err, rep.FirstBad)
	}
}

// After purging under the retention rule, verification starts from the head
// of the last purged event.
func TestVerifyFromAPurgedPrefix(t *testing.T) {
	chain := randomChain(t, 16, 100, SHA256, SM3)
	kept := chain[40:]
	from := chain[39].Head()
	rep := mustVerify(t, kept, Options{From: from, Heads: []Head{chain[5].Head(), from, chain[60].Head()}})
	wantOK(t, rep, 60)
	if rep.From != from || rep.Last != chain[99].Head() {
		t.Fatalf("report from %+v last %+v", rep.From, rep.Last)
	}
	if _, err := VerifyAgainstHead(rep, chain[5].Head()); !domain.IsKind(err, domain.KindInvalid) {
		t.Fatalf("VerifyAgainstHead before From = %v, want invalid", err)
	}
	if p, err := VerifyAgainstHead(rep, chain[60].Head()); p != nil || err != nil {
		t.Fatalf("VerifyAgainstHead(watched head) = %v, %v", p, err)
	}
	if p, err := VerifyAgainstHead(rep, from); p != nil || err != nil {
		t.Fatalf("VerifyAgainstHead(from) = %v, %v", p, err)
	}

	wantProblem(t, mustVerify(t, kept, Options{}), ProblemMissing, 1)
	wrong := from
	wrong.Hash = flipHex(wrong.Hash, 3)
	wantProblem(t, mustVerify(t, kept, Options{From: wrong}), ProblemBrokenLink, 41)
	wantProblem(t, mustVerify(t, kept, Options{From: chain[38].Head()}), ProblemMissing, 40)
	wantProblem(t, mustVerify(t, chain, Options{From: chain[38].Head()}), ProblemReordered, 1)
}

func TestVerifyEmptyChain(t *testing.T) {
	rep, err := Verify(stream(nil))
	if err != nil {
		t.Fatal(err)
	}
	wantOK(t, rep, 0)
	if rep.Last != Genesis || !rep.OK() {
		t.Fatalf("empty chain: %+v", rep)
	}
	if p, err := VerifyAgainstHead(rep, Head{}); p != nil || err != nil {
		t.Fatalf("VerifyAgainstHead(genesis) = %v, %v", p, err)
	}
	// A zero Report (not from Verify) is an empty chain too.
	if p, err := VerifyAgainstHead(Report{}, Genesis); p != nil || err != nil {
		t.Fatalf("VerifyAgainstHead(Report{}, genesis) = %v, %v", p, err)
	}
}

func TestVerifyAgainstHeadItDidNotWatch(t *testing.T) {
	chain := randomChain(t, 17, 20, SHA256)
	rep := mustVerify(t, chain, Options{})
	if _, err := VerifyAgainstHead(rep, chain[9].Head()); !domain.IsKind(err, domain.KindInvalid) {
		t.Fatalf("VerifyAgainstHead(unwatched) = %v, want invalid", err)
	}
	for _, h := range []Head{{Seq: -1}, {Seq: 3, Hash: "abc"}, {Seq: 0, Hash: chain[0].Hash}} {
		if _, err := VerifyAgainstHead(rep, h); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("VerifyAgainstHead(%+v) = %v, want invalid", h, err)
		}
		if _, err := VerifyWith(stream(chain), Options{Heads: []Head{h}}); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("VerifyWith(heads %+v) = %v, want invalid", h, err)
		}
		if _, err := VerifyWith(stream(chain), Options{From: h}); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("VerifyWith(from %+v) = %v, want invalid", h, err)
		}
	}
}

func TestVerifyPassesOnReadErrors(t *testing.T) {
	chain := randomChain(t, 18, 10, SHA256)
	boom := errors.New("connection reset")
	for _, events := range [][]Event{chain, without(chain, 2)} {
		i := 0
		rep, err := Verify(func() (Event, bool, error) {
			if i == 6 {
				return Event{}, false, boom
			}
			i++
			return events[i-1], true, nil
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Verify = %v, want the read error", err)
		}
		if rep.Checked > 6 {
			t.Fatalf("checked %d", rep.Checked)
		}
	}
}

func TestProblemError(t *testing.T) {
	p := &Problem{Seq: 7, Kind: ProblemMissing, Message: "seq 7 is missing"}
	if got := p.Error(); got != "audit trail missing at seq 7: seq 7 is missing" {
		t.Fatal(got)
	}
}
