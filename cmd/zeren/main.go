// Command zeren runs the duty system: `zeren serve` serves it, `zeren migrate`
// prepares its database, `zeren demo` builds and serves a demo county, and
// `zeren version` says what was built. This package is wiring only: settings
// → store → app → HTTP server; the work happens in internal/.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time: go build -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, a second one kills at once instead of
		// waiting for the graceful shutdown.
		<-ctx.Done()
		stop()
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // the command ran and failed (database unreachable, port taken …)
	exitUsage  = 2 // bad flags or settings: nothing was done
)

// run is the whole program, callable from tests: cancelling ctx is SIGTERM.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	// `zeren CMD --help` (anywhere among CMD's arguments, e.g. `zeren audit verify
	// -h`) prints CMD's help and succeeds, whatever else the line holds.
	if _, known := commands[cmd]; known && cmd != "help" && asksHelp(rest) {
		return helpCmd([]string{cmd}, stdout, stderr)
	}
	switch cmd {
	case "serve":
		return serveCmd(ctx, rest, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, rest, stdout, stderr)
	case "demo":
		return demoCmd(ctx, rest, stdout, stderr)
	case "init":
		return runInit(ctx, rest, stdout, stderr)
	case "audit":
		return runAudit(ctx, rest, stdout, stderr)
	case "report":
		return reportCmd(ctx, rest, stdout, stderr)
	case "backup":
		return backupCmd(ctx, rest, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, rest, stdout, stderr)
	case "version", "--version", "-version":
		return versionCmd(rest, stdout, stderr)
	case "help", "-h", "--help", "-help":
		return helpCmd(rest, stdout, stderr)
	}
	fmt.Fprintf(stderr, "zeren: %q is not a command; run `zeren help`\n", clip(cmd))
	return exitUsage
}

const usage = `zeren — the ideological-work duty system (意识形态工作责任制) of a county education bureau

Usage:
  zeren serve    [--db PATH|URL] [--addr HOST:PORT] [--data-dir DIR] [--log-level LEVEL] [--max-evidence-mb N]
                 [--trusted-proxies CIDR,…] [--tls-cert FILE --tls-key FILE] [--tz ZONE]
  zeren migrate  [--db PATH|URL]
  zeren demo     [--seed N] [--db PATH|URL] [--addr HOST:PORT] [--data-dir DIR]
  zeren init     --bureau-name NAME [--bureau-code CODE] [--db PATH|URL]
  zeren audit verify [--db PATH|URL] [--data-dir DIR] [--audit-key FILE] [--anchor FILE]
  zeren audit anchor [--db PATH|URL] [--data-dir DIR] [--audit-key FILE]
  zeren report   --unit CODE --period PERIOD -o FILE [--format docx|html|xlsx] [--template NAME] [--db PATH|URL]
  zeren backup   [--db PATH|URL] [--data-dir DIR] [--out DIR] [--keep N]
  zeren restore  --from FILE [--db PATH|URL] [--data-dir DIR] [--check-only]
  zeren version
  zeren help [COMMAND]

Every setting may also come from the environment (ZEREN_DB, ZEREN_ADDR,
ZEREN_DATA_DIR, ZEREN_LOG_LEVEL, ZEREN_MAX_EVIDENCE_MB, ZEREN_TRUSTED_PROXIES,
ZEREN_TLS_CERT, ZEREN_TLS_KEY, ZEREN_TZ);
a flag wins over the environment. Run ` + "`zeren help COMMAND`" + ` for a command's settings.
`

// asksHelp reports whether args hold a help flag before a "--".
func asksHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func helpCmd(args []string, stdout, stderr io.Writer) int {
	var names []string // `zeren help audit --help` is `zeren help audit`
	for _, a := range args {
		if !asksHelp([]string{a}) {
			names = append(names, a)
		}
	}
	args = names
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	spec, ok := commands[args[0]]
	if !ok || len(args) > 1 {
		fmt.Fprintf(stderr, "zeren help: %q is not a command; run `zeren help`\n", clip(strings.Join(args, " ")))
		return exitUsage
	}
	printCommandHelp(stdout, args[0], spec)
	return exitOK
}

// fail prints one line, however many lines err's text holds (a driver may
// join several), and returns code.
func fail(stderr io.Writer, cmd string, code int, err error) int {
	var b strings.Builder
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		if s := b.String(); s != "" {
			if strings.HasSuffix(s, ":") {
				b.WriteString(" ")
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(line)
	}
	fmt.Fprintf(stderr, "zeren %s: %s\n", cmd, b.String())
	return code
}

// clip shortens user input echoed in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
