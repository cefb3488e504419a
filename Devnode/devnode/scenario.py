"""Scenario driver: many generator accounts doing random valid and invalid Kalypso operations, deterministic per
seed. Transactions are signed locally and sent with eth_sendRawTransaction; reverting ones are mined (status 0)."""
from __future__ import annotations

import random
from collections import Counter

from . import enclave
from .kalypso import Kalypso, derive_key, TOKEN_UNIT, SECRET_CALLDATA, SECRET_EXTERNAL

N_GENERATORS = 6
N_REQUESTERS = 2
PENALTY = 5 * TOKEN_UNIT


class Scenario:
    def __init__(self, rpc, info: dict, seed: int, deployments=("current", "legacy")):
        self.rpc = rpc
        self.rng = random.Random(seed)
        self.seed = seed
        deps = [d for d in deployments if d == "current" or info.get("legacyContracts")]
        self.ks = {d: Kalypso(rpc, info, d) for d in deps}
        k0 = self.ks[deps[0]]
        self.admin = k0.wallet(info["admin"]["privateKey"])
        self.me = k0.wallet(info["matchingEngine"]["privateKey"])
        self.gens = [k0.wallet(derive_key(f"scenario/{seed}/generator/{i}")) for i in range(N_GENERATORS)]
        self.reqs = [k0.wallet(derive_key(f"scenario/{seed}/requester/{i}")) for i in range(N_REQUESTERS)]
        self.ops = Counter()
        self.reverts = Counter()
        self.ok = 0
        self.failed = 0
        self.ok_by_kind = Counter()
        self.markets: dict[str, list[dict]] = {d: [] for d in self.ks}
        self.key_counter = 0
        self.results = []

    # ---- set-up -------------------------------------------------------------------------------

    def setup(self) -> None:
        k0 = next(iter(self.ks.values()))
        for w in self.gens + self.reqs:
            k0.fund(self.admin, w.address)
            for k in self.ks.values():
                k.approve(w, k.staking, k.gr.address)
                k.approve(w, k.payment, k.pmp.address)
        for k in self.ks.values():
            k.approve(self.admin, k.payment, k.pmp.address)
        for d, k in self.ks.items():
            count = k.market_count()
            if count == 0:
                tag = f"scenario/{d}"
                k.create_market(self.admin, b'{"name":"public market"}', PENALTY,
                                ivs_pcrs=enclave.make_pcrs(f"{tag}/ivs0"))
                k.create_market(self.admin, b'{"name":"private market"}', PENALTY,
                                prover_pcrs=enclave.make_pcrs(f"{tag}/prover1"),
                                ivs_pcrs=enclave.make_pcrs(f"{tag}/ivs1"))
                count = 2
            for m in range(count):
                data = k.market(m)
                self.markets[d].append({
                    "id": m, "private": data[1] not in (b"\x00" * 32, enclave.NO_ENCLAVE_ID),
                    "prover_pcrs": enclave.make_pcrs(f"scenario/{d}/prover{m}"),
                    "ivs_pcrs": enclave.make_pcrs(f"scenario/{d}/ivs{m}"),
                    "ivs_key": derive_key(f"scenario/{self.seed}/{d}/ivs/{m}"),
                    "ivs_added": False, "activation": data[3]})
        activation = max(m["activation"] for ms in self.markets.values() for m in ms)
        if k0.now() < activation:
            k0.mine(activation - k0.now())
        for d, k in self.ks.items():
            for m in self.markets[d]:
                if m["ivs_pcrs"] and enclave.image_id(m["ivs_pcrs"]) == k.market(m["id"])[4]:
                    r = k.add_ivs_key(self.gens[0], m["id"], m["ivs_key"], m["ivs_pcrs"])
                    m["ivs_added"] = r.ok or r.error_name == "EnclaveKeyNotVerified"

    # ---- bookkeeping --------------------------------------------------------------------------

    def record(self, kind: str, result) -> None:
        self.ops[kind] += 1
        if result is None:
            return
        if result.ok:
            self.ok += 1
            self.ok_by_kind[kind] += 1
        else:
            self.failed += 1
            self.reverts[result.error_name or "unknown"] += 1
        self.results.append((kind, result))

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def maybe(self, valid, *invalid, p: float = 0.12):
        """Mostly the valid value; sometimes one of the invalid ones (to exercise the reverts)."""
        if invalid and self.rng.random() < p:
            return self.pick(list(invalid))
        return valid

    def fresh_enclave_key(self) -> bytes:
        self.key_counter += 1
        return derive_key(f"scenario/{self.seed}/enclave/{self.key_counter}")

    # ---- operations ---------------------------------------------------------------------------

    def op(self) -> str:
        r = self.rng
        d = self.pick(list(self.ks))
        k = self.ks[d]
        g = self.pick(self.gens)
        kinds = ["register", "register", "stake", "intendToReduceStake", "unstake", "increaseCompute",
                 "intendToReduceCompute", "decreaseCompute", "changeReward", "join", "join", "updateKey",
                 "removeKey", "requestExit", "leave", "createAsk", "createAsk", "createAsk", "assign", "assign",
                 "assignDirect", "submitProof", "submitProof", "submitProofs", "invalidInputs", "cancel",
                 "slash", "discard", "deregister", "mine", "flush"]
        kind = self.pick(kinds)
        info = k.generator(g.address)
        if info[0] == "0x0000000000000000000000000000000000000000" and r.random() < 0.7:
            kind = "register"
        elif info[5] == 0 and r.random() < 0.5:
            kind = "join"
        elif kind not in ("createAsk", "assign") and r.random() < 0.35:
            kind = self.pick(["createAsk", "assign", "assign", "submitProof", "submitProof", "slash", "discard"])
        res = None
        if kind == "register":
            stake = self.maybe(self.pick([20 * TOKEN_UNIT, 100 * TOKEN_UNIT]), 0, p=0.2)
            compute = self.maybe(self.pick([10, 100, 1000]), 0)
            data = self.maybe(self.pick([b'{"name":"gen"}', b'{"display_name":"g","website":"x"}']), b"")
            res = k.register(g, self.pick([g.address, self.reqs[0].address]), compute, stake, data)
        elif kind == "stake":
            target = self.pick(self.gens)
            res = k.stake(g, target.address, self.maybe(self.pick([10 * TOKEN_UNIT, 50 * TOKEN_UNIT]), 0))
        elif kind == "intendToReduceStake":
            res = k.intend_to_reduce_stake(g, self.maybe(self.pick([TOKEN_UNIT, 10 * TOKEN_UNIT]), 0, 10 ** 30))
        elif kind == "unstake":
            res = k.unstake(g, g.address)
        elif kind == "increaseCompute":
            res = k.increase_compute(g, self.maybe(self.pick([5, 50]), 0))
        elif kind == "intendToReduceCompute":
            res = k.intend_to_reduce_compute(g, self.maybe(self.pick([1, 5]), 0, 10 ** 9))
        elif kind == "decreaseCompute":
            res = k.decrease_compute(g)
        elif kind == "changeReward":
            res = k.change_reward_address(g, self.maybe(self.pick([g.address, self.reqs[1].address]),
                                                        "0x" + "00" * 20))
        elif kind == "join":
            m = self.pick(self.markets[d])
            compute = self.maybe(self.pick([1, 5, 20]), 0, 5000)
            cost = self.maybe(self.pick([0, TOKEN_UNIT]), 3 * TOKEN_UNIT)
            time = self.maybe(self.pick([5, 10, 20]), 0, 60)
            if m["private"]:
                key = self.fresh_enclave_key()
                pcrs = m["prover_pcrs"] if r.random() < 0.9 else enclave.make_pcrs("wrong-image")
                res = k.join(g, m["id"], compute, cost, time, key, pcrs)
            else:
                res = k.join(g, m["id"], compute, cost, time)
        elif kind == "updateKey":
            m = self.pick(self.markets[d])
            res = k.update_encryption_key(g, m["id"], self.fresh_enclave_key(), m["prover_pcrs"])
        elif kind == "removeKey":
            res = k.remove_encryption_key(g, self.pick(self.markets[d])["id"])
        elif kind == "requestExit":
            res = k.request_exit(g, self.pick(self.markets[d])["id"])
        elif kind == "leave":
            res = k.leave(g, self.pick(self.markets[d])["id"])
        elif kind == "createAsk":
            m = self.pick(self.markets[d])
            req = self.pick(self.reqs)
            now = k.now()
            expiry = now + self.maybe(self.pick([30, 80, 150]), 0, 3)
            inputs = self.maybe(b"inputs-" + bytes([r.randrange(256)]), b"invalid-inputs", b"")
            acl = self.maybe(self.pick([b"", b"\x04" * 97]), b"\x04" * 131)
            secret = self.pick([SECRET_CALLDATA, SECRET_EXTERNAL])
            res = k.create_ask(req, m["id"], self.maybe(self.pick([TOKEN_UNIT, 5 * TOKEN_UNIT]), 0), expiry,
                               self.pick([20, 40]), inputs, secret_type=secret,
                               private_inputs=b"secret" if m["private"] else b"", acl=acl,
                               extra=self.pick([b"", b"extra-data"]))
        elif kind in ("assign", "assignDirect"):
            res = self.assign(k, d, direct=kind == "assignDirect")
        elif kind in ("submitProof", "submitProofs", "invalidInputs", "discard"):
            asks = self.asks_in(k, 3)
            if not asks:
                kind = "noop"
            elif kind == "submitProof":
                a = self.pick(asks)
                res = k.submit_proof(g, a, self.maybe(b"proof", b"invalid-proof", p=0.2))
            elif kind == "submitProofs":
                sel = asks[:2]
                res = k.submit_proofs(g, sel, [b"proof"] * len(sel))
            elif kind == "invalidInputs":
                a = self.pick(asks)
                m = self.markets[d][k.ask(a)[0][0]]
                res = k.submit_invalid_inputs(g, a, m["ivs_key"], k.ask(a)[0][6])
            else:
                a = self.pick(asks)
                gen_addr = k.ask(a)[3]
                gw = next((w for w in self.gens if w.address.lower() == gen_addr.lower()), g)
                res = k.discard(self.pick([gw, gw, g]), a)
        elif kind == "cancel":
            asks = self.asks_in(k, 1)
            if asks:
                a = self.pick(asks)
                expiry = k.ask(a)[0][2]
                if k.now() < expiry and r.random() < 0.7:
                    k.mine(expiry - k.now())
                res = k.cancel_ask(g, a)
        elif kind == "slash":
            asks = self.asks_in(k, 3)
            if asks:
                a = self.pick(asks)
                deadline = k.ask(a)[0][4]
                if k.now() <= deadline and r.random() < 0.7:
                    k.mine(deadline - k.now() + 1)
                res = k.slash(g, a, self.pick([g.address, self.reqs[0].address]))
        elif kind == "deregister":
            res = k.deregister(g, g.address)
        elif kind == "mine":
            k.mine(self.pick([1, 3, 10]))
        elif kind == "flush":
            res = k.transact(g, k.pmp, "flush", self.pick([g.address, self.reqs[0].address]))
        self.record(kind, res)
        return kind

    def asks_in(self, k: Kalypso, state: int) -> list[int]:
        n = k.ask_count()
        return [a for a in range(max(0, n - 12), n) if k.ask(a)[1] == state]

    def assign(self, k: Kalypso, d: str, direct: bool):
        """A naive matcher (not our engine): first eligible generator per CREATE ask, checked with getters."""
        n = k.ask_count()
        batch_asks, batch_gens = [], []
        for a in range(max(0, n - 10), n):
            if k.ask_state(a) != 1:
                continue
            ask = k.ask(a)[0]
            for g in self.rng.sample(self.gens, len(self.gens)):
                row = k.generator_market(g.address, ask[0])
                state, idle = k.generator_state(g.address, ask[0])
                if state in (1, 3) and row[2] <= ask[1] and row[3] <= ask[3] and row[1] <= idle:
                    batch_asks.append(a)
                    batch_gens.append(g.address)
                    break
            if len(batch_asks) >= 3:
                break
        if not batch_asks:  # an invalid assignment, to exercise the reverts
            if n == 0:
                return None
            batch_asks, batch_gens = [self.rng.randrange(n)], [self.pick(self.gens).address]
        acls = [b"" if not self.markets[d][k.ask(a)[0][0]]["private"] else b"\x04" * 113 for a in batch_asks]
        if direct:
            return k.assign_direct(self.me, batch_asks[0], batch_gens[0], acls[0])
        bad_key = self.rng.random() < 0.1
        return k.relay_assign(self.pick(self.gens), batch_asks, batch_gens, acls,
                              me_key=derive_key("not-the-matching-engine") if bad_key else None)

    def summary(self, first_block: int) -> dict:
        k0 = next(iter(self.ks.values()))
        return {
            "seed": self.seed,
            "operations": sum(v for kk, v in self.ops.items() if kk != "noop"),
            "opsByKind": dict(self.ops),
            "succeededByKind": dict(self.ok_by_kind),
            "transactions": {"succeeded": self.ok, "reverted": self.failed},
            "revertsByError": dict(self.reverts),
            "blocks": {"from": first_block, "to": k0.now()},
            "deployments": {d: {"asks": k.ask_count(), "markets": k.market_count()} for d, k in self.ks.items()},
        }


def run_scenario(rpc, info: dict, seed: int, ops: int, deployments=("current", "legacy"), on_step=None) -> dict:
    s = Scenario(rpc, info, seed, deployments)
    first = int(rpc.call("eth_blockNumber"), 16) + 1
    s.setup()
    for i in range(ops):
        kind = s.op()
        if on_step is not None:
            on_step(s, i, kind)
    return s.summary(first)
