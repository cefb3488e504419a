"""Writes a recorded Kalypso G1 chain for the ingest benchmarks (`kalypso-bench ingest` / `catchup`).

  python Benchmarks/ingest/make_chain.py OUT_DIR [--logs 200000] [--seed 1] [--range 2000]

A coherent history, as the contracts would emit it (kalypso-contracts.md §7.4–7.5): markets created by an admin,
generators registering with stake and joining markets, requesters creating asks (`createAsk`, 5-field AskCreated),
the matching engine assigning them (`assignTask`: StakeLockImposed, ComputeLockImposed, TaskCreated), generators
proving them (`submitProof`: StakeLockReleased, ComputeLockReleased, ProofCreated), stake top-ups. Every
transaction is a signed EIP-1559 call straight to the contract (secp256k1 via coincurve, hashes as a node computes
them), so enrichment reads calldata from the blocks; the only pinned calls the mirror makes (`marketData` for
MarketplaceCreated, `listOfAsk` for TaskCreated) are precomputed with the values the contract would return at the
end of that block. Logs and return values are ABI-encoded with eth-abi from the ABI files in `ABI/`.

Output (OUT_DIR):
  meta.json          chainId, contract addresses, startBlock, head, counts, range size
  blocks.jsonl       one block per line: {"block": <eth_getBlockByNumber(n, true) object>, "logs": [<log>…]}
  calls.jsonl        {"to", "data", "blockHash", "result"} per pinned eth_call the mirror makes
  ranges/NNNNN.json  the eth_getLogs result (a JSON array of logs) of each `--range`-block range (offline ingest
                     input); meta.json "rangeBounds" lists their [from, to]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys

import coincurve
import rlp
from eth_abi import encode
from eth_utils import keccak, to_checksum_address

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
CHAIN_ID = 31337
GWEI = 10 ** 9
ONE = 10 ** 18


def load_abi(name):
    with open(os.path.join(ROOT, "ABI", f"{name}.json")) as f:
        return json.load(f)


def type_of(p):
    if p["type"].startswith("tuple"):
        return "(" + ",".join(type_of(c) for c in p["components"]) + ")" + p["type"][5:]
    return p["type"]


class Events:
    """topic0, indexed and data types of the events used, from the ABI files (AskCreated: the 5-field variant)."""

    def __init__(self):
        self.by_name = {}
        for contract in ("GeneratorRegistry", "ProofMarketplace"):
            for e in load_abi(contract):
                if e["type"] != "event":
                    continue
                sig = e["name"] + "(" + ",".join(type_of(p) for p in e["inputs"]) + ")"
                if e["name"] == "AskCreated" and len(e["inputs"]) != 5:
                    continue
                self.by_name[e["name"]] = (keccak(text=sig), [p for p in e["inputs"]])

    def log(self, name, *values):
        topic0, inputs = self.by_name[name]
        topics = [topic0]
        data_types, data_values = [], []
        for p, v in zip(inputs, values, strict=True):
            if p["indexed"]:
                topics.append(encode([type_of(p)], [v]))
            else:
                data_types.append(type_of(p))
                data_values.append(v)
        return topics, encode(data_types, data_values)


class Functions:
    def __init__(self):
        self.sig = {}
        for contract in ("GeneratorRegistry", "ProofMarketplace"):
            for f in load_abi(contract):
                if f["type"] == "function":
                    types = [type_of(p) for p in f["inputs"]]
                    self.sig[(f["name"], len(types))] = (f["name"] + "(" + ",".join(types) + ")", types)

    def call(self, name, *args):
        sig, types = self.sig[(name, len(args))]
        return keccak(text=sig)[:4] + encode(types, list(args))


class Account:
    def __init__(self, label):
        self.key = coincurve.PrivateKey(keccak(text=f"kalypso-bench/{label}"))
        self.address = to_checksum_address(keccak(self.key.public_key.format(compressed=False)[1:])[12:])
        self.nonce = 0


def qty(n):
    return hex(n)


def signed_tx(sender: Account, to: str, data: bytes):
    """An EIP-1559 transaction as `eth_getBlockByNumber(n, true)` returns it (block fields added by the caller)."""
    max_prio, max_fee, gas = GWEI, 20 * GWEI, 500_000
    fields = [CHAIN_ID, sender.nonce, max_prio, max_fee, gas, bytes.fromhex(to[2:]), 0, data, []]
    digest = keccak(b"\x02" + rlp.encode(fields))
    sig = sender.key.sign_recoverable(digest, hasher=None)
    r, s, y = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big"), sig[64]
    tx_hash = keccak(b"\x02" + rlp.encode(fields + [y, r, s]))
    sender.nonce += 1
    return {"type": "0x2", "chainId": qty(CHAIN_ID), "nonce": qty(fields[1]), "to": to.lower(), "value": "0x0",
            "input": "0x" + data.hex(), "gas": qty(gas), "gasPrice": qty(max_fee), "maxFeePerGas": qty(max_fee),
            "maxPriorityFeePerGas": qty(max_prio), "accessList": [], "v": qty(y), "yParity": qty(y), "r": qty(r),
            "s": qty(s), "hash": "0x" + tx_hash.hex(), "from": sender.address.lower()}


class Chain:
    def __init__(self, args):
        self.rng = random.Random(args.seed)
        self.ev = Events()
        self.fn = Functions()
        self.gr = to_checksum_address(keccak(text="bench/GeneratorRegistry")[12:])
        self.pmp = to_checksum_address(keccak(text="bench/ProofMarketplace")[12:])
        self.er = to_checksum_address(keccak(text="bench/EntityKeyRegistry")[12:])
        self.verifier = to_checksum_address(keccak(text="bench/Verifier")[12:])
        self.admin = Account("admin")
        self.me = Account("matching-engine")
        self.generators = [Account(f"generator/{i}") for i in range(200)]
        self.requesters = [Account(f"requester/{i}") for i in range(50)]
        self.start_block = 1
        self.blocks = []
        self.calls = []
        self.log_count = 0
        self.registered = []          # generator accounts
        self.joined = {}              # address -> list of market ids
        self.markets = []             # (penalty, activation, metadata, creator)
        self.asks = []                # dict per ask
        self.open_asks = []           # ask ids in CREATE
        self.assigned = []            # (ask id, block assigned)
        self.cpr = 10

    def market_data(self, m):
        penalty, activation, metadata, creator = self.markets[m]
        return encode(["address", "bytes32", "uint256", "uint256", "bytes32", "address", "bytes"],
                      [self.verifier, b"\0" * 32, penalty, activation, b"\0" * 32, creator, metadata])

    def list_of_ask(self, a):
        x = self.asks[a]
        return encode(["(uint256,uint256,uint256,uint256,uint256,address,bytes)", "uint8", "address", "address"],
                      [(x["market"], x["reward"], x["expiry"], x["time"], x["deadline"], x["refund"], x["proverData"]),
                       x["state"], x["requester"], x["generator"]])

    def next_transaction(self, n, touched_asks):
        """One transaction for block n: (sender, to, calldata, [(address, topics, data)], pinned calls after the block)."""
        r = self.rng.random()
        if len(self.markets) < 20 and (not self.markets or r < 0.02):
            m = len(self.markets)
            metadata = json.dumps({"name": f"market-{m}"}).encode()
            penalty = ONE * (1 + m % 5)
            self.markets.append((penalty, n, metadata, self.admin.address))
            data = self.fn.call("createMarketplace", metadata, self.verifier, penalty, b"", b"")
            return self.admin, self.pmp, data, [(self.pmp, *self.ev.log("MarketplaceCreated", m))], [("market", m)]
        if len(self.registered) < len(self.generators) and (len(self.registered) < 20 or r < 0.05):
            g = self.generators[len(self.registered)]
            self.registered.append(g)
            self.joined[g.address] = []
            stake, compute = 1000 * ONE, 10 ** 6
            data = self.fn.call("register", g.address, compute, stake, json.dumps({"name": f"gen-{len(self.registered)}"}).encode())
            return g, self.gr, data, [(self.gr, *self.ev.log("RegisteredGenerator", g.address, compute, stake))], []
        candidates = [g for g in self.registered if len(self.joined[g.address]) < len(self.markets)]
        if candidates and r < 0.12:
            g = self.rng.choice(candidates)
            m = next(i for i in range(len(self.markets)) if i not in self.joined[g.address])
            self.joined[g.address].append(m)
            cost, time = 10 ** 15 * (1 + self.rng.randrange(100)), 100 + self.rng.randrange(500)
            data = self.fn.call("joinMarketplace", m, self.cpr, cost, time, False, b"", b"")
            return g, self.gr, data, [(self.gr, *self.ev.log("JoinedMarketplace", g.address, m, self.cpr))], []
        if r < 0.16 and self.registered:
            g = self.rng.choice(self.registered)
            amount = ONE * (1 + self.rng.randrange(50))
            return g, self.gr, self.fn.call("stake", g.address, amount), [(self.gr, *self.ev.log("AddedStake", g.address, amount))], []
        # Ask lifecycle: prove an assigned ask, assign an open one, or create one.
        ready = [x for x in self.assigned if x[1] < n and x[0] not in touched_asks]
        if ready and r < 0.55:
            a, _ = ready[0]
            self.assigned.remove(ready[0])
            x = self.asks[a]
            x["state"] = 4
            g = next(acc for acc in self.registered if acc.address == x["generator"])
            penalty = self.markets[x["market"]][0]
            proof = keccak(a.to_bytes(32, "big")) * 4
            logs = [(self.gr, *self.ev.log("StakeLockReleased", g.address, penalty)),
                    (self.gr, *self.ev.log("ComputeLockReleased", g.address, self.cpr)),
                    (self.pmp, *self.ev.log("ProofCreated", a, proof))]
            return g, self.pmp, self.fn.call("submitProof", a, proof), logs, []
        open_ready = [a for a in self.open_asks if self.asks[a]["created"] < n and a not in touched_asks]
        if open_ready and r < 0.8:
            a = open_ready[0]
            x = self.asks[a]
            listed = [g for g in self.registered if x["market"] in self.joined[g.address]]
            if listed:
                self.open_asks.remove(a)
                g = self.rng.choice(listed)
                x.update(state=3, generator=g.address, deadline=n + x["time"])
                self.assigned.append((a, n))
                acl = b"acl-" + a.to_bytes(8, "big")
                penalty = self.markets[x["market"]][0]
                logs = [(self.gr, *self.ev.log("StakeLockImposed", g.address, penalty)),
                        (self.gr, *self.ev.log("ComputeLockImposed", g.address, self.cpr)),
                        (self.pmp, *self.ev.log("TaskCreated", a, g.address, acl))]
                return self.me, self.pmp, self.fn.call("assignTask", a, g.address, acl), logs, [("ask", a)]
        markets_with_generators = sorted({m for ms in self.joined.values() for m in ms})
        if not markets_with_generators:
            g = self.rng.choice(self.registered)
            amount = ONE
            return g, self.gr, self.fn.call("stake", g.address, amount), [(self.gr, *self.ev.log("AddedStake", g.address, amount))], []
        req = self.rng.choice(self.requesters)
        a = len(self.asks)
        m = self.rng.choice(markets_with_generators)
        time = 50 + self.rng.randrange(200)
        prover_data = keccak(a.to_bytes(32, "big")) * (1 + self.rng.randrange(4))
        ask = (m, 10 ** 16 * (1 + self.rng.randrange(100)), n + 10_000, time, 0, req.address, prover_data)
        self.asks.append({"market": m, "reward": ask[1], "expiry": ask[2], "time": time, "deadline": 0,
                          "refund": req.address, "proverData": prover_data, "state": 1, "requester": req.address,
                          "generator": "0x" + "00" * 20, "created": n})
        self.open_asks.append(a)
        data = self.fn.call("createAsk", ask, 1, b"", b"", b"")
        return req, self.pmp, data, [(self.pmp, *self.ev.log("AskCreated", a, False, b"", b"", b""))], []

    def build(self, target_logs, out):
        os.makedirs(out, exist_ok=True)
        parent = b"\0" * 32
        n = self.start_block - 1
        with open(os.path.join(out, "blocks.jsonl"), "w") as blocks, open(os.path.join(out, "calls.jsonl"), "w") as calls:
            while self.log_count < target_logs:
                n += 1
                block_hash = keccak(b"bench block" + n.to_bytes(8, "big"))
                txs, logs, pinned, touched = [], [], [], set()
                for i in range(self.rng.randrange(2, 9)):
                    sender, to, data, tx_logs, reads = self.next_transaction(n, touched)
                    tx = signed_tx(sender, to, data)
                    tx.update(blockHash="0x" + block_hash.hex(), blockNumber=qty(n), transactionIndex=qty(i))
                    txs.append(tx)
                    for address, topics, payload in tx_logs:
                        logs.append({"address": address.lower(), "topics": ["0x" + t.hex() for t in topics],
                                     "data": "0x" + payload.hex(), "blockNumber": qty(n), "transactionHash": tx["hash"],
                                     "transactionIndex": qty(i), "blockHash": "0x" + block_hash.hex(),
                                     "logIndex": qty(len(logs)), "removed": False})
                    pinned += reads
                    touched.update(a for kind, a in reads if kind == "ask")
                self.log_count += len(logs)
                header = {"number": qty(n), "hash": "0x" + block_hash.hex(), "parentHash": "0x" + parent.hex(),
                          "timestamp": qty(1_700_000_000 + 2 * n), "gasLimit": qty(30_000_000), "gasUsed": qty(21_000 * len(txs)),
                          "baseFeePerGas": qty(GWEI), "miner": "0x" + "00" * 20, "transactions": txs}
                blocks.write(json.dumps({"block": header, "logs": logs}, separators=(",", ":")) + "\n")
                for kind, key in pinned:
                    if kind == "market":
                        data, result, to = self.fn.call("marketData", key), self.market_data(key), self.pmp
                    else:
                        data, result, to = self.fn.call("listOfAsk", key), self.list_of_ask(key), self.pmp
                    calls.write(json.dumps({"to": to.lower(), "data": "0x" + data.hex(), "blockHash": "0x" + block_hash.hex(),
                                            "result": "0x" + result.hex()}) + "\n")
                parent = block_hash
        return n


def write_ranges(out, head, start, size):
    ranges = os.path.join(out, "ranges")
    os.makedirs(ranges, exist_ok=True)
    by_block = {}
    with open(os.path.join(out, "blocks.jsonl")) as f:
        for line in f:
            rec = json.loads(line)
            by_block[int(rec["block"]["number"], 16)] = rec["logs"]
    bounds = []
    for lo in range(start, head + 1, size):
        hi = min(head, lo + size - 1)
        logs = [log for b in range(lo, hi + 1) for log in by_block.get(b, [])]
        with open(os.path.join(ranges, f"{len(bounds):05d}.json"), "w") as f:
            json.dump(logs, f, separators=(",", ":"))
        bounds.append([lo, hi])
    return bounds


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--logs", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--range", type=int, default=2000)
    a = p.parse_args()
    chain = Chain(a)
    head = chain.build(a.logs, a.out)
    bounds = write_ranges(a.out, head, chain.start_block, a.range)
    meta = {"chainId": CHAIN_ID, "generatorRegistry": chain.gr, "proofMarketplace": chain.pmp, "entityKeyRegistry": chain.er,
            "startBlock": chain.start_block, "head": head, "logs": chain.log_count, "asks": len(chain.asks),
            "markets": len(chain.markets), "generators": len(chain.registered), "range": a.range, "rangeBounds": bounds, "seed": a.seed}
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    sys.exit(main())
