package audit

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"
)

var (
	genRunes   = []rune("abcxyz019 _-.:/@\"\\\n\t李娜王芳一中学区活动审计é😀\u2028\u007f")
	genNumbers = []string{"0", "-0", "1", "1.0", "1.50", "1e2", "1E-3", "-12.5e1", "9007199254740993", "123456789012345678901234567890", "0.000001", "1e-7"}
)

func genText() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.SampledFrom(slices.Concat(sampleActors, sampleTargets, sampleDetails)),
		rapid.StringOfN(rapid.RuneFrom(genRunes), 0, 16, -1),
	)
}

// genValue draws a JSON value of at most depth levels, as a Go value whose
// numbers are json.Number in assorted spellings.
func genValue(t *rapid.T, depth int, label string) any {
	kinds := []string{"string", "number", "bool", "null"}
	if depth > 0 {
		kinds = append(kinds, "object", "array", "object")
	}
	switch rapid.SampledFrom(kinds).Draw(t, label+"_kind") {
	case "string":
		return genText().Draw(t, label+"_string")
	case "number":
		return json.Number(rapid.SampledFrom(genNumbers).Draw(t, label+"_number"))
	case "bool":
		return rapid.Bool().Draw(t, label+"_bool")
	case "array":
		n := rapid.IntRange(0, 3).Draw(t, label+"_len")
		a := make([]any, n)
		for i := range a {
			a[i] = genValue(t, depth-1, fmt.Sprintf("%s_%d", label, i))
		}
		return a
	case "object":
		n := rapid.IntRange(0, 4).Draw(t, label+"_len")
		m := map[string]any{}
		for i := range n {
			m[genText().Draw(t, fmt.Sprintf("%s_key%d", label, i))] = genValue(t, depth-1, fmt.Sprintf("%s_%d", label, i))
		}
		return m
	}
	return nil
}

// genJSON draws a document in a random serialization, or nil.
func genJSON(label string) *rapid.Generator[json.RawMessage] {
	return rapid.Custom(func(t *rapid.T) json.RawMessage {
		if rapid.IntRange(0, 3).Draw(t, label+"_absent") == 0 {
			return nil
		}
		v := genValue(t, 3, label)
		var b []byte
		var err error
		if rapid.Bool().Draw(t, label+"_indent") {
			b, err = json.MarshalIndent(v, " ", "\t")
		} else {
			b, err = json.Marshal(v)
		}
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

func genEvent() *rapid.Generator[Event] {
	return rapid.Custom(func(t *rapid.T) Event {
		return Event{
			Time:       time.UnixMicro(rapid.Int64Range(1_600_000_000_000_000, 2_000_000_000_000_000).Draw(t, "time")),
			Actor:      genText().Draw(t, "actor"),
			ActorID:    rapid.Int64().Draw(t, "actor_id"),
			OrgID:      rapid.Int64Range(0, 1<<40).Draw(t, "org_id"),
			ClientAddr: rapid.SampledFrom(sampleAddrs).Draw(t, "client_addr"),
			Type:       rapid.SampledFrom(Types).Draw(t, "type"),
			Target:     genText().Draw(t, "target"),
			Outcome:    rapid.SampledFrom(sampleOutcome).Draw(t, "outcome"),
			Before:     genJSON("before").Draw(t, "before"),
			After:      genJSON("after").Draw(t, "after"),
			Detail:     genText().Draw(t, "detail"),
		}
	})
}

// genChain draws a sealed chain of 1..24 events, with one algorithm or both.
func genChain(t *rapid.T) []Event {
	events := rapid.SliceOfN(genEvent(), 1, 24).Draw(t, "events")
	algs := rapid.SampledFrom([][]Alg{{SHA256}, {SM3}, {SHA256, SM3}, {SM3, SM3, SHA256}}).Draw(t, "algs")
	return sealAll(t, Genesis, events, algs...)
}

func TestPropIntactChainsVerify(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		chain := genChain(t)
		rep := mustVerify(t, chain, Options{Heads: []Head{chain[len(chain)-1].Head(), chain[0].Head()}})
		wantOK(t, rep, len(chain))
		if rep.Last != chain[len(chain)-1].Head() {
			t.Fatalf("last %+v", rep.Last)
		}
	})
}

// For a random chain and a random tampering, Verify reports exactly the
// first affected Seq with the right kind.
func TestPropTamperingIsFoundAtTheFirstAffectedSeq(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		chain := genChain(t)
		n := len(chain)
		last := chain[n-1].Head()
		events := slices.Clone(chain)
		anchored := rapid.Bool().Draw(t, "anchored") // a head of the original chain was recorded elsewhere
		var heads []Head
		if anchored {
			heads = []Head{last}
		}
		var (
			kind ProblemKind // "" when Verify must find nothing
			seq  int64
		)
		ops := []string{"modify", "renumber", "delete", "move", "duplicate", "swap_contents", "reseal", "truncate", "rewrite_tail", "reformat"}
		if n >= 2 {
			ops = append(ops, "swap_adjacent", "swap_adjacent")
		}
		switch op := rapid.SampledFrom(ops).Draw(t, "op"); op {
		case "modify":
			i := rapid.IntRange(0, n-1).Draw(t, "i")
			f := fieldEdits[rapid.IntRange(0, len(fieldEdits)-1).Draw(t, "field")]
			f.edit(&events[i])
			kind, seq = f.kind, int64(i+1)

		case "renumber": // the Seq column of one row changed
			i := rapid.IntRange(0, n-1).Draw(t, "i")
			w := rapid.Int64Range(-2, int64(n+3)).Filter(func(w int64) bool { return w != int64(i+1) }).Draw(t, "new_seq")
			events[i].Seq = w
			if w < int64(i+1) {
				kind, seq = ProblemReordered, w // it goes backwards (or repeats the one before)
			} else {
				kind, seq = ProblemMissing, int64(i+1) // i+1 never comes
			}

		case "delete":
			i := rapid.IntRange(0, n-1).Draw(t, "i")
			events = without(events, i)
			switch {
			case i < n-1:
				kind, seq = ProblemMissing, int64(i+1)
			case anchored:
				kind, seq = ProblemTruncated, int64(n)
			}

		case "swap_adjacent":
			i := rapid.IntRange(0, n-2).Draw(t, "i")
			events[i], events[i+1] = events[i+1], events[i]
			kind, seq = ProblemReordered, int64(i+1)

		case "move": // one event moved elsewhere in the stream
			i := rapid.IntRange(0, n-1).Draw(t, "from")
			j := rapid.IntRange(0, n-1).Draw(t, "to")
			events = slices.Insert(without(events, i), j, chain[i])
			if i != j {
				kind, seq = ProblemReordered, int64(min(i, j)+1)
			}

		case "duplicate":
			i := rapid.IntRange(0, n-1).Draw(t, "i")
			at := rapid.IntRange(i+1, n).Draw(t, "at")
			events = slices.Insert(events, at, chain[i])
			kind, seq = ProblemReordered, int64(i+1)

		case "swap_contents": // two rows exchange everything but their Seq
			i := rapid.IntRange(0, n-1).Draw(t, "i")
			j := rapid.IntRange(0, n-1).Draw(t, "j")
			events[i], events[j] = events[j], events[i]
			events[i].Seq, events[j].Seq = int64(i+1), int64(j+1)
			if i != j {
				kind, seq = ProblemModified, int64(min(i, j)+1)
			}

		case "reseal": // one event rewritten and its hash recomputed
			i := rapid.IntRange(0, n-1).Draw(t, "i")
			prev := Genesis
			if i > 0 {
				prev = chain[i-1].Head()
			}
			e := events[i]
			e.Detail += " (edited)"
			if err := Seal(prev, &e, Alg(e.Alg)); err != nil {
				t.Fatal(err)
			}
			events[i] = e
			switch {
			case i < n-1:
				kind, seq = ProblemBrokenLink, int64(i+2)
			case anchored:
				kind, seq = ProblemHeadMismatch, int64(n)
			}

		case "truncate": // the newest events deleted
			k := rapid.IntRange(1, n).Draw(t, "deleted")
			events = events[:n-k]
			if anchored {
				kind, seq = ProblemTruncated, int64(n-k+1)
			}

		case "rewrite_tail": // one event deleted and every later one re-sealed
			i := rapid.IntRange(0, n-1).Draw(t, "i")
			a := rapid.IntRange(0, n-1).Draw(t, "anchor")
			heads = []Head{chain[a].Head()}
			prev := Genesis
			if i > 0 {
				prev = chain[i-1].Head()
			}
			tail := slices.Clone(chain[i+1:])
			for j := range tail {
				tail[j].Seq, tail[j].PrevHash, tail[j].Hash = 0, "", ""
			}
			events = slices.Concat(chain[:i], sealAll(t, prev, tail, SM3))
			switch {
			case a < i:
			case a == n-1:
				kind, seq = ProblemTruncated, int64(n)
			default:
				kind, seq = ProblemHeadMismatch, int64(a+1)
			}

		case "reformat": // what storage may do: nothing is wrong
			for i := range events {
				e := &events[i]
				e.Time = e.Time.In(time.FixedZone("", 8*3600)).Add(time.Duration(rapid.IntRange(0, 999).Draw(t, "micros")) * time.Microsecond)
				e.Before, e.After = jsonbText(t, e.Before), jsonbText(t, e.After)
			}
		}

		rep := mustVerify(t, events, Options{Heads: heads})
		if kind == "" {
			wantOK(t, rep, len(events))
		} else {
			wantProblem(t, rep, kind, seq)
		}
		// The same answer from VerifyAgainstHead, where the report holds the hash.
		for _, h := range heads {
			p, err := VerifyAgainstHead(rep, h)
			if err != nil || !sameProblem(p, rep.FirstBad) {
				t.Fatalf("VerifyAgainstHead(%+v) = %v, %v; VerifyWith found %v", h, p, err, rep.FirstBad)
			}
		}
	})
}
