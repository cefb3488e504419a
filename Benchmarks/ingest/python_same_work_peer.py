"""Same-work Python peer of `kalypso-bench ingest`: what a careful Python indexer doing the mirror's job does on the same
recorded chain, producing the same database content (tables of `Migrations/sqlite/0001_mirror.sql`).

  python python_same_work_peer.py CHAIN_DIR SECONDS [--check OUR_DB]

Untimed, once (cached in `<CHAIN_DIR>/../python-prepared.pickle`, keyed by meta.json): the enrichment pre-pass over
blocks.jsonl / calls.jsonl — sender recovery (coincurve) and the admin signature checks, calldata decoding (eth-abi)
for RegisteredGenerator / JoinedMarketplace / AskCreated, the recorded pinned calls (`marketData`, `listOfAsk`) for
MarketplaceCreated / TaskCreated — as `IngestBenchmark.prepare` runs ours once before timing.

Timed, per 2,000-block range, into a fresh SQLite database created from our schema file: json.loads of the range's
eth_getLogs result, eth-abi decoding of every log (by address and topic0, from ABI/*.json), the reducer (the §7.4
transition table as Sources/Kalypso/Reducer does it: per block, per transaction, a journal of each entity's value
before its first touch), and one sqlite3 transaction with the entity upserts (each changed entity once, its final
value), events (fields JSON + raw topics/data), transactions, event_blocks, signature_checks, issues, block window,
undo journal (blocks above toBlock − 64) and cursor. The reader indexes our backfill defers are dropped first and
built at the end (timed). Prints `rate: <logs per CPU second>` and `logs: <count>`.

--check OUR_DB: one full untimed run, then every table compared with OUR_DB (our ingest of the same chain); prints
`check: identical …` or the first differences per table and exits 1.

The peer reduces the event kinds a G1 generator/marketplace history has (registry, marketplace); the key-registry,
enclave-image, pricing, IVS-signer and contract-flag events and the legacy slash raise NotImplementedError (the
recorded chain has none). Row encodings (the part a schema change touches) are in the "ROWS" section.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import pickle
import sqlite3
import sys
import tempfile
import time

import coincurve
import rlp
from eth_abi import decode
from eth_utils import keccak

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
ONE = 10 ** 18
MAX = 2 ** 256 - 1
SECP_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
REORG_WINDOW = 64
NO_ENCLAVE_ID = bytes.fromhex("cd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21")
CONTRACT_NAMES = {"generatorRegistry": "the GeneratorRegistry", "proofMarketplace": "the ProofMarketplace",
                  "entityKeyRegistry": "the EntityKeyRegistry"}
# Deferred reader indexes (SQLMirrorStore.deferredIndexes).
DEFERRED_INDEXES = [
    ("transactions_by_hash", "CREATE INDEX IF NOT EXISTS transactions_by_hash ON transactions (transaction_hash)"),
    ("signature_checks_by_expected", "CREATE INDEX IF NOT EXISTS signature_checks_by_expected ON signature_checks (expected, kind)"),
    ("signature_checks_by_kind", "CREATE INDEX IF NOT EXISTS signature_checks_by_kind ON signature_checks (kind, matches)"),
    ("signature_checks_by_matches", "CREATE INDEX IF NOT EXISTS signature_checks_by_matches ON signature_checks (matches)"),
    ("asks_by_market_state", "CREATE INDEX IF NOT EXISTS asks_by_market_state ON asks (market_id, stored_state)"),
]

# ---- ABI ------------------------------------------------------------------------------------------------------


def type_of(p):
    if p["type"].startswith("tuple"):
        return "(" + ",".join(type_of(c) for c in p["components"]) + ")" + p["type"][5:]
    return p["type"]


def is_dynamic(t):
    return t in ("bytes", "string") or t.endswith("]") or t.startswith("(")


class ABI:
    """Events by (emitter, topic0) and functions by (contract, selector) from ABI/*.json."""

    def __init__(self, meta):
        self.events = {}      # (address lowercase hex, topic0 hex) -> (emitter, name, indexed types, data types, order)
        self.functions = {}   # (emitter, selector bytes) -> (name, input types)
        self.outputs = {}     # function name -> output types
        files = {"generatorRegistry": "GeneratorRegistry", "proofMarketplace": "ProofMarketplace",
                 "entityKeyRegistry": "EntityKeyRegistry"}
        self.address_of = {c: meta[c].lower() for c in files}
        self.contract_at = {a: c for c, a in self.address_of.items()}
        for contract, file in files.items():
            with open(os.path.join(ROOT, "ABI", f"{file}.json")) as f:
                entries = json.load(f)
            for e in entries:
                types = [type_of(p) for p in e.get("inputs", [])]
                if e["type"] == "event":
                    topic0 = "0x" + keccak(text=e["name"] + "(" + ",".join(types) + ")").hex()
                    # Indexed dynamic values are hashes in the topics.
                    indexed = [("bytes32" if is_dynamic(type_of(p)) else type_of(p)) for p in e["inputs"] if p["indexed"]]
                    data = [type_of(p) for p in e["inputs"] if not p["indexed"]]
                    order = [p["indexed"] for p in e["inputs"]]
                    self.events[(self.address_of[contract], topic0)] = (contract, e["name"], indexed, data, order, len(e["inputs"]))
                elif e["type"] == "function":
                    selector = keccak(text=e["name"] + "(" + ",".join(types) + ")")[:4]
                    self.functions[(contract, selector)] = (e["name"], types)
                    self.outputs[e["name"]] = [type_of(p) for p in e.get("outputs", [])]

    def decode_log(self, log):
        """(emitter, name, values in declaration order) of an eth_getLogs entry."""
        topics = log["topics"]
        contract, name, indexed, data, order, _ = self.events[(log["address"], topics[0])]
        iv = iter(decode(indexed, bytes.fromhex("".join(t[2:] for t in topics[1:])))) if indexed else iter(())
        dv = iter(decode(data, bytes.fromhex(log["data"][2:]))) if data else iter(())
        return contract, name, [next(iv) if ix else next(dv) for ix in order]


def addr(a):
    """An eth-abi address (checksummed text) as 20 bytes."""
    return bytes.fromhex(a[2:])


# ---- Enrichment pre-pass (untimed, cached) --------------------------------------------------------------------


def recover_sender(tx):
    """(sender 20 bytes or None, reason) from an EIP-1559 transaction's fields (the node's `from` is not trusted)."""
    if int(tx["type"], 16) != 2:
        raise NotImplementedError(f"transaction type {tx['type']}: the peer rebuilds EIP-1559 transactions only (the recorded chain's)")
    q = lambda k: int(tx[k], 16)
    fields = [q("chainId"), q("nonce"), q("maxPriorityFeePerGas"), q("maxFeePerGas"), q("gas"), bytes.fromhex(tx["to"][2:]),
              q("value"), bytes.fromhex(tx["input"][2:]), [[bytes.fromhex(a["address"][2:]), [bytes.fromhex(k[2:]) for k in a["storageKeys"]]]
                                                            for a in tx["accessList"]]]
    y, r, s = q("yParity"), q("r"), q("s")
    if keccak(b"\x02" + rlp.encode(fields + [y, r, s])).hex() != tx["hash"][2:]:
        return None, "the transaction fields do not rebuild its hash"
    if s > SECP_N // 2 or y > 1:
        return None, "high s or bad parity"
    digest = keccak(b"\x02" + rlp.encode(fields))
    pub = coincurve.PublicKey.from_signature_and_message(r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([y]), digest, hasher=None)
    return keccak(pub.format(compressed=False)[1:])[12:], None


SELF_ACTING = {"RegisteredGenerator", "DeregisteredGenerator", "ChangedGeneratorRewardAddress", "JoinedMarketplace",
               "RequestExitMarketplace", "LeftMarketplace", "RequestStakeDecrease", "RemovedStake", "IncreasedCompute",
               "RequestComputeDecrease", "DecreaseCompute"}
ENRICHED = {"RegisteredGenerator", "JoinedMarketplace", "MarketplaceCreated", "AskCreated", "TaskCreated", "UpdateKey"}


def hx(b):
    return "0x" + b.hex()


def admin_check(abi, tx, sender, reason, generator, position):
    """The admin SignatureCheck of one transaction (SignatureChecker.admin)."""
    to = tx["to"]
    target = CONTRACT_NAMES[abi.contract_at[to]] if to in abi.contract_at else to
    node_from = bytes.fromhex(tx["from"][2:])
    if sender is None:
        return position + ("admin", generator or node_from, None, 0, f"unchecked: {reason}")
    if sender != node_from:
        raise NotImplementedError("a node whose `from` differs from the recovered signer")
    if generator is None:
        return position + ("admin", node_from, sender, 1, f"sender of a transaction to {target}; matches the node's from")
    if sender == generator:
        return position + ("admin", generator, sender, 1, f"the generator signed its own call to {target}")
    if to != abi.address_of["generatorRegistry"]:
        return position + ("admin", generator, sender, 0, f"sender is a contract wallet: the transaction calls {target}, not the registry, so msg.sender (the generator {hx(generator)}) is a contract and {hx(sender)} is the EOA that signed for it")
    return position + ("admin", generator, sender, 0, f"unexplained: the registry was called directly, so msg.sender is the signer {hx(sender)}, yet the event names {hx(generator)}")


def enrich_from_calldata(name, v, call, sender):
    """The payload from a direct call's arguments, or None (the pinned path would be used)."""
    if call is None:
        return None
    fn, args = call
    if name == "RegisteredGenerator":
        if fn != "register" or args[1] != v[1] or args[2] != v[2] or (sender is not None and sender != addr(v[0])):
            return None
        return (addr(args[0]), args[3])
    if name == "JoinedMarketplace":
        if fn != "joinMarketplace" or args[0] != v[1] or args[1] != v[2] or (sender is not None and sender != addr(v[0])):
            return None
        return (args[2], args[3])
    if name == "AskCreated":
        current = len(v) == 5
        if fn != "createAsk" or len(args) != (5 if current else 4) or sender is None or not 0 <= args[1] <= 2:
            return None
        if v[1]:
            if args[2] != v[2] or args[3] != v[3]:
                return None
        elif v[2] or v[3]:
            return None
        if current and args[4] != v[4]:
            return None
        m, reward, expiry, t, deadline, refund, prover = args[0]
        return ((m, reward, expiry, t, deadline, addr(refund), prover), sender, args[1])
    return None


def enrich_from_pinned(abi, name, v, output, block_hash):
    out = decode(abi.outputs["marketData" if name == "MarketplaceCreated" else "listOfAsk"], output)
    if name == "MarketplaceCreated":
        verifier, prover, penalty, activation, ivs, creator, metadata = out
        if addr(verifier) == bytes(20):
            raise NotImplementedError("an empty marketData read")
        return (addr(verifier), prover, penalty, activation, ivs, addr(creator), metadata)
    body, state, _, generator = out
    if addr(generator) != addr(v[1]) or state not in (3, 4):
        raise NotImplementedError("a listOfAsk read that is not this assignment")
    return body[4]


def prepare(chain, abi, meta):
    """Per log position: (enrichment text, payload); per range: the signature checks; per block: (hash, parent)."""
    calls = {}
    with open(os.path.join(chain, "calls.jsonl")) as f:
        for line in f:
            c = json.loads(line)
            calls[(c["to"], c["data"], c["blockHash"])] = bytes.fromhex(c["result"][2:])
    bounds = meta["rangeBounds"]
    enrichment, checks, records = {}, [[] for _ in bounds], {}
    r = 0
    with open(os.path.join(chain, "blocks.jsonl")) as f:
        for line in f:
            rec = json.loads(line)
            block = rec["block"]
            n = int(block["number"], 16)
            records[n] = (bytes.fromhex(block["hash"][2:]), bytes.fromhex(block["parentHash"][2:]))
            while n > bounds[r][1]:
                r += 1
            by_tx = {}
            for log in rec["logs"]:
                if (log["address"], log["topics"][0]) in abi.events:
                    by_tx.setdefault(int(log["transactionIndex"], 16), []).append(log)
            for ti, logs in sorted(by_tx.items()):
                tx = block["transactions"][ti]
                assert tx["hash"] == logs[0]["transactionHash"]
                sender, reason = recover_sender(tx)
                decoded = [abi.decode_log(log) for log in logs]
                contract = abi.contract_at.get(tx["to"])
                fn = abi.functions.get((contract, bytes.fromhex(tx["input"][2:10]))) if contract else None
                call = (fn[0], decode(fn[1], bytes.fromhex(tx["input"][10:]))) if fn else None
                if call and call[0] in ("updateEncryptionKey", "addIvsKey", "verifyMatchingEngine", "relayBatchAssignTasks") or \
                        (call and call[0] == "joinMarketplace" and call[1][4]) or any(d[1] == "UpdateKey" for d in decoded):
                    raise NotImplementedError("enclave / matching-engine signature checks (the recorded chain has none)")
                generator = next((addr(d[2][0]) for d in decoded if d[1] in SELF_ACTING), None)
                first = logs[0]
                position = (n, int(first["logIndex"], 16), bytes.fromhex(first["blockHash"][2:]), ti, bytes.fromhex(tx["hash"][2:]))
                checks[r].append(admin_check(abi, tx, sender, reason, generator, position))
                for log, (_, name, v) in zip(logs, decoded):
                    if name not in ENRICHED:
                        continue
                    key = (n, int(log["logIndex"], 16))
                    payload = None if name in ("MarketplaceCreated", "TaskCreated") else enrich_from_calldata(name, v, call, sender)
                    if payload is not None:
                        enrichment[key] = ("calldata", payload)
                        continue
                    if name == "MarketplaceCreated":
                        data = "0x" + (keccak(text="marketData(uint256)")[:4] + v[0].to_bytes(32, "big")).hex()
                    elif name == "TaskCreated":
                        data = "0x" + (keccak(text="listOfAsk(uint256)")[:4] + v[0].to_bytes(32, "big")).hex()
                    else:
                        raise NotImplementedError(f"{name} without usable calldata (a pinned {name} read)")
                    output = calls.get((abi.address_of["proofMarketplace"], data, log["blockHash"]))
                    if output is None:
                        raise NotImplementedError(f"a pinned call that was not recorded ({name} at block {n})")
                    enrichment[key] = (f"eth_call at {log['blockHash']}", enrich_from_pinned(abi, name, v, output, log["blockHash"]))
    for c in checks:
        c.sort(key=lambda row: (row[0], row[3], row[1]))
    return {"enrichment": enrichment, "checks": checks, "records": records}


def load_prepared(chain, abi, meta_text, meta):
    path = os.path.join(os.path.dirname(os.path.abspath(chain)), "python-prepared.pickle")
    key = hashlib.sha256(meta_text + open(__file__, "rb").read()).hexdigest()
    try:
        with open(path, "rb") as f:
            cached = pickle.load(f)
        if cached.get("key") == key:
            return cached
    except (OSError, pickle.UnpicklingError, EOFError):
        pass
    prepared = prepare(chain, abi, meta)
    prepared["key"] = key
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        pickle.dump(prepared, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return prepared


# ---- Reducer (Sources/Kalypso/Reducer; spec §7.4–7.5) -----------------------------------------------------------
# Entities live in one dict keyed by (kind, id): GEN (address), ROW ((address, market)), MARKET (id), ASK (id).
# Values are dicts; the journal keeps a copy of each entity's value before its first touch in the block.

GEN, ROW, MARKET, ASK = 1, 2, 3, 4
ASK_CREATE, ASK_ASSIGNED, ASK_COMPLETE = 1, 3, 4
PROVED, INVALID_INPUTS = 1, 2


def position_text(p):
    return f"block {p[0]} tx {p[3]} ({hx(p[4])}) log {p[1]}"


class Reducer:
    def __init__(self):
        self.entities = {}
        self.issues = []        # (block, log index, tx hash, code, severity, message)

    # -- helpers
    def report(self, code, severity, message):
        p = self.pos
        self.issues.append((p[0], p[1], p[4], code, severity, f"{self.name} at {position_text(p)}: {message}"))

    def touch(self, key):
        if key not in self.journal:
            v = self.entities.get(key)
            self.journal[key] = None if v is None else v.copy()

    def add(self, a, b, field):
        r = a + b
        if r > MAX:
            self.report("arithmeticOverflow", "warning", f"{field} {a} + {b} overflows 256 bits; clamped to 2^256 − 1.")
            return MAX
        return r

    def sub(self, a, b, field):
        if b > a:
            self.report("arithmeticUnderflow", "warning", f"{field} {a} − {b} goes below zero; clamped to 0.")
            return 0
        return a - b

    def generator(self, g, skipping):
        v = self.entities.get((GEN, g))
        if v is None:
            self.report("unknownGenerator", "warning", f"the mirror has no generator {hx(g)}; {skipping} skipped.")
        return v

    def row(self, g, m, skipping):
        v = self.entities.get((ROW, (g, m)))
        if v is None:
            self.report("unknownGeneratorMarket", "warning", f"the mirror has no row for generator {hx(g)} in market {m}; {skipping} skipped.")
        return v

    def ask(self, a):
        v = self.entities.get((ASK, a))
        if v is None:
            self.report("unknownAsk", "warning", f"the mirror has no ask {a}; the ask and its generator-market row are not updated.")
        return v

    # -- one block: returns the change set [(key, before, after)] in first-touch order
    def apply_block(self, block_logs, clock):
        self.journal = {}
        self.clock = clock
        start = 0
        while start < len(block_logs):
            tx = block_logs[start][0][4]
            end = start + 1
            while end < len(block_logs) and block_logs[end][0][4] == tx:
                end += 1
            self.apply_transaction(block_logs[start:end])
            start = end
        entities = self.entities
        return [(k, before, entities.get(k)) for k, before in self.journal.items() if before != entities.get(k)]

    def apply_transaction(self, logs):
        plan = self.attribution_plan(logs)
        self.plan = plan[0]
        for i, (pos, emitter, name, v, enrichment) in enumerate(logs):
            self.pos, self.name, self.index = pos, name, i
            handler = HANDLERS.get(name)
            if handler is None:
                raise NotImplementedError(f"the peer's reducer does not handle {name} (the recorded chain has none)")
            handler(self, v, enrichment)
        for i in plan[1]:
            self.pos, self.name = logs[i][0], logs[i][2]
            self.report("lockAttribution", "warning", "this lock event has no matching marketplace event in its transaction (§7.5); the generator counters were applied, the ask is unknown")

    def attribution_plan(self, logs):
        """§7.5 rule 3 (AttributionPlan): {index of the task event: (stake, compute)}, unpaired lock indices."""
        imposed_s, imposed_c, released_s, released_c = [], [], [], []
        assigned_here, by_event = {}, {}

        def take(lst, g):
            for j, (i, gen, amount) in enumerate(lst):
                if g is None or gen == g:
                    return lst.pop(j)
            return None

        for i, (_, _, name, v, _) in enumerate(logs):
            if name == "StakeLockImposed":
                imposed_s.append((i, addr(v[0]), v[1]))
            elif name == "ComputeLockImposed":
                imposed_c.append((i, addr(v[0]), v[1]))
            elif name == "StakeLockReleased":
                released_s.append((i, addr(v[0]), v[1]))
            elif name == "ComputeLockReleased":
                if i > 0 and logs[i - 1][2] == "StakeSlashed":
                    raise NotImplementedError("slash attribution (the recorded chain has no slashes)")
                released_c.append((i, addr(v[0]), v[1]))
            elif name in ("StakeSlashed", "ProofNotGenerated"):
                raise NotImplementedError("slash attribution (the recorded chain has no slashes)")
            elif name == "TaskCreated":
                g = addr(v[1])
                assigned_here[v[0]] = g
                s, c = take(imposed_s, g), take(imposed_c, g)
                by_event[i] = (s and s[2], c and c[2])
            elif name in ("ProofCreated", "InvalidInputsDetected"):
                a = self.entities.get((ASK, v[0]))
                g = assigned_here.get(v[0], a and a["generator"])
                s = take(released_s, g)
                c = take(released_c, s[1] if s else g)
                by_event[i] = (s and s[2], c and c[2])
        unpaired = sorted(x[0] for x in imposed_s + imposed_c + released_s + released_c)
        return by_event, unpaired

    def check_locks(self, kind, g, market):
        stake, compute = self.plan.get(self.index, (None, None))
        if stake is None and compute is None:
            self.report("lockAttribution", "warning", f"no {kind} lock events for generator {hx(g)} precede or follow this event in its transaction (§7.5); the generator counters were not changed by it. Run `verify`.")
            return
        m = self.entities.get((MARKET, market))
        if m is not None and m["data"] is not None and stake != m["data"][2]:
            self.report("lockAttribution", "warning", f"{kind} stake {stake} ≠ market {market} slashingPenalty {m['data'][2]} (§7.5 rule 4)")
        r = self.entities.get((ROW, (g, market)))
        if r is not None and compute != r["cpr"]:
            self.report("lockAttribution", "warning", f"{kind} compute {compute} ≠ computePerRequestRequired {r['cpr']} (§7.5 rule 4)")

    # -- GeneratorRegistry
    def registered_generator(self, v, enrichment):
        g = addr(v[0])
        payload = enrichment[1] if enrichment else None
        if payload is None:
            self.report("missingEnrichment", "warning", f"rewardAddress and generatorData of {hx(g)} are unknown")
        if (GEN, g) in self.entities:
            self.report("entityAlreadyExists", "warning", f"generator {hx(g)} was already registered; reset")
        self.touch((GEN, g))
        self.entities[(GEN, g)] = {
            "address": g, "reward": payload[0] if payload else None, "total_stake": v[2], "soca": 0, "compute_consumed": 0,
            "stake_locked": 0, "active_markets": 0, "declared_compute": v[1], "isu": ONE, "icu": ONE,
            "data": payload[1] if payload else None, "stake_reduction": None, "compute_reduction": None,
            "registered_in": self.pos[0]}

    def joined_marketplace(self, v, enrichment):
        g, m, cpr = addr(v[0]), v[1], v[2]
        if (ROW, (g, m)) in self.entities:
            self.report("entityAlreadyExists", "warning", f"the mirror already has a row for ({hx(g)}, market {m})")
        terms = enrichment[1] if enrichment else None
        if terms is None:
            self.report("missingEnrichment", "warning", f"proofGenerationCost and proposedTime of ({hx(g)}, market {m}) are unknown")
        self.touch((ROW, (g, m)))
        self.entities[(ROW, (g, m))] = {"generator": g, "market": m, "state": 1, "cpr": cpr, "cost": terms and terms[0],
                                        "time": terms and terms[1], "active": 0, "joined_in": self.pos[0]}
        gen = self.generator(g, "the generator's allocation counters are")
        if gen is not None:
            self.touch((GEN, g))
            gen["soca"] = self.add(gen["soca"], cpr, "sumOfComputeAllocations")
            gen["active_markets"] = self.add(gen["active_markets"], 1, "activeMarketplaces")

    def added_stake(self, v, _):
        g = addr(v[0])
        gen = self.generator(g, "the stake increase is")
        if gen is not None:
            self.touch((GEN, g))
            gen["total_stake"] = self.add(gen["total_stake"], v[1], "totalStake")

    def adjust_locks(self, g, stake=None, compute=None, increase=True):
        gen = self.generator(g, "the lock change is")
        if gen is None:
            return
        self.touch((GEN, g))
        op = self.add if increase else self.sub
        if stake is not None:
            gen["stake_locked"] = op(gen["stake_locked"], stake, "stakeLocked")
        if compute is not None:
            gen["compute_consumed"] = op(gen["compute_consumed"], compute, "computeConsumed")

    # -- ProofMarketplace
    def marketplace_created(self, v, enrichment):
        m = v[0]
        if (MARKET, m) in self.entities:
            self.report("entityAlreadyExists", "warning", f"the mirror already has market {m}; replaced")
        data = enrichment[1] if enrichment else None
        if data is None:
            self.report("missingEnrichment", "warning", f"the fields of market {m} are unknown")
        self.touch((MARKET, m))
        self.entities[(MARKET, m)] = {"id": m, "data": data, "extra_prover": frozenset(), "extra_ivs": frozenset(),
                                      "frozen": False, "created_in": self.pos[0]}

    def ask_created(self, v, enrichment):
        a, private, secret, acl = v[0], v[1], v[2], v[3]
        extra = v[4] if len(v) == 5 else b""
        if (ASK, a) in self.entities:
            self.report("entityAlreadyExists", "warning", f"the mirror already has ask {a}; replaced")
        details = enrichment[1] if enrichment else None
        if details is not None:
            market = self.entities.get((MARKET, details[0][0]))
            if market is None:
                self.report("unknownMarket", "warning", f"ask {a} is in market {details[0][0]}, which the mirror does not have")
            elif market["data"] is not None and (market["data"][1] not in (bytes(32), NO_ENCLAVE_ID)) != private:
                self.report("unexpectedState", "warning", f"ask {a} says hasPrivateInputs = {str(private).lower()} but the mirrored market {details[0][0]} disagrees")
        else:
            self.report("missingEnrichment", "warning", f"the body of ask {a} is unknown")
        self.touch((ASK, a))
        self.entities[(ASK, a)] = {
            "id": a, "body": details and details[0], "state": ASK_CREATE, "requester": details and details[1],
            "generator": None, "private": private, "secret": secret, "acl": acl, "extra": extra, "new_acl": None,
            "outcome": None, "proof": None, "secret_type": details[2] if details else None, "created_in": self.pos[0],
            "assigned_in": None, "completed_in": None}

    def task_created(self, v, enrichment):
        a_id, g, new_acl = v[0], addr(v[1]), v[2]
        a = self.ask(a_id)
        if a is None:
            return
        if a["state"] != ASK_CREATE:
            self.report("unexpectedState", "warning", f"ask {a_id} is not in CREATE; applied anyway")
        self.touch((ASK, a_id))
        a["state"], a["generator"], a["new_acl"], a["assigned_in"] = ASK_ASSIGNED, g, new_acl, self.pos[0]
        body = a["body"]
        if body is not None:
            from_clock = self.clock + body[3]
            deadline = enrichment[1] if enrichment else None
            if deadline is None:
                deadline = from_clock
            elif from_clock != deadline:
                self.report("enrichmentMismatch", "warning", f"ask {a_id}: deadline {deadline} ≠ clock {self.clock} + {body[3]}")
            a["body"] = body[:4] + (deadline,) + body[5:]
        else:
            self.report("missingEnrichment", "warning", f"ask {a_id} has no known market")
            return
        market = body[0]
        self.check_locks("imposed", g, market)
        r = self.row(g, market, "the activeRequests increment is")
        if r is not None:
            self.touch((ROW, (g, market)))
            r["active"] = self.add(r["active"], 1, "activeRequests")

    def complete_task(self, a_id, outcome, proof):
        a = self.ask(a_id)
        if a is None:
            return
        if a["state"] != ASK_ASSIGNED:
            self.report("unexpectedState", "warning", f"ask {a_id} is not ASSIGNED; applied anyway")
        self.touch((ASK, a_id))
        a["state"], a["outcome"], a["proof"], a["completed_in"] = ASK_COMPLETE, outcome, proof, self.pos[0]
        g, body = a["generator"], a["body"]
        if g is None or body is None:
            if body is None and g is not None:
                self.report("missingEnrichment", "warning", f"ask {a_id} has no known market")
            return
        self.check_locks("released", g, body[0])
        r = self.row(g, body[0], "the activeRequests decrement is")
        if r is not None:
            self.touch((ROW, (g, body[0])))
            r["active"] = self.sub(r["active"], 1, "activeRequests")


HANDLERS = {
    "RegisteredGenerator": Reducer.registered_generator,
    "JoinedMarketplace": Reducer.joined_marketplace,
    "AddedStake": Reducer.added_stake,
    "StakeLockImposed": lambda r, v, _: r.adjust_locks(addr(v[0]), stake=v[1], increase=True),
    "ComputeLockImposed": lambda r, v, _: r.adjust_locks(addr(v[0]), compute=v[1], increase=True),
    "StakeLockReleased": lambda r, v, _: r.adjust_locks(addr(v[0]), stake=v[1], increase=False),
    "ComputeLockReleased": lambda r, v, _: r.adjust_locks(addr(v[0]), compute=v[1], increase=False),
    "MarketplaceCreated": Reducer.marketplace_created,
    "AskCreated": Reducer.ask_created,
    "TaskCreated": Reducer.task_created,
    "ProofCreated": lambda r, v, _: r.complete_task(v[0], PROVED, v[1]),
    "InvalidInputsDetected": lambda r, v, _: r.complete_task(v[0], INVALID_INPUTS, None),
}


# ---- ROWS: the database rows of SQLMirrorStore.commit (0001 schema; adapt here when the schema changes) --------
# uint256 → 32-byte big-endian BLOB; address 20 bytes; hash 32 bytes; block numbers and enums INTEGER; booleans 0/1;
# undo-journal images in EntityCodec's format (Sources/Mirror/Store/Codec/EntityCodec.swift, ByteCoding.swift).


def u32(v):
    return None if v is None else v.to_bytes(32, "big")


def json_bytes(b):
    """EventJSON: bytes up to 64 in full, longer ones as their first 32 bytes, `…` and the length."""
    if len(b) <= 64:
        return "0x" + b.hex()
    return "0x" + b[:32].hex() + f"…({len(b)} bytes)"


def json_value(t, v):
    if t == "address":
        return v.lower()
    if t.startswith("uint") or t.startswith("int"):
        return str(v)
    if t == "bool":
        return v
    if t == "bytes32" or t == "bytes":
        return json_bytes(v)
    raise NotImplementedError(f"JSON of a {t} event field")


def event_fields(abi_event, name, v, enrichment):
    """The `events.fields` JSON (EventJSON.swift): parameters in declaration order, then the enrichment object."""
    out = {p: json_value(t, x) for (p, t), x in zip(abi_event, v)}
    if enrichment is not None:
        p = enrichment[1]
        if name == "RegisteredGenerator":
            out["enrichment"] = {"rewardAddress": hx(p[0]), "generatorData": json_bytes(p[1])}
        elif name == "JoinedMarketplace":
            out["enrichment"] = {"proofGenerationCost": str(p[0]), "proposedTime": str(p[1])}
        elif name == "AskCreated":
            b = p[0]
            e = {"marketId": str(b[0]), "reward": str(b[1]), "expiry": str(b[2]), "timeTakenForProofGeneration": str(b[3]),
                 "deadline": str(b[4]), "refundAddress": hx(b[5]), "proverData": json_bytes(b[6]), "requester": hx(p[1])}
            if p[2] is not None:
                e["secretType"] = str(p[2])
            out["enrichment"] = e
        elif name == "TaskCreated":
            out["enrichment"] = {"deadline": str(p)}
        elif name == "MarketplaceCreated":
            out["enrichment"] = {"verifier": hx(p[0]), "proverImageId": hx(p[1]), "slashingPenalty": str(p[2]),
                                 "activationBlock": str(p[3]), "ivsImageId": hx(p[4]), "creator": hx(p[5]),
                                 "marketmetadata": json_bytes(p[6])}
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


def cu(v):
    n = (v.bit_length() + 7) // 8
    return bytes((n,)) + v.to_bytes(n, "big")


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def cdata(b):
    return varint(len(b)) + b


def opt(v, f):
    return b"\x00" if v is None else b"\x01" + f(v)


def ident(b):
    return b


def hash_set(s):
    return varint(len(s)) + b"".join(sorted(s))


def intent(i):
    return varint(i[0]) + opt(i[1], cu)


def codec_key(key):
    kind, k = key
    if kind == GEN:
        return b"\x01\x01" + k
    if kind == ROW:
        return b"\x01\x02" + k[0] + cu(k[1])
    return bytes((1, kind)) + cu(k)


def codec_value(kind, v):
    if v is None:
        return None
    if kind == GEN:
        return b"".join((b"\x01\x01", v["address"], opt(v["reward"], ident), cu(v["total_stake"]), cu(v["soca"]),
                         cu(v["compute_consumed"]), cu(v["stake_locked"]), cu(v["active_markets"]), cu(v["declared_compute"]),
                         cu(v["isu"]), cu(v["icu"]), opt(v["data"], cdata), opt(v["stake_reduction"], intent),
                         opt(v["compute_reduction"], intent), varint(v["registered_in"])))
    if kind == ROW:
        return b"".join((b"\x01\x02", v["generator"], cu(v["market"]), bytes((v["state"],)), cu(v["cpr"]), opt(v["cost"], cu),
                         opt(v["time"], cu), cu(v["active"]), varint(v["joined_in"])))
    if kind == MARKET:
        d = v["data"]
        data = None if d is None else b"".join((d[0], d[1], cu(d[2]), cu(d[3]), d[4], d[5], cdata(d[6])))
        return b"".join((b"\x01\x03", cu(v["id"]), opt(data, ident), hash_set(v["extra_prover"]), hash_set(v["extra_ivs"]),
                         b"\x01" if v["frozen"] else b"\x00", varint(v["created_in"])))
    b = v["body"]
    body = None if b is None else b"".join((cu(b[0]), cu(b[1]), cu(b[2]), cu(b[3]), cu(b[4]), b[5], cdata(b[6])))
    return b"".join((b"\x01\x04", cu(v["id"]), opt(body, ident), bytes((v["state"],)), opt(v["requester"], ident),
                     opt(v["generator"], ident), b"\x01" if v["private"] else b"\x00", cdata(v["secret"]), cdata(v["acl"]),
                     cdata(v["extra"]), opt(v["new_acl"], cdata), opt(v["outcome"], lambda o: bytes((o,))),
                     opt(v["proof"], cdata), opt(v["secret_type"], lambda t: bytes((t,))), varint(v["created_in"]),
                     opt(v["assigned_in"], varint), opt(v["completed_in"], varint)))


def entity_row(kind, v):
    if kind == GEN:
        sr, cr = v["stake_reduction"], v["compute_reduction"]
        return (v["address"], v["reward"], u32(v["total_stake"]), u32(v["soca"]), u32(v["compute_consumed"]), u32(v["stake_locked"]),
                u32(v["active_markets"]), u32(v["declared_compute"]), u32(v["isu"]), u32(v["icu"]), v["data"],
                sr and sr[0], sr and u32(sr[1]), cr and cr[0], cr and u32(cr[1]), v["registered_in"])
    if kind == ROW:
        return (v["generator"], u32(v["market"]), v["state"], u32(v["cpr"]), u32(v["cost"]), u32(v["time"]), u32(v["active"]), v["joined_in"])
    if kind == MARKET:
        d = v["data"] or (None,) * 7
        return (u32(v["id"]), d[0], d[1], u32(d[2]), u32(d[3]), d[4], d[5], d[6], b"".join(sorted(v["extra_prover"])),
                b"".join(sorted(v["extra_ivs"])), int(v["frozen"]), v["created_in"])
    b = v["body"] or (None,) * 7
    return (u32(v["id"]), u32(b[0]), u32(b[1]), u32(b[2]), u32(b[3]), u32(b[4]), b[5], b[6], v["state"], v["requester"], v["generator"],
            int(v["private"]), v["secret"], v["acl"], v["extra"], v["new_acl"], v["outcome"], v["proof"], v["secret_type"],
            v["created_in"], v["assigned_in"], v["completed_in"])


ENTITY_TABLES = {
    GEN: ("generators", ["address", "reward_address", "total_stake", "sum_of_compute_allocations", "compute_consumed", "stake_locked",
                         "active_marketplaces", "declared_compute", "intended_stake_utilization", "intended_compute_utilization",
                         "generator_data", "stake_reduction_block", "stake_reduction_clock", "compute_reduction_block",
                         "compute_reduction_clock", "registered_in_block"], 1),
    ROW: ("generator_markets", ["generator", "market_id", "state", "compute_per_request_required", "proof_generation_cost",
                                "proposed_time", "active_requests", "joined_in_block"], 2),
    MARKET: ("markets", ["id", "verifier", "prover_image_id", "slashing_penalty", "activation_block", "ivs_image_id", "creator",
                         "metadata", "extra_prover_images", "extra_ivs_images", "frozen", "created_in_block"], 1),
    ASK: ("asks", ["id", "market_id", "reward", "expiry", "time_taken_for_proof_generation", "deadline", "refund_address",
                   "prover_data", "stored_state", "requester", "generator", "has_private_inputs", "secret_data", "acl", "extra_data",
                   "new_acl", "outcome", "proof", "secret_type", "created_in_block", "assigned_in_block", "completed_in_block"], 1),
}


def upsert_sql(table, columns, keys):
    update = ", ".join(f"{c} = excluded.{c}" for c in columns[keys:])
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(columns[:keys])}) DO UPDATE SET {update}")


UPSERTS = {kind: upsert_sql(*spec) for kind, spec in ENTITY_TABLES.items()}
DELETES = {kind: f"DELETE FROM {t} WHERE " + " AND ".join(f"{c} = ?" for c in cols[:k]) for kind, (t, cols, k) in ENTITY_TABLES.items()}
SQL_EVENT = ("INSERT INTO events (block_number, log_index, transaction_index, emitter, event_name, fields, enrichment, topics, data) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (block_number, log_index) DO NOTHING")
SQL_TX = "INSERT INTO transactions VALUES (?, ?, ?) ON CONFLICT (block_number, transaction_index) DO NOTHING"
SQL_EVENT_BLOCK = "INSERT INTO event_blocks VALUES (?, ?) ON CONFLICT (number) DO NOTHING"
SQL_UNKNOWN = ("INSERT INTO unknown_logs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (block_number, log_index) DO NOTHING")
SQL_CHECK = ("INSERT INTO signature_checks (block_number, seq, log_index, block_hash, transaction_index, transaction_hash, kind, "
             "expected, recovered, matches, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (block_number, seq) DO NOTHING")
SQL_ISSUE = ("INSERT INTO inconsistency_issues VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (block_number, seq) DO NOTHING")
SQL_JOURNAL = "INSERT INTO undo_journal VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (block_number, seq) DO NOTHING"
SQL_WINDOW = ("INSERT INTO block_window VALUES (?, ?, ?) ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, "
              "parent_hash = excluded.parent_hash")
SQL_CURSOR = "UPDATE sync_state SET cursor_block = ?, cursor_hash = ?, cursor_clock = ?, undo_floor = ? WHERE id = 1"


def with_seq(rows):
    """Rows (block, …) numbered per block in order: (block, seq, …)."""
    seqs, out = {}, []
    for row in rows:
        s = seqs.get(row[0], 0)
        seqs[row[0]] = s + 1
        out.append((row[0], s) + tuple(row[1:]))
    return out


def commit_range(db, r):
    """One sqlite3 transaction: entities, journal, history, window, cursor (SQLMirrorStore.commit)."""
    db.execute("BEGIN")
    for kind, keys in r["deletes"].items():
        db.executemany(DELETES[kind], keys)
    for kind, rows in r["upserts"].items():
        db.executemany(UPSERTS[kind], rows)
    db.executemany(SQL_JOURNAL, r["journal"])
    db.executemany(SQL_EVENT, r["events"])
    db.executemany(SQL_TX, r["transactions"])
    db.executemany(SQL_EVENT_BLOCK, r["event_blocks"])
    db.executemany(SQL_UNKNOWN, r["unknown"])
    db.executemany(SQL_CHECK, with_seq(r["checks"]))
    db.executemany(SQL_ISSUE, with_seq(r["issues"]))
    db.executemany(SQL_WINDOW, r["window"])
    db.execute(SQL_CURSOR, r["cursor"])
    if r["floor"] > r["old_floor"]:
        db.execute("DELETE FROM undo_journal WHERE block_number <= ?", (r["floor"],))
        db.execute("DELETE FROM block_window WHERE number < ?", (r["floor"],))
    db.execute("COMMIT")


# ---- Ingest ---------------------------------------------------------------------------------------------------


def create_database(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA page_size = 16384")          # as SQLMirrorStore.sqliteWriterConfiguration
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA cache_size = -65536")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA wal_autocheckpoint = {40 * 1024 * 1024 // 16384}")
    with open(os.path.join(ROOT, "Migrations", "sqlite", "0001_mirror.sql")) as f:
        db.executescript(f.read())
    db.execute("UPDATE sync_state SET started_at = ? WHERE id = 1", (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),))
    return db


class Ingest:
    def __init__(self, abi, prepared, db):
        self.abi, self.prepared, self.db = abi, prepared, db
        self.reducer = Reducer()
        self.undo_floor = None
        # Per (address, topic0): the JSON (name, type) list of the event's parameters.
        self.params = {}
        for key, (contract, name, indexed, data, order, _) in abi.events.items():
            ii, di = iter(indexed), iter(data)
            types = [next(ii) if ix else next(di) for ix in order]
            self.params[key] = [(p, t) for p, t in zip(self.param_names(contract, name, len(order), order), types)]

    @staticmethod
    def param_names(contract, name, count, order):
        file = {"generatorRegistry": "GeneratorRegistry", "proofMarketplace": "ProofMarketplace", "entityKeyRegistry": "EntityKeyRegistry"}[contract]
        with open(os.path.join(ROOT, "ABI", f"{file}.json")) as f:
            for e in json.load(f):
                if e["type"] == "event" and e["name"] == name and len(e["inputs"]) == count:
                    return [p["name"] for p in e["inputs"]]
        raise KeyError(name)

    def begin(self):
        self.db.execute("BEGIN")
        for name, _ in DEFERRED_INDEXES:
            self.db.execute(f"DROP INDEX IF EXISTS {name}")
        self.db.execute("COMMIT")

    def finish(self):
        self.db.execute("BEGIN")
        for _, create in DEFERRED_INDEXES:
            self.db.execute(create)
        self.db.execute("COMMIT")

    def range(self, index, from_block, to_block, body):
        abi, enrichment_of = self.abi, self.prepared["enrichment"]
        events, decoded, unknown = [], [], []
        contract_at, table = abi.contract_at, abi.events
        for log in json.loads(body):
            topics = log["topics"]
            key = (log["address"], topics[0] if topics else None)
            n, li, ti = int(log["blockNumber"], 16), int(log["logIndex"], 16), int(log["transactionIndex"], 16)
            raw_topics = bytes.fromhex("".join(t[2:] for t in topics))
            data = bytes.fromhex(log["data"][2:])
            if key not in table:
                unknown.append((n, li, bytes.fromhex(log["blockHash"][2:]), ti, bytes.fromhex(log["transactionHash"][2:]),
                                bytes.fromhex(log["address"][2:]), raw_topics[:32] or None, raw_topics, data))
                continue
            contract, name, v = abi.decode_log(log)
            enrichment = enrichment_of.get((n, li)) if name in ENRICHED else None
            pos = (n, li, bytes.fromhex(log["blockHash"][2:]), ti, bytes.fromhex(log["transactionHash"][2:]))
            decoded.append((pos, contract, name, v, enrichment))
            events.append((n, li, ti, contract, name, event_fields(self.params[key], name, v, enrichment),
                           enrichment[0] if enrichment else None, raw_topics, data))

        # Reduce block by block; one change set per block (RangeReducer).
        old_floor = self.undo_floor if self.undo_floor is not None else from_block - 1
        floor = max(old_floor, to_block - REORG_WINDOW)
        reducer, entities = self.reducer, self.reducer.entities
        reducer.issues = []
        journal, first_before, blocks_touched = [], {}, {}
        start = 0
        while start < len(decoded):
            block = decoded[start][0][0]
            end = start + 1
            while end < len(decoded) and decoded[end][0][0] == block:
                end += 1
            changes = reducer.apply_block(decoded[start:end], block)
            block_hash = decoded[start][0][2]
            for seq, (key, before, after) in enumerate(changes):
                if key in first_before:
                    blocks_touched[key] += 1
                else:
                    first_before[key] = before
                    blocks_touched[key] = 1
                if block > floor:
                    journal.append((block, seq, block_hash, codec_key(key), codec_value(key[0], before), codec_value(key[0], after)))
            start = end
        upserts, deletes = {}, {}
        for key, before in first_before.items():
            value = entities.get(key)
            if blocks_touched[key] > 1 and before == value:
                continue
            if value is None:
                kind, k = key
                deletes.setdefault(kind, []).append(k if kind == ROW else (u32(k) if kind in (MARKET, ASK) else k,))
            else:
                upserts.setdefault(key[0], []).append(entity_row(key[0], value))

        transactions, event_blocks, last_tx, last_block = [], [], None, None
        records = self.prepared["records"]
        window_numbers = {to_block}
        for pos, *_ in decoded:
            if (pos[0], pos[3]) != last_tx:
                last_tx = (pos[0], pos[3])
                transactions.append((pos[0], pos[3], pos[4]))
            if pos[0] != last_block:
                last_block = pos[0]
                event_blocks.append((pos[0], pos[2]))
                window_numbers.add(pos[0])
        window = [(b,) + records[b] for b in sorted(window_numbers) if b >= floor and b in records]
        last_hash = records[to_block][0]
        commit_range(self.db, {
            "upserts": upserts, "deletes": deletes, "journal": journal, "events": events, "transactions": transactions,
            "event_blocks": event_blocks, "unknown": unknown, "checks": self.prepared["checks"][index],
            "issues": reducer.issues, "window": window, "cursor": (to_block, last_hash, u32(to_block), floor),
            "floor": floor, "old_floor": old_floor})
        self.undo_floor = floor
        return len(events)


def run(chain, seconds, db_path, abi, prepared, bounds):
    files = sorted(glob.glob(os.path.join(chain, "ranges", "*.json")))
    db = create_database(db_path)
    ingest = Ingest(abi, prepared, db)
    start = time.process_time()
    ingest.begin()
    logs = 0
    for index, (path, (lo, hi)) in enumerate(zip(files, bounds)):
        with open(path, "rb") as f:
            body = f.read()
        logs += ingest.range(index, lo, hi, body)
        if time.process_time() - start >= seconds:
            break
    ingest.finish()
    elapsed = time.process_time() - start
    db.close()
    return logs, elapsed


# ---- Check ----------------------------------------------------------------------------------------------------

# Columns our store fills that the peer cannot reproduce (wall-clock times) or tables that are our migrator's.
EXCLUDED_COLUMNS = {"sync_state": {"started_at"}}
EXCLUDED_TABLES = {"schema_migrations"}


def check(peer_path, our_path):
    ours, peer = sqlite3.connect(our_path), sqlite3.connect(peer_path)
    tables = [r[0] for r in ours.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    peer_tables = {r[0] for r in peer.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    failures, rows_compared, compared = [], 0, 0
    for table in tables:
        if table in EXCLUDED_TABLES:
            continue
        if table not in peer_tables:
            failures.append(f"{table}: missing in the peer's database")
            continue
        columns = [r[1] for r in ours.execute(f"PRAGMA table_info({table})") if r[1] not in EXCLUDED_COLUMNS.get(table, ())]
        select = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(columns[:2])}"
        a, b = ours.execute(select).fetchall(), peer.execute(select).fetchall()
        compared += 1
        rows_compared += len(a)
        if a == b:
            continue
        sa, sb = set(a), set(b)
        only_ours = [r for r in a if r not in sb][:3]
        only_peer = [r for r in b if r not in sa][:3]
        failures.append(f"{table}: ours {len(a)} rows, peer {len(b)}; {len(sa - sb)} only in ours, {len(sb - sa)} only in the peer")
        for r in only_ours:
            failures.append(f"  ours: {describe_row(columns, r)}")
        for r in only_peer:
            failures.append(f"  peer: {describe_row(columns, r)}")
    index_sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
    our_indexes, peer_indexes = [r[0] for r in ours.execute(index_sql)], [r[0] for r in peer.execute(index_sql)]
    if our_indexes != peer_indexes:
        failures.append(f"indexes: ours {our_indexes}, peer {peer_indexes}")
    excluded = sorted(EXCLUDED_TABLES) + [f"{t}.{c}" for t, cs in EXCLUDED_COLUMNS.items() for c in sorted(cs)]
    print(f"check: excluded {', '.join(excluded)} (our migrator's bookkeeping and the writer's wall-clock start time)")
    if failures:
        print("check: DIFFERENT")
        for f in failures:
            print("check: " + f)
        return False
    print(f"check: identical {rows_compared} rows in {compared} tables (and the same {len(our_indexes)} indexes)")
    return True


def describe_row(columns, row):
    def show(v):
        if isinstance(v, bytes):
            return "x'" + (v.hex() if len(v) <= 48 else v[:48].hex() + f"…({len(v)} bytes)") + "'"
        return repr(v)
    return ", ".join(f"{c}={show(v)}" for c, v in zip(columns, row))


def main():
    args = sys.argv[1:]
    our_db = None
    if "--check" in args:
        i = args.index("--check")
        our_db = args[i + 1]
        del args[i:i + 2]
    chain, seconds = args[0], float(args[1])
    with open(os.path.join(chain, "meta.json"), "rb") as f:
        meta_text = f.read()
    meta = json.loads(meta_text)
    abi = ABI(meta)
    prepared = load_prepared(chain, abi, meta_text, meta)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "peer.sqlite")
        if our_db is not None:
            logs, _ = run(chain, float("inf"), path, abi, prepared, meta["rangeBounds"])
            print(f"logs: {logs}")
            return 0 if check(path, our_db) else 1
        logs, elapsed = run(chain, seconds, path, abi, prepared, meta["rangeBounds"])
    print(f"rate: {logs / elapsed}")
    print(f"logs: {logs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
