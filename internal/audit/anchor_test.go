package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var anchorTime = time.Date(2026, 12, 6, 8, 30, 0, 123456789, time.FixedZone("CST", 8*3600))

func testKey(b byte) []byte {
	k := make([]byte, AnchorKeyLen)
	for i := range k {
		k[i] = b + byte(i)
	}
	return k
}

func TestAnchorRoundTripAndMACAlg(t *testing.T) {
	key := testKey(1)
	for _, alg := range Algs {
		chain := randomChain(t, 3, 5, alg)
		a, err := NewAnchor(key, chain[4].Head(), alg, anchorTime)
		if err != nil {
			t.Fatal(err)
		}
		want := map[Alg]string{SHA256: "hmac-sha256", SM3: "hmac-sm3"}[alg]
		if a.MACAlg != want {
			t.Errorf("%s chain: mac_alg %q, want %q", alg, a.MACAlg, want)
		}
		got, bad, err := ReadAnchors(strings.NewReader(a.Line()+"\n\n"), key)
		if err != nil || len(bad) != 0 || len(got) != 1 {
			t.Fatalf("ReadAnchors(%s) = %v, %v, %v", a.Line(), got, bad, err)
		}
		if got[0].Head() != chain[4].Head() || !got[0].Time.Equal(anchorTime.Truncate(time.Millisecond)) {
			t.Errorf("read back %+v", got[0])
		}
		rep := mustVerify(t, chain, Options{Heads: AnchorHeads(got)})
		wantOK(t, rep, 5)
	}
}

// Editing any field of an anchor line — to make it agree with a rewritten
// database — makes its MAC fail; so does another installation's key.
func TestAnchorTamperedLineFails(t *testing.T) {
	key := testKey(1)
	chain := randomChain(t, 4, 3, SHA256)
	a, err := NewAnchor(key, chain[2].Head(), SHA256, anchorTime)
	if err != nil {
		t.Fatal(err)
	}
	line := a.Line()
	edits := map[string]string{
		"seq":  strings.Replace(line, `"seq":3`, `"seq":2`, 1),
		"hash": strings.Replace(line, a.Hash, chain[1].Hash, 1),
		"time": strings.Replace(line, "00:30:00.123Z", "00:30:01.123Z", 1),
		"mac":  strings.Replace(line, a.MAC, flipHex(a.MAC, 10), 1),
	}
	for what, l := range edits {
		if l == line {
			t.Fatalf("edit of %s changed nothing", what)
		}
		good, bad, err := ReadAnchors(strings.NewReader(line+"\n"+l+"\n"), key)
		if err != nil {
			t.Fatal(err)
		}
		if len(good) != 1 || len(bad) != 1 || bad[0].Line != 2 || !strings.Contains(bad[0].Message, "MAC does not match") {
			t.Errorf("edited %s: good %d, problems %v; want line 2 reported as a failing MAC", what, len(good), bad)
		}
	}
	_, bad, _ := ReadAnchors(strings.NewReader(line), testKey(9))
	if len(bad) != 1 || !strings.Contains(bad[0].Message, "not with this key") {
		t.Errorf("another key: %v", bad)
	}
	_, bad, _ = ReadAnchors(strings.NewReader("seq=3 hash=abc\n"), key)
	if len(bad) != 1 || bad[0].Line != 1 || !strings.Contains(bad[0].Message, "not an anchor line") {
		t.Errorf("garbage: %v", bad)
	}
}

// The three attacks of issue #9 that the chain alone cannot see.
func TestAnchorsDetectTruncationRewriteAndReplacement(t *testing.T) {
	key := testKey(1)
	chain := randomChain(t, 5, 20, SHA256, SM3)
	var anchors []Anchor
	for _, i := range []int{9, 14} { // anchored at seq 10 and 15
		a, err := NewAnchor(key, chain[i].Head(), Alg(chain[i].Alg), anchorTime)
		if err != nil {
			t.Fatal(err)
		}
		anchors = append(anchors, a)
	}
	heads := AnchorHeads(anchors)
	wantOK(t, mustVerify(t, chain, Options{Heads: heads}), 20)

	// DELETE FROM audit_events WHERE seq > 12: intact as a chain, not against seq 15.
	cut := chain[:12]
	wantOK(t, mustVerify(t, cut, Options{}), 12)
	wantProblem(t, mustVerify(t, cut, Options{Heads: heads}), ProblemTruncated, 13)

	// Events from seq 8 on rewritten, and every hash after recomputed.
	rewritten := append([]Event{}, chain[:7]...)
	tail := make([]Event, 0, 13)
	for _, e := range chain[7:] {
		e.Detail += " (edited)"
		tail = append(tail, e)
	}
	rewritten = append(rewritten, sealAll(t, chain[6].Head(), tail, SHA256)...)
	wantOK(t, mustVerify(t, rewritten, Options{}), 20)
	rep := mustVerify(t, rewritten, Options{Heads: heads})
	wantProblem(t, rep, ProblemHeadMismatch, 10)
	if !strings.Contains(rep.FirstBad.Message, chain[9].Hash) {
		t.Errorf("the message does not name the anchored hash: %s", rep.FirstBad.Message)
	}

	// Another database altogether, longer than the anchors.
	other := randomChain(t, 77, 30, SHA256)
	wantProblem(t, mustVerify(t, other, Options{Heads: heads}), ProblemHeadMismatch, 10)
}

func TestAnchorFileAndKey(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, AnchorKeyFileName)
	key, created, err := LoadOrCreateKey(keyPath)
	if err != nil || !created || len(key) != AnchorKeyLen {
		t.Fatalf("LoadOrCreateKey = %x, %v, %v", key, created, err)
	}
	st, err := os.Stat(keyPath)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", st.Mode(), err)
	}
	again, created, err := LoadOrCreateKey(keyPath)
	if err != nil || created || string(again) != string(key) {
		t.Fatalf("second LoadOrCreateKey = %x, %v, %v; want the same key", again, created, err)
	}

	path := filepath.Join(dir, AnchorFileName)
	if _, ok, err := LastAnchor(path, key); ok || err != nil {
		t.Fatalf("LastAnchor of a missing file = %v, %v", ok, err)
	}
	chain := randomChain(t, 6, 4, SHA256)
	for _, e := range chain[1:3] {
		a, err := NewAnchor(key, e.Head(), SHA256, anchorTime)
		if err != nil {
			t.Fatal(err)
		}
		if err := AppendAnchor(path, a); err != nil {
			t.Fatal(err)
		}
	}
	last, ok, err := LastAnchor(path, key)
	if err != nil || !ok || last.Head() != chain[2].Head() {
		t.Fatalf("LastAnchor = %+v, %v, %v; want seq 3", last, ok, err)
	}
	if _, err := NewAnchor(key[:8], chain[0].Head(), SHA256, anchorTime); err == nil {
		t.Error("an 8-byte key was accepted")
	}
}

// FuzzReadAnchors: any input is read without panicking, and a line is only
// accepted when it re-encodes to itself under the key — no edited line,
// however written, passes.
func FuzzReadAnchors(f *testing.F) {
	key := testKey(1)
	chain := randomChain(f, 8, 2, SHA256)
	a, err := NewAnchor(key, chain[1].Head(), SHA256, anchorTime)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(a.Line())
	f.Add(strings.Replace(a.Line(), `"seq":2`, `"seq":2.0`, 1))
	f.Add(strings.Replace(a.Line(), `"v":1`, `"v":1,"v":1`, 1))
	f.Add("{}\n\n" + a.Line() + "\n")
	f.Fuzz(func(t *testing.T, s string) {
		good, _, _ := ReadAnchors(strings.NewReader(s), key)
		for _, g := range good {
			if g.Check(key) != nil {
				t.Fatalf("accepted an anchor that does not check: %+v", g)
			}
			if g.Head() != chain[1].Head() || !g.Time.Equal(a.Time) {
				t.Fatalf("accepted a forged anchor: %+v", g)
			}
		}
	})
}
