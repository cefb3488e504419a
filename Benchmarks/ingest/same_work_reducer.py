"""The reducer of the same-work Python peer (python_same_work_peer.py): the §7.4–7.5 transitions as
Sources/Kalypso/Reducer applies them — per block, per transaction, a journal of each entity's value before its first
touch in the block, lock events attributed to a market through the ask of the same transaction, the contract's
integer math (clamped and reported on under/overflow, 1e18 utilisation scale)."""
from __future__ import annotations

from itertools import groupby

ONE = 10 ** 18
MAX = 2 ** 256 - 1
NO_ENCLAVE_ID = bytes.fromhex("cd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21")
# Events whose missing fields the sync fills (calldata or a pinned eth_call); `events.enrichment` is NULL for others.
ENRICHED_BY_CALLDATA_OR_CALL = {"RegisteredGenerator", "JoinedMarketplace", "MarketplaceCreated", "AskCreated", "TaskCreated", "UpdateKey"}


def addr(a):
    """An eth-abi address (checksummed text) as 20 bytes."""
    return bytes.fromhex(a[2:])


def hx(b):
    return "0x" + b.hex()


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

    def ask_in_state(self, a_id, expected, state_name):
        """The ask, journaled for a change (nil if unknown); a state other than `expected` is reported, not refused."""
        a = self.ask(a_id)
        if a is None:
            return None
        if a["state"] != expected:
            self.report("unexpectedState", "warning", f"ask {a_id} is not {state_name} in the mirror; applied anyway")
        self.touch((ASK, a_id))
        return a

    # -- one block: returns the change set [(key, before, after)] in first-touch order
    def apply_block(self, block_logs, clock):
        self.journal = {}
        self.clock = clock
        for _, transaction in groupby(block_logs, key=lambda log: log[0][4]):
            self.apply_transaction(list(transaction))
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
        a = self.ask_in_state(a_id, ASK_CREATE, "CREATE")
        if a is None:
            return
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
        a = self.ask_in_state(a_id, ASK_ASSIGNED, "ASSIGNED")
        if a is None:
            return
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
