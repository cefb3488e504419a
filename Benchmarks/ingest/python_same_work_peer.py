"""Same-work Python peer of `kalypso-bench ingest`: what a careful Python indexer doing the mirror's job does on the same
recorded chain, producing the same database content (the tables of `Migrations/sqlite/NNNN_*.sql`, applied in order as our migrator
does).

  python python_same_work_peer.py CHAIN_DIR SECONDS [--check OUR_DB]

Untimed, once (cached in `<CHAIN_DIR>/../python-prepared.pickle`, keyed by meta.json): the enrichment pre-pass over
blocks.jsonl / calls.jsonl — sender recovery (coincurve) and the admin signature checks, calldata decoding (eth-abi)
for RegisteredGenerator / JoinedMarketplace / AskCreated, the recorded pinned calls (`marketData`, `listOfAsk`) for
MarketplaceCreated / TaskCreated — as `IngestBenchmark.prepare` runs ours once before timing.

Timed, per 2,000-block range, into a fresh SQLite database created from our migration files: json.loads of the range's
eth_getLogs result, eth-abi decoding of every log (by address and topic0, from ABI/*.json), the reducer (the §7.4
transition table as Sources/Kalypso/Reducer does it: per block, per transaction, a journal of each entity's value
before its first touch), and one sqlite3 transaction with the entity upserts (each changed entity once, its final
value), events (their kind's id, the fields' values packed as PackedFields.swift does, raw topics after the first and
data), event_kinds, transactions, event_blocks, signature_checks (note by check_notes id), issues, block window,
undo journal (blocks above toBlock − 64) and cursor. The reader indexes our backfill defers are dropped first and
built at the end (timed). Prints `rate: <logs per CPU second>` and `logs: <count>`.

--check OUR_DB: one full untimed run, then every table compared with OUR_DB (our ingest of the same chain); prints
`check: identical …` or the first differences per table and exits 1.

Scope: the reducer handles the event kinds of the recorded chain (make_chain.py) — RegisteredGenerator,
JoinedMarketplace, AddedStake, the four lock events, MarketplaceCreated, AskCreated, TaskCreated, ProofCreated (and
InvalidInputsDetected); any other event (exits, stake/compute reductions, slashes, cancellations, keys, images,
pricing, roles) raises NotImplementedError rather than be silently skipped, as do enclave/matching-engine signature
checks and transaction types other than EIP-1559. Inconsistency messages follow ours in substance, not word for word
(the recorded chain has none; the check would show them). The reducer is in same_work_reducer.py; the row encodings (the part a schema change touches) in same_work_rows.py.
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
from itertools import groupby

import coincurve
import rlp
from eth_abi import decode
from eth_utils import keccak

from same_work_reducer import ENRICHED_BY_CALLDATA_OR_CALL as ENRICHED, Reducer, addr, hx
from same_work_rows import (
    ASK, MARKET, ROW, HistoryLookups, codec_key, codec_value, commit_range, entity_row, transaction_rows, u32)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SECP_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
REORG_WINDOW = 64
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


# Bump when `prepare` changes what it computes (the cache is keyed by meta.json and this).
PREPARED_FORMAT = "same-work-peer prepared v1"


def load_prepared(chain, abi, meta_text, meta):
    path = os.path.join(os.path.dirname(os.path.abspath(chain)), "python-prepared.pickle")
    key = hashlib.sha256(meta_text + PREPARED_FORMAT.encode()).hexdigest()
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


# ---- Ingest ---------------------------------------------------------------------------------------------------


def apply_migrations(db):
    """Every Migrations/sqlite/NNNN_name.sql in version order, each in one transaction with its schema_migrations row
    (version, name, sha256 of the text), as Sources/Database/Migrations/Migrator.swift does."""
    db.executescript("""
        CREATE TABLE schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )""")
    files = sorted(glob.glob(os.path.join(ROOT, "Migrations", "sqlite", "[0-9][0-9][0-9][0-9]*_*.sql")))
    for expected, path in enumerate(files, 1):
        name = os.path.basename(path)[:-4]
        version = int(name.split("_", 1)[0])
        if version != expected:
            raise SystemExit(f"migration {path}: version {version}, expected {expected} (number them 0001, 0002, … without gaps)")
        with open(path, "rb") as f:
            text = f.read()
        db.executescript(f"BEGIN;\n{text.decode()}\n;INSERT INTO schema_migrations (version, name, checksum) "
                         f"VALUES ({version}, '{name}', '{hashlib.sha256(text).hexdigest()}');\nCOMMIT;")


def create_database(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA page_size = 16384")          # as SQLMirrorStore.sqliteWriterConfiguration
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA cache_size = -65536")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA wal_autocheckpoint = {40 * 1024 * 1024 // 16384}")
    apply_migrations(db)
    db.execute("UPDATE sync_state SET started_at = ? WHERE id = 1", (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),))
    return db


class Ingest:
    def __init__(self, abi, prepared, db):
        self.abi, self.prepared, self.db = abi, prepared, db
        self.reducer = Reducer()
        self.undo_floor = None
        # Per (address, topic0): the emitter, the name and the (name, type) list of the event's parameters.
        params = {}
        for key, (contract, name, indexed, data, order, _) in abi.events.items():
            ii, di = iter(indexed), iter(data)
            types = [next(ii) if ix else next(di) for ix in order]
            params[key] = (contract, name, list(zip(self.param_names(contract, name, len(order), order), types)))
        self.lookups = HistoryLookups(params)

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
        abi, enrichment_of, event_row = self.abi, self.prepared["enrichment"], self.lookups.event_row
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
            block_hash = log["blockHash"]
            pos = (n, li, bytes.fromhex(block_hash[2:]), ti, bytes.fromhex(log["transactionHash"][2:]))
            decoded.append((pos, contract, name, v, enrichment))
            events.append(event_row(key, n, li, ti, block_hash, v, enrichment, raw_topics, data))

        # Reduce block by block; one change set per block (RangeReducer).
        old_floor = self.undo_floor if self.undo_floor is not None else from_block - 1
        floor = max(old_floor, to_block - REORG_WINDOW)
        reducer, entities = self.reducer, self.reducer.entities
        reducer.issues = []
        journal, first_before, blocks_touched = [], {}, {}
        for block, block_logs in groupby(decoded, key=lambda log: log[0][0]):
            block_logs = list(block_logs)
            changes = reducer.apply_block(block_logs, block)
            block_hash = block_logs[0][0][2]
            for seq, (key, before, after) in enumerate(changes):
                if key in first_before:
                    blocks_touched[key] += 1
                else:
                    first_before[key] = before
                    blocks_touched[key] = 1
                if block > floor:
                    journal.append((block, seq, block_hash, codec_key(key), codec_value(key[0], before), codec_value(key[0], after)))
        upserts, deletes = {}, {}
        for key, before in first_before.items():
            value = entities.get(key)
            if blocks_touched[key] > 1 and before == value:
                continue
            if value is None:
                kind, k = key
                deletes.setdefault(kind, []).append((k[0], u32(k[1])) if kind == ROW else (u32(k) if kind in (MARKET, ASK) else k,))
            else:
                upserts.setdefault(key[0], []).append(entity_row(key[0], value))

        checks = self.prepared["checks"][index]
        transactions, event_blocks = transaction_rows([d[0] for d in decoded], checks)
        records = self.prepared["records"]
        window_numbers = {to_block}
        window_numbers.update(d[0][0] for d in decoded)
        window = [(b,) + records[b] for b in sorted(window_numbers) if b >= floor and b in records]
        last_hash = records[to_block][0]
        commit_range(self.db, {
            "upserts": upserts, "deletes": deletes, "journal": journal, "events": events, "transactions": transactions,
            "event_blocks": event_blocks, "unknown": unknown, "checks": checks, "lookups": self.lookups,
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

# Columns our store and migrator fill with the wall-clock time, which the peer cannot reproduce.
EXCLUDED_COLUMNS = {"sync_state": {"started_at"}, "schema_migrations": {"applied_at"}}
EXCLUDED_TABLES = set()


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
    print(f"check: excluded {', '.join(excluded)} (wall-clock times of our migrator and writer)")
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
