package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/store"
)

// copyFile copies a closed SQLite database (or any file).
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func execDB(t *testing.T, db, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.ExecRaw(ctx, q, args...); err != nil {
		t.Fatal(err)
	}
}

// auditRows reads the trail of db.
func auditRows(t *testing.T, db string) []store.AuditRow {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var rows []store.AuditRow
	if err := st.Read(ctx, func(tx *store.Tx) error {
		return tx.EachAudit(ctx, func(r store.AuditRow) error { rows = append(rows, r); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	return rows
}

// rehashFrom rewrites the detail of every event from seq on and recomputes
// every hash after it, as an attacker with write access to the database can:
// the chain stays internally consistent.
func rehashFrom(t *testing.T, db string, seq int64) {
	t.Helper()
	rows := auditRows(t, db)
	prev := audit.Genesis
	for _, r := range rows {
		if r.Seq < seq {
			prev = audit.Head{Seq: r.Seq, Hash: r.Hash}
			continue
		}
		e := audit.Event{Time: r.Time, Actor: r.Actor, ActorID: r.ActorID, OrgID: r.OrgID, ClientAddr: r.ClientAddr,
			Type: r.Type, Target: r.Target, Outcome: r.Outcome, Detail: r.Detail + " (rewritten)"}
		if r.Before != "" {
			e.Before = json.RawMessage(r.Before)
		}
		if r.After != "" {
			e.After = json.RawMessage(r.After)
		}
		if err := audit.Seal(prev, &e, audit.Alg(r.Alg)); err != nil {
			t.Fatal(err)
		}
		execDB(t, db, "UPDATE audit_events SET detail = $1, prev_hash = $2, hash = $3 WHERE seq = $4", e.Detail, e.PrevHash, e.Hash, r.Seq)
		prev = e.Head()
	}
}

func verifyCmd(t *testing.T, args ...string) (int, string) {
	t.Helper()
	code, out, errb := runCmd(t, append([]string{"audit", "verify"}, args...)...)
	return code, out + errb
}

// Issue #9: deleting the newest events, rewriting a tail with recomputed
// hashes, or replacing the database is invisible to the chain alone; the
// anchors in the data directory (and an auditor's copy of them) show each,
// naming the seq. An anchor line edited to agree with a rewritten database
// fails its MAC.
func TestAuditAnchorsDetectTampering(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	db := filepath.Join(dir, "z.db")
	if code, _, errb := runCmd(t, "init", "--db", db, "--bureau-name", "示范县教育局"); code != exitOK {
		t.Fatalf("init: %s", errb)
	}
	// No anchor yet: the chain is checked, and the message says what is not.
	code, out := verifyCmd(t, "--db", db)
	if code != exitOK || !strings.Contains(out, "intact") || !strings.Contains(out, "no audit anchor") {
		t.Fatalf("verify without anchors: %d %s", code, out)
	}
	code, out, errb := runCmd(t, "audit", "anchor", "--db", db)
	if code != exitOK || !strings.Contains(out, "created the audit anchor key") || !strings.Contains(out, `"seq":`) {
		t.Fatalf("audit anchor: %d %s %s", code, out, errb)
	}
	if st, err := os.Stat(filepath.Join(data, audit.AnchorKeyFileName)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the key file: %v %v", st, err)
	}
	head := auditRows(t, db)
	n := int64(len(head))
	if n < 4 {
		t.Fatalf("init wrote only %d events", n)
	}
	code, out = verifyCmd(t, "--db", db)
	if code != exitOK || !strings.Contains(out, "agrees with all 1 anchors") {
		t.Fatalf("verify intact: %d %s", code, out)
	}
	// An auditor's copy of the anchors, taken now.
	auditorCopy := filepath.Join(t.TempDir(), "anchors-copy.jsonl")
	copyFile(t, filepath.Join(data, audit.AnchorFileName), auditorCopy)

	t.Run("truncated tail", func(t *testing.T) {
		cp := filepath.Join(dir, "truncated.db")
		copyFile(t, db, cp)
		execDB(t, cp, "DELETE FROM audit_events WHERE seq > $1", n-2)
		if code, out := verifyCmd(t, "--db", cp, "--data-dir", data); code != exitFailed ||
			!strings.Contains(out, "truncated at event "+itoa(n-1)) {
			t.Fatalf("%d %s", code, out)
		}
	})
	t.Run("rewritten tail with recomputed hashes", func(t *testing.T) {
		cp := filepath.Join(dir, "rewritten.db")
		copyFile(t, db, cp)
		rehashFrom(t, cp, 2)
		// The chain alone is fooled …
		if code, out := verifyCmd(t, "--db", cp, "--anchor", filepath.Join(t.TempDir(), "none")); code != exitUsage {
			t.Fatalf("a missing --anchor file: %d %s", code, out)
		}
		// … the anchor is not.
		code, out := verifyCmd(t, "--db", cp, "--data-dir", data)
		if code != exitFailed || !strings.Contains(out, "head_mismatch at event "+itoa(n)) || !strings.Contains(out, head[n-1].Hash) {
			t.Fatalf("%d %s", code, out)
		}
	})
	t.Run("replaced database", func(t *testing.T) {
		other := filepath.Join(dir, "other.db")
		if code, _, errb := runCmd(t, "init", "--db", other, "--bureau-name", "示范县教育局"); code != exitOK {
			t.Fatalf("init: %s", errb)
		}
		// Another installation's trail: as long as this one (init writes the
		// same events), with other times, so other hashes.
		if m := int64(len(auditRows(t, other))); m != n {
			t.Fatalf("the other trail has %d events, not %d", m, n)
		}
		code, out := verifyCmd(t, "--db", other, "--data-dir", data)
		if code != exitFailed || !strings.Contains(out, "head_mismatch at event "+itoa(n)) || !strings.Contains(out, "replaced") {
			t.Fatalf("%d %s", code, out)
		}
	})
	t.Run("tampered anchor line", func(t *testing.T) {
		cp := filepath.Join(dir, "rewritten2.db")
		copyFile(t, db, cp)
		rehashFrom(t, cp, 2)
		forged := auditRows(t, cp)[n-1].Hash
		anchors := filepath.Join(t.TempDir(), "anchors.jsonl")
		b, _ := os.ReadFile(auditorCopy)
		if err := os.WriteFile(anchors, []byte(strings.Replace(string(b), head[n-1].Hash, forged, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out := verifyCmd(t, "--db", cp, "--data-dir", data, "--anchor", anchors)
		if code != exitFailed || !strings.Contains(out, "line 1") || !strings.Contains(out, "MAC does not match") {
			t.Fatalf("%d %s", code, out)
		}
	})
	t.Run("the server's anchors deleted too: the auditor's copy still tells", func(t *testing.T) {
		cp := filepath.Join(dir, "truncated2.db")
		copyFile(t, db, cp)
		execDB(t, cp, "DELETE FROM audit_events WHERE seq > $1", n-1)
		empty := t.TempDir()
		copyFile(t, filepath.Join(data, audit.AnchorKeyFileName), filepath.Join(empty, audit.AnchorKeyFileName))
		if code, out := verifyCmd(t, "--db", cp, "--data-dir", empty); code != exitOK || !strings.Contains(out, "no audit anchor") {
			t.Fatalf("without anchors: %d %s", code, out)
		}
		if code, out := verifyCmd(t, "--db", cp, "--data-dir", empty, "--anchor", auditorCopy); code != exitFailed || !strings.Contains(out, "truncated") {
			t.Fatalf("with the auditor's copy: %d %s", code, out)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// serve anchors the head at start and at shutdown (when it moved), prints
// each anchor to the log, and at the next start reports a trail truncated
// while it was down.
func TestServeAnchorsTheAuditTrail(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	if code, _, errb := runCmd(t, "init", "--db", db, "--bureau-name", "示范县教育局"); code != exitOK {
		t.Fatalf("init: %s", errb)
	}
	anchorFile := filepath.Join(dir, "data", audit.AnchorFileName)
	_, cancel, done, _, errb := startServe(t, 20*time.Second, "serve", "--db", db, "--addr", "127.0.0.1:0", "--audit-anchor-every", "1h")
	lines := func() []string {
		b, _ := os.ReadFile(anchorFile)
		return strings.Fields(string(b))
	}
	if got := lines(); len(got) != 1 {
		t.Fatalf("after start: %d anchor lines", len(got))
	}
	// An event while the server runs (another handle on the same file, as a second node would).
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(st, nil, app.Config{PasswordHashing: auth.TestParams}, nil)
	op, _ := a.OperatorActor(ctx)
	if _, err := a.CreateAccount(ctx, op, app.AccountInput{Username: "office", Name: "办公室", OrgID: op.Scope.Roots[0], Roles: []string{"office_admin"}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
	rows := auditRows(t, db)
	got := lines()
	if len(got) != 2 || !strings.Contains(got[1], rows[len(rows)-1].Hash) {
		t.Fatalf("after shutdown, want the head %d anchored: %v", rows[len(rows)-1].Seq, got)
	}
	if !strings.Contains(errb.String(), "audit anchor") || !strings.Contains(errb.String(), rows[len(rows)-1].Hash) {
		t.Fatalf("the anchors are not in the log: %s", errb.String())
	}

	execDB(t, db, "DELETE FROM audit_events WHERE seq = $1", rows[len(rows)-1].Seq)
	_, cancel, done, _, errb = startServe(t, 20*time.Second, "serve", "--db", db, "--addr", "127.0.0.1:0")
	cancel()
	<-done
	if !strings.Contains(errb.String(), "does not match its last anchor") || !strings.Contains(errb.String(), "truncated") {
		t.Fatalf("the start did not report the truncated trail: %s", errb.String())
	}
	if code, out := verifyCmd(t, "--db", db); code != exitFailed || !strings.Contains(out, "truncated") {
		t.Fatalf("verify: %d %s", code, out)
	}
}
