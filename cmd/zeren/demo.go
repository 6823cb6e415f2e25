package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/zeren-edu/zeren/internal/demo"
	"github.com/zeren-edu/zeren/internal/store"
)

// demoMarker is written into the demo's data directory with the database's
// path. Rebuilding the demo deletes a database and a directory only when the
// marker says they are the demo's: a mistyped --db cannot wipe real data.
const demoMarker = ".zeren-demo"

func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, code := configOrExit("demo", args, stdout, stderr)
	if code >= 0 {
		return code
	}
	log := newLogger(stderr, cfg.logLevel)
	// Take the port before the build, so a busy port is reported at once.
	ln, err := listen(cfg.addr)
	if err != nil {
		return fail(stderr, "demo", exitFailed, err)
	}
	defer ln.Close()
	if err := resetDemo(ctx, cfg); err != nil {
		return fail(stderr, "demo", exitFailed, err)
	}
	fmt.Fprintf(stdout, "zeren: building the demo county into %s (seed %d) …\n", redactDSN(cfg.db), cfg.seed)
	st, a, err := openApp(ctx, cfg, store.Options{Create: true})
	if err != nil {
		return fail(stderr, "demo", exitFailed, err)
	}
	defer st.Close()
	// Marked before the build, so a build that fails half-way can be redone.
	if err := st.MarkDemo(ctx, cfg.seed); err != nil {
		return fail(stderr, "demo", exitFailed, err)
	}
	sum, err := demo.Build(ctx, a, demo.Options{Seed: cfg.seed})
	if err != nil {
		return fail(stderr, "demo", exitFailed, fmt.Errorf("building the demo county: %w", err))
	}
	fmt.Fprintln(stdout, sum.String())
	accts, err := demo.Accounts(ctx, a)
	if err != nil {
		return fail(stderr, "demo", exitFailed, fmt.Errorf("creating the demo accounts: %w", err))
	}
	fmt.Fprint(stdout, demo.AccountsText(accts))
	anchors, err := startAuditAnchors(ctx, a, cfg, log, stdout)
	if err != nil {
		return fail(stderr, "demo", exitFailed, err)
	}
	defer anchors.close()
	stopJobs, err := startJobs(ctx, st, a, log)
	if err != nil {
		return fail(stderr, "demo", exitFailed, err)
	}
	defer stopJobs()
	return serveHTTP(ctx, ln, a, log, stdout, stderr, "demo", cfg, func(url string) {
		fmt.Fprintf(stdout, "zeren: 演示县已就绪 the demo county is ready — open %s\n", url)
	})
}

// resetDemo deletes the previous demo database (with its WAL files) and data
// directory, after checking they are the demo's, and prepares empty ones. A
// PostgreSQL database is emptied only when it is empty already or marked as
// the demo's (store.ResetPostgresDemo): a mistyped URL cannot drop real tables.
func resetDemo(ctx context.Context, cfg config) error {
	pg := store.IsPostgres(cfg.db)
	owner := redactDSN(cfg.db)
	if !pg {
		abs, err := filepath.Abs(cfg.db)
		if err != nil {
			return fmt.Errorf("--db: %w", err)
		}
		owner = abs
	}
	marker := filepath.Join(cfg.dataDir, demoMarker)
	mark, markerErr := os.ReadFile(marker)
	isDemo := markerErr == nil && strings.TrimSpace(string(mark)) == owner
	if pg {
		if !isDemo && !emptyOrMissing(cfg.dataDir) {
			return fmt.Errorf("--data-dir: %s holds files that `zeren demo` did not make; refusing to delete them: "+
				"choose another --data-dir or remove it yourself", cfg.dataDir)
		}
		if err := store.ResetPostgresDemo(ctx, cfg.db); err != nil {
			return fmt.Errorf("--db: %w", err)
		}
	} else if !isDemo {
		if exists(cfg.db) {
			return fmt.Errorf("--db: %s exists and is not a database made by `zeren demo` (no %s marker in %s); "+
				"refusing to delete it: choose another --db or remove it yourself", cfg.db, demoMarker, cfg.dataDir)
		}
		if !emptyOrMissing(cfg.dataDir) {
			return fmt.Errorf("--data-dir: %s holds files that `zeren demo` did not make; refusing to delete them: "+
				"choose another --data-dir or remove it yourself", cfg.dataDir)
		}
	}
	if !pg {
		for _, p := range []string{cfg.db, cfg.db + "-wal", cfg.db + "-shm", cfg.db + "-journal"} {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("--db: removing the old demo: %w", err)
			}
		}
		if err := os.MkdirAll(filepath.Dir(cfg.db), 0o750); err != nil {
			return fmt.Errorf("--db: %w", err)
		}
	}
	if err := os.RemoveAll(cfg.dataDir); err != nil {
		return fmt.Errorf("--data-dir: removing the old demo files: %w", err)
	}
	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		return fmt.Errorf("--data-dir: %w", err)
	}
	if err := os.WriteFile(marker, []byte(owner+"\n"), 0o640); err != nil {
		return fmt.Errorf("--data-dir: %w", err)
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func emptyOrMissing(dir string) bool {
	entries, err := os.ReadDir(dir)
	return errors.Is(err, fs.ErrNotExist) || err == nil && len(entries) == 0
}
