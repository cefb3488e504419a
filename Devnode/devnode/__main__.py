"""python -m devnode serve | scenario | activity | abi — see Devnode/README.md."""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path


def _serve(a) -> int:
    from .chain import ChainSettings
    from .node import DEFAULT_INFO_FILE, Devnode

    settings = ChainSettings(chain_id=a.chain_id, block_time=a.block_time, automine=not a.no_automine,
                             max_logs_range=a.max_logs_range, max_logs_results=a.max_logs_results)
    node = Devnode.start(a.host, a.port, a.state_file, settings, accounts=a.accounts, legacy=not a.no_legacy)
    info_file = Path(a.info_file) if a.info_file else DEFAULT_INFO_FILE
    node.write_info(info_file)
    sys.stdout.write(json.dumps(node.info, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop.wait(0.5):
        pass
    node.stop()
    sys.stderr.write("devnode: stopped\n")
    return 0


def _scenario(a) -> int:
    from .client import HttpRpc
    from .scenario import run_scenario

    rpc = HttpRpc(a.rpc)
    info = rpc.call("devnode_info")
    summary = run_scenario(rpc, info, seed=a.seed, ops=a.ops, deployments=a.deployments.split(","))
    sys.stdout.write(json.dumps(summary, indent=1 if a.pretty else None, sort_keys=True) + "\n")
    return 0


def _activity(a) -> int:
    from .activity import run
    from .client import HttpRpc

    rpc = HttpRpc(a.rpc)
    return run(rpc, rpc.call("devnode_info"), seed=a.seed, asks_per_tick=a.asks, interval=a.interval, ticks=a.ticks,
               stdio=a.stdio)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m devnode", description="Local Kalypso G1 chain for tests.")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="start the JSON-RPC node (first stdout line: the info JSON)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8545, help="0 = any free port (default 8545)")
    s.add_argument("--state-file", help="restore the chain from this file if it exists; save it on shutdown")
    s.add_argument("--info-file", help="where to write the info JSON (default: <project>/.devnode/info.json)")
    s.add_argument("--chain-id", type=int, default=31337)
    s.add_argument("--accounts", type=int, default=10, help="funded test accounts")
    s.add_argument("--block-time", type=int, default=1, help="seconds between block timestamps")
    s.add_argument("--no-automine", action="store_true", help="queue transactions until devnode_mine")
    s.add_argument("--no-legacy", action="store_true", help="skip the second (4-field AskCreated) deployment")
    s.add_argument("--max-logs-range", type=int, default=0, help="eth_getLogs block-range limit (0 = none)")
    s.add_argument("--max-logs-results", type=int, default=0, help="eth_getLogs result limit (0 = none)")
    c = sub.add_parser("scenario", help="drive random valid and invalid Kalypso operations")
    c.add_argument("--rpc", required=True)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--ops", type=int, default=200)
    c.add_argument("--deployments", default="current,legacy", help="comma list: current, legacy")
    c.add_argument("--pretty", action="store_true")
    t = sub.add_parser("activity", help="markets, generators, a steady flow of asks, and provers for assigned tasks")
    t.add_argument("--rpc", required=True)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--asks", type=int, default=3, help="asks created per tick")
    t.add_argument("--interval", type=float, default=2.0, help="seconds between ticks")
    t.add_argument("--ticks", type=int, default=0, help="stop after N ticks (0 = until interrupted)")
    t.add_argument("--stdio", action="store_true", help="answer JSON commands on stdin instead (tests)")
    sub.add_parser("abi", help="rewrite ABI/*.json from devnode/abi_spec.py")
    a = p.parse_args(argv)
    if a.cmd == "serve":
        return _serve(a)
    if a.cmd == "scenario":
        return _scenario(a)
    if a.cmd == "activity":
        return _activity(a)
    from .abi_spec import ABI_DIR, render
    for name, text in render().items():
        (ABI_DIR / name).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
