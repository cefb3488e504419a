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

.PHONY: help deps apt-deps venv build release test test-swift demo bench bench-venv fuzz clean

help:
	@echo "make demo   - start a local devnode, drive a scenario and run the mirror against it"
	@echo "make test   - build and run every test (installs what is missing)"
	@echo "make bench  - run the benchmarks and print the figures"
	@echo "make fuzz   - run each libFuzzer target for a bounded time"

# ---- dependencies ---------------------------------------------------------------------------
apt-deps:
	@missing=""; for p in $(APT_PACKAGES) $(EXTRA_APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

venv: $(VENV)/.installed
$(VENV)/.installed: $(wildcard Devnode/requirements.txt)
	@command -v python3 >/dev/null || { echo "python3 is required"; exit 1; }
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	@if [ -f Devnode/requirements.txt ]; then $(PYTHON) -m pip install -q -r Devnode/requirements.txt; fi
	touch $@

deps: apt-deps venv

# ---- build -----------------------------------------------------------------------------------
build: apt-deps
	swift build $(SWIFT_FLAGS)

release: apt-deps
	swift build -c release $(SWIFT_FLAGS)

# ---- tests -----------------------------------------------------------------------------------
test: deps test-swift

test-swift:
	swift build --build-tests $(SWIFT_FLAGS)
	swift test --skip-build $(SWIFT_FLAGS)

clean:
	rm -rf .build .devnode

# ---- benchmarks (numbers engineer) ----------------------------------------------------------
# kalypso-bench (Sources/KalypsoBench, release build) measures our code next to a peer in the same run.
# Peers: openssl (Debian), C loops in Benchmarks/*/ built into bench-out/, Python peers in the venv with
# Benchmarks/requirements.txt. Prints figures and PASS/MISS per goal; never fails on a missed goal.
BENCH_APT      := openssl gcc libc6-dev valgrind
BENCH_C_PEERS  := $(patsubst Benchmarks/%.c,bench-out/%,$(wildcard Benchmarks/*/*.c))
BENCH_ARGS     ?=

bench: EXTRA_APT += $(BENCH_APT)
bench: apt-deps venv bench-venv $(BENCH_C_PEERS)
	swift build -c release --product kalypso-bench $(SWIFT_FLAGS)
	.build/release/kalypso-bench --out bench-out --python $(PYTHON) $(BENCH_ARGS)

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
