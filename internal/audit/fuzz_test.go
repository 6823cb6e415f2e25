package audit

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// Decoding and verifying any input neither panics nor contradicts itself.
func FuzzVerifyJSONL(f *testing.F) {
	chain := randomChain(f, 20, 4, SHA256, SM3)
	var valid bytes.Buffer
	for _, e := range chain {
		if err := WriteJSONL(&valid, e); err != nil {
			f.Fatal(err)
		}
	}
	lines := strings.SplitAfter(valid.String(), "\n")
	f.Add(valid.Bytes())
	f.Add([]byte(lines[0] + lines[2] + lines[1]))
	f.Add([]byte(lines[0] + lines[0]))
	f.Add([]byte(strings.Replace(valid.String(), `"seq":2`, `"seq":-9223372036854775808`, 1)))
	f.Add([]byte(strings.Replace(valid.String(), `"alg":"sm3"`, `"alg":"md5"`, 1)))
	f.Add([]byte(strings.Replace(lines[0], `"actor"`, `"before":{"a":[1e400,"\ud800"]},"actor"`, 1)))
	f.Add([]byte(`{"seq":1,"time":"2025-01-01T00:00:00Z","before":{"a":1,"a":2},"prev_hash":"0","hash":"","alg":"sha256"}`))
	f.Add([]byte(`{"seq":1,"time":"9999-12-31T23:59:59.999Z","type":"x","unknown":1}`))
	f.Add([]byte(`{"seq":1} {"seq":2}` + "\n[1,2]"))
	f.Add([]byte(`{"seq":1,"before":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var decoded int64
		read := ReadJSONL(bytes.NewReader(data))
		next := func() (Event, bool, error) {
			e, ok, err := read()
			if ok {
				decoded++
				if _, err := Canonical(e); err == nil {
					if _, err := ComputeHash(e); err != nil && Alg(e.Alg).Valid() {
						t.Fatalf("Canonical works but ComputeHash fails: %v", err)
					}
				}
			}
			return e, ok, err
		}
		rep, err := VerifyWith(next, Options{Heads: []Head{chain[1].Head(), chain[3].Head()}})
		if err != nil {
			return
		}
		if rep.Checked > decoded || rep.Checked < 0 {
			t.Fatalf("checked %d of %d events", rep.Checked, decoded)
		}
		if rep.FirstBad == nil && rep.Checked != decoded {
			t.Fatalf("no problem, but checked %d of %d events", rep.Checked, decoded)
		}
		if rep.FirstBad != nil && (rep.FirstBad.Kind == "" || rep.FirstBad.Message == "") {
			t.Fatalf("empty problem %+v", rep.FirstBad)
		}
		if rep.FirstBad == nil && rep.Last != chain[3].Head() {
			t.Fatalf("the chain ends at %+v, not at the head it was checked against", rep.Last)
		}
		if p, err := VerifyAgainstHead(rep, chain[3].Head()); err != nil || !sameProblem(p, rep.FirstBad) {
			t.Fatalf("VerifyAgainstHead = %v, %v; VerifyWith found %v", p, err, rep.FirstBad)
		}
	})
}

var bigExponent = regexp.MustCompile(`[eE][+-]?0*[0-9]{4,}`)

// CanonicalJSON never panics, gives valid JSON, is idempotent and does not
// change under PostgreSQL's jsonb re-serialization.
func FuzzCanonicalJSON(f *testing.F) {
	for _, s := range []string{
		`{"b":1,"a":[1.0,2.50,-0,1e2,"\u00e9"]}`, `null`, `[null]`, `"\ud800"`, `{"a":1,"a":2}`,
		`1e-7`, `123456789012345678901234567890`, `{"é":{"中":[true,false]}}`, `"\u0000"`, `{`,
		"\"\xff\"", `"\u2028\u007f<>&"`, `-0.0e-0`, `1E+21`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, err := CanonicalJSON(doc)
		if err != nil || out == nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("CanonicalJSON(%q) = %q is not valid JSON", doc, out)
		}
		again, err := CanonicalJSON(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q → %q → %q, %v", doc, out, again, err)
		}
		if bigExponent.Match(doc) {
			return // numericText would print thousands of digits
		}
		pg, err := CanonicalJSON(jsonbText(t, doc))
		if err != nil || !bytes.Equal(pg, out) {
			t.Fatalf("jsonb changes it: %q → %q, but via jsonb %q → %q, %v", doc, out, jsonbText(t, doc), pg, err)
		}
	})
}
