#!/usr/bin/env bash
# bench.sh — run the benchmark program against SQLite and a throwaway PostgreSQL server.
#
#   scripts/bench.sh [zbench flags...]      (make bench BENCH_ARGS="...")
#
# Unless ZEREN_BENCH_PG is already set, starts a private throwaway server with
# scripts/pg-test.sh (stopped and removed at the end) and exports
# ZEREN_BENCH_PG=postgres://… for `go run ./bench/cmd/zbench`.
# Note: that server runs with fsync/synchronous_commit/full_page_writes off, which flatters
# write-heavy numbers; PGTEST_FAST=0 gives PostgreSQL's durable defaults.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [ ! -d bench/cmd/zbench ]; then
	echo "bench.sh: bench/cmd/zbench does not exist yet" >&2
	exit 1
fi

if [ -z "${ZEREN_BENCH_PG:-}" ]; then
	# A private server for this run (see scripts/test.sh), stopped and removed at the end.
	PGTEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/zeren-pgbench.XXXXXX")
	export PGTEST_DIR
	trap 'scripts/pg-test.sh stop || true' EXIT
	trap 'exit 130' INT TERM
	ZEREN_BENCH_PG=$(scripts/pg-test.sh start)
	export ZEREN_BENCH_PG
fi
echo "ZEREN_BENCH_PG=$ZEREN_BENCH_PG" >&2

go run ./bench/cmd/zbench "$@"
