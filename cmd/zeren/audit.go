package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/store"
)

// setAuditKey is the anchor key's file. It is a path, not the key itself, so
// the key never shows in the process's environment.
var setAuditKey = setting{"audit-key", "ZEREN_AUDIT_KEY_FILE",
	"file holding the audit anchors' HMAC key (default: " + audit.AnchorKeyFileName + " in the data directory, created 0600 on first use)"}

const auditUsage = "`zeren audit verify [--db PATH|URL] [--data-dir DIR] [--audit-key FILE] [--anchor FILE]` " +
	"or `zeren audit anchor [--db PATH|URL] [--data-dir DIR] [--audit-key FILE]`"

// runAudit is `zeren audit verify` and `zeren audit anchor`.
//
// verify re-computes the audit trail's hash chain at the console, compares it
// with every anchor (keyed checkpoints of the chain's head, written by serve
// and by `audit anchor` to the data directory, or an auditor's copy given by
// --anchor), and reports the first problem. Exit 0 when intact, 1 when
// tampered with (or unreadable), 2 on bad usage.
//
// anchor writes an anchor of the current head now.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "anchor") {
		return fail(stderr, "audit", exitUsage, usagef("the audit commands are %s", auditUsage))
	}
	cmd := "audit " + args[0]
	o, err := auditFlags(cmd, args[1:])
	if err != nil {
		return fail(stderr, cmd, exitUsage, err)
	}
	st, err := store.Open(ctx, o.db, store.Options{})
	if err != nil {
		return fail(stderr, cmd, exitFailed, err)
	}
	defer st.Close()
	a := app.New(st, nil, app.DefaultConfig(), nil)
	if args[0] == "anchor" {
		key, err := loadOrCreateAnchorKey(o.keyPath, stdout)
		if err != nil {
			return fail(stderr, cmd, exitFailed, err)
		}
		anc, wrote, err := a.AnchorAudit(ctx, app.AuditAnchors{Path: o.anchorPath, Key: key}, audit.Head{})
		if err != nil {
			return fail(stderr, cmd, exitFailed, err)
		}
		if !wrote {
			fmt.Fprintln(stdout, "zeren: the audit trail is empty: nothing to anchor")
			return exitOK
		}
		fmt.Fprintf(stdout, "zeren: audit anchor written to %s: %s\n", o.anchorPath, anc.Line())
		return exitOK
	}
	return auditVerify(ctx, a, o, stdout, stderr)
}

func auditVerify(ctx context.Context, a *app.App, o auditOptions, stdout, stderr io.Writer) int {
	const cmd = "audit verify"
	var anchors *app.AuditAnchors
	_, statErr := os.Stat(o.anchorPath)
	switch {
	case statErr == nil:
		key, err := audit.LoadKey(o.keyPath)
		if err != nil {
			return fail(stderr, cmd, exitFailed, fmt.Errorf("the anchors in %s need their key: %w (give --audit-key FILE)", o.anchorPath, err))
		}
		anchors = &app.AuditAnchors{Path: o.anchorPath, Key: key}
	case o.anchorGiven:
		return fail(stderr, cmd, exitUsage, usagef("--anchor: %v", statErr))
	case !errors.Is(statErr, fs.ErrNotExist):
		return fail(stderr, cmd, exitFailed, statErr)
	}
	// With anchors nil, VerifyAuditAnchored takes the App's: this App has none.
	v, err := a.VerifyAuditAnchored(ctx, anchors)
	if err != nil {
		return fail(stderr, cmd, exitFailed, err)
	}
	code := exitOK
	for _, p := range v.AnchorProblems {
		fmt.Fprintf(stdout, "zeren: audit anchor %s %s: cannot be trusted\n", o.anchorPath, p)
		code = exitFailed
	}
	if !v.Report.OK() {
		fmt.Fprintf(stdout, "zeren: audit trail TAMPERED: %s at event %d: %s (%d events checked)\n",
			v.FirstBad.Kind, v.FirstBad.Seq, v.FirstBad.Message, v.Checked)
		return exitFailed
	}
	switch {
	case anchors == nil:
		fmt.Fprintf(stdout, "zeren: audit trail intact: %d events verified as a chain\n", v.Checked)
		fmt.Fprintf(stdout, "zeren: WARNING: no audit anchor at %s yet, so deleted newest events or a re-hashed trail cannot be detected; "+
			"`zeren serve` writes anchors there, or run `zeren audit anchor` (an auditor verifies a copy with --anchor FILE)\n", o.anchorPath)
	case v.Anchors == 0:
		fmt.Fprintf(stdout, "zeren: audit trail intact: %d events verified as a chain, but %s holds no valid anchor\n", v.Checked, o.anchorPath)
	case code == exitOK:
		fmt.Fprintf(stdout, "zeren: audit trail intact: %d events verified; agrees with all %d anchors in %s (newest: seq %d at %s)\n",
			v.Checked, v.Anchors, o.anchorPath, v.LastAnchor.Seq, v.LastAnchor.Time.Format("2006-01-02 15:04:05Z"))
	default:
		fmt.Fprintf(stdout, "zeren: audit trail agrees with the %d anchors that checked out; the lines above did not\n", v.Anchors)
	}
	return code
}

type auditOptions struct {
	db          string
	keyPath     string
	anchorPath  string
	anchorGiven bool
}

// auditFlags reads --db, --data-dir, --audit-key and (for verify) --anchor,
// each but --anchor also from the environment.
func auditFlags(cmd string, args []string) (auditOptions, error) {
	fs := flag.NewFlagSet("zeren "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String(setDB.flag, "", setDB.usage)
	dataDir := fs.String(setDataDir.flag, "", setDataDir.usage)
	keyPath := fs.String(setAuditKey.flag, "", setAuditKey.usage)
	var anchor *string
	if cmd == "audit verify" {
		anchor = fs.String("anchor", "", "an anchor file to verify against (default: "+audit.AnchorFileName+" in the data directory)")
	}
	if err := fs.Parse(args); err != nil {
		return auditOptions{}, flagError(err, "audit")
	}
	if fs.NArg() > 0 {
		return auditOptions{}, usagef("unexpected argument %q; settings are given as --name value", clip(fs.Arg(0)))
	}
	pick := func(flagVal string, s setting, def string) string {
		if v := strings.TrimSpace(flagVal); v != "" {
			return v
		}
		if v := strings.TrimSpace(os.Getenv(s.env)); v != "" {
			return v
		}
		return def
	}
	var o auditOptions
	var err error
	if o.db, err = checkDB(pick(*db, setDB, "zeren.db"), cmd); err != nil {
		return o, usagef("--db: %v", err)
	}
	dir := pick(*dataDir, setDataDir, defaultDataDir(o.db, false))
	o.keyPath = pick(*keyPath, setAuditKey, filepath.Join(dir, audit.AnchorKeyFileName))
	o.anchorPath = filepath.Join(dir, audit.AnchorFileName)
	if anchor != nil && strings.TrimSpace(*anchor) != "" {
		o.anchorPath, o.anchorGiven = strings.TrimSpace(*anchor), true
	}
	return o, nil
}

// loadOrCreateAnchorKey reads the anchor key, creating it on first use (and
// saying so, since an operator should keep a copy of it with the backups).
func loadOrCreateAnchorKey(path string, stdout io.Writer) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("the audit anchor key's directory: %w", err)
	}
	key, created, err := audit.LoadOrCreateKey(path)
	if err != nil {
		return nil, fmt.Errorf("--%s %s: %w", setAuditKey.flag, path, err)
	}
	if created {
		fmt.Fprintf(stdout, "zeren: created the audit anchor key %s (mode 0600); keep a copy off this machine\n", path)
	}
	return key, nil
}
