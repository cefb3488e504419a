#!/usr/bin/env bash
# API benchmark (issue 7): wrk on GET /v1/generators/{address} against `kalypso-mirror serve` on a database synced
# from a devnode scenario, next to nginx serving the same response bytes as a static file, in the same run
# (Benchmarks/http/run.sh does the wrk + nginx part).
#
#   Benchmarks/api/run.sh                 # 30 s per server, the response cache on (the default of `serve`)
#   DURATION=10 CACHE_ENTRIES=0 Benchmarks/api/run.sh   # every request a database snapshot query
#
# Environment: DURATION, ROUNDS, CONNECTIONS, WRK_THREADS (see Benchmarks/http/run.sh); SEED / OPS of the devnode
# scenario (default 1 / 200); CACHE_ENTRIES (`serve --cache-entries`, default 4096); SKIP_BUILD=1 uses the existing
# .build/release/kalypso-mirror. Output in bench-out/api/ (summary.txt). Goal: ≥ 0.3 × nginx, p99 < 5 ms, 0 errors.
set -euo pipefail
cd "$(dirname "$0")/../.."

SEED=${SEED:-1}
OPS=${OPS:-200}
CACHE_ENTRIES=${CACHE_ENTRIES:-4096}
PYTHON=${PYTHON:-.venv/bin/python}
BIN=.build/release/kalypso-mirror
export OUT_DIR=${OUT_DIR:-bench-out/api}

[ -x "$PYTHON" ] || { echo "error: $PYTHON is missing; run 'make venv'" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then swift build -c release --product kalypso-mirror >&2; fi
if ! "$BIN" sync --help >/dev/null 2>&1; then
    echo "bench api: SKIP (this build has no \`kalypso-mirror sync\` to make a synced database)"
    exit 0
fi

WORK=$(mktemp -d /tmp/kalypso-api-bench.XXXXXX)
DEVNODE_PID=""
SERVE_PID=""
cleanup() {
    # Stop only the processes this script started, by their ids.
    if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
    if [ -n "$DEVNODE_PID" ]; then kill "$DEVNODE_PID" 2>/dev/null || true; wait "$DEVNODE_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# A line of output from a background process: waits (up to 60 s) for the file to have its first line.
first_line() {  # file pid
    for _ in $(seq 1 1200); do
        if [ -s "$1" ] && head -n1 "$1" | grep -q .; then head -n1 "$1"; return 0; fi
        kill -0 "$2" 2>/dev/null || { echo "error: process $2 exited" >&2; return 1; }
        sleep 0.05
    done
    echo "error: no output in $1 within 60 s" >&2
    return 1
}

# ---- a synced database: devnode, scenario, `sync --once` --------------------------------------------------
echo "== devnode scenario (seed $SEED, $OPS operations) and kalypso-mirror sync --once" >&2
PYTHONPATH=Devnode "$PYTHON" -m devnode serve --port 0 --info-file "$WORK/info.json" >"$WORK/devnode.out" 2>"$WORK/devnode.err" &
DEVNODE_PID=$!
RPC=$(first_line "$WORK/devnode.out" "$DEVNODE_PID" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["rpcUrl"])')
PYTHONPATH=Devnode "$PYTHON" -m devnode scenario --rpc "$RPC" --seed "$SEED" --ops "$OPS" >"$WORK/scenario.out" 2>&1
"$BIN" sync --once --network devnode --devnode-info "$WORK/info.json" --db "$WORK/mirror.sqlite" --log-level warning >&2
kill "$DEVNODE_PID"; wait "$DEVNODE_PID" 2>/dev/null || true; DEVNODE_PID=""

# ---- the generator to ask for: the one with the most listings ------------------------------------------
"$BIN" serve --db "$WORK/mirror.sqlite" --listen 127.0.0.1:0 --log-level warning >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVE_PID=$!
BASE=$(first_line "$WORK/serve.out" "$SERVE_PID" | sed -n 's/^listening \(http:\/\/[^ ]*\).*/\1/p')
ADDRESS=$(curl -sf "$BASE/v1/generators?limit=1000" | "$PYTHON" -c '
import json, sys
items = json.load(sys.stdin)["generators"]
if not items: sys.exit("the synced database has no generators")
print(max(items, key=lambda g: (g["marketCount"], g["address"]))["address"])')
BLOCK=$(curl -sf "$BASE/v1/status" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["block"]["number"])')
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true; SERVE_PID=""
echo "== synced to block $BLOCK; benchmarking GET /v1/generators/$ADDRESS (serve --cache-entries $CACHE_ENTRIES)" >&2

# ---- wrk against serve and nginx (same bytes) -----------------------------------------------------------
SERVER_LABEL=serve SKIP_BUILD=1 SERVER_CMD="$BIN serve --db $WORK/mirror.sqlite --listen 127.0.0.1:0 --log-level warning --cache-entries $CACHE_ENTRIES" \
    BENCH_PATH="/v1/generators/$ADDRESS" Benchmarks/http/run.sh
echo "database: devnode scenario seed $SEED, $OPS operations, synced to block $BLOCK; serve --cache-entries $CACHE_ENTRIES" \
    | tee -a "$OUT_DIR/summary.txt"
