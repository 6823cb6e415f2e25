package audit

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// stream returns an iterator over events, as a store would give them.
func stream(events []Event) func() (Event, bool, error) {
	i := 0
	return func() (Event, bool, error) {
		if i >= len(events) {
			return Event{}, false, nil
		}
		i++
		return events[i-1], true, nil
	}
}

// sealAll seals events in order onto prev, with algs[i%len(algs)].
func sealAll(t tb, prev Head, events []Event, algs ...Alg) []Event {
	t.Helper()
	out := make([]Event, len(events))
	for i, e := range events {
		if err := Seal(prev, &e, algs[i%len(algs)]); err != nil {
			t.Fatalf("Seal event %d: %v", i+1, err)
		}
		out[i] = e
		prev = e.Head()
	}
	return out
}

var (
	sampleActors  = []string{"admin", "zhang.wei", "李娜", "sec_admin", "audit-admin", "", "王 芳 (一中)"}
	sampleTargets = []string{"activity:42", "account:7", "org:3", "role:school_admin", "file:9f86d081", "", "period:2024Q3"}
	sampleAddrs   = []string{"10.0.0.1", "192.168.1.23", "::1", "2001:db8::7", ""}
	sampleDetails = []string{"", "wrong password", "导出 2024年第三季度 活动台账", "reason: \"typo\"\nline 2", "\t\u2028tab"}
	sampleOutcome = []string{OutcomeSuccess, OutcomeFailure, OutcomeDenied}
)

// randomJSON returns a JSON document in a random, often non-canonical,
// serialization (or nil).
func randomJSON(r *rand.Rand) json.RawMessage {
	switch r.IntN(6) {
	case 0:
		return nil
	case 1:
		return json.RawMessage(`null`)
	case 2:
		return json.RawMessage(fmt.Sprintf(`{"title": "第%d次中心组学习", "count": %d.0, "tags": ["理论", "学习"], "id": 9007199254740993}`, r.IntN(100), r.IntN(50)))
	case 3:
		return json.RawMessage(fmt.Sprintf("{\n  \"z\": 1e2,\n  \"a\": {\"y\": [true, false, null], \"x\": \"\\u00e9\\n\"},\n  \"n\": -%d.50\n}", r.IntN(1000)))
	case 4:
		return json.RawMessage(fmt.Sprintf(`[%d, "x", {"b": 2, "a": 1}]`, r.Int64()))
	}
	return json.RawMessage(`{"status":"approved","org_id":12,"note":"ok"}`)
}

// randomEvent returns an unsealed event.
func randomEvent(r *rand.Rand) Event {
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	return Event{
		Time:       time.UnixMilli(1_700_000_000_000 + r.Int64N(400*24*3600*1000)).Add(time.Duration(r.IntN(1000)) * time.Microsecond),
		Actor:      pick(sampleActors),
		ActorID:    r.Int64N(1000),
		OrgID:      r.Int64N(100),
		ClientAddr: pick(sampleAddrs),
		Type:       pick(Types),
		Target:     pick(sampleTargets),
		Outcome:    pick(sampleOutcome),
		Before:     randomJSON(r),
		After:      randomJSON(r),
		Detail:     pick(sampleDetails),
	}
}

func randomChain(t tb, seed uint64, n int, algs ...Alg) []Event {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	events := make([]Event, n)
	for i := range events {
		events[i] = randomEvent(r)
	}
	return sealAll(t, Genesis, events, algs...)
}

func mustVerify(t tb, events []Event, opt Options) Report {
	t.Helper()
	rep, err := VerifyWith(stream(events), opt)
	if err != nil {
		t.Fatalf("VerifyWith: %v", err)
	}
	return rep
}

func wantProblem(t tb, rep Report, kind ProblemKind, seq int64) {
	t.Helper()
	if rep.FirstBad == nil {
		t.Fatalf("no problem found, want %s at seq %d (checked %d)", kind, seq, rep.Checked)
	}
	if rep.FirstBad.Kind != kind || rep.FirstBad.Seq != seq {
		t.Fatalf("got %s at seq %d (%s), want %s at seq %d", rep.FirstBad.Kind, rep.FirstBad.Seq, rep.FirstBad.Message, kind, seq)
	}
}

func wantOK(t tb, rep Report, n int) {
	t.Helper()
	if rep.FirstBad != nil {
		t.Fatalf("unexpected problem: %v", rep.FirstBad)
	}
	if rep.Checked != int64(n) {
		t.Fatalf("checked %d events, want %d", rep.Checked, n)
	}
}

// without returns events without the one at index i.
func without(events []Event, i int) []Event {
	return slices.Delete(slices.Clone(events), i, i+1)
}

// writeJSONB prints v (decoded with UseNumber) the way PostgreSQL prints jsonb.
func writeJSONB(b *strings.Builder, v any) {
	switch v := v.(type) {
	case map[string]any:
		keys := slices.Collect(maps.Keys(v))
		slices.SortFunc(keys, func(x, y string) int {
			if len(x) != len(y) {
				return len(x) - len(y)
			}
			return strings.Compare(x, y)
		})
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONBString(b, k)
			b.WriteString(": ")
			writeJSONB(b, v[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONB(b, x)
		}
		b.WriteByte(']')
	case string:
		writeJSONBString(b, v)
	case json.Number:
		b.WriteString(numericText(string(v)))
	case bool:
		fmt.Fprint(b, v)
	case nil:
		b.WriteString("null")
	}
}

func writeJSONBString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// numericText prints a JSON number as PostgreSQL's numeric does: in plain
// notation, with the display scale of the input (1.50 stays 1.50, 1e2 is
// 100, 1.5e-3 is 0.0015).
func numericText(n string) string {
	mant, exp, _ := strings.Cut(strings.ToLower(n), "e")
	_, frac, _ := strings.Cut(mant, ".")
	e := 0
	if exp != "" {
		e, _ = strconv.Atoi(exp)
	}
	scale := max(len(frac)-e, 0)
	r, ok := new(big.Rat).SetString(n)
	if !ok {
		panic(n)
	}
	return r.FloatString(scale)
}

// tb is what the helpers need of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// sameProblem reports whether two problems are equal (both nil, or same value).
func sameProblem(a, b *Problem) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
