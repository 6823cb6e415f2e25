#!/usr/bin/env bash
# deps.sh — the Debian packages the test suite needs, installed when missing.
#
#   scripts/deps.sh          as root: apt-get install whatever is missing (nothing when all
#                            are there); not root: print the one apt-get line to run and fail
#   scripts/deps.sh --list   print the package names, one a line
#   scripts/deps.sh --check  exit 0 when all are installed, 1 (naming the missing) otherwise
#
# `make test` (scripts/test.sh) and `.ci/run` both call it, so a fresh machine needs
# nothing installed by hand. Set ZEREN_SKIP_DEPS=1 to skip it (e.g. on a machine
# where the packages come from elsewhere).
set -euo pipefail

packages=(
	postgresql               # a real PostgreSQL server for the store tests (scripts/pg-test.sh)
	chromium                 # browser tests (playwright-core drives /usr/bin/chromium)
	libreoffice-writer-nogui # .docx → PDF checks of the generated reports
	libreoffice-calc-nogui   # opens the exported .xlsx files in the tests
	fonts-noto-cjk           # Chinese fonts for the PDFs and the browser screenshots
	poppler-utils            # pdftotext / pdfinfo on the generated PDFs
)

log() { printf 'deps: %s\n' "$*" >&2; }

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

case "${1:-}" in
--list)
	printf '%s\n' "${packages[@]}"
	exit 0
	;;
esac

if [ "${ZEREN_SKIP_DEPS:-0}" = 1 ]; then
	log "ZEREN_SKIP_DEPS=1: not checking system packages"
	exit 0
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
	log "not a Debian system: make sure these are installed: ${packages[*]}"
	exit 0
fi

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	log "all ${#packages[@]} system packages are installed"
	exit 0
fi
if [ "${1:-}" = --check ]; then
	log "missing: ${missing[*]}"
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	log "missing system packages; run this once, then make test again:"
	printf '  sudo apt-get install -y %s\n' "${missing[*]}" >&2
	exit 1
fi
log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" </dev/null
for p in "${missing[@]}"; do
	installed "$p" || { log "$p did not install"; exit 1; }
done
log "installed: ${missing[*]}"
