package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zeren-edu/zeren/internal/store"
)

// `zeren init` creates the three administrators with one-time passwords, a
// second init is refused, and `zeren audit verify` passes on the untouched
// trail and fails on a tampered one, naming the event.
func TestInitAndAuditVerify(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "z.db")
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"init", "--db", db, "--bureau-name", "示范县教育局"}, &out, &errb); code != exitOK {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	for _, u := range []string{"sysadmin", "secadmin", "auditadmin"} {
		if !strings.Contains(out.String(), u) {
			t.Fatalf("init did not print %s: %s", u, out.String())
		}
	}
	out.Reset()
	errb.Reset()
	if code := run(ctx, []string{"init", "--db", db, "--bureau-name", "再来"}, &out, &errb); code != exitFailed || !strings.Contains(errb.String(), "already initialised") {
		t.Fatalf("second init: %d %q", code, errb.String())
	}
	if code := run(ctx, []string{"init", "--db", db}, &out, &errb); code != exitUsage {
		t.Fatalf("init without --bureau-name: %d", code)
	}
	out.Reset()
	if code := run(ctx, []string{"audit", "verify", "--db", db}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "intact") {
		t.Fatalf("verify clean: %d %s %s", code, out.String(), errb.String())
	}
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ExecRaw(ctx, "UPDATE audit_events SET actor = 'someone else' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out.Reset()
	if code := run(ctx, []string{"audit", "verify", "--db", db}, &out, &errb); code != exitFailed || !strings.Contains(out.String(), "at event 2") {
		t.Fatalf("verify tampered: %d %s", code, out.String())
	}
	st, _ = store.Open(ctx, db, store.Options{})
	_ = st.ExecRaw(ctx, "UPDATE audit_events SET actor = 'sysadmin' WHERE seq = 2")
	_ = st.ExecRaw(ctx, "DELETE FROM audit_events WHERE seq = 3")
	st.Close()
	out.Reset()
	if code := run(ctx, []string{"audit", "verify", "--db", db}, &out, &errb); code != exitFailed {
		t.Fatalf("verify with a deleted event: %d %s", code, out.String())
	}
}
