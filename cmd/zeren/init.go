package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// adminFlags parses the small flag sets of `zeren init` and `zeren audit`:
// --db (or ZEREN_DB) plus the extra string flags given.
func adminFlags(cmd string, args []string, extra map[string]string) (db string, vals map[string]string, err error) {
	fs := flag.NewFlagSet("zeren "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbFlag := fs.String("db", "", "SQLite file path, or a postgres:// URL")
	ptrs := map[string]*string{}
	for name, def := range extra {
		ptrs[name] = fs.String(name, def, "")
	}
	if err := fs.Parse(args); err != nil {
		return "", nil, flagError(err, cmd)
	}
	if fs.NArg() > 0 {
		return "", nil, usagef("unexpected argument %q; settings are given as --name value", clip(fs.Arg(0)))
	}
	db, src := *dbFlag, "--db"
	if db == "" {
		db, src = os.Getenv("ZEREN_DB"), "ZEREN_DB"
	}
	if db == "" {
		db, src = "zeren.db", "--db"
	}
	if db, err = checkDB(db, cmd); err != nil {
		return "", nil, usagef("%s: %v", src, err)
	}
	vals = map[string]string{}
	for name, p := range ptrs {
		vals[name] = strings.TrimSpace(*p)
	}
	return db, vals, nil
}

// runInit sets up a new installation: migrations, the catalog, the built-in
// roles, the root bureau and the three separated administrators, whose
// one-time passwords it prints once. There is never a default account.
func runInit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	db, vals, err := adminFlags("init", args, map[string]string{"bureau-code": "BUREAU", "bureau-name": ""})
	if err != nil {
		return fail(stderr, "init", exitUsage, err)
	}
	if vals["bureau-name"] == "" {
		return fail(stderr, "init", exitUsage, usagef("--bureau-name: is required (e.g. --bureau-name 某某县教育局)"))
	}
	if err := migrate(ctx, config{db: db}, stdout); err != nil {
		return fail(stderr, "init", exitFailed, err)
	}
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		return fail(stderr, "init", exitFailed, err)
	}
	defer st.Close()
	a := app.New(st, nil, app.DefaultConfig(), nil)
	res, err := a.Init(ctx, vals["bureau-code"], vals["bureau-name"])
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Field != "" && de.Field != "accounts" {
			return fail(stderr, "init", exitUsage, usagef("--bureau-%s: %s", de.Field, de.Message))
		}
		return fail(stderr, "init", exitFailed, err)
	}
	fmt.Fprintf(stdout, "zeren: initialised %s (%s)\n", res.Bureau.Name, res.Bureau.Code)
	fmt.Fprintln(stdout, "zeren: the three administrators and their one-time passwords (shown once; each must change it and enrol a second factor at first login):")
	for _, c := range res.Accounts {
		fmt.Fprintf(stdout, "  %-11s %-12s %s\n", c.Account.Username, c.Account.Name, c.InitialPassword)
	}
	return exitOK
}
