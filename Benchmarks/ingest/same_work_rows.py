"""The database rows of the same-work Python peer (python_same_work_peer.py): what SQLMirrorStore.commit writes
(Sources/Mirror/Store/SQL/SQLMirrorStore+Commit.swift, HistoryRows.swift, HistoryLookups.swift, Codec/*) for the schema
of Migrations/sqlite (0001, then 0002's compact history). Everything that depends on the table layout is here, so a
schema change is adapted in this file."""
from __future__ import annotations

from same_work_reducer import ASK, GEN, MARKET, ROW

# ---- ROWS: the database rows of SQLMirrorStore.commit (0001 + 0002 schema; adapt here when the schema changes) --
# uint256 → 32-byte big-endian BLOB; address 20 bytes; hash 32 bytes; block numbers and enums INTEGER; booleans 0/1;
# undo-journal images in EntityCodec's format (Sources/Mirror/Store/Codec/EntityCodec.swift, ByteCoding.swift).


def u32(v):
    return None if v is None else v.to_bytes(32, "big")


# ---- Packed event fields (migration 0002; Codec/EventJSON.swift `appendPacked`, Codec/PackedFields.swift) --------
# The fields JSON's *shape* (each string value a `?`; keys, punctuation and booleans stay) goes to event_kinds, its
# values in binary to events.field_values: per value a tag byte, then bytes ≤ 64: LEB128 length + the bytes; longer:
# the full length + the first 32; uint < 2^64: LEB128; larger: a length byte + big-endian bytes; address 20 bytes;
# hash 32 bytes. Layouts (shape parts and packers) are built once per (address, topic0).

P_BYTES, P_ABBREVIATED, P_UINT64, P_UINT256, P_ADDRESS, P_HASH = 1, 2, 3, 4, 5, 6
SMALL_UINT = [bytes((P_UINT64, v)) for v in range(128)]
FULL_BYTES = 64


def pack_uint(v):
    if v < 128:
        return SMALL_UINT[v]
    if v < 1 << 64:
        return b"\x03" + varint(v)
    n = (v.bit_length() + 7) // 8
    return bytes((P_UINT256, n)) + v.to_bytes(n, "big")


def pack_bytes(b):
    n = len(b)
    if n <= FULL_BYTES:
        return bytes((P_BYTES, n)) + b      # n < 128: a one-byte LEB128 length
    return b"\x02" + varint(n) + b[:32]


def pack_address(b):
    return b"\x05" + b


def pack_address_text(a):
    """An eth-abi address (checksummed text)."""
    return b"\x05" + bytes.fromhex(a[2:])


def pack_hash(b):
    return b"\x06" + b


def packer_of(t):
    if t == "address":
        return pack_address_text
    if t.startswith("uint"):
        return pack_uint
    if t == "bytes32":
        return pack_hash
    if t == "bytes":
        return pack_bytes
    raise NotImplementedError(f"packed value of a {t} event field")


# Per enriched event: the enrichment object's shape and its values (EventJSON.write). AskCreated's shape depends on
# whether the payload has a secret type.
def _registered(p):
    return b"\x05" + p[0] + pack_bytes(p[1])


def _joined(p):
    return pack_uint(p[0]) + pack_uint(p[1])


def _ask(p):
    b = p[0]
    out = b"".join((pack_uint(b[0]), pack_uint(b[1]), pack_uint(b[2]), pack_uint(b[3]), pack_uint(b[4]), b"\x05", b[5],
                    pack_bytes(b[6]), b"\x05", p[1]))
    return out if p[2] is None else out + pack_uint(p[2])


def _task(p):
    return pack_uint(p)


def _market(p):
    return b"".join((b"\x05", p[0], b"\x06", p[1], pack_uint(p[2]), pack_uint(p[3]), b"\x06", p[4], b"\x05", p[5],
                     pack_bytes(p[6])))


def _object(keys):
    return ',"enrichment":{' + ",".join(f'"{k}":?' for k in keys) + "}"


ENRICHMENT_PACKING = {
    "RegisteredGenerator": (_registered, lambda p: _object(("rewardAddress", "generatorData"))),
    "JoinedMarketplace": (_joined, lambda p: _object(("proofGenerationCost", "proposedTime"))),
    "AskCreated": (_ask, lambda p: _object(("marketId", "reward", "expiry", "timeTakenForProofGeneration", "deadline",
                                             "refundAddress", "proverData", "requester") + (() if p[2] is None else ("secretType",)))),
    "TaskCreated": (_task, lambda p: _object(("deadline",))),
    "MarketplaceCreated": (_market, lambda p: _object(("verifier", "proverImageId", "slashingPenalty", "activationBlock",
                                                       "ivsImageId", "creator", "marketmetadata"))),
}
ENRICHMENT_CALLDATA, ENRICHMENT_PINNED_OWN_BLOCK, ENRICHMENT_STORED = 1, 2, 0
PINNED_PREFIX = "eth_call at "


class EventLayout:
    """One (address, topic0)'s packing: the parameters' packers (booleans are literals of the shape) and its kind ids by
    (boolean values, enrichment variant, enrichment kind)."""
    __slots__ = ("emitter", "name", "params", "packers", "bools", "enrich", "kinds")

    def __init__(self, emitter, name, params):
        self.emitter, self.name, self.params = emitter, name, params
        self.packers = [(i, packer_of(t)) for i, (_, t) in enumerate(params) if t != "bool"]
        self.bools = [i for i, (_, t) in enumerate(params) if t == "bool"]
        self.enrich = ENRICHMENT_PACKING.get(name)
        self.kinds = {}

    def shape(self, v, payload):
        parts = [f'"{p}":' + (("true" if v[i] else "false") if t == "bool" else "?") for i, (p, t) in enumerate(self.params)]
        text = "{" + ",".join(parts)
        if payload is not None:
            if self.enrich is None:
                raise NotImplementedError(f"the enrichment of {self.name}")
            text += self.enrich[1](payload)
        return text + "}"


class HistoryLookups:
    """The ids of event_kinds and check_notes (HistoryLookups.swift): created in order of first use; the rows created
    since the last commit wait in new_kinds / new_notes."""

    def __init__(self, abi_params):
        self.layouts = {key: EventLayout(emitter, name, params) for key, (emitter, name, params) in abi_params.items()}
        self.kind_ids, self.note_ids = {}, {}
        self.new_kinds, self.new_notes = [], []

    def kind_id(self, layout, topic0, shape_key, v, payload, enrichment_kind):
        full = (layout.emitter, layout.name, topic0, enrichment_kind, layout.shape(v, payload))
        kid = self.kind_ids.get(full)
        if kid is None:
            kid = self.kind_ids[full] = len(self.kind_ids) + 1
            self.new_kinds.append((kid,) + full)
        layout.kinds[shape_key] = kid
        return kid

    def event_row(self, key, n, li, ti, block_hash_text, v, enrichment, raw_topics, data):
        """The events row (block_number, log_index, transaction_index, kind_id, fields, field_values, enrichment, topics,
        data) of a decoded log (HistoryRows.appendEvent)."""
        layout = self.layouts[key]
        values = b"".join([f(v[i]) for i, f in layout.packers])
        text, payload, variant, kind = None, None, None, ENRICHMENT_STORED
        if enrichment is not None:
            source, payload = enrichment
            values += layout.enrich[0](payload)
            variant = payload[2] is None if layout.name == "AskCreated" else True
            if source == "calldata":
                kind = ENRICHMENT_CALLDATA
            elif source.startswith(PINNED_PREFIX) and source[len(PINNED_PREFIX):] == block_hash_text:
                kind = ENRICHMENT_PINNED_OWN_BLOCK
            else:
                text = source
        shape_key = (tuple([v[i] for i in layout.bools]), variant, kind) if layout.bools else (variant, kind)
        kid = layout.kinds.get(shape_key) or self.kind_id(layout, raw_topics[:32], shape_key, v, payload, kind)
        return (n, li, ti, kid, None, values, text, raw_topics[32:], data)

    def note_id(self, note):
        nid = self.note_ids.get(note)
        if nid is None:
            nid = self.note_ids[note] = len(self.note_ids) + 1
            self.new_notes.append((nid, note))
        return nid


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
SQL_EVENT_KIND = "INSERT INTO event_kinds (id, emitter, event_name, topic0, enrichment, fields_shape) VALUES (?, ?, ?, ?, ?, ?)"
SQL_NOTE = "INSERT INTO check_notes (id, note) VALUES (?, ?)"
SQL_EVENT = ("INSERT INTO events (block_number, log_index, transaction_index, kind_id, fields, field_values, enrichment, topics, data) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (block_number, log_index) DO NOTHING")
SQL_TX = "INSERT INTO transactions VALUES (?, ?, ?) ON CONFLICT (block_number, transaction_index) DO NOTHING"
SQL_EVENT_BLOCK = "INSERT INTO event_blocks VALUES (?, ?) ON CONFLICT (number) DO NOTHING"
SQL_UNKNOWN = ("INSERT INTO unknown_logs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (block_number, log_index) DO NOTHING")
SQL_CHECK = ("INSERT INTO signature_checks (block_number, seq, log_index, transaction_index, kind, expected, recovered, matches, "
             "note_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (block_number, seq) DO NOTHING")
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


def transaction_rows(event_positions, checks):
    """The transactions and event_blocks rows (SQLMirrorStore.transactionPositions): each transaction of the events
    (positions (block, log, block hash, tx index, tx hash) in chain order), then each check's transaction that has no
    event in the range."""
    transactions, seen, last = [], set(), None
    for p in event_positions:
        t = (p[0], p[3])
        if t != last:
            last = t
            seen.add(t)
            transactions.append(p)
    last = None
    for c in checks:
        t = (c[0], c[3])
        if t not in seen and t != last:
            last = t
            transactions.append(c)
    blocks, last_block = [], None
    for p in transactions:
        if p[0] != last_block:
            last_block = p[0]
            blocks.append((p[0], p[2]))
    return [(p[0], p[3], p[4]) for p in transactions], blocks


def check_rows(checks, lookups):
    """signature_checks rows from the pre-pass's (block, log, block hash, tx index, tx hash, kind, expected, recovered,
    matches, note): numbered per block, the hashes left to transactions/event_blocks, the note by its id."""
    return with_seq([(c[0], c[1], c[3], c[5], c[6], c[7], c[8], lookups.note_id(c[9])) for c in checks])


def commit_range(db, r):
    """One sqlite3 transaction: entities, journal, history, window, cursor (SQLMirrorStore.commit)."""
    db.execute("BEGIN")
    for kind, keys in r["deletes"].items():
        db.executemany(DELETES[kind], keys)
    for kind, rows in r["upserts"].items():
        db.executemany(UPSERTS[kind], rows)
    db.executemany(SQL_JOURNAL, r["journal"])
    lookups = r["lookups"]
    db.executemany(SQL_EVENT_KIND, lookups.new_kinds)
    lookups.new_kinds.clear()
    db.executemany(SQL_EVENT, r["events"])
    db.executemany(SQL_TX, r["transactions"])
    db.executemany(SQL_EVENT_BLOCK, r["event_blocks"])
    db.executemany(SQL_UNKNOWN, r["unknown"])
    checks = check_rows(r["checks"], lookups)
    db.executemany(SQL_NOTE, lookups.new_notes)
    lookups.new_notes.clear()
    db.executemany(SQL_CHECK, checks)
    db.executemany(SQL_ISSUE, with_seq(r["issues"]))
    db.executemany(SQL_WINDOW, r["window"])
    db.execute(SQL_CURSOR, r["cursor"])
    if r["floor"] > r["old_floor"]:
        db.execute("DELETE FROM undo_journal WHERE block_number <= ?", (r["floor"],))
        db.execute("DELETE FROM block_window WHERE number < ?", (r["floor"],))
    db.execute("COMMIT")
