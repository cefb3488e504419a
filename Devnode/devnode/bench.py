"""Measure eth_getLogs over 10,000 blocks holding 5,000 logs (served over HTTP from the devnode's own index).

    python -m devnode.bench            (make bench-devnode)
Prints one JSON object with the figures; nothing is asserted."""
from __future__ import annotations

import json
import statistics
import time

from eth_abi import encode
from eth_utils import keccak

from .build import compile_artifact
from .chain import ChainSettings
from .client import Contract, HttpRpc, Wallet, constructor_data
from .node import Devnode

BLOCKS = 10_000
LOGS = 5_000
PER_TX = 100


def main() -> dict:
    node = Devnode.start(port=0, settings=ChainSettings(), legacy=False)
    try:
        rpc = HttpRpc(node.info["rpcUrl"])
        w = Wallet(rpc, bytes.fromhex(node.info["accounts"][0]["privateKey"][2:]), node.info["chainId"])
        art = compile_artifact("LogEmitter")
        h = w.send(None, constructor_data(art), gas=1_000_000)
        emitter = Contract(art["abi"], rpc.call("eth_getTransactionReceipt", h)["contractAddress"])
        start = int(rpc.call("eth_blockNumber"), 16) + 1
        txs = LOGS // PER_TX
        gap = BLOCKS // txs
        t0 = time.perf_counter()
        for i in range(txs):
            w.send(emitter.address, emitter.encode("emitMany", PER_TX, i * PER_TX), gas=5_000_000)
            rpc.call("devnode_mine", gap - 1)
        build_s = time.perf_counter() - t0
        end = int(rpc.call("eth_blockNumber"), 16)
        flt = {"fromBlock": hex(start), "toBlock": hex(end)}
        timings = []
        for _ in range(5):
            t = time.perf_counter()
            logs = rpc.call("eth_getLogs", flt)
            timings.append(time.perf_counter() - t)
        assert len(logs) == LOGS, len(logs)
        ping = "0x" + keccak(text="Ping(uint256,address,uint256)").hex()
        some = ["0x" + encode(["uint256"], [i]).hex() for i in range(0, LOGS, 50)]
        t = time.perf_counter()
        filtered = rpc.call("eth_getLogs", dict(flt, address=emitter.address, topics=[ping, some]))
        filtered_s = time.perf_counter() - t
        t = time.perf_counter()
        rpc.call("devnode_mine", 100)
        mine100 = time.perf_counter() - t
        return {
            "blocks": end - start + 1, "logs": len(logs), "buildSeconds": round(build_s, 2),
            "getLogsAllSecondsMedian": round(statistics.median(timings), 4),
            "getLogsAllSecondsMin": round(min(timings), 4),
            "getLogsFilteredSeconds": round(filtered_s, 4), "filteredLogs": len(filtered),
            "mine100EmptyBlocksSeconds": round(mine100, 3),
        }
    finally:
        node.stop()


if __name__ == "__main__":
    print(json.dumps(main()))
