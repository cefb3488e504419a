"""The database rows of the same-work Python peer (python_same_work_peer.py): what SQLMirrorStore.commit writes
(Sources/Mirror/Store/SQL/SQLMirrorStore+Commit.swift, HistoryRows.swift, Codec/*) for the 0001 schema. Everything
that depends on the table layout is here, so a schema change is adapted in this file."""
from __future__ import annotations

import json

from same_work_reducer import ASK, GEN, MARKET, ROW, hx

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
    return FIELDS_JSON(out)


FIELDS_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


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
