"""Activity driver: a marketplace for a matching engine to work on, and stand-in provers.

`Activity.setup()` creates public markets (varied slashing penalties) and one private market, then registers
generators with varied declared compute, stake, prices, proposed times and compute per proof, some of them small
enough to be exhausted by a few tasks (delisted until their proofs land). `create_asks(n)` creates asks at varied
rewards, expiries and proof times (a share of them private, and some no generator can take). A private ask's ACL is
its own 32-byte AES key encrypted (ECIES, eciespy's default format) to the matching engine's key; `private_acls()`
checks the `new_acl` of each assigned private ask: it must decrypt, with the chosen generator's enclave key, to that
AES key. `prove_assigned()`
submits a proof, from the generator's own wallet, for every task assigned to one of these generators: a stand-in
for the generators' provers. Nothing here matches asks: that is the matching engine's job.

`python -m devnode activity --rpc URL` runs setup, then creates asks at a steady pace and proves what gets
assigned, one line per tick, until interrupted. `--stdio` instead answers JSON commands, one per line (the
integration tests drive it that way): {"cmd": "setup"}, {"cmd": "asks", "n": 40}, {"cmd": "prove"}, ….
"""
from __future__ import annotations

import json
import random
import sys
import time

import ecies
from eth_abi import decode
from eth_utils import keccak

from . import enclave
from .kalypso import ASK_STATES, Kalypso, SECRET_CALLDATA, TOKEN_UNIT, derive_key

ASSIGNED = ASK_STATES.index("ASSIGNED")
CREATE = ASK_STATES.index("CREATE")
PENALTIES = [1 * TOKEN_UNIT, 2 * TOKEN_UNIT, 5 * TOKEN_UNIT]
TASK_CREATED = "0x" + keccak(text="TaskCreated(uint256,address,bytes)").hex()
PRIVATE_GENERATORS = 2  # generators 0 and 1 join the private market with an enclave key


class Activity:
    def __init__(self, rpc, info: dict, seed: int = 1, markets: int = 3, generators: int = 8, private_share: float = 0.1):
        self.rpc = rpc
        self.rng = random.Random(seed)
        self.seed = seed
        self.k = Kalypso(rpc, info, "current")
        self.admin = self.k.wallet(info["admin"]["privateKey"])
        self.n_markets = markets
        self.n_generators = generators
        self.private_share = private_share
        self.requester = self.k.wallet(derive_key(f"activity/{seed}/requester"))
        self.gens = [self.k.wallet(derive_key(f"activity/{seed}/generator/{i}")) for i in range(generators)]
        self.markets: list[dict] = []
        self.joined: dict[str, dict[int, dict]] = {}
        self.asks: list[int] = []
        self.open: set[int] = set()
        self.proved: list[int] = []
        self.proved_by: dict[str, int] = {}
        self.failed: dict[str, int] = {}
        self.me_public_key = enclave.public_key64(self.k.me_key)
        self.aes_keys: dict[int, bytes] = {}  # private ask id -> the AES key its ACL holds
        self.enclave_keys = {self.gens[i].address: derive_key(f"activity/{seed}/enclave/{i}")
                             for i in range(min(PRIVATE_GENERATORS, generators))}

    # ---- set-up -------------------------------------------------------------------------------

    def setup(self) -> dict:
        k = self.k
        k.approve(self.admin, k.payment, k.pmp.address)
        first = k.market_count()
        tag = f"activity/{self.seed}/{first}"
        for m in range(self.n_markets):
            self._ok(k.create_market(self.admin, json.dumps({"name": f"activity market {m}"}).encode(), PENALTIES[m % len(PENALTIES)],
                                     ivs_pcrs=enclave.make_pcrs(f"{tag}/ivs{m}")), "createMarketplace")
        prover_pcrs = enclave.make_pcrs(f"{tag}/private-prover")
        self._ok(k.create_market(self.admin, b'{"name":"activity private market"}', PENALTIES[0], prover_pcrs=prover_pcrs,
                                 ivs_pcrs=enclave.make_pcrs(f"{tag}/ivs-private")), "createMarketplace")
        count = k.market_count()
        for m in range(first, count):
            data = k.market(m)
            self.markets.append({"id": m, "private": m == count - 1, "penalty": data[2], "activation": data[3]})
        for w in self.gens + [self.requester]:
            k.fund(self.admin, w.address)
            k.approve(w, k.staking, k.gr.address)
            k.approve(w, k.payment, k.pmp.address)
        r = self.rng
        for i, g in enumerate(self.gens):
            # Every third generator is small: room for two tasks (compute), or stake for three.
            small = i % 3 == 2
            compute = 20 if small else r.choice([100, 200, 400])
            stake = 12 * TOKEN_UNIT if i % 4 == 3 else r.choice([100, 200]) * TOKEN_UNIT
            self._ok(k.register(g, g.address, compute, stake, b'{"name":"activity generator %d"}' % i), "register")
            self.joined[g.address] = {}
            public = [m for m in self.markets if not m["private"]]
            # A small generator joins at most two markets: its compute allocations (10 each) must fit in 20.
            for m in r.sample(public, k=r.randint(1, 2 if small else len(public))) if i else public:
                cpr = 10 if small else r.choice([5, 10, 20])
                cost = r.choice([0, 1, 2, 3]) * TOKEN_UNIT // 2
                proposed = r.choice([20, 40, 80])
                self._ok(k.join(g, m["id"], cpr, cost, proposed), "join")
                self.joined[g.address][m["id"]] = {"cpr": cpr, "cost": cost, "time": proposed}
            if g.address in self.enclave_keys:  # two generators with an enclave key in the private market
                m = self.markets[-1]
                key = self.enclave_keys[g.address]
                self._ok(k.join(g, m["id"], 5, 0, 20, key, prover_pcrs), "join-private")
                self.joined[g.address][m["id"]] = {"cpr": 5, "cost": 0, "time": 20}
        activation = max(m["activation"] for m in self.markets)
        if k.now() < activation:
            k.mine(activation - k.now())
        return self.describe()

    def describe(self) -> dict:
        return {"markets": self.markets, "generators": [g.address for g in self.gens],
                "joined": {a: {str(m): v for m, v in ms.items()} for a, ms in self.joined.items()},
                "requester": self.requester.address, "head": self.k.now()}

    def _ok(self, result, what: str):
        if not result.ok:
            raise RuntimeError(f"activity {what} failed: {result.error_name}")
        return result

    # ---- asks ---------------------------------------------------------------------------------

    def create_asks(self, n: int, expiry: tuple[int, int] = (600, 3000)) -> list[int]:
        """n asks: reward 0.5–6 tokens (a few below every price), expiry now + 600…3000 blocks, proof time
        100–400 blocks (a few shorter than any proposed time); `private_share` of them in the private market."""
        k, r = self.k, self.rng
        created = []
        public = [m for m in self.markets if not m["private"]]
        for _ in range(n):
            private = r.random() < self.private_share
            m = self.markets[-1] if private else r.choice(public)
            reward = r.choice([1, 2, 4, 8, 12]) * TOKEN_UNIT // 2
            proof_time = r.choice([10, 100, 200, 400]) if r.random() < 0.1 else r.choice([100, 200, 400])
            ask_id = k.ask_count()
            # The AES key is derived from the seed and ask id (the random stream stays what it was); the ECIES
            # ephemeral key and nonce are random, so the ACL bytes differ per run but always have 129 bytes.
            aes_key = derive_key(f"activity/{self.seed}/aes/{ask_id}") if private else b""
            res = k.create_ask(self.requester, m["id"], reward, k.now() + r.randint(*expiry), proof_time,
                               b"inputs-%d" % ask_id, secret_type=SECRET_CALLDATA,
                               private_inputs=b"secret" if private else b"",
                               acl=ecies.encrypt(self.me_public_key, aes_key) if private else b"")
            if res.ok:
                if private:
                    self.aes_keys[ask_id] = aes_key
                created.append(ask_id)
                self.asks.append(ask_id)
                self.open.add(ask_id)
            else:
                self.failed[res.error_name or "unknown"] = self.failed.get(res.error_name or "unknown", 0) + 1
        return created

    # ---- provers ------------------------------------------------------------------------------

    def prove_assigned(self) -> list[int]:
        """Submits a proof for every open ask of ours assigned to one of our generators: one `submitProofs` batch per
        generator from its own wallet, so a prove round mines at most one block per generator (proving one task per
        block let the tasks proved last cross their deadline while the others were mined)."""
        k = self.k
        by_address = {g.address.lower(): g for g in self.gens}
        batches: dict[str, list[int]] = {}
        for a in sorted(self.open):
            state = k.ask_state(a)
            if state == CREATE:
                continue
            if state == ASSIGNED:
                g = by_address.get(k.ask(a)[3].lower())
                if g is not None:
                    batches.setdefault(g.address, []).append(a)
                    continue
            self.open.discard(a)
        proved = []
        for g in self.gens:
            asks = batches.get(g.address, [])
            if not asks:
                continue
            res = k.submit_proofs(g, asks, [b"proof"] * len(asks))
            done = asks if res.ok else []
            if not res.ok:  # one at a time, to prove the others and count what failed
                for a in asks:
                    one = k.submit_proof(g, a, b"proof")
                    if one.ok:
                        done.append(a)
                    else:
                        key = "submitProof:" + (one.error_name or "unknown")
                        self.failed[key] = self.failed.get(key, 0) + 1
            for a in done:
                self.open.discard(a)
            self.proved_by[g.address] = self.proved_by.get(g.address, 0) + len(done)
            proved += done
        self.proved += proved
        return sorted(proved)

    def private_acls(self) -> dict:
        """Every private ask created here: its AES key, its state and, once assigned (TaskCreated), the generator and
        `new_acl`, with whether eciespy decrypts that `new_acl` with the generator's enclave key to the AES key."""
        k = self.k
        asks = []
        for a, aes_key in sorted(self.aes_keys.items()):
            entry = {"ask": a, "aesKey": "0x" + aes_key.hex(), "state": ASK_STATES[k.ask_state(a)]}
            logs = self.rpc.call("eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest", "address": k.pmp.address,
                                                 "topics": [TASK_CREATED, "0x" + a.to_bytes(32, "big").hex()]})
            if logs:
                generator = k.ask(a)[3]
                new_acl = decode(["bytes"], bytes.fromhex(logs[-1]["data"][2:]))[0]
                key = next((v for g, v in self.enclave_keys.items() if g.lower() == generator.lower()), None)
                try:
                    decrypted = key is not None and ecies.decrypt(key, new_acl) == aes_key
                except ValueError:
                    decrypted = False
                entry.update(generator=generator, newAcl="0x" + new_acl.hex(), decrypted=decrypted)
            asks.append(entry)
        return {"asks": asks, "enclaveKeys": {a: "0x" + key.hex() for a, key in self.enclave_keys.items()},
                "matchingEnginePublicKey": "0x" + self.me_public_key.hex()}

    def counts(self) -> dict:
        by_state: dict[str, int] = {}
        for a in self.asks:
            s = ASK_STATES[self.k.ask_state(a)]
            by_state[s] = by_state.get(s, 0) + 1
        return {"asks": len(self.asks), "byState": by_state, "proved": len(self.proved), "failed": self.failed}

    def generators(self) -> list[dict]:
        """Each generator's on-chain load: compute consumed, stake locked, active requests per market, and the proofs
        it submitted here; `capacity` is how many tasks its compute allows at once (all markets at its largest cpr)."""
        k = self.k
        out = []
        for i, g in enumerate(self.gens):
            gen = k.generator(g.address)
            markets = self.joined.get(g.address, {})
            active = {str(m): k.generator_market(g.address, m)[4] for m in markets}
            declared = gen[6]
            capacity = min(declared // v["cpr"] for v in markets.values()) if markets else 0
            out.append({"address": g.address, "index": i, "computeConsumed": gen[3], "stakeLocked": gen[4],
                        "activeRequests": active, "declaredCompute": declared, "capacity": capacity,
                        "proved": self.proved_by.get(g.address, 0)})
        return out

    def transactions(self, sender: str, first: int) -> dict:
        """Every mined transaction from `sender` in blocks first…head, with its receipt status."""
        sender = sender.lower()
        txs = []
        for n in range(first, self.k.now() + 1):
            for r in self.rpc.call("eth_getBlockReceipts", hex(n)) or []:
                if (r.get("from") or "").lower() == sender:
                    txs.append({"hash": r["transactionHash"], "block": n, "status": int(r["status"], 16)})
        return {"transactions": txs, "reverted": sum(1 for t in txs if t["status"] != 1)}


# ---- command line -------------------------------------------------------------------------------

def _stdio(activity: Activity) -> int:
    """One JSON command per input line, one JSON answer per output line ({"error": …} on failure)."""
    k = activity.k
    handlers = {
        "setup": lambda c: activity.setup(),
        "asks": lambda c: {"created": activity.create_asks(int(c.get("n", 10)), tuple(c.get("expiry", (600, 3000))))},
        "prove": lambda c: {"proved": activity.prove_assigned()},
        "counts": lambda c: activity.counts(),
        "private_acls": lambda c: activity.private_acls(),
        "generators": lambda c: {"generators": activity.generators()},
        "transactions": lambda c: activity.transactions(c["from"], int(c.get("first", 0))),
        "mine": lambda c: {"head": k.mine(int(c.get("n", 1)))},
        "head": lambda c: {"head": k.now()},
        # Make an ask ineligible behind the matching engine's back: assigned directly by the ME account, or the
        # generator leaving the market (request for exit).
        "assign_direct": lambda c: {"ok": k.assign_direct(k.wallet(k.me_key), int(c["ask"]), c["generator"]).ok},
        "request_exit": lambda c: {"ok": k.request_exit(activity.gens[int(c["generator"])], int(c["market"])).ok},
        # A transaction from `key` (a 0-value self-transfer): moves that account's nonce.
        "bump_nonce": lambda c: {"hash": _bump(k, c["key"])},
    }
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            command = json.loads(line)
            answer = handlers[command["cmd"]](command)
        except Exception as e:  # noqa: BLE001 - every failure becomes an answer, never a dead helper
            answer = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


def _bump(k: Kalypso, key: str) -> str:
    w = k.wallet(key)
    w.resync()
    h = w.send(w.address, b"", gas=21_000)
    w.resync()
    return h


def run(rpc, info: dict, seed: int, asks_per_tick: int, interval: float, ticks: int, stdio: bool) -> int:
    activity = Activity(rpc, info, seed)
    if stdio:
        return _stdio(activity)
    described = activity.setup()
    print(f"activity: {len(activity.markets)} markets (last one private), {len(activity.gens)} generators; "
          f"head {described['head']}", flush=True)
    tick = 0
    try:
        while ticks == 0 or tick < ticks:
            tick += 1
            created = activity.create_asks(asks_per_tick)
            proved = activity.prove_assigned()
            print(f"activity tick {tick}: created {len(created)} ask(s), proved {len(proved)} "
                  f"(open {len(activity.open)}, proved in all {len(activity.proved)}, head {activity.k.now()})", flush=True)
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    return 0
