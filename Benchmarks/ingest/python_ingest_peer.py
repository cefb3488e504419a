"""Python peer of `kalypso-bench ingest`: the same recorded eth_getLogs responses, ingested the way a small Python
indexer would — json.loads, eth-abi decoding of every log (indexed topics and data, by topic0 from the ABI files),
and one sqlite3 transaction per range inserting one row per event (position, emitter, event name, decoded fields as
JSON) with the cursor. No reducer: it does less than ours.

  python python_ingest_peer.py CHAIN_DIR SECONDS

Ingests ranges (from the first, into a fresh database) until SECONDS of CPU time have passed or all are done, then
prints `rate: <logs per CPU second>` and `logs: <count>`.
"""
from __future__ import annotations

import glob
import json
import os
import sqlite3
import sys
import tempfile
import time

from eth_abi import decode
from eth_utils import keccak

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def type_of(p):
    if p["type"].startswith("tuple"):
        return "(" + ",".join(type_of(c) for c in p["components"]) + ")" + p["type"][5:]
    return p["type"]


def event_table():
    table = {}
    for contract in ("GeneratorRegistry", "ProofMarketplace", "EntityKeyRegistry"):
        with open(os.path.join(ROOT, "ABI", f"{contract}.json")) as f:
            for e in json.load(f):
                if e["type"] != "event":
                    continue
                sig = e["name"] + "(" + ",".join(type_of(p) for p in e["inputs"]) + ")"
                table["0x" + keccak(text=sig).hex()] = (e["name"], e["inputs"])
    return table


def jsonable(v):
    if isinstance(v, bytes):
        return "0x" + v.hex()
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    return v


def main():
    chain, seconds = sys.argv[1], float(sys.argv[2])
    table = event_table()
    with open(os.path.join(chain, "meta.json")) as f:
        bounds = json.load(f)["rangeBounds"]
    files = sorted(glob.glob(os.path.join(chain, "ranges", "*.json")))
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(os.path.join(tmp, "peer.sqlite"), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("""CREATE TABLE events (block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, block_hash BLOB,
                      tx_hash BLOB, address BLOB, name TEXT, fields TEXT, PRIMARY KEY (block_number, log_index))""")
        db.execute("CREATE TABLE cursor (id INTEGER PRIMARY KEY, block INTEGER)")
        start = time.process_time()
        logs = 0
        for path, (_, to_block) in zip(files, bounds):
            with open(path, "rb") as f:
                result = json.loads(f.read())
            rows = []
            for log in result:
                name, inputs = table[log["topics"][0]]
                topics = iter(log["topics"][1:])
                indexed = [decode([type_of(p)], bytes.fromhex(next(topics)[2:]))[0] for p in inputs if p["indexed"]]
                data = decode([type_of(p) for p in inputs if not p["indexed"]], bytes.fromhex(log["data"][2:]))
                values, ii, di = {}, iter(indexed), iter(data)
                for p in inputs:
                    values[p["name"]] = jsonable(next(ii) if p["indexed"] else next(di))
                rows.append((int(log["blockNumber"], 16), int(log["logIndex"], 16), bytes.fromhex(log["blockHash"][2:]),
                             bytes.fromhex(log["transactionHash"][2:]), bytes.fromhex(log["address"][2:]), name,
                             json.dumps(values)))
            db.execute("BEGIN")
            db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)
            db.execute("INSERT INTO cursor VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET block = excluded.block", (to_block,))
            db.execute("COMMIT")
            logs += len(rows)
            if time.process_time() - start >= seconds:
                break
        elapsed = time.process_time() - start
        db.close()
    print(f"rate: {logs / elapsed}")
    print(f"logs: {logs}")


if __name__ == "__main__":
    main()
