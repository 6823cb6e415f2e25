// Command zbench generates a province-scale dataset through the store's bulk
// path and measures zeren on it: aggregate latency from the rollups against a
// naive GROUP BY over the raw activities, subtree queries, and single-row
// writes through the application. It prints a Markdown report and writes it
// to <dir>/results.md.
//
//	go run ./bench/cmd/zbench [-units 50000] [-activities 10000000] [-engines sqlite,postgres] [-reuse] …
//
// PostgreSQL is measured when ZEREN_BENCH_PG (or -pg) names a server; zbench
// creates a database of its own on it (zbench_u…_a…_s…). scripts/bench.sh
// (`make bench`) starts a throwaway server and runs zbench.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/zeren-edu/zeren/bench"
)

func main() {
	os.Exit(run())
}

func usageError(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "zbench: "+format+"\n", args...)
	return 2
}

func run() int {
	fs := flag.NewFlagSet("zbench", flag.ContinueOnError)
	units := fs.Int("units", 50_000, "org units in the generated province (at least 10)")
	activities := fs.Int64("activities", 10_000_000, "activities over 2024-2025")
	seed := fs.Uint64("seed", bench.DefaultSeed, "generator seed")
	engines := fs.String("engines", "sqlite,postgres", "engines to measure (postgres only when -pg or ZEREN_BENCH_PG is set)")
	pg := fs.String("pg", os.Getenv("ZEREN_BENCH_PG"), "PostgreSQL server URL (default $ZEREN_BENCH_PG)")
	dir := fs.String("dir", filepath.Join("bench", "out"), "directory for SQLite databases, manifests and results.md")
	reuse := fs.Bool("reuse", false, "reuse a dataset generated earlier with the same size and seed, if complete")
	drop := fs.Bool("drop", false, "delete each dataset after measuring it (saves disk; no later -reuse)")
	tag := fs.String("tag", "", "appended to the datasets' names (keeps apart datasets of the same size, e.g. on a shared server)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	plan := bench.DefaultPlan()
	fs.IntVar(&plan.Iterations, "iterations", plan.Iterations, "rollup samples per level and period")
	fs.IntVar(&plan.NaiveIterations, "naive-iterations", plan.NaiveIterations, "naive GROUP BY samples per level and period (district, school)")
	fs.IntVar(&plan.NaiveBureauIterations, "naive-bureau-iterations", plan.NaiveBureauIterations, "naive GROUP BY samples per period at bureau level (each scans the whole ledger; at least 5)")
	fs.IntVar(&plan.SubtreeIterations, "subtree-iterations", plan.SubtreeIterations, "samples per subtree query")
	fs.IntVar(&plan.Writes, "writes", plan.Writes, "single-row writes through app.CreateActivity (deleted again afterwards)")
	fs.IntVar(&plan.ReportIterations, "report-iterations", plan.ReportIterations, "work reports per scenario (the default template, province and districts; 0: none)")
	fs.IntVar(&plan.LedgerIterations, "ledger-iterations", plan.LedgerIterations, "samples per ledger first page (province, district, school × each sort; 0: none)")
	fs.IntVar(&plan.ExportIterations, "export-iterations", plan.ExportIterations, "Excel exports of about 10⁵ rows (0: none)")
	fs.BoolVar(&plan.LedgerOnly, "ledger-only", false, "measure only the ledger pages and the export (with -reuse: a generated dataset)")
	fs.IntVar(&plan.DutyIterations, "duty-iterations", plan.DutyIterations, "leader duty pages after a write (200 duties; 0: none)")
	fs.IntVar(&plan.DutyNaiveIterations, "duty-naive-iterations", plan.DutyNaiveIterations, "naive recounts of a leader duty page")
	fs.BoolVar(&plan.DutyOnly, "duty-only", false, "measure only the duty list (with -reuse: a generated dataset)")
	fs.BoolVar(&plan.ReportOnly, "report-only", false, "measure only the work report (with -reuse: a generated dataset)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case *units < 10:
		return usageError("-units: at least 10, not %d", *units)
	case *activities < 0:
		return usageError("-activities: cannot be negative")
	case plan.Iterations < 1:
		return usageError("-iterations: at least 1")
	case plan.NaiveIterations < 0 || plan.Writes < 0 || plan.SubtreeIterations < 1:
		return usageError("-naive-iterations and -writes cannot be negative, -subtree-iterations must be at least 1")
	case plan.NaiveBureauIterations < 5:
		return usageError("-naive-bureau-iterations: at least 5, not %d", plan.NaiveBureauIterations)
	}
	plan.Seed = *seed
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "engines" })
	var list []string
	for _, e := range strings.Split(*engines, ",") {
		e = strings.TrimSpace(e)
		switch e {
		case bench.SQLite:
		case bench.Postgres:
			if *pg == "" {
				if explicit {
					return usageError("-engines postgres: no server (set ZEREN_BENCH_PG or -pg, or run scripts/bench.sh)")
				}
				fmt.Fprintln(os.Stderr, "zbench: PostgreSQL skipped: ZEREN_BENCH_PG is not set")
				continue
			}
		case "":
			continue
		default:
			return usageError("-engines: unknown engine %q (sqlite, postgres)", e)
		}
		if !slices.Contains(list, e) {
			list = append(list, e)
		}
	}
	if len(list) == 0 {
		return usageError("-engines: nothing to measure")
	}

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return usageError("-cpuprofile: %v", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return usageError("-cpuprofile: %v", err)
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "%s zbench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	plan.Log = logf
	cfg := bench.Config{Units: *units, Activities: *activities, Seed: *seed}
	report := &bench.Report{
		Command: strings.TrimSpace("go run ./bench/cmd/zbench " + strings.Join(os.Args[1:], " ")),
		Config:  cfg, Plan: plan, Machine: bench.Machine(),
	}
	for _, e := range list {
		target := bench.Target{Engine: e, Dir: *dir, PGURL: *pg, Reuse: *reuse, Tag: *tag, Log: logf}
		res, err := measure(ctx, target, cfg, plan, *drop)
		if err != nil {
			fmt.Fprintf(os.Stderr, "zbench: %s: %v\n", e, err)
			return 1
		}
		if e == bench.Postgres {
			if res.Settings, err = target.PGSettings(ctx); err != nil {
				logf("postgres settings: %v", err)
			}
			if strings.Contains(res.Settings, "fsync=off") {
				report.Notes = append(report.Notes, "Note: the PostgreSQL server is the throwaway test server of scripts/pg-test.sh, with fsync, synchronous_commit and full_page_writes off; its write throughput is higher than a durable server's. SQLite runs as zeren runs it (WAL, synchronous=NORMAL).")
			}
		}
		report.Engines = append(report.Engines, res)
	}
	md := report.Markdown()
	fmt.Print(md)
	out := filepath.Join(*dir, "results.md")
	if plan.ReportOnly {
		// A partial run must not overwrite the full report.
		out = filepath.Join(*dir, "results-report.md")
	}
	if plan.LedgerOnly {
		out = filepath.Join(*dir, "results-ledger.md")
	}
	if err := os.WriteFile(out, []byte(md), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "zbench: %v\n", err)
		return 1
	}
	logf("wrote %s", out)
	return 0
}

func measure(ctx context.Context, t bench.Target, cfg bench.Config, plan bench.Plan, drop bool) (bench.EngineResult, error) {
	l, err := bench.Load(ctx, t, cfg)
	if err != nil {
		return bench.EngineResult{}, err
	}
	res, err := bench.Measure(ctx, l, plan)
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	if err == nil && drop {
		err = t.Remove(ctx, cfg)
	}
	return res, err
}
