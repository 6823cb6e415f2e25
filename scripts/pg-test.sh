#!/usr/bin/env bash
# pg-test.sh — a throwaway PostgreSQL server on loopback for tests and benchmarks.
#
#   scripts/pg-test.sh start    start it (idempotent) and print its URL on stdout
#   scripts/pg-test.sh url      print the URL of the running server (fails if not running)
#   scripts/pg-test.sh status   exit 0 if it is running, 1 if not
#   scripts/pg-test.sh stop     stop it and remove its data directory
#
# Only the URL goes to stdout, so `export ZEREN_TEST_PG=$(scripts/pg-test.sh start)` works.
# Everything else goes to stderr.
#
# Environment:
#   PGTEST_PORT   port to listen on (default 54329; if busy, the next free one up to +20)
#   PGTEST_DIR    where the data lives (default <repo>/.pgtest, or a folder under /tmp when
#                 the postgres user cannot reach the checkout, e.g. a clone under /root).
#                 scripts/test.sh and scripts/bench.sh give each run its own private
#                 server in a fresh /tmp folder this way, so parallel runs never collide.
#   PGTEST_FAST   1 (default): fsync, synchronous_commit and full_page_writes off — fast, not
#                 crash-safe, fine for a throwaway server; 0: PostgreSQL's durable defaults
#   PG_BINDIR     PostgreSQL's bin directory (default: newest /usr/lib/postgresql/*/bin)
#
# PostgreSQL refuses to run as root: as root, initdb/pg_ctl run as the `postgres` system user
# (created by Debian's postgresql package); otherwise as the current user. The superuser role
# is always `postgres`, authentication is `trust`, and the server listens on 127.0.0.1 only
# (no Unix socket). The database `zeren_test` is created; tests create their own
# schemas/databases inside the server.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DB=zeren_test
DEFAULT_PORT=${PGTEST_PORT:-54329}
FAST=${PGTEST_FAST:-1}

log() { printf 'pg-test: %s\n' "$*" >&2; }
die() { printf 'pg-test: error: %s\n' "$*" >&2; exit 1; }

IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

# --- binaries -----------------------------------------------------------------------------

find_bindir() {
	if [ -n "${PG_BINDIR:-}" ]; then
		[ -x "$PG_BINDIR/pg_ctl" ] || die "PG_BINDIR=$PG_BINDIR has no pg_ctl"
		printf '%s\n' "$PG_BINDIR"
		return 0
	fi
	local d
	d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
		printf '%s\n' "$d"
		return 0
	fi
	return 1
}

ensure_bindir() {
	if BINDIR=$(find_bindir); then return 0; fi
	if [ "$IS_ROOT" -eq 1 ] && command -v apt-get >/dev/null 2>&1; then
		log "PostgreSQL server binaries not found; installing Debian's postgresql package"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq postgresql >&2
		BINDIR=$(find_bindir) || die "postgresql installed, but no /usr/lib/postgresql/*/bin found"
		return 0
	fi
	die "PostgreSQL server binaries not found: run 'sudo apt-get install -y postgresql' (or set ZEREN_TEST_PG to a server URL, or use 'make test-sqlite')"
}

# --- who runs the server, and where its data lives ----------------------------------------

RUNAS=()
if [ "$IS_ROOT" -eq 1 ]; then
	id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user (install Debian's postgresql package)"
	RUNAS=(runuser -u postgres --)
fi

# as_pg CMD...: run CMD as the server's user, from / (the postgres user may not be able to
# enter the current directory).
as_pg() { (cd / && "${RUNAS[@]}" "$@"); }

TMP_DIR="${TMPDIR:-/tmp}/zeren-pgtest-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"

# The candidate directories, in order of preference.
candidates() {
	if [ -n "${PGTEST_DIR:-}" ]; then
		printf '%s\n' "$PGTEST_DIR"
	else
		printf '%s\n' "$ROOT/.pgtest" "$TMP_DIR"
	fi
}

# existing_dir: the directory of an existing server (data initialised), if any.
existing_dir() {
	local d
	while IFS= read -r d; do
		if [ -f "$d/data/PG_VERSION" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	done < <(candidates)
	return 1
}

# make_dir: create and return a directory the server's user can write.
make_dir() {
	local d
	while IFS= read -r d; do
		mkdir -p "$d" 2>/dev/null || continue
		if [ "$IS_ROOT" -eq 1 ]; then
			chown postgres:postgres "$d"
		fi
		chmod 700 "$d"
		if as_pg test -w "$d" 2>/dev/null; then
			printf '%s\n' "$d"
			return 0
		fi
		log "$d is not reachable by the server's user; trying the next place"
		rmdir "$d" 2>/dev/null || true
	done < <(candidates)
	die "no usable data directory (tried: $(candidates | tr '\n' ' '))"
}

is_running() { # DIR
	[ -f "$1/data/PG_VERSION" ] && as_pg "$BINDIR/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

url_for() { # PORT
	printf 'postgres://postgres@127.0.0.1:%s/%s?sslmode=disable\n' "$1" "$DB"
}

port_busy() { # PORT — true if something accepts connections on 127.0.0.1:PORT
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
	local p=$DEFAULT_PORT end=$((DEFAULT_PORT + 20))
	while [ "$p" -le "$end" ]; do
		if ! port_busy "$p"; then
			printf '%s\n' "$p"
			return 0
		fi
		[ -n "${PGTEST_PORT:-}" ] && die "port $p (PGTEST_PORT) is in use"
		log "port $p is in use; trying $((p + 1))"
		p=$((p + 1))
	done
	die "no free port in $DEFAULT_PORT..$end"
}

# --- commands -----------------------------------------------------------------------------

cmd_start() {
	ensure_bindir
	local dir port
	if dir=$(existing_dir); then
		if is_running "$dir"; then
			url_for "$(cat "$dir/port")"
			return 0
		fi
		log "removing the stale data in $dir"
		rm -rf "$dir"
	fi
	dir=$(make_dir)

	local t0=$SECONDS locale=C
	if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
	log "initdb ($("$BINDIR/postgres" --version | awk '{print $3}'), $dir/data)"
	as_pg "$BINDIR/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
		--locale="$locale" --no-sync >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	{
		echo
		echo "# added by scripts/pg-test.sh"
		echo "listen_addresses = '127.0.0.1'"
		echo "unix_socket_directories = ''"
		echo "max_connections = 200"
		if [ "$FAST" = 1 ]; then
			echo "fsync = off"
			echo "synchronous_commit = off"
			echo "full_page_writes = off"
		fi
	} >>"$dir/data/postgresql.conf"

	# Another server may grab the port between the check and the start: then try another.
	local attempt
	for attempt in 1 2 3; do
		port=$(pick_port)
		printf '%s\n' "$port" >"$dir/port"
		if as_pg "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null; then
			break
		fi
		if [ "$attempt" -lt 3 ] && [ -z "${PGTEST_PORT:-}" ] &&
			grep -q 'could not bind\|could not create any TCP/IP sockets' "$dir/server.log" 2>/dev/null; then
			log "port $port was taken meanwhile; retrying"
			continue
		fi
		tail -n 30 "$dir/server.log" >&2 || true
		die "the server did not start (log: $dir/server.log)"
	done
	as_pg "$BINDIR/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
		-v ON_ERROR_STOP=1 -c "CREATE DATABASE $DB" >&2 ||
		die "could not create database $DB"
	log "started on 127.0.0.1:$port in $((SECONDS - t0))s"
	url_for "$port"
}

cmd_url() {
	ensure_bindir
	local dir
	if dir=$(existing_dir) && is_running "$dir"; then
		url_for "$(cat "$dir/port")"
		return 0
	fi
	die "not running (start it with: scripts/pg-test.sh start)"
}

cmd_status() {
	local dir
	if BINDIR=$(find_bindir) && dir=$(existing_dir) && is_running "$dir"; then
		log "running: $(url_for "$(cat "$dir/port")")"
		return 0
	fi
	log "not running"
	return 1
}

cmd_stop() {
	local dir
	while IFS= read -r dir; do
		[ -e "$dir" ] || continue
		if [ -f "$dir/data/PG_VERSION" ] && BINDIR=$(find_bindir) && is_running "$dir"; then
			as_pg "$BINDIR/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null ||
				log "pg_ctl stop failed (log: $dir/server.log)"
			log "stopped"
		fi
		# The folder itself may sit in a directory only root can write: empty it at least.
		rm -rf "$dir" 2>/dev/null || rm -rf "${dir:?}"/* 2>/dev/null || true
	done < <(candidates)
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
url) cmd_url ;;
status) cmd_status ;;
*)
	echo "usage: $0 start|stop|url|status" >&2
	exit 2
	;;
esac
