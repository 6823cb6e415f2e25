package audit

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/domain"
)

func TestChainOf1000VerifiesWithEachAlg(t *testing.T) {
	for _, tc := range []struct {
		name string
		algs []Alg
	}{
		{"sha256", []Alg{SHA256}},
		{"sm3", []Alg{SM3}},
		{"mixed", []Alg{SHA256, SHA256, SM3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			events := randomChain(t, 1, 1000, tc.algs...)
			for i, e := range events {
				if e.Seq != int64(i+1) || e.Alg != string(tc.algs[i%len(tc.algs)]) || !isHash(e.Hash) {
					t.Fatalf("event %d sealed as seq %d, alg %q, hash %q", i+1, e.Seq, e.Alg, e.Hash)
				}
			}
			rep, err := Verify(stream(events))
			if err != nil {
				t.Fatal(err)
			}
			wantOK(t, rep, 1000)
			if rep.Last != events[999].Head() || rep.From != Genesis {
				t.Fatalf("report from %+v last %+v, want genesis and %+v", rep.From, rep.Last, events[999].Head())
			}
			if p, err := VerifyAgainstHead(rep, events[999].Head()); p != nil || err != nil {
				t.Fatalf("VerifyAgainstHead(last) = %v, %v", p, err)
			}
		})
	}
}

func TestSealLinksToGenesisAndPrev(t *testing.T) {
	events := randomChain(t, 2, 3, SHA256)
	if events[0].Seq != 1 || events[0].PrevHash != GenesisHash || GenesisHash != strings.Repeat("0", 64) {
		t.Fatalf("first event: seq %d prev %q", events[0].Seq, events[0].PrevHash)
	}
	for i := 1; i < len(events); i++ {
		if events[i].PrevHash != events[i-1].Hash || events[i].Seq != events[i-1].Seq+1 {
			t.Fatalf("event %d does not link to event %d", i+1, i)
		}
	}
	// The zero Head is the genesis head.
	e1 := Event{Time: time.Now(), Type: TypeLogout, Outcome: OutcomeSuccess}
	e2 := e1
	if err := Seal(Head{}, &e1, SM3); err != nil {
		t.Fatal(err)
	}
	if err := Seal(Genesis, &e2, SM3); err != nil {
		t.Fatal(err)
	}
	if e1.Hash != e2.Hash || e1.PrevHash != GenesisHash {
		t.Fatalf("Seal(Head{}) and Seal(Genesis) differ: %+v %+v", e1, e2)
	}
}

func TestSealNormalizes(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	e := Event{
		Time:    time.Date(2025, 3, 1, 9, 30, 0, 123_456_789, loc),
		Type:    TypeActivityUpdate,
		Outcome: OutcomeSuccess,
		Target:  "activity:42",
		Before:  json.RawMessage(" {\"b\": 1.0, \"a\": \"\\u674e\"} "),
		After:   json.RawMessage("null"),
	}
	if err := Seal(Genesis, &e, SHA256); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 3, 1, 1, 30, 0, 123_000_000, time.UTC); !e.Time.Equal(want) || e.Time.Location() != time.UTC {
		t.Errorf("Time = %v, want %v", e.Time, want)
	}
	if string(e.Before) != `{"a":"李","b":1}` || e.After != nil {
		t.Errorf("Before = %s, After = %q", e.Before, e.After)
	}
}

func TestSealRefusesBadEvents(t *testing.T) {
	good := func() Event {
		return Event{Time: time.Now(), Type: TypeLoginFailure, Outcome: OutcomeFailure, Actor: "zhang"}
	}
	for _, tc := range []struct {
		name  string
		prev  Head
		alg   Alg
		edit  func(*Event)
		field string
	}{
		{"no time", Genesis, SHA256, func(e *Event) { e.Time = time.Time{} }, "time"},
		{"time before 1970", Genesis, SHA256, func(e *Event) { e.Time = time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) }, "time"},
		{"no type", Genesis, SHA256, func(e *Event) { e.Type = "" }, "type"},
		{"type upper case", Genesis, SHA256, func(e *Event) { e.Type = "Login.Success" }, "type"},
		{"type empty word", Genesis, SHA256, func(e *Event) { e.Type = "login..success" }, "type"},
		{"type trailing dot", Genesis, SHA256, func(e *Event) { e.Type = "login." }, "type"},
		{"type digit first", Genesis, SHA256, func(e *Event) { e.Type = "1login" }, "type"},
		{"type too long", Genesis, SHA256, func(e *Event) { e.Type = strings.Repeat("a", MaxTypeLen+1) }, "type"},
		{"bad outcome", Genesis, SHA256, func(e *Event) { e.Outcome = "ok" }, "outcome"},
		{"actor not utf-8", Genesis, SHA256, func(e *Event) { e.Actor = "\xff" }, "actor"},
		{"detail with NUL", Genesis, SHA256, func(e *Event) { e.Detail = "a\x00b" }, "detail"},
		{"before not JSON", Genesis, SHA256, func(e *Event) { e.Before = json.RawMessage(`{"a":`) }, "before"},
		{"after duplicate key", Genesis, SHA256, func(e *Event) { e.After = json.RawMessage(`{"a":1,"a":2}`) }, "after"},
		{"after with \\u0000", Genesis, SHA256, func(e *Event) { e.After = json.RawMessage(`["\u0000"]`) }, "after"},
		{"unknown alg", Genesis, "md5", func(*Event) {}, "hash_alg"},
		{"alg not spelled as stored", Genesis, "SM3", func(*Event) {}, "hash_alg"},
		{"negative prev", Head{Seq: -1, Hash: GenesisHash}, SHA256, func(*Event) {}, "prev"},
		{"prev without hash", Head{Seq: 5}, SHA256, func(*Event) {}, "prev"},
		{"prev hash upper case", Head{Seq: 5, Hash: strings.Repeat("A", 64)}, SHA256, func(*Event) {}, "prev"},
		{"seq 0 with a hash", Head{Seq: 0, Hash: strings.Repeat("1", 64)}, SHA256, func(*Event) {}, "prev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := good()
			tc.edit(&e)
			orig := e
			err := Seal(tc.prev, &e, tc.alg)
			var de *domain.Error
			if !asDomain(err, &de) || de.Kind != domain.KindInvalid || de.Field != tc.field {
				t.Fatalf("Seal = %v, want invalid %s", err, tc.field)
			}
			if e.Hash != "" || e.Seq != orig.Seq || !bytes.Equal(e.Before, orig.Before) {
				t.Fatalf("a refused event was changed: %+v", e)
			}
		})
	}
	e := good()
	if err := Seal(Head{Seq: math.MaxInt64, Hash: strings.Repeat("1", 64)}, &e, SHA256); !domain.IsKind(err, domain.KindConflict) {
		t.Fatalf("Seal after MaxInt64 = %v, want conflict", err)
	}
	if err := Seal(Genesis, nil, SHA256); !domain.IsKind(err, domain.KindInvalid) {
		t.Fatalf("Seal(nil) = %v", err)
	}
}

func asDomain(err error, target **domain.Error) bool {
	de, ok := err.(*domain.Error)
	*target = de
	return ok
}

func TestEveryListedTypeIsValid(t *testing.T) {
	seen := map[string]bool{}
	for _, typ := range Types {
		if !validType(typ) || seen[typ] {
			t.Errorf("type %q is invalid or listed twice", typ)
		}
		seen[typ] = true
	}
	if len(Types) < 35 {
		t.Errorf("only %d types", len(Types))
	}
}

func TestParseAlg(t *testing.T) {
	for in, want := range map[string]Alg{"": SHA256, "sha256": SHA256, " SHA-256 ": SHA256, "sm3": SM3, "SM3": SM3} {
		if got, err := ParseAlg(in); got != want || err != nil {
			t.Errorf("ParseAlg(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"md5", "sha1", "sm4", "sha512"} {
		if _, err := ParseAlg(in); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("ParseAlg(%q) = %v, want invalid", in, err)
		}
	}
}

// The GB/T 32905-2016 appendix A examples, and FIPS 180-2's for SHA-256.
func TestHashTestVectors(t *testing.T) {
	for _, tc := range []struct {
		alg       Alg
		msg, want string
	}{
		{SM3, "abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		{SM3, strings.Repeat("abcd", 16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
		{SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	} {
		if got := tc.alg.Sum([]byte(tc.msg)); got != tc.want {
			t.Errorf("%s(%q) = %s, want %s", tc.alg, tc.msg, got, tc.want)
		}
	}
	if Alg("md5").Sum([]byte("abc")) != "" {
		t.Error("an unknown algorithm hashed")
	}
}

// The encoding is a stored format: these values must never change, or every
// chain sealed before would fail verification.
func TestCanonicalEncodingIsStable(t *testing.T) {
	e := Event{
		Seq:        2,
		Time:       time.Date(2025, 9, 1, 8, 0, 0, 5_000_000, time.UTC),
		Actor:      "李娜",
		ActorID:    7,
		OrgID:      -3,
		ClientAddr: "10.0.0.1",
		Type:       TypeActivityUpdate,
		Target:     "activity:42",
		Outcome:    OutcomeSuccess,
		Before:     json.RawMessage(`{"b":1,"a":[1.50]}`),
		Detail:     "x",
		PrevHash:   GenesisHash,
		Alg:        "sha256",
	}
	c, err := Canonical(e)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	want.WriteString("zeren-audit-v1\x00")
	want.Write([]byte{0, 0, 0, 0, 0, 0, 0, 2})                         // seq
	want.Write([]byte{0, 0, 1, 0x99, 0x04, 0x4a, 0x44, 0x05})          // 1756713600005 ms
	want.Write([]byte{0, 0, 0, 6})                                     // actor
	want.WriteString("李娜")                                             //
	want.Write([]byte{0, 0, 0, 0, 0, 0, 0, 7})                         // actor id
	want.Write([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd}) // org id -3
	want.Write([]byte{0, 0, 0, 8})                                     //
	want.WriteString("10.0.0.1")                                       //
	want.Write([]byte{0, 0, 0, 15})                                    //
	want.WriteString("activity.update")                                //
	want.Write([]byte{0, 0, 0, 11})                                    //
	want.WriteString("activity:42")                                    //
	want.Write([]byte{0, 0, 0, 7})                                     //
	want.WriteString("success")                                        //
	want.Write([]byte{1, 0, 0, 0, 17})                                 // before, present
	want.WriteString(`{"a":[1.5],"b":1}`)                              //
	want.Write([]byte{0})                                              // after, absent
	want.Write([]byte{0, 0, 0, 1})                                     //
	want.WriteString("x")                                              //
	want.Write([]byte{0, 0, 0, 64})                                    //
	want.WriteString(GenesisHash)                                      //
	want.Write([]byte{0, 0, 0, 6})                                     //
	want.WriteString("sha256")                                         //
	if !bytes.Equal(c, want.Bytes()) {
		t.Fatalf("canonical encoding\n got %q\nwant %q", c, want.Bytes())
	}
	if got, _ := ComputeHash(e); got != SHA256.Sum(append([]byte(GenesisHash), c...)) {
		t.Errorf("ComputeHash = %s, not H(PrevHash || Canonical)", got)
	}
	for alg, golden := range map[Alg]string{SHA256: goldenSHA256, SM3: goldenSM3} {
		e.Alg = string(alg)
		if got, err := ComputeHash(e); got != golden || err != nil {
			t.Errorf("%s hash of the fixed event = %s, %v, want %s", alg, got, err, golden)
		}
	}
}

// Computed independently (Python hashlib over OpenSSL) from the bytes above.
const (
	goldenSHA256 = "6b66249c5b0bbb4a981a0c925c0351b45992759532042c2c2e1847cdcf1b71b2"
	goldenSM3    = "80c895e254b98f5d95211b46d643122479bd8618e7abd30fdd4c64ea5908373a"
)

// A database that re-serializes Before/After (PostgreSQL jsonb) or returns
// times in another zone does not break the chain; an export and re-import
// does not either.
func TestChainSurvivesStorage(t *testing.T) {
	events := randomChain(t, 3, 200, SHA256, SM3)
	cst := time.FixedZone("CST", 8*3600)
	stored := make([]Event, len(events))
	for i, e := range events {
		e.Time = e.Time.In(cst).Add(300 * time.Microsecond) // timestamptz keeps microseconds
		e.Before = jsonbText(t, e.Before)
		e.After = jsonbText(t, e.After)
		stored[i] = e
	}
	wantOK(t, mustVerify(t, stored, Options{}), len(events))

	var buf bytes.Buffer
	for _, e := range stored {
		if err := WriteJSONL(&buf, e); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := Verify(ReadJSONL(&buf))
	if err != nil {
		t.Fatal(err)
	}
	wantOK(t, rep, len(events))
}

// jsonbText imitates how PostgreSQL prints a jsonb value: keys ordered by
// length then bytes, ", " and ": " separators, \u escapes of printable
// characters decoded, numbers as numeric prints them (1e2 as 100).
func jsonbText(t tb, doc json.RawMessage) json.RawMessage {
	t.Helper()
	if doc == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	writeJSONB(&b, v)
	return json.RawMessage(b.String())
}
