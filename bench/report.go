package bench

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"time"
)

// Report is a whole zbench run.
type Report struct {
	Command string
	Config  Config
	Plan    Plan
	Machine string
	Engines []EngineResult
	Notes   []string
}

// Machine describes the computer the numbers come from.
func Machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.0f GB RAM", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%s, %d cores%s, %s %s/%s", cpu, runtime.NumCPU(), mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	case d < time.Minute:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// fmtInt writes n with thin groups: 10 000 000.
func fmtInt(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + fmtInt(-n)
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func fmtBytes(n int64) string {
	switch {
	case n <= 0:
		return "–"
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

func fmtRatio(r float64) string {
	switch {
	case r <= 0:
		return "–"
	case r < 10:
		return fmt.Sprintf("×%.1f", r)
	}
	return "×" + fmtInt(int64(math.Round(r)))
}

// Markdown renders the report as Markdown, ready to paste into the README.
func (r *Report) Markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("### zeren benchmark: %s units, %s activities\n\n", fmtInt(int64(r.Config.Units)), fmtInt(r.Config.Activities))
	w("Command: `%s`  \n", r.Command)
	w("Machine: %s  \n", r.Machine)
	for _, e := range r.Engines {
		w("%s: %s", e.Engine, e.Version)
		if e.Settings != "" {
			w(" (%s)", e.Settings)
		}
		w("  \n")
	}
	w("Dataset: seed %d, generator v%d; activities over 2024-01-01..2025-12-31, skewed by unit, type and day.\n\n", r.Config.Seed, GeneratorVersion)

	w("**Bulk generation** (store.BulkLoad: tree, streamed activities, rollups rebuilt in SQL)\n\n")
	w("| engine | units | closure rows | activities | rollup rows | time | activities/s | generator alone | database size | peak RSS (at start) | peak Go heap |\n")
	w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, e := range r.Engines {
		g := e.Manifest.Gen
		reused := ""
		if g.Reused {
			reused = fmt.Sprintf(" (reused; generated %s)", e.Manifest.GeneratedAt.Format("2006-01-02 15:04"))
		}
		w("| %s | %s | %s | %s | %s | %s%s | %s | %s | %s | %s (%s) | %s |\n", e.Engine, fmtInt(int64(r.Config.Units)), fmtInt(g.ClosureRows),
			fmtInt(g.Activities), fmtInt(g.RollupRows), fmtDur(g.Duration), reused, fmtInt(int64(g.RowsPerSecond())),
			fmtDur(g.GeneratorOnly), fmtBytes(g.DBBytes), fmtBytes(g.PeakRSS), fmtBytes(g.StartRSS), fmtBytes(g.PeakHeap))
	}
	w("\nPeak RSS is zbench's own process while loading (SQLite runs inside it; the PostgreSQL server's memory is not counted); memory kept from an earlier engine in the same run shows in \"at start\". The Go heap stays small because activities are streamed, never held.\n")
	w("\nPhases: ")
	for i, e := range r.Engines {
		if i > 0 {
			w("; ")
		}
		var ps []string
		for _, p := range e.Manifest.Phases {
			ps = append(ps, fmt.Sprintf("%s %s", p.Name, fmtDur(p.Duration)))
		}
		w("%s: %s", e.Engine, strings.Join(ps, ", "))
	}
	w(".\n\n")

	r.duties(w)
	r.ledger(w)
	if r.Plan.ReportOnly || r.Plan.LedgerOnly || r.Plan.DutyOnly {
		r.workReport(w)
		for _, n := range r.Notes {
			w("%s\n\n", n)
		}
		return b.String()
	}
	w("**Aggregate latency**: count and attendance of a unit's subtree for a random unit of the level and a random year or month; rollups (`tx.Aggregate`) against a naive GROUP BY over the raw activities (`tx.NaiveAggregate`). Each query is its own read transaction; warm cache.\n\n")
	w("| engine | level | period | rollup p50 | rollup p99 | naive p50 | naive p99 | ratio (p50) | activities counted (avg) | samples rollup / naive |\n")
	w("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, e := range r.Engines {
		for _, a := range e.Agg {
			w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d / %d |\n", e.Engine, a.Level, a.Period, fmtDur(a.Rollup.P50), fmtDur(a.Rollup.P99),
				fmtDur(a.Naive.P50), fmtDur(a.Naive.P99), fmtRatio(a.Ratio()), fmtInt(int64(math.Round(a.Counted))), a.Rollup.N, a.Naive.N)
		}
	}
	w("\n")

	w("**Subtree and scope queries** on the tree of %s units\n\n", fmtInt(int64(r.Config.Units)))
	w("| engine | query | p50 | p99 | rows (avg) | samples |\n|---|---|---:|---:|---:|---:|\n")
	for _, e := range r.Engines {
		for _, s := range e.Subtree {
			w("| %s | %s | %s | %s | %.1f | %d |\n", e.Engine, s.Name, fmtDur(s.Lat.P50), fmtDur(s.Lat.P99), s.Rows, s.Lat.N)
		}
	}
	w("\n")

	r.workReport(w)
	if r.Plan.Writes > 0 && !r.Plan.ReportOnly {
		w("**Single-row writes** through `app.CreateActivity` (validation, insert, rollups of every ancestor; one transaction each, one writer), then `app.DeleteActivity` of the same rows\n\n")
		w("| engine | writes | activities/s | write p50 | write p99 | deletes/s | rollups exact after |\n|---|---:|---:|---:|---:|---:|---|\n")
		for _, e := range r.Engines {
			wr := e.Writes
			exact := "no"
			if wr.Exact {
				exact = "yes"
			}
			w("| %s | %s | %s | %s | %s | %s | %s |\n", e.Engine, fmtInt(int64(wr.N)), fmtInt(int64(wr.PerSecond())), fmtDur(wr.Lat.P50), fmtDur(wr.Lat.P99),
				fmtInt(int64(wr.DeletesPerSecond())), exact)
		}
		w("\n")
	}
	for _, n := range r.Notes {
		w("%s\n\n", n)
	}
	w("%s\n", r.Summary())
	return b.String()
}

// Summary is the report in one line.
func (r *Report) Summary() string {
	var parts []string
	checked, mismatches := 0, 0
	for _, e := range r.Engines {
		lo, hi := math.Inf(1), 0.0
		var rollMax time.Duration
		for _, a := range e.Agg {
			checked += a.Checked
			mismatches += a.Mismatches
			if rt := a.Ratio(); rt > 0 {
				lo, hi = math.Min(lo, rt), math.Max(hi, rt)
			}
			rollMax = max(rollMax, a.Rollup.P99)
		}
		s := fmt.Sprintf("%s: rollups answer every level and period within %s (p99), %s–%s faster than a naive GROUP BY (p50)",
			e.Engine, fmtDur(rollMax), strings.TrimPrefix(fmtRatio(lo), "×")+"×", strings.TrimPrefix(fmtRatio(hi), "×")+"×")
		if e.Writes.N > 0 {
			s += fmt.Sprintf(", %s single-row writes/s", fmtInt(int64(e.Writes.PerSecond())))
		}
		parts = append(parts, s)
	}
	eq := fmt.Sprintf("rollups equal the recount in all %d compared samples", checked)
	if mismatches > 0 {
		eq = fmt.Sprintf("ROLLUPS DIFFER FROM THE RECOUNT in %d of %d compared samples", mismatches, checked)
	}
	return fmt.Sprintf("**Summary** (%s activities, %s units): %s; %s.", fmtInt(r.Config.Activities), fmtInt(int64(r.Config.Units)), strings.Join(parts, "; "), eq)
}

// workReport writes the work report's table.
func (r *Report) workReport(w func(format string, args ...any)) {
	if r.Plan.ReportIterations > 0 {
		w("**Work report** (issue 5): the default template for a unit and 2025 through the application — preview (figures from the rollups; venue and units figures by a scoped query), the .docx download, a stored snapshot (every figure's record ids and the records' state), reading a snapshot with its staleness\n\n")
		w("| engine | scenario | p50 | p99 | figures | samples |\n|---|---|---:|---:|---:|---:|\n")
		for _, e := range r.Engines {
			for _, s := range e.Report {
				w("| %s | %s | %s | %s | %.0f | %d |\n", e.Engine, s.Name, fmtDur(s.Lat.P50), fmtDur(s.Lat.P99), s.Rows, s.Lat.N)
			}
		}
		w("\n")
	}
}

// duties writes the duty list's table.
func (r *Report) duties(w func(format string, args ...any)) {
	if r.Plan.DutyIterations > 0 && !r.Plan.ReportOnly && !r.Plan.LedgerOnly {
		w("**Duty list** (issue 13): 200 duties of 2025 for the whole province (every grain), the leader page (`app.LeaderDutyPage`: the progress of every duty for each of 3 covered districts, worst first) read right after an approved record is written in a covered subtree, beside a naive recount of every window from the activity rows\n\n")
		w("| engine | query | p50 | p99 | rows (avg) | samples |\n|---|---|---:|---:|---:|---:|\n")
		for _, e := range r.Engines {
			for _, s := range e.Duties {
				w("| %s | %s | %s | %s | %.0f | %d |\n", e.Engine, s.Name, fmtDur(s.Lat.P50), fmtDur(s.Lat.P99), s.Rows, s.Lat.N)
			}
		}
		w("\n")
	}
}

// ledger writes the ledger's table.
func (r *Report) ledger(w func(format string, args ...any)) {
	if r.Plan.LedgerIterations > 0 && !r.Plan.ReportOnly {
		w("**Ledger** (issue 10): the first page of 50 through `app.ListActivities` (total included) for the province, a random district and a random school, by each sort (descending); the Excel export of about 10⁵ rows through `app.ExportActivities`\n\n")
		w("| engine | query | p50 | p99 | rows (avg) | samples |\n|---|---|---:|---:|---:|---:|\n")
		for _, e := range r.Engines {
			for _, s := range e.Ledger {
				w("| %s | %s | %s | %s | %.0f | %d |\n", e.Engine, s.Name, fmtDur(s.Lat.P50), fmtDur(s.Lat.P99), s.Rows, s.Lat.N)
			}
		}
		w("\n")
	}
}
