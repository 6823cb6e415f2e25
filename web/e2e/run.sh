#!/usr/bin/env bash
# Browser tests (`npm run e2e`, run by `make test`): builds the web app when
# web/dist is missing or older than the sources, builds bin/zeren with it
# embedded, starts a fresh demo county on a free port and runs e2e/*.test.mjs
# in Debian's chromium (playwright-core). Screenshots: web/e2e/screenshots/.
# E2E_FILES="e2e/a.test.mjs e2e/b.test.mjs" runs only those files.
set -euo pipefail

WEB=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$WEB/.." && pwd)
export PATH="$PATH:/usr/local/go/bin"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
	echo "e2e: $CHROMIUM is missing: apt-get install chromium (or set CHROMIUM)" >&2
	exit 1
fi

cd "$WEB"
if [ ! -f dist/index.html ] || [ -n "$(find src index.html m.html package.json vite.config.ts public -newer dist/index.html -print -quit)" ]; then
	echo "e2e: building the web app"
	npm run build
fi

cd "$ROOT"
echo "e2e: go build -o bin/zeren ./cmd/zeren"
CGO_ENABLED=0 go build -o bin/zeren ./cmd/zeren

TMP=$(mktemp -d "${TMPDIR:-/tmp}/zeren-e2e.XXXXXX")
PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
BASE="http://127.0.0.1:$PORT"
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT

bin/zeren demo --addr "127.0.0.1:$PORT" --db "$TMP/demo.db" --data-dir "$TMP/data" >"$TMP/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
	if curl -fsS "$BASE/healthz" >/dev/null 2>&1; then break; fi
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "e2e: the demo server stopped:" >&2
		cat "$TMP/server.log" >&2
		exit 1
	fi
	sleep 0.2
done
curl -fsS "$BASE/healthz" >/dev/null || { echo "e2e: the demo server did not answer /healthz" >&2; cat "$TMP/server.log" >&2; exit 1; }
echo "e2e: demo server at $BASE"

cd "$WEB"
rc=0
# E2E_FILES picks some files (e.g. E2E_FILES="e2e/ledger.test.mjs"); default: all.
for t in ${E2E_FILES:-e2e/*.test.mjs}; do
	echo "e2e: $t"
	ZEREN_URL="$BASE" CHROMIUM="$CHROMIUM" node "$t" || rc=1
done
if [ "$rc" -ne 0 ]; then
	echo "--- server log (tail):"
	tail -40 "$TMP/server.log"
fi
exit "$rc"
