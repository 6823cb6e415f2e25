package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/jobs"
	"github.com/zeren-edu/zeren/internal/store"
)

func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, code := configOrExit("migrate", args, stdout, stderr)
	if code >= 0 {
		return code
	}
	if err := migrate(ctx, cfg, stdout); err != nil {
		return fail(stderr, "migrate", exitFailed, err)
	}
	return exitOK
}

// migrate creates the database if it is missing, applies the migrations and
// seeds the default catalog into an empty one. It touches no evidence files.
func migrate(ctx context.Context, cfg config, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	if !store.IsPostgres(cfg.db) {
		if err := os.MkdirAll(filepath.Dir(cfg.db), 0o750); err != nil {
			return fmt.Errorf("--db: %w", err)
		}
	}
	st, err := store.Open(ctx, cfg.db, store.Options{Create: true, Zone: cfg.tz})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	// The background jobs' tables (River's own migrations).
	if err := jobs.Migrate(ctx, st); err != nil {
		return err
	}
	// Seeding the catalog needs no evidence store.
	a := app.New(st, nil, app.DefaultConfig(), nil)
	n, err := seedCatalog(ctx, a)
	if err != nil {
		return err
	}
	if err := a.EnsureDefaultReportTemplate(ctx); err != nil {
		return fmt.Errorf("storing the default report template: %w", err)
	}
	current, latest, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "zeren: database %s (%s) at schema version %d of %d\n", redactDSN(cfg.db), st.Dialect(), current, latest)
	if n > 0 {
		fmt.Fprintf(stdout, "zeren: seeded the default activity catalog (%d types)\n", n)
	}
	return nil
}
