package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/audit"
	"github.com/zeren-edu/zeren/internal/backup"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

const (
	// The archives' names (see backup.WriteArchive); --keep counts only files
	// named so, never anything else in the directory.
	archivePrefix = backup.ArchivePrefix
	archiveSuffix = backup.ArchiveSuffix
)

// backupOptions are the flags of backup and restore.
type backupOptions struct {
	db, dataDir, keyFile, auditKey string
	out                            string // backup: the directory
	keep                           int    // backup: archives kept, 0 = all
	from                           string // restore: the archive
	checkOnly                      bool   // restore: verify only
	tz                             *time.Location
}

func backupFlags(cmd string, args []string) (backupOptions, error) {
	fs := flag.NewFlagSet("zeren "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String(setDB.flag, "", setDB.usage)
	dataDir := fs.String(setDataDir.flag, "", setDataDir.usage)
	keyFile := fs.String(setKeyFile.flag, "", setKeyFile.usage)
	auditKey := fs.String(setAuditKey.flag, "", setAuditKey.usage)
	tz := fs.String(setTZ.flag, "", setTZ.usage)
	var out, keep, from *string
	var checkOnly *bool
	if cmd == "backup" {
		out = fs.String("out", "", "directory the archive is written to (default: backups next to the data directory)")
		keep = fs.String("keep", "", "keep only the newest N archives of the directory, 1 to 10000 (default: keep all)")
	} else {
		from = fs.String("from", "", "the archive to restore")
		checkOnly = fs.Bool("check-only", false, "check the archive against its manifest and write nothing")
	}
	if err := fs.Parse(args); err != nil {
		return backupOptions{}, flagError(err, cmd)
	}
	if fs.NArg() > 0 {
		return backupOptions{}, usagef("unexpected argument %q; settings are given as --name value", clip(fs.Arg(0)))
	}
	pick := func(flagVal string, s setting, def string) string {
		if v := strings.TrimSpace(flagVal); v != "" {
			return v
		}
		if s.env != "" {
			if v := strings.TrimSpace(os.Getenv(s.env)); v != "" {
				return v
			}
		}
		return def
	}
	var o backupOptions
	var err error
	if o.db, err = checkDB(pick(*db, setDB, "zeren.db"), cmd); err != nil {
		return o, usagef("--db: %v", err)
	}
	o.dataDir = pick(*dataDir, setDataDir, defaultDataDir(o.db, false))
	o.keyFile = pick(*keyFile, setKeyFile, filepath.Join(o.dataDir, "secret.key"))
	o.auditKey = pick(*auditKey, setAuditKey, filepath.Join(o.dataDir, audit.AnchorKeyFileName))
	if o.tz, err = checkTZ(pick(*tz, setTZ, domain.DefaultTimeZone)); err != nil {
		return o, usagef("--tz: %v", err)
	}
	if cmd == "backup" {
		o.out = pick(*out, setting{}, filepath.Join(filepath.Dir(filepath.Clean(o.dataDir)), "backups"))
		if v := strings.TrimSpace(*keep); v != "" {
			n, err := checkInt(v, 1, 10000)
			if err != nil {
				return o, usagef("--keep: %v", err)
			}
			o.keep = int(n)
		}
		return o, nil
	}
	if o.from = strings.TrimSpace(*from); o.from == "" {
		return o, usagef("--from: the archive to restore is required")
	}
	o.checkOnly = *checkOnly
	return o, nil
}

// backupCmd writes one archive: a consistent online copy of the database
// (the server keeps serving), the evidence files and the audit anchors, with
// a manifest of checksums. The archive is written under a temporary name and
// renamed when complete, so a crash never leaves a half archive that looks
// whole.
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := backupFlags("backup", args)
	if err != nil {
		return fail(stderr, "backup", exitUsage, err)
	}
	st, err := store.Open(ctx, o.db, store.Options{Zone: o.tz})
	if err != nil {
		return fail(stderr, "backup", exitFailed, err)
	}
	defer st.Close()
	clock := st.Clock()
	w, err := backup.WriteArchive(ctx, st, backup.Options{
		DataDir: o.dataDir, KeyFiles: []string{o.keyFile, o.auditKey}, Zeren: version, Now: clock.Now(),
	}, o.out, clock.Location())
	if err != nil {
		return fail(stderr, "backup", exitFailed, fmt.Errorf("--out: %w", err))
	}
	final, size, m := w.Path, w.Size, w.Manifest
	fmt.Fprintf(stdout, "zeren: backup %s (%d bytes): %s database, %d activities, %d evidence files, audit trail to event %d\n",
		final, size, m.Facts.Engine, m.Facts.Activities, len(m.Files)-1-boolInt(hasAnchors(m)), m.Facts.AuditHeadSeq)
	fmt.Fprintln(stdout, "zeren: the keys are not in the archive: keep copies of the secret key and the audit anchor key apart from it")
	if o.keep > 0 {
		removed, err := backup.Prune(o.out, o.keep)
		if err != nil {
			return fail(stderr, "backup", exitFailed, fmt.Errorf("--keep: %w", err))
		}
		for _, r := range removed {
			fmt.Fprintf(stdout, "zeren: removed the older backup %s (--keep %d)\n", r, o.keep)
		}
	}
	return exitOK
}

// restoreCmd checks an archive and restores it into an empty instance.
func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := backupFlags("restore", args)
	if err != nil {
		return fail(stderr, "restore", exitUsage, err)
	}
	f, err := os.Open(o.from)
	if err != nil {
		return fail(stderr, "restore", exitFailed, fmt.Errorf("--from: %w", err))
	}
	defer f.Close()
	if o.checkOnly {
		m, err := backup.Verify(ctx, f, "")
		if err != nil {
			return fail(stderr, "restore", exitFailed, err)
		}
		fmt.Fprintf(stdout, "zeren: %s is intact: %d files match the manifest (%s database of %s, %d activities)\n",
			o.from, len(m.Files), m.Facts.Engine, m.Created.In(o.tz).Format("2006-01-02 15:04"), m.Facts.Activities)
		return exitOK
	}
	res, err := backup.Restore(ctx, f, backup.RestoreOptions{DB: o.db, DataDir: o.dataDir, KeyFiles: []string{o.keyFile, o.auditKey}})
	if err != nil {
		return fail(stderr, "restore", exitFailed, err)
	}
	m := res.Manifest
	fmt.Fprintf(stdout, "zeren: restored %s into %s and %s: %d activities, %d accounts, audit trail to event %d, as of %s\n",
		o.from, redactDSN(o.db), o.dataDir, m.Facts.Activities, m.Facts.Accounts, m.Facts.AuditHeadSeq, m.Created.In(o.tz).Format("2006-01-02 15:04:05"))
	for _, w := range res.Warnings {
		fmt.Fprintln(stdout, "zeren: warning: "+w)
	}
	fmt.Fprintln(stdout, "zeren: next: `zeren migrate` (if this zeren is newer), then `zeren audit verify`, then serve")
	return exitOK
}

func hasAnchors(m backup.Manifest) bool {
	for _, f := range m.Files {
		if strings.HasSuffix(f.Name, audit.AnchorFileName) {
			return true
		}
	}
	return false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
