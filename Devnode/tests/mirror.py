"""An independent reference mirror of spec §7.4, used only by the tests: it applies the contracts' logs (from
eth_getLogs) to its own model, fetching the fields events lack with eth_call pinned to the log's block hash (§7.3),
and compares the result with the contracts' getters."""
from __future__ import annotations

from eth_utils import to_checksum_address

from devnode.client import Contract

EXP = 10 ** 18
ZERO = "0x0000000000000000000000000000000000000000"


class ReferenceMirror:
    def __init__(self, k):
        self.k = k
        self.rpc = k.rpc
        self.addresses = [k.gr.address, k.pmp.address, k.er.address]
        self.next_block = 0
        self.gens: dict[str, dict] = {}
        self.rows: dict[tuple[str, int], dict] = {}
        self.asks: dict[int, dict] = {}
        self.markets: dict[int, tuple] = {}
        self.keys: dict[tuple[str, int], bytes] = {}
        self.applied = 0
        self.touched_asks: set[int] = set()

    def _call_at(self, c: Contract, fn: str, block_hash: str, *args):
        out = self.rpc.call("eth_call", {"to": c.address, "data": "0x" + c.encode(fn, *args).hex()},
                            {"blockHash": block_hash, "requireCanonical": True})
        return c.decode_output(fn, len(args), bytes.fromhex(out[2:]))

    def sync(self) -> None:
        head = int(self.rpc.call("eth_blockNumber"), 16)
        if head < self.next_block:
            return
        logs = self.rpc.call("eth_getLogs", {"fromBlock": hex(self.next_block), "toBlock": hex(head),
                                             "address": self.addresses})
        for lg in logs:
            self.apply(lg)
        self.next_block = head + 1

    def apply(self, lg: dict) -> None:
        k = self.k
        addr = to_checksum_address(lg["address"])
        c = {k.gr.address: k.gr, k.pmp.address: k.pmp, k.er.address: k.er}[addr]
        decoded = c.decode_log(lg)
        if decoded is None:
            return
        name, v = decoded
        self.applied += 1
        bh = lg["blockHash"]
        if addr == k.gr.address:
            self._gr(name, v, bh)
        elif addr == k.pmp.address:
            self._pmp(name, v, bh)
        elif name == "UpdateKey":
            user = to_checksum_address(v["user"])
            self.keys[(user, v["keyIndex"])] = self._call_at(k.er, "pub_key", bh, user, v["keyIndex"])
        elif name == "RemoveKey":
            self.keys.pop((to_checksum_address(v["user"]), v["keyIndex"]), None)

    def _gr(self, name: str, v: dict, bh: str) -> None:
        g = to_checksum_address(v["generator"]) if "generator" in v else None
        gen = self.gens.get(g)
        if name == "RegisteredGenerator":
            chain = self._call_at(self.k.gr, "generatorRegistry", bh, g)
            self.gens[g] = {"rewardAddress": chain[0], "totalStake": v["initialStake"], "sum": 0, "consumed": 0,
                            "locked": 0, "markets": 0, "declared": v["initialCompute"], "isu": EXP, "icu": EXP,
                            "data": chain[9]}
        elif name == "DeregisteredGenerator":
            if gen is not None:
                assert gen["sum"] == 0 and not any(r[0] == g for r in self.rows)
                del self.gens[g]
        elif name == "ChangedGeneratorRewardAddress":
            gen["rewardAddress"] = v["newRewardAddress"]
        elif name == "IncreasedCompute":
            gen["declared"] += v["compute"]
        elif name == "RequestComputeDecrease":
            gen["icu"] = v["intendedUtilization"]
        elif name == "DecreaseCompute":
            gen["declared"] -= v["compute"]
            gen["icu"] = EXP
        elif name == "AddedStake":
            gen["totalStake"] += v["amount"]
        elif name == "RequestStakeDecrease":
            gen["isu"] = v["intendedUtilization"]
        elif name == "RemovedStake":
            gen["totalStake"] -= v["amount"]
            gen["isu"] = EXP
        elif name == "JoinedMarketplace":
            m = v["marketId"]
            row = self._call_at(self.k.gr, "generatorInfoPerMarket", bh, g, m)
            self.rows[(g, m)] = {"state": 1, "cpr": v["computeAllocation"], "cost": row[2], "time": row[3],
                                 "active": 0}
            gen["sum"] += v["computeAllocation"]
            gen["markets"] += 1
        elif name == "RequestExitMarketplace":
            self.rows[(g, v["marketId"])]["state"] = 4
        elif name == "LeftMarketplace":
            row = self.rows.pop((g, v["marketId"]))
            gen["sum"] -= row["cpr"]
            gen["markets"] -= 1
        elif name == "StakeLockImposed":
            gen["locked"] += v["stake"]
        elif name == "ComputeLockImposed":
            gen["consumed"] += v["compute"]
        elif name == "StakeLockReleased":
            gen["locked"] -= v["stake"]
        elif name == "ComputeLockReleased":
            gen["consumed"] -= v["compute"]
        elif name == "StakeSlashed":
            gen["totalStake"] -= v["stake"]
            gen["locked"] -= v["stake"]

    def _pmp(self, name: str, v: dict, bh: str) -> None:
        k = self.k
        if name == "MarketplaceCreated":
            self.markets[v["marketId"]] = self._call_at(k.pmp, "marketData", bh, v["marketId"])
            return
        if "askId" not in v:
            return
        a = v["askId"]
        self.touched_asks.add(a)
        if name == "AskCreated":
            ask, state, requester, generator = self._call_at(k.pmp, "listOfAsk", bh, a)
            self.asks[a] = {"ask": _lower(ask), "state": 1, "requester": requester.lower(), "generator": ZERO,
                            "private": v["hasPrivateInputs"], "secret": v["secret_data"], "acl": v["acl"],
                            "extra": v.get("extraData", b""), "outcome": None}
            return
        ask = self.asks[a]
        if name == "TaskCreated":
            ask["state"] = 3
            ask["generator"] = v["generator"].lower()
            ask["ask"][4] = self._call_at(k.pmp, "listOfAsk", bh, a)[0][4]
            self.rows[(to_checksum_address(ask["generator"]), ask["ask"][0])]["active"] += 1
        elif name in ("ProofCreated", "InvalidInputsDetected", "ProofNotGenerated"):
            ask["state"] = 4
            ask["outcome"] = {"ProofCreated": "PROVED", "InvalidInputsDetected": "INVALID_INPUTS",
                              "ProofNotGenerated": "SLASHED"}[name]
            self.rows[(to_checksum_address(ask["generator"]), ask["ask"][0])]["active"] -= 1
        elif name == "AskCancelled":
            ask["state"] = 4
            ask["outcome"] = "CANCELLED"

    # ---- comparison with the contracts' getters -------------------------------------------------

    def compare(self, generators: list[str], full: bool = False) -> None:
        k = self.k
        for g in generators:
            chain = k.generator(g)
            mine = self.gens.get(g)
            if mine is None:
                assert chain[0] == ZERO, f"{g}: registered on chain but not in the mirror"
                continue
            expect = (mine["rewardAddress"], mine["totalStake"], mine["sum"], mine["consumed"], mine["locked"],
                      mine["markets"], mine["declared"], mine["isu"], mine["icu"], mine["data"])
            assert tuple(chain) == expect, f"generator {g}: chain {chain} != mirror {expect}"
            for m in self.markets:
                row = k.generator_market(g, m)
                r = self.rows.get((g, m))
                want = (0, 0, 0, 0, 0) if r is None else (r["state"], r["cpr"], r["cost"], r["time"], r["active"])
                assert tuple(row) == want, f"row {g}/{m}: chain {row} != mirror {want}"
        for a in (list(self.asks) if full else sorted(self.touched_asks)):
            mine = self.asks[a]
            ask, state, requester, generator = k.ask(a)
            requester, generator = requester.lower(), generator.lower()
            assert (_lower(ask), state, requester, generator) == (mine["ask"], mine["state"], mine["requester"],
                                                               mine["generator"]), f"ask {a}: chain {(ask, state, requester, generator)} mirror {mine}"
        for (owner, idx), key in self.keys.items():
            assert k.call(k.er, "pub_key", owner, idx) == key
        self.touched_asks.clear()
        assert k.market_count() == len(self.markets)
        assert k.ask_count() == len(self.asks)


def _lower(ask) -> list:
    out = list(ask)
    out[5] = out[5].lower()
    return out
