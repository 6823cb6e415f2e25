#!/usr/bin/env bash
# test.sh — the whole test suite (`make test`).
#
# 0. scripts/deps.sh installs the Debian packages the suite needs (as root; otherwise it
#    prints the apt-get line to run and the suite stops there).
# 1. Unless ZEREN_TEST_PG is already set, starts a throwaway PostgreSQL server with
#    scripts/pg-test.sh and exports ZEREN_TEST_PG=postgres://… so the store tests run
#    against PostgreSQL as well as SQLite. Each run gets its own server (in a fresh /tmp
#    folder), stopped and removed at the end, even on failure.
# 2. go test -count=1 ./...   (extra flags: GOTEST_FLAGS, e.g. GOTEST_FLAGS=-v)
# 3. go vet ./...
# 4. web unit tests (npm --prefix web test) when web/package.json exists (after
#    npm ci when web/node_modules is missing),
#    and browser tests (npm --prefix web run e2e) when web/e2e exists.
#
# Every step runs even if an earlier one failed; the script fails if any step failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

section() { printf '\n=== %s\n' "$*"; }

section "system packages"
scripts/deps.sh

failed=()
step() { # NAME CMD...
	local name=$1 t0=$SECONDS
	shift
	section "$name"
	if "$@"; then
		printf -- '--- %s: ok (%ds)\n' "$name" $((SECONDS - t0))
	else
		printf -- '--- %s: FAILED (%ds)\n' "$name" $((SECONDS - t0))
		failed+=("$name")
	fi
}

if [ -n "${ZEREN_TEST_PG:-}" ]; then
	section "PostgreSQL: using ZEREN_TEST_PG from the environment"
else
	# A private server for this run, in its own folder on the first free port from 54329:
	# parallel runs, or a server started by hand with scripts/pg-test.sh, are left alone.
	section "PostgreSQL: starting a throwaway server"
	PGTEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/zeren-pgtest.XXXXXX")
	export PGTEST_DIR
	trap 'section "PostgreSQL: stopping"; scripts/pg-test.sh stop || true' EXIT
	trap 'exit 130' INT TERM
	ZEREN_TEST_PG=$(scripts/pg-test.sh start)
	export ZEREN_TEST_PG
fi
echo "ZEREN_TEST_PG=$ZEREN_TEST_PG"

# go test runs verbosely into a log; the console gets each package's result, and for the
# suites that run on both databases, one line per test and engine, so the output shows the
# store and application suites passing on SQLite and on PostgreSQL. Failures print in full.
gotest() {
	local log rc=0
	log=$(mktemp "${TMPDIR:-/tmp}/zeren-gotest.XXXXXX")
	# -timeout: a loaded machine can take longer than the default 10 minutes
	# for the app package alone; a hung test still ends the run.
	# shellcheck disable=SC2086 # GOTEST_FLAGS is a list of flags
	go test -count=1 -timeout 30m -v ${GOTEST_FLAGS:-} ./... >"$log" 2>&1 || rc=$?
	grep -E '^(ok|FAIL|panic:|\?)|^    --- (PASS|FAIL): [^ ]+/(sqlite|postgres) ' "$log" || true
	if [ "$rc" -ne 0 ]; then
		echo "--- failures:"
		grep -E -B2 -A25 -- '--- FAIL|^panic:|build failed|\[build failed\]|cannot|undefined' "$log" | head -400 || true
	fi
	local passed failedn
	passed=$(grep -cE -- '^\s*--- PASS' "$log" || true)
	failedn=$(grep -cE -- '^\s*--- FAIL' "$log" || true)
	rm -f "$log"
	echo "go-test: $passed passed, $failedn failed"
	return "$rc"
}
step "go test" gotest
step "go vet" go vet ./...

if [ -f web/package.json ]; then
	if [ ! -d web/node_modules ]; then
		step "web npm ci" npm --prefix web ci
	fi
	step "web unit tests" npm --prefix web test
fi
if [ -d web/e2e ]; then
	step "web browser tests" npm --prefix web run e2e
fi

if [ ${#failed[@]} -gt 0 ]; then
	printf '\nFAILED: %s\n' "${failed[*]}"
	exit 1
fi
printf '\nall tests passed\n'
