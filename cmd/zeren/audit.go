package main

import (
	"context"
	"fmt"
	"io"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/store"
)

// runAudit is `zeren audit verify`: it re-computes the audit trail's hash
// chain at the console and reports the first bad event. Exit 0 when intact,
// 1 when tampered with (or unreadable), 2 on bad usage.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		return fail(stderr, "audit", exitUsage, usagef("the only audit command is `zeren audit verify [--db PATH|URL]`"))
	}
	db, _, err := adminFlags("audit verify", args[1:], nil)
	if err != nil {
		return fail(stderr, "audit verify", exitUsage, err)
	}
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		return fail(stderr, "audit verify", exitFailed, err)
	}
	defer st.Close()
	a := app.New(st, nil, app.DefaultConfig(), nil)
	rep, err := a.VerifyAudit(ctx)
	if err != nil {
		return fail(stderr, "audit verify", exitFailed, err)
	}
	if !rep.OK() {
		fmt.Fprintf(stdout, "zeren: audit trail TAMPERED: %s at event %d: %s (%d events checked)\n", rep.FirstBad.Kind, rep.FirstBad.Seq, rep.FirstBad.Message, rep.Checked)
		return exitFailed
	}
	fmt.Fprintf(stdout, "zeren: audit trail intact: %d events verified\n", rep.Checked)
	return exitOK
}
