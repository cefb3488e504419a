# kalypso-mirror: `make demo` runs the main job on embedded defaults, `make test` runs every test.
# Both install what is missing: Debian packages (apt-get) and Python tools (a venv in .venv).
SHELL := /bin/bash
.DEFAULT_GOAL := help

APT_PACKAGES := libsecp256k1-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev libpq-dev libmicrohttpd-dev pkg-config
VENV         := .venv
PYTHON       := $(VENV)/bin/python
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT_FLAGS  ?=
RELEASE_BIN  := .build/release/kalypso-mirror
DEBUG_BIN    := .build/debug/kalypso-mirror

.PHONY: help deps apt-deps venv build release test test-swift demo bench bench-venv fuzz clean devnode scenario \
        test-devnode bench-devnode

help:
	@echo "make demo   - a local devnode and scenario; the mirror syncing and following it, serving the API, matching"
	@echo "make test   - build and run every test (installs what is missing; starts a throw-away PostgreSQL)"
	@echo "make bench  - run the benchmarks and print the figures next to their peers"
	@echo "make fuzz   - run each libFuzzer target for a bounded time"
	@echo "narrower:     test-devnode test-kalypso test-matching test-matching-devnode test-operator"
	@echo "              test-mirror-integration test-mirror-postgres test-postgres test-api"
	@echo "              bench-matching bench-api bench-http devnode scenario embed check-embedded"

# ---- dependencies ---------------------------------------------------------------------------
apt-deps:
	@missing=""; for p in $(APT_PACKAGES) $(EXTRA_APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

venv: $(VENV)/.installed
$(VENV)/.installed: $(wildcard Devnode/requirements.txt)
	@command -v python3 >/dev/null || { echo "python3 is required"; exit 1; }
	@# output to stderr: `make devnode` must print the info JSON as its first stdout line
	@echo "creating $(VENV) from Devnode/requirements.txt" >&2
	@python3 -m venv $(VENV) >&2
	@$(PYTHON) -m pip install -q --upgrade pip >&2
	@if [ -f Devnode/requirements.txt ]; then $(PYTHON) -m pip install -q -r Devnode/requirements.txt >&2; fi
	@touch $@

deps: apt-deps venv

# ---- build -----------------------------------------------------------------------------------
build: apt-deps
	swift build $(SWIFT_FLAGS)

release: apt-deps
	swift build -c release $(SWIFT_FLAGS)

# ---- tests -----------------------------------------------------------------------------------
test: deps postgres-deps test-devnode test-swift

# The whole Swift suite, once, under a throw-away PostgreSQL server (Scripts/pg-test-server): the PostgreSQL tests
# and the mirror tests' PostgreSQL variants run in the same `swift test` as everything else.
test-swift: postgres-deps
	swift build --build-tests $(SWIFT_FLAGS)
	Scripts/pg-test-server run -- swift test --skip-build $(SWIFT_FLAGS)

# ---- devnode (Python: py-evm + Vyper Kalypso contracts, Devnode/README.md) ---------------------
DEVNODE_PY   := PYTHONPATH=Devnode $(PYTHON)
DEVNODE_ARGS ?=
RPC          ?= http://127.0.0.1:8545
SEED         ?= 1
OPS          ?= 200

devnode: venv
	@$(DEVNODE_PY) -m devnode serve $(DEVNODE_ARGS)

scenario: venv
	$(DEVNODE_PY) -m devnode scenario --rpc $(RPC) --seed $(SEED) --ops $(OPS)

test-devnode: venv
	cd Devnode && ../$(PYTHON) -m pytest -q -p no:cacheprovider tests

bench-devnode: venv
	$(DEVNODE_PY) -m devnode.bench

clean:
	rm -rf .build .devnode

# ---- embedded resources (owner: database layer) ----------------------------------------------
# Each entry is FOLDER:OUTPUT.swift:ENUM. `make embed` regenerates them; `make check-embedded` fails when one is
# stale (a unit test checks the same). Add Migrations/ and ABI/ here with one line each.
# A trailing :public makes the enum public (for a support module shared by several targets).
EMBED_RESOURCES := \
	Tests/DatabaseTestSupport/Fixtures/Embedded:Tests/DatabaseTestSupport/EmbeddedFixtures.swift:EmbeddedFixtures:public \
	ABI:Sources/Mirror/Deployment/EmbeddedABIs.swift:EmbeddedABIs \
	Migrations/sqlite:Sources/Mirror/Store/Embedded/EmbeddedSQLiteMigrations.swift:EmbeddedSQLiteMigrations \
	Migrations/postgres:Sources/Mirror/Store/Embedded/EmbeddedPostgresMigrations.swift:EmbeddedPostgresMigrations

.PHONY: embed check-embedded
embed:
	@for e in $(EMBED_RESOURCES); do IFS=: read -r src out name access <<< "$$e"; \
	  Scripts/embed-resources --name "$$name" $${access:+--$$access} "$$src" "$$out" || exit 1; done

check-embedded:
	@for e in $(EMBED_RESOURCES); do IFS=: read -r src out name access <<< "$$e"; \
	  Scripts/embed-resources --check --name "$$name" $${access:+--$$access} "$$src" "$$out" || exit 1; done

# ---- PostgreSQL integration tests (owner: database layer) ------------------------------------
# Scripts/pg-test-server starts a throw-away PostgreSQL 15 cluster on 127.0.0.1 (a free port, data and socket in
# a temp folder, run as user postgres when we are root), exports KALYPSO_TEST_POSTGRES_URL to the command and
# stops the server when the command ends, even when it fails.
# `make test` runs them within the one full run (test-swift); test-postgres runs only the PostgreSQL tests.
.PHONY: test-postgres postgres-deps
test-postgres: apt-deps postgres-deps
	swift build --build-tests $(SWIFT_FLAGS)
	Scripts/pg-test-server run -- swift test --skip-build $(SWIFT_FLAGS) \
	  --filter 'PostgresIntegrationTests|PostgresWriterTests|SQLMirrorStoreTests|MirrorReaderTests'

# Installs the server binaries when missing (Debian may create a default cluster; the tests never use it).
postgres-deps:
	@dpkg -s postgresql >/dev/null 2>&1 || { echo "installing: postgresql"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; }
# ---- Mirror on PostgreSQL (owner: mirror store) -------------------------------------------------
# The store, reader, writer-lock and devnode integration tests on PostgreSQL only (each test its own schema).
.PHONY: test-mirror-postgres
test-mirror-postgres: apt-deps postgres-deps venv
	swift build --build-tests $(SWIFT_FLAGS)
	KALYPSO_TEST_MIRROR_BACKEND=postgres Scripts/pg-test-server run -- swift test --skip-build $(SWIFT_FLAGS) \
	  --filter 'SQLMirrorStoreTests|MirrorReaderTests|BackfillModeTests|PostgresWriterTests|MirrorIntegrationTests'
# ---- HTTP server benchmark (issue 7; standalone, not part of `bench` yet) -------------------
# wrk against http-bench-server and against nginx serving the same body; DURATION=seconds (default 30).
.PHONY: bench-http
bench-http: apt-deps
	@missing=""; for p in wrk nginx-light curl; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi
	Benchmarks/http/run.sh
# ---- Kalypso state model and reducer (issue 4) -------------------------------------------------
.PHONY: test-kalypso
test-kalypso:
	swift build --build-tests $(SWIFT_FLAGS)
	swift test --skip-build $(SWIFT_FLAGS) --filter KalypsoTests
# ---- benchmarks (numbers engineer) ----------------------------------------------------------
# kalypso-bench (Sources/KalypsoBench, release build) measures our code next to a peer in the same run.
# Peers: openssl (Debian), C loops in Benchmarks/*/ built into bench-out/, Python peers in the venv with
# Benchmarks/requirements.txt. Prints figures and PASS/MISS per goal; never fails on a missed goal.
BENCH_APT      := openssl gcc libc6-dev valgrind
BENCH_C_PEERS  := $(patsubst Benchmarks/%.c,bench-out/%,$(wildcard Benchmarks/*/*.c))
BENCH_ARGS     ?=

bench: EXTRA_APT += $(BENCH_APT)
bench: apt-deps venv bench-venv $(BENCH_C_PEERS) postgres-deps
	swift build -c release --product kalypso-bench $(SWIFT_FLAGS)
	Scripts/pg-test-server run -- .build/release/kalypso-bench --out bench-out --python $(PYTHON) $(BENCH_ARGS)

bench-venv: $(VENV)/.bench-installed
$(VENV)/.bench-installed: Benchmarks/requirements.txt $(VENV)/.installed
	$(PYTHON) -m pip install -q -r Benchmarks/requirements.txt
	touch $@

bench-out/%: Benchmarks/%.c
	@mkdir -p $(dir $@)
	cc -O2 -o $@ $< $$(pkg-config --cflags --libs libsecp256k1)

# ---- fuzzing (numbers engineer) -------------------------------------------------------------
# Fuzz/ is a separate package of libFuzzer targets; see Fuzz/README.md. FUZZ_SECONDS per target (default 60),
# or FUZZ_RUNS executions; output in fuzz-out/ (git-ignored).
fuzz: apt-deps
	Fuzz/run.sh
# ---- Matching engine (issue 6) -----------------------------------------------------------------
# test-matching: unit and property tests (engine = brute-force oracle on random states; relayer against a fake chain).
# bench-matching: one round of 10k asks × 10k generators × 100 markets vs the oracle (also part of `make bench`).
.PHONY: test-matching bench-matching
test-matching:
	swift build --build-tests $(SWIFT_FLAGS)
	swift test --skip-build $(SWIFT_FLAGS) --filter 'MatchingTests|MatchRunnerTests'

# test-matching-devnode: the engine end to end on a devnode (sync --match --relay, match --once, provers; needs the venv).
.PHONY: test-matching-devnode
test-matching-devnode: venv
	swift build --build-tests $(SWIFT_FLAGS)
	swift test --skip-build $(SWIFT_FLAGS) --filter 'MirrorIntegrationTests.matchingRelays'

bench-matching: apt-deps
	swift build -c release --product kalypso-bench $(SWIFT_FLAGS)
	.build/release/kalypso-bench $(BENCH_ARGS) matching
# ---- generator operator (issue 5) -------------------------------------------------------------
# OperatorTests: unit tests (no node). OperatorIntegrationTests: one devnode subprocess (port 0, needs the venv)
# and the kalypso-mirror binary; KeysCommandTests: the keys commands through the binary.
.PHONY: test-operator
test-operator: venv
	swift build --build-tests $(SWIFT_FLAGS)
	swift test --skip-build $(SWIFT_FLAGS) --filter 'OperatorTests|OperatorIntegrationTests|KeysCommandTests'
# ---- mirror sync, integration tests, ingest benchmarks, demo (owner: sync) -------------------
# The recorded chain of the ingest/catch-up benchmarks (≥ 200,000 logs; ~1 min of Python, kept in bench-out/).
BENCH_CHAIN := bench-out/ingest/chain/meta.json
bench: $(BENCH_CHAIN)
$(BENCH_CHAIN): Benchmarks/ingest/make_chain.py | venv
	$(PYTHON) Benchmarks/ingest/make_chain.py bench-out/ingest/chain --logs 200000

.PHONY: test-mirror-integration demo
# The devnode integration tests alone (they also run in `make test`).
test-mirror-integration: venv
	swift build --build-tests $(SWIFT_FLAGS)
	swift test --skip-build $(SWIFT_FLAGS) --filter MirrorIntegrationTests

# A devnode, a 200-operation scenario, then `kalypso-mirror sync` following it (Ctrl-C stops both).
demo: venv release
	Scripts/mirror-demo
# ---- HTTP API (issue 7; owner: api) ----------------------------------------------------------------
# api-venv: openapi-spec-validator + jsonschema (Tests/APITests/requirements.txt) in the project venv, for the
# OpenAPI conformance test of APITests (test-swift needs them). test-api: the API tests alone.
# bench-api: Benchmarks/api/run.sh — a devnode scenario synced with `sync --once`, then wrk on
# GET /v1/generators/{address} against `serve` next to nginx serving the same bytes; part of `make bench`.
.PHONY: api-venv test-api bench-api
api-venv: $(VENV)/.api-installed
$(VENV)/.api-installed: Tests/APITests/requirements.txt $(VENV)/.installed
	$(PYTHON) -m pip install -q -r Tests/APITests/requirements.txt
	touch $@
test-swift: api-venv
test-api: apt-deps api-venv
	swift build --build-tests $(SWIFT_FLAGS)
	swift test --skip-build $(SWIFT_FLAGS) --filter APITests
bench-api: EXTRA_APT += wrk nginx-light curl
bench-api: apt-deps venv
	Benchmarks/api/run.sh
bench: EXTRA_APT += wrk nginx-light curl
bench: bench-api
# The demo serves the API (sync --serve) and checks the example curl lines it prints.
demo: EXTRA_APT += curl
