"""Kalypso transactions for the mirror's reorg tests (run with PYTHONPATH=Devnode and the project venv).

  python chain_ops.py --rpc URL --info FILE

reads one JSON command per line on stdin and answers one JSON line on stdout (one process for a whole test, so the
Python start-up is paid once):
  {"cmd": "setup"}                        register four generators (accounts 0-3) with stake
  {"cmd": "branch", "blocks": N, "tag": T} mine exactly N blocks, each holding one Kalypso transaction
  {"cmd": "snapshot"}                     devnode_snapshot → {"id": "0x…"}
  {"cmd": "revert", "id": "0x…"}          devnode_revert (wallet nonces are re-read afterwards)
Answers: {"head": n, "events": k} (or {"id": …}), or {"error": "…"}.

A branch's transactions depend on its tag (stake amounts, compute increases, reward addresses), so two branches
built from the same snapshot end in different states.
"""
from __future__ import annotations

import argparse
import json
import sys

from devnode.client import HttpRpc
from devnode.kalypso import Kalypso

GENERATORS = 4


class OpError(Exception):
    pass


def _checked(result, what: str) -> int:
    if not result.ok:
        raise OpError(f"{what} reverted: {result.error_name}")
    return len(result.events)


def setup(k: Kalypso, info: dict) -> int:
    events = 0
    for i in range(GENERATORS):
        w = k.wallet(info["accounts"][i]["privateKey"])
        _checked(k.approve(w, k.staking, k.gr.address), "approve")
        events += _checked(k.register(w, w.address, 1_000_000, 10 ** 21, f'{{"name": "reorg-{i}"}}'.encode()), "register")
    return events


def branch(k: Kalypso, info: dict, blocks: int, tag: int) -> int:
    events = 0
    for i in range(blocks):
        w = k.wallet(info["accounts"][i % GENERATORS]["privateKey"])
        action = (tag + i) % 3
        if action == 0:
            events += _checked(k.stake(w, w.address, 10 ** 18 * (tag * 100 + i + 1)), "stake")
        elif action == 1:
            events += _checked(k.increase_compute(w, tag * 1000 + i + 1), "increase compute")
        else:
            reward = info["accounts"][4 + (tag + i) % 6]["address"]
            events += _checked(k.change_reward_address(w, reward), "change reward address")
    return events


def handle(k: Kalypso, info: dict, rpc: HttpRpc, command: dict) -> dict:
    cmd = command.get("cmd")
    if cmd == "snapshot":
        return {"id": rpc.call("devnode_snapshot")}
    if cmd == "revert":
        rpc.call("devnode_revert", command["id"])
        for w in k._wallets.values():
            w.resync()
        return {"head": k.now()}
    start = k.now()
    if cmd == "setup":
        events = setup(k, info)
    elif cmd == "branch":
        blocks = int(command["blocks"])
        events = branch(k, info, blocks, int(command["tag"]))
        if k.now() - start != blocks:
            raise OpError(f"expected {blocks} new blocks, got {k.now() - start} (is automine on?)")
    else:
        raise OpError(f"unknown command {cmd!r}")
    return {"head": k.now(), "events": events}


def main() -> None:
    p = argparse.ArgumentParser(prog="chain_ops")
    p.add_argument("--rpc", required=True)
    p.add_argument("--info", required=True)
    a = p.parse_args()
    with open(a.info) as f:
        info = json.load(f)
    rpc = HttpRpc(a.rpc)
    k = Kalypso(rpc, info, "current")
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = handle(k, info, rpc, json.loads(line))
        except Exception as e:  # answered, so the test reports it and goes on to stop the devnode
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
