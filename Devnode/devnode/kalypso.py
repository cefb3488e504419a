"""Python API over the devnode's JSON-RPC: deploy the Kalypso G1 contracts and drive them operation by operation.

Every state-changing call is pre-flighted with eth_call at the pending block (to learn the custom error it will
raise), then signed locally and sent with eth_sendRawTransaction; a transaction that reverts is still mined (status
0), as on a real chain. Entry points: `deploy(rpc, keys)` and `Kalypso(rpc, info, deployment)`.
"""
from __future__ import annotations

from dataclasses import dataclass

from eth_utils import keccak, to_checksum_address

from . import enclave
from .build import compile_artifact
from .client import Contract, TxResult, Wallet, constructor_data, simulate

SECRET_NULL, SECRET_CALLDATA, SECRET_EXTERNAL = 0, 1, 2
ASK_STATES = ["NULL", "CREATE", "UNASSIGNED", "ASSIGNED", "COMPLETE", "DEADLINE_CROSSED"]
GEN_STATES = ["NULL", "JOINED", "NO_COMPUTE_AVAILABLE", "WIP", "REQUESTED_FOR_EXIT"]
TOKEN_UNIT = 10 ** 18
MARKET_CREATION_COST = 10 * TOKEN_UNIT
ME_IMAGE_LABEL = "kalypso-devnode/matching-engine-image"


def derive_key(label: str) -> bytes:
    return keccak(text=f"kalypso-devnode/{label}")


def contract(artifact: str, address: str | None = None) -> Contract:
    return Contract(compile_artifact(artifact)["abi"], address, artifact)


@dataclass
class Keys:
    admin: bytes
    treasury: bytes
    matching_engine: bytes
    attestation_signer: bytes
    accounts: list[bytes]

    @classmethod
    def default(cls, n_accounts: int = 10) -> "Keys":
        return cls(derive_key("admin"), derive_key("treasury"), derive_key("matching-engine"),
                   derive_key("attestation-signer"), [derive_key(f"account/{i}") for i in range(n_accounts)])

    def funded(self) -> list[bytes]:
        """Keys that get ETH at genesis."""
        return [self.admin, self.treasury, self.matching_engine] + self.accounts


def _tx(rpc, wallet: Wallet, to: str | None, data: bytes, gas: int = 6_000_000) -> dict:
    h = wallet.send(to, data, gas=gas)
    receipt = rpc.call("eth_getTransactionReceipt", h)
    if receipt is None:
        rpc.call("devnode_mine", 1)
        receipt = rpc.call("eth_getTransactionReceipt", h)
    if receipt["status"] != "0x1":
        raise RuntimeError(f"deployment transaction failed: {h}")
    return receipt


def _deploy(rpc, wallet: Wallet, artifact: str, *args) -> str:
    receipt = _tx(rpc, wallet, None, constructor_data(compile_artifact(artifact), *args), gas=15_000_000)
    return to_checksum_address(receipt["contractAddress"])


def deploy(rpc, keys: Keys, chain_id: int, legacy: bool = True, token_amount: int = 1_000_000 * TOKEN_UNIT) -> dict:
    """Deploy tokens, mocks and one (or two: current + legacy AskCreated) Kalypso sets. Returns the info dict
    fragment with addresses, deployment blocks and keys (see Devnode/README.md for the schema)."""
    admin = Wallet(rpc, keys.admin, chain_id)
    first_block = int(rpc.call("eth_blockNumber"), 16) + 1
    staking = _deploy(rpc, admin, "ERC20", "Kalypso Staking Token", "POND")
    payment = _deploy(rpc, admin, "ERC20", "Kalypso Payment Token", "USDC")
    verifier = _deploy(rpc, admin, "MockVerifier")
    att_signer = enclave.address_of(keys.attestation_signer)
    av = _deploy(rpc, admin, "AttestationVerifier", att_signer)
    erc20 = contract("ERC20")
    holders = [keys.admin, keys.treasury, keys.matching_engine] + keys.accounts
    for k in holders:
        addr = enclave.address_of(k)
        _tx(rpc, admin, staking, erc20.encode("mint", addr, token_amount), gas=200_000)
        _tx(rpc, admin, payment, erc20.encode("mint", addr, token_amount), gas=200_000)
    treasury = enclave.address_of(keys.treasury)
    sets = {"current": _deploy_set(rpc, admin, keys, "ProofMarketplace", staking, payment, treasury, av)}
    if legacy:
        sets["legacy"] = _deploy_set(rpc, admin, keys, "ProofMarketplaceLegacy", staking, payment, treasury, av)
    me_pcrs = enclave.make_pcrs(ME_IMAGE_LABEL)
    acct = lambda k: {"address": enclave.address_of(k), "privateKey": "0x" + k.hex()}  # noqa: E731
    return {
        "chainId": chain_id,
        "deploymentBlock": first_block,
        "contracts": dict(sets["current"], stakingToken=staking, paymentToken=payment, mockVerifier=verifier,
                          attestationVerifier=av),
        "legacyContracts": (dict(sets["legacy"], stakingToken=staking, paymentToken=payment,
                                 mockVerifier=verifier, attestationVerifier=av) if legacy else None),
        "admin": acct(keys.admin),
        "treasury": acct(keys.treasury),
        "matchingEngine": dict(acct(keys.matching_engine),
                               publicKey="0x" + enclave.public_key64(keys.matching_engine).hex()),
        "attestationSigner": acct(keys.attestation_signer),
        "matchingEngineImage": {"imageId": "0x" + enclave.image_id(me_pcrs).hex(),
                                "pcrs": ["0x" + p.hex() for p in me_pcrs]},
        "accounts": [acct(k) for k in keys.accounts],
        "tokenBalance": str(token_amount),
        "marketCreationCost": str(MARKET_CREATION_COST),
    }


def _deploy_set(rpc, admin: Wallet, keys: Keys, pmp_artifact: str, staking, payment, treasury, av) -> dict:
    first = int(rpc.call("eth_blockNumber"), 16) + 1
    er_addr = _deploy(rpc, admin, "EntityKeyRegistry", av)
    gr_addr = _deploy(rpc, admin, "GeneratorRegistry", staking, er_addr)
    pmp_addr = _deploy(rpc, admin, pmp_artifact, payment, MARKET_CREATION_COST, treasury, gr_addr, er_addr)
    er, gr, pmp = contract("EntityKeyRegistry", er_addr), contract("GeneratorRegistry", gr_addr), \
        contract(pmp_artifact, pmp_addr)
    _tx(rpc, admin, er_addr, er.encode("initialize", admin.address, []))
    _tx(rpc, admin, gr_addr, gr.encode("initialize", admin.address, pmp_addr))
    _tx(rpc, admin, pmp_addr, pmp.encode("initialize", admin.address))
    key_register = keccak(text="KEY_REGISTER_ROLE")
    _tx(rpc, admin, er_addr, er.encode("addGeneratorRegistry", gr_addr))
    _tx(rpc, admin, er_addr, er.encode("grantRole", key_register, pmp_addr))
    _tx(rpc, admin, er_addr, er.encode("grantRole", keccak(text="MODERATOR_ROLE"), admin.address))
    _tx(rpc, admin, pmp_addr, pmp.encode("grantRole", keccak(text="UPDATER_ROLE"), admin.address))
    me_pcrs = enclave.make_pcrs(ME_IMAGE_LABEL)
    _tx(rpc, admin, pmp_addr, pmp.encode("setMatchingEngineImage", enclave.encode_pcrs(me_pcrs)))
    ts = int(rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    att = enclave.attestation_data(keys.attestation_signer, enclave.public_key64(keys.matching_engine), me_pcrs,
                                   ts * 1000)
    pop = enclave.proof_of_possession(keys.matching_engine, att, pmp_addr)
    _tx(rpc, admin, pmp_addr, pmp.encode("verifyMatchingEngine", att, pop))
    return {"entityKeyRegistry": er_addr, "generatorRegistry": gr_addr, "proofMarketplace": pmp_addr,
            "deploymentBlock": first, "askCreatedVariant": "legacy4" if "Legacy" in pmp_artifact else "current5"}


class Kalypso:
    """One deployment (current or legacy) driven over JSON-RPC. Methods return TxResult (see client.py)."""

    def __init__(self, rpc, info: dict, deployment: str = "current"):
        self.rpc = rpc
        self.info = info
        self.chain_id = info["chainId"]
        c = info["contracts"] if deployment == "current" else info["legacyContracts"]
        self.legacy = deployment == "legacy"
        self.addresses = c
        self.gr = contract("GeneratorRegistry", c["generatorRegistry"])
        self.pmp = contract("ProofMarketplaceLegacy" if self.legacy else "ProofMarketplace", c["proofMarketplace"])
        self.er = contract("EntityKeyRegistry", c["entityKeyRegistry"])
        self.staking = contract("ERC20", c["stakingToken"])
        self.payment = contract("ERC20", c["paymentToken"])
        self.verifier = c["mockVerifier"]
        self.att_key = bytes.fromhex(info["attestationSigner"]["privateKey"][2:])
        self.me_key = bytes.fromhex(info["matchingEngine"]["privateKey"][2:])
        self._wallets: dict[str, Wallet] = {}

    # ---- plumbing ---------------------------------------------------------------------------

    def wallet(self, key: bytes | str) -> Wallet:
        k = key if isinstance(key, bytes) else bytes.fromhex(key[2:] if key.startswith("0x") else key)
        addr = enclave.address_of(k)
        if addr not in self._wallets:
            self._wallets[addr] = Wallet(self.rpc, k, self.chain_id)
        return self._wallets[addr]

    def call(self, c: Contract, fn: str, *args, block="latest"):
        out = self.rpc.call("eth_call", {"to": c.address, "data": "0x" + c.encode(fn, *args).hex()}, block)
        return c.decode_output(fn, len(args), bytes.fromhex(out[2:]))

    def transact(self, w: Wallet, c: Contract, fn: str, *args, gas: int | None = None,
                 estimate: bool = False) -> TxResult:
        """Pre-flight (eth_call at pending: the exact outcome, as the next block will run it), then send.
        Gas: a fixed 8,000,000 limit unless `estimate` (eth_estimateGas + 20 %) or `gas` is given."""
        data = c.encode(fn, *args)
        _, err, revert_data = simulate(self.rpc, w.address, c.address, data, raw=True)
        if gas is None and (err is not None or not estimate):
            gas = 8_000_000
        if gas is None:
            est = int(self.rpc.call("eth_estimateGas", {"from": w.address, "to": c.address,
                                                        "data": "0x" + data.hex()}, "pending"), 16)
            gas = est + est // 5 + 20_000
        h = w.send(c.address, data, gas=gas)
        receipt = self.rpc.call("eth_getTransactionReceipt", h)
        events = []
        if receipt is not None:
            for lg in receipt["logs"]:
                for k in (self.gr, self.pmp, self.er, self.staking):
                    if lg["address"].lower() == k.address.lower():
                        d = k.decode_log(lg)
                        if d is not None:
                            events.append(d)
                        break
        return TxResult(h, receipt, err, events, revert_data)

    def now(self) -> int:
        return int(self.rpc.call("eth_blockNumber"), 16)

    def mine(self, n: int = 1) -> int:
        return int(self.rpc.call("devnode_mine", n), 16)

    def timestamp(self) -> int:
        return int(self.rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)

    # ---- tokens -----------------------------------------------------------------------------

    def fund(self, funder: Wallet, to: str, eth: int = 10 ** 21, tokens: int = 10 ** 24) -> None:
        funder.send(to, b"", value=eth, gas=21_000)
        self.transact(funder, self.staking, "mint", to, tokens, gas=100_000)
        self.transact(funder, self.payment, "mint", to, tokens, gas=100_000)

    def approve(self, w: Wallet, token: Contract, spender: str, amount: int = 2 ** 256 - 1) -> TxResult:
        return self.transact(w, token, "approve", spender, amount, gas=100_000)

    def balance(self, token: Contract, who: str) -> int:
        return self.call(token, "balanceOf", who)

    # ---- generator registry -----------------------------------------------------------------

    def register(self, w, reward: str, compute: int, stake: int, data: bytes) -> TxResult:
        return self.transact(w, self.gr, "register", reward, compute, stake, data)

    def change_reward_address(self, w, reward: str) -> TxResult:
        return self.transact(w, self.gr, "changeRewardAddress", reward)

    def stake(self, w, generator: str, amount: int) -> TxResult:
        return self.transact(w, self.gr, "stake", generator, amount)

    def intend_to_reduce_stake(self, w, amount: int) -> TxResult:
        return self.transact(w, self.gr, "intendToReduceStake", amount)

    def unstake(self, w, to: str) -> TxResult:
        return self.transact(w, self.gr, "unstake", to)

    def increase_compute(self, w, amount: int) -> TxResult:
        return self.transact(w, self.gr, "increaseDeclaredCompute", amount)

    def intend_to_reduce_compute(self, w, amount: int) -> TxResult:
        return self.transact(w, self.gr, "intendToReduceCompute", amount)

    def decrease_compute(self, w) -> TxResult:
        return self.transact(w, self.gr, "decreaseDeclaredCompute")

    def deregister(self, w, refund: str) -> TxResult:
        return self.transact(w, self.gr, "deregister", refund)

    def enclave_key_material(self, enclave_key: bytes, pcrs, owner: str, timestamp_ms: int | None = None):
        """(attestationData, proof-of-possession signature) for an enclave key attested with `pcrs`."""
        ts = self.timestamp() * 1000 if timestamp_ms is None else timestamp_ms
        att = enclave.attestation_data(self.att_key, enclave.public_key64(enclave_key), pcrs, ts)
        return att, enclave.proof_of_possession(enclave_key, att, owner)

    def join(self, w, market_id: int, compute: int, cost: int, time: int, enclave_key: bytes | None = None,
             pcrs=None) -> TxResult:
        att, sig = b"", b""
        if enclave_key is not None:
            att, sig = self.enclave_key_material(enclave_key, pcrs, w.address)
        return self.transact(w, self.gr, "joinMarketplace", market_id, compute, cost, time, enclave_key is not None,
                             att, sig)

    def update_encryption_key(self, w, market_id: int, enclave_key: bytes, pcrs) -> TxResult:
        att, sig = self.enclave_key_material(enclave_key, pcrs, w.address)
        return self.transact(w, self.gr, "updateEncryptionKey", market_id, att, sig)

    def remove_encryption_key(self, w, market_id: int) -> TxResult:
        return self.transact(w, self.gr, "removeEncryptionKey", market_id)

    def add_ivs_key(self, w, market_id: int, ivs_key: bytes, pcrs) -> TxResult:
        att, sig = self.enclave_key_material(ivs_key, pcrs, w.address)
        return self.transact(w, self.gr, "addIvsKey", market_id, att, sig)

    def request_exit(self, w, market_id: int) -> TxResult:
        return self.transact(w, self.gr, "requestForExitMarketplace", market_id)

    def leave(self, w, market_id: int) -> TxResult:
        return self.transact(w, self.gr, "leaveMarketplace", market_id)

    def generator(self, addr: str) -> tuple:
        return self.call(self.gr, "generatorRegistry", addr)

    def generator_market(self, addr: str, market_id: int) -> tuple:
        return self.call(self.gr, "generatorInfoPerMarket", addr, market_id)

    def generator_state(self, addr: str, market_id: int) -> tuple:
        return self.call(self.gr, "getGeneratorState", addr, market_id)

    # ---- proof marketplace ------------------------------------------------------------------

    def create_market(self, w, metadata: bytes, penalty: int, prover_pcrs=None, ivs_pcrs=None,
                      verifier: str | None = None) -> TxResult:
        prover = enclave.encode_pcrs(prover_pcrs) if prover_pcrs else enclave.encode_pcrs((b"\x00" * 48,) * 3)
        ivs = enclave.encode_pcrs(ivs_pcrs) if ivs_pcrs else b""
        return self.transact(w, self.pmp, "createMarketplace", metadata, verifier or self.verifier, penalty,
                             prover, ivs)

    def create_ask(self, w, market_id: int, reward: int, expiry: int, time_taken: int, prover_data: bytes,
                   refund: str | None = None, secret_type: int = SECRET_CALLDATA, private_inputs: bytes = b"",
                   acl: bytes = b"", extra: bytes = b"", deadline: int = 0) -> TxResult:
        ask = (market_id, reward, expiry, time_taken, deadline, refund or w.address, prover_data)
        if self.legacy:
            return self.transact(w, self.pmp, "createAsk", ask, secret_type, private_inputs, acl)
        return self.transact(w, self.pmp, "createAsk", ask, secret_type, private_inputs, acl, extra)

    def relay_assign(self, relayer, ask_ids: list[int], generators: list[str], acls: list[bytes],
                     me_key: bytes | None = None) -> TxResult:
        sig = enclave.batch_signature(me_key or self.me_key, ask_ids, generators, acls)
        return self.transact(relayer, self.pmp, "relayBatchAssignTasks", ask_ids, generators, acls, sig)

    def assign_direct(self, me_wallet, ask_id: int, generator: str, acl: bytes = b"") -> TxResult:
        return self.transact(me_wallet, self.pmp, "assignTask", ask_id, generator, acl)

    def submit_proof(self, w, ask_id: int, proof: bytes) -> TxResult:
        return self.transact(w, self.pmp, "submitProof", ask_id, proof)

    def submit_proofs(self, w, ask_ids: list[int], proofs: list[bytes]) -> TxResult:
        return self.transact(w, self.pmp, "submitProofs", ask_ids, proofs)

    def submit_invalid_inputs(self, w, ask_id: int, ivs_key: bytes, prover_data: bytes) -> TxResult:
        sig = enclave.invalid_inputs_signature(ivs_key, ask_id, prover_data)
        return self.transact(w, self.pmp, "submitProofForInvalidInputs", ask_id, sig)

    def cancel_ask(self, w, ask_id: int) -> TxResult:
        return self.transact(w, self.pmp, "cancelAsk", ask_id)

    def slash(self, w, ask_id: int, reward_to: str) -> TxResult:
        return self.transact(w, self.pmp, "slashGenerator", ask_id, reward_to)

    def discard(self, w, ask_id: int) -> TxResult:
        return self.transact(w, self.pmp, "discardRequest", ask_id)

    def ask(self, ask_id: int) -> tuple:
        return self.call(self.pmp, "listOfAsk", ask_id)

    def ask_state(self, ask_id: int) -> int:
        return self.call(self.pmp, "getAskState", ask_id)

    def market(self, market_id: int) -> tuple:
        return self.call(self.pmp, "marketData", market_id)

    def market_count(self) -> int:
        return self.call(self.pmp, "marketCounter")

    def ask_count(self) -> int:
        return self.call(self.pmp, "askCounter")
