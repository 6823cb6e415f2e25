# zeren — build, test and lint.  `make help` lists the targets.
#
# Environment: ZEREN_TEST_PG (PostgreSQL URL for the store tests; `make test` starts a
# throwaway server when unset), PGTEST_PORT (its port, default 54329), DEMO_ARGS,
# BENCH_ARGS, GOTEST_FLAGS (extra `go test` flags, e.g. -v or -run X).

GO ?= go
GOLANGCI_LINT_VERSION := 2.15.0
GOLANGCI_LINT := bin/golangci-lint

# One static binary: everything builds and is tested without cgo.
export CGO_ENABLED := 0
# Go lives in /usr/local/go on our machines; make sure it is found.
export PATH := $(PATH):/usr/local/go/bin

.PHONY: all help build web demo test test-sqlite vet lint fmt tools bench clean distclean

all: build

help:
	@echo 'make build        build bin/zeren (and the web app first when web/package.json exists)'
	@echo 'make demo         build, then ./bin/zeren demo $$DEMO_ARGS'
	@echo 'make test         the whole suite: go test on SQLite + PostgreSQL, go vet, web tests'
	@echo 'make test-sqlite  go test without PostgreSQL'
	@echo 'make lint         golangci-lint (installed into bin/ on first use)'
	@echo 'make fmt          go fmt ./... (rewrites files)'
	@echo 'make bench        scripts/bench.sh $$BENCH_ARGS (go run ./bench/cmd/zbench)'
	@echo 'make clean        remove build outputs'
	@echo 'make distclean    clean, plus bin/ (tools), web/node_modules and the .pgtest/ server'

build: web
	$(GO) build -o bin/zeren ./cmd/zeren

# The web app, built into web/dist (embedded by the Go binary). A no-op until web/ exists.
# `npm ci` runs only when package.json or package-lock.json changed since the last install.
web:
	@if [ -f web/package.json ]; then \
		set -e; cd web; \
		if [ ! -f node_modules/.package-lock.json ] \
			|| [ package.json -nt node_modules/.package-lock.json ] \
			|| [ package-lock.json -nt node_modules/.package-lock.json ]; then \
			echo 'web: npm ci'; npm ci; \
		fi; \
		echo 'web: npm run build'; npm run build; \
	fi

demo: build
	./bin/zeren demo $(DEMO_ARGS)

test:
	scripts/test.sh

test-sqlite:
	env -u ZEREN_TEST_PG $(GO) test -count=1 $(GOTEST_FLAGS) ./...

vet:
	$(GO) vet ./...

lint: tools
	$(GOLANGCI_LINT) run ./...

fmt:
	$(GO) fmt ./...

# golangci-lint, built from source into bin/ when missing or not version $(GOLANGCI_LINT_VERSION).
# The first build takes a few minutes (the Go build cache makes later ones quick).
tools:
	@if [ "$$($(GOLANGCI_LINT) version --short 2>/dev/null)" != "$(GOLANGCI_LINT_VERSION)" ]; then \
		echo 'installing golangci-lint v$(GOLANGCI_LINT_VERSION) into bin/ (the first time takes a few minutes)'; \
		rm -f $(GOLANGCI_LINT); \
		GOBIN="$(CURDIR)/bin" $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$(GOLANGCI_LINT_VERSION); \
	fi

bench:
	scripts/bench.sh $(BENCH_ARGS)

clean:
	rm -f bin/zeren
	rm -rf bench/out
	@if [ -d web/dist ]; then find web/dist -mindepth 1 ! -name .keep -delete; fi

# Also stops a test server started by hand with `scripts/pg-test.sh start` (in .pgtest/).
distclean: clean
	scripts/pg-test.sh stop
	rm -rf bin web/node_modules
