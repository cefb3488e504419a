"""The devnode chain: py-evm (Prague rules) plus our own block / transaction / receipt / log index.

eth-tester's lookups scan the chain from the head (O(chain length)), so every mined block is recorded here as
ready-to-serve JSON objects (geth field names and formats), with logs indexed by block number.
All public methods take the chain lock; the JSON-RPC server calls them from several threads.
"""
from __future__ import annotations

import bisect
import pickle
import threading
from dataclasses import dataclass, field

import rlp
from eth.chains.base import MiningChain
from eth.db.atomic import AtomicDB
from eth.db.backends.memory import MemoryDB
from eth.vm.forks import PragueVM
from eth.vm.spoof import SpoofTransaction
from eth_keys import keys
from eth_utils import keccak, to_wei
from eth._utils.address import generate_contract_address

GENESIS_GAS_LIMIT = 30_000_000
DEFAULT_BALANCE = to_wei(1_000_000, "ether")
ZERO32 = b"\x00" * 32


class ChainError(Exception):
    """A request the chain rejects (maps to JSON-RPC -32000 unless `code` says otherwise)."""

    def __init__(self, message: str, code: int = -32000, data: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.data = data


def qty(n: int) -> str:
    return hex(n)


def data_hex(b: bytes) -> str:
    return "0x" + bytes(b).hex()


def addr_hex(b: bytes | None) -> str | None:
    if b is None or len(b) == 0:
        return None
    return "0x" + bytes(b).hex()


def _make_chain_class(chain_id: int):
    class DevnodeChain(MiningChain):
        vm_configuration = ((0, PragueVM),)

        def create_header_from_parent(self, parent_header, **header_params):
            header_params["gas_limit"] = parent_header.gas_limit
            return super().create_header_from_parent(parent_header, **header_params)

    DevnodeChain.chain_id = chain_id
    return DevnodeChain


@dataclass
class BlockRecord:
    number: int
    hash: str
    json: dict  # block object without "transactions"
    tx_hashes: list[str]
    txs: list[dict]
    receipts: list[dict]
    logs: list[dict]  # block-wide logIndex order
    canonical: bool = True


@dataclass
class PendingTx:
    hash: str
    json: dict


@dataclass
class Snapshot:
    number: int
    hash: str


@dataclass
class ChainSettings:
    chain_id: int = 31337
    block_time: int = 1
    automine: bool = True
    max_logs_range: int = 0  # 0 = unlimited
    max_logs_results: int = 0  # 0 = unlimited


class DevChain:
    """A single-node development chain with instant or manual mining, snapshots and reorgs."""

    def __init__(self, settings: ChainSettings, account_keys: list[bytes], genesis_timestamp: int,
                 balance: int = DEFAULT_BALANCE, _restore: dict | None = None):
        self.lock = threading.RLock()
        self.settings = settings
        self._chain_class = _make_chain_class(settings.chain_id)
        self.blocks: list[BlockRecord] = []
        self.by_hash: dict[str, BlockRecord] = {}
        self.tx_by_hash: dict[str, tuple[int, int]] = {}
        self.log_blocks: list[int] = []
        self.pending: list[PendingTx] = []
        self.snapshots: dict[int, Snapshot] = {}
        self._next_snapshot = 1
        self._next_timestamp: int | None = None
        self._vm_cache: dict = {}
        if _restore is not None:
            self._restore(_restore)
            return
        genesis_params = {
            "coinbase": b"\x00" * 20,
            "difficulty": 0,
            "extra_data": b"kalypso-devnode",
            "gas_limit": GENESIS_GAS_LIMIT,
            "mix_hash": ZERO32,
            "nonce": b"\x00" * 8,
            "timestamp": genesis_timestamp,
            "receipt_root": keccak(rlp.encode(b"")),
            "transaction_root": keccak(rlp.encode(b"")),
        }
        genesis_state = {
            keys.PrivateKey(k).public_key.to_canonical_address(): {
                "balance": balance, "nonce": 0, "code": b"", "storage": {}}
            for k in account_keys
        }
        self.db = AtomicDB(MemoryDB())
        self.chain = self._chain_class.from_genesis(self.db, genesis_params, genesis_state)
        genesis = self.chain.get_canonical_block_by_number(0)
        self._record(genesis)
        self._fresh_pending_header()

    # ---- persistence --------------------------------------------------------------------------

    def dump(self) -> bytes:
        with self.lock:
            state = {
                "version": 1,
                "kv": self.db.wrapped_db.kv_store,
                "blocks": self.blocks,
                "orphans": [r for r in self.by_hash.values() if not r.canonical],
                "snapshots": self.snapshots,
                "next_snapshot": self._next_snapshot,
                "settings": self.settings,
            }
            return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, blob: bytes, settings: ChainSettings | None = None) -> "DevChain":
        state = pickle.loads(blob)
        if state.get("version") != 1:
            raise ValueError("unsupported devnode state file version")
        s = state["settings"]
        if settings is not None:  # runtime options from the command line win, except the chain id
            settings.chain_id = s.chain_id
            s = settings
        return cls(s, [], 0, _restore=state)

    def _restore(self, state: dict) -> None:
        self.db = AtomicDB(MemoryDB(state["kv"]))
        self.chain = self._chain_class(self.db)
        for rec in state["blocks"]:
            self._index(rec)
        for rec in state["orphans"]:
            self.by_hash[rec.hash] = rec
        self.snapshots = state["snapshots"]
        self._next_snapshot = state["next_snapshot"]
        self._fresh_pending_header()

    # ---- index --------------------------------------------------------------------------------

    def _index(self, rec: BlockRecord) -> None:
        assert rec.number == len(self.blocks), "index out of order"
        rec.canonical = True
        self.blocks.append(rec)
        self.by_hash[rec.hash] = rec
        for i, h in enumerate(rec.tx_hashes):
            self.tx_by_hash[h] = (rec.number, i)
        if rec.logs:
            self.log_blocks.append(rec.number)

    def _record(self, block) -> BlockRecord:
        header = block.header
        bhash = data_hex(header.hash)
        number = header.block_number
        base_fee = getattr(header, "base_fee_per_gas", 0) or 0
        receipts = block.get_receipts(self.chain.chaindb) if block.transactions else ()
        txs, rjson, logs, hashes = [], [], [], []
        prev_cumulative = 0
        for i, tx in enumerate(block.transactions):
            tx_json = tx_to_json(tx, self.settings.chain_id, base_fee)
            tx_json.update(blockHash=bhash, blockNumber=qty(number), transactionIndex=qty(i))
            txs.append(tx_json)
            hashes.append(tx_json["hash"])
            receipt = receipts[i]
            gas_used = receipt.gas_used - prev_cumulative
            prev_cumulative = receipt.gas_used
            contract = None
            if not tx.to:
                contract = addr_hex(generate_contract_address(tx.sender, tx.nonce))
            rlogs = []
            for lg in receipt.logs:
                entry = {
                    "address": addr_hex(lg.address),
                    "topics": [data_hex(t.to_bytes(32, "big")) for t in lg.topics],
                    "data": data_hex(lg.data),
                    "blockNumber": qty(number),
                    "transactionHash": tx_json["hash"],
                    "transactionIndex": qty(i),
                    "blockHash": bhash,
                    "logIndex": qty(len(logs)),
                    "removed": False,
                }
                logs.append(entry)
                rlogs.append(entry)
            rjson.append({
                "type": tx_json["type"],
                "status": qty(receipt.state_root == b"\x01" and 1 or 0),
                "cumulativeGasUsed": qty(receipt.gas_used),
                "logsBloom": data_hex(receipt.bloom.to_bytes(256, "big")),
                "logs": rlogs,
                "transactionHash": tx_json["hash"],
                "transactionIndex": qty(i),
                "blockHash": bhash,
                "blockNumber": qty(number),
                "gasUsed": qty(gas_used),
                "effectiveGasPrice": tx_json["gasPrice"],
                "from": tx_json["from"],
                "to": tx_json["to"],
                "contractAddress": contract,
            })
        bjson = header_to_json(header, len(rlp.encode(block)))
        rec = BlockRecord(number, bhash, bjson, hashes, txs, rjson, logs)
        self._index(rec)
        return rec

    # ---- pending block and mining -------------------------------------------------------------

    def _fresh_pending_header(self) -> None:
        parent = self.chain.get_canonical_head()
        ts = parent.timestamp + max(self.settings.block_time, 0)
        if self._next_timestamp is not None:
            ts = max(self._next_timestamp, parent.timestamp)
            self._next_timestamp = None
        if ts <= parent.timestamp:
            ts = parent.timestamp + 1  # consensus rule: strictly increasing
        self.chain.header = self.chain.create_header_from_parent(parent, timestamp=ts)

    def mine(self, count: int = 1) -> list[str]:
        with self.lock:
            hashes = []
            for _ in range(count):
                number = self.chain.header.block_number
                block = self.chain.mine_block(mix_hash=keccak(b"devnode-mix" + number.to_bytes(8, "big")))
                head = self.chain.get_canonical_head()
                if head.hash != block.hash:
                    raise ChainError("internal error: mined block did not become canonical")
                self.pending.clear()
                rec = self._record(block)
                hashes.append(rec.hash)
                self._fresh_pending_header()
            return hashes

    def set_block_time(self, seconds: int) -> None:
        with self.lock:
            self.settings.block_time = seconds
            if not self.pending:
                self._fresh_pending_header()

    def set_next_block_timestamp(self, timestamp: int) -> None:
        """Timestamp of the next block; applied now if the pending block is empty, else to the block after it."""
        with self.lock:
            self._next_timestamp = timestamp
            if not self.pending:
                self._fresh_pending_header()

    def increase_time(self, seconds: int) -> int:
        with self.lock:
            base = self.head().json["timestamp"]
            target = int(base, 16) + seconds
            self.set_next_block_timestamp(target)
            return target

    # ---- snapshots ----------------------------------------------------------------------------

    def snapshot(self) -> int:
        with self.lock:
            sid = self._next_snapshot
            self._next_snapshot += 1
            head = self.blocks[-1]
            self.snapshots[sid] = Snapshot(head.number, head.hash)
            return sid

    def revert(self, sid: int) -> bool:
        """Rewind to a snapshot: later blocks become orphans, pending transactions are dropped."""
        with self.lock:
            snap = self.snapshots.get(sid)
            if snap is None:
                return False
            for k in [k for k in self.snapshots if k >= sid]:
                del self.snapshots[k]
            target = self.chain.get_block_by_hash(bytes.fromhex(snap.hash[2:]))
            chaindb = self.chain.chaindb
            chaindb._set_as_canonical_chain_head(chaindb.db, target.header, b"\x00" * 32)
            for rec in self.blocks[snap.number + 1:]:
                rec.canonical = False
                for h in rec.tx_hashes:
                    self.tx_by_hash.pop(h, None)
            del self.blocks[snap.number + 1:]
            cut = bisect.bisect_right(self.log_blocks, snap.number)
            del self.log_blocks[cut:]
            self.pending.clear()
            self._fresh_pending_header()
            return True

    # ---- transactions -------------------------------------------------------------------------

    def pending_state(self):
        return self.chain.get_vm(self.chain.header).state

    def send_raw_transaction(self, raw: bytes) -> str:
        with self.lock:
            vm = self.chain.get_vm(self.chain.header)
            try:
                tx = vm.get_transaction_builder().decode(raw)
            except Exception as exc:
                raise ChainError(f"invalid transaction: {exc}") from exc
            tx_hash = data_hex(tx.hash)
            if tx_hash in self.tx_by_hash or any(p.hash == tx_hash for p in self.pending):
                raise ChainError("already known")
            tx_chain_id = _tx_chain_id(tx)
            if tx_chain_id is not None and tx_chain_id != self.settings.chain_id:
                raise ChainError(f"invalid chain id for signer: have {tx_chain_id} want {self.settings.chain_id}")
            try:
                sender = tx.sender
                tx.check_signature_validity()
            except Exception as exc:
                raise ChainError(f"invalid sender: {exc}") from exc
            state = vm.state
            nonce = state.get_nonce(sender)
            if tx.nonce < nonce:
                raise ChainError(f"nonce too low: address {addr_hex(sender)}, tx: {tx.nonce} state: {nonce}")
            if tx.nonce > nonce:
                raise ChainError(f"nonce too high: address {addr_hex(sender)}, tx: {tx.nonce} state: {nonce}")
            header = self.chain.header
            if tx.gas > header.gas_limit:
                raise ChainError("exceeds block gas limit")
            if tx.gas < tx.intrinsic_gas:
                raise ChainError(f"intrinsic gas too low: gas {tx.gas}, minimum needed {tx.intrinsic_gas}")
            max_fee = getattr(tx, "max_fee_per_gas", None)
            if max_fee is None:
                max_fee = tx.gas_price
            if max_fee < header.base_fee_per_gas:
                raise ChainError(f"max fee per gas less than block base fee: address {addr_hex(sender)}, "
                                 f"maxFeePerGas: {max_fee}, baseFee: {header.base_fee_per_gas}")
            balance = state.get_balance(sender)
            cost = tx.gas * max_fee + tx.value
            if balance < cost:
                raise ChainError(f"insufficient funds for gas * price + value: address {addr_hex(sender)} "
                                 f"have {balance} want {cost}")
            if header.gas_used + tx.gas > header.gas_limit:
                raise ChainError("gas limit reached: the pending block is full; mine it first")
            try:
                self.chain.apply_transaction(tx)
            except Exception as exc:
                raise ChainError(f"transaction rejected: {exc}") from exc
            pj = tx_to_json(tx, self.settings.chain_id, None)
            pj.update(blockHash=None, blockNumber=None, transactionIndex=None)
            self.pending.append(PendingTx(tx_hash, pj))
            if self.settings.automine:
                self.mine(1)
            return tx_hash

    # ---- reads --------------------------------------------------------------------------------

    def head(self) -> BlockRecord:
        return self.blocks[-1]

    def block_by_number(self, number: int) -> BlockRecord | None:
        if 0 <= number < len(self.blocks):
            return self.blocks[number]
        return None

    def resolve_block(self, tag) -> BlockRecord | None:
        """Block tag (latest / safe / finalized / earliest / pending / number) to a canonical record."""
        if tag in (None, "latest", "safe", "finalized", "pending"):
            return self.blocks[-1]
        if tag == "earliest":
            return self.blocks[0]
        if isinstance(tag, int):
            return self.block_by_number(tag)
        raise ChainError(f"invalid block tag {tag!r}", -32602)

    def header_for(self, rec: BlockRecord):
        return self.chain.chaindb.get_block_header_by_hash(bytes.fromhex(rec.hash[2:]))

    def state_at(self, rec: BlockRecord):
        return self.chain.get_vm(at_header=self.header_for(rec)).state

    def nonce(self, address: bytes, tag) -> int:
        with self.lock:
            if tag == "pending":
                return self.pending_state().get_nonce(address)
            return self.state_at(self._need(tag)).get_nonce(address)

    def balance(self, address: bytes, tag) -> int:
        with self.lock:
            if tag == "pending":
                return self.pending_state().get_balance(address)
            return self.state_at(self._need(tag)).get_balance(address)

    def code(self, address: bytes, tag) -> bytes:
        with self.lock:
            if tag == "pending":
                return self.pending_state().get_code(address)
            return self.state_at(self._need(tag)).get_code(address)

    def storage(self, address: bytes, slot: int, tag) -> int:
        with self.lock:
            if tag == "pending":
                return self.pending_state().get_storage(address, slot)
            return self.state_at(self._need(tag)).get_storage(address, slot)

    def _need(self, tag) -> BlockRecord:
        if isinstance(tag, BlockRecord):
            return tag
        rec = self.resolve_block(tag)
        if rec is None:
            raise ChainError("header not found")
        return rec

    def execute(self, call: dict, rec_or_tag, estimate: bool = False):
        """Run a call against the state after a block. Returns (output, gas) or raises ChainError."""
        with self.lock:
            if rec_or_tag == "pending":
                header = self.chain.header
            else:
                header = self.header_for(self._need(rec_or_tag))
            header = header.copy(base_fee_per_gas=0, gas_used=0)
            sender = call.get("from") or b"\x00" * 20
            cap = call.get("gas") or header.gas_limit
            output, used, refund, err = self._run(header, sender, call, cap)
            if err is not None:
                raise err
            if not estimate:
                return output, used
            # gas needed up-front is pre-refund; then make sure the 63/64 rule does not fail it
            candidate = min(cap, used + refund)
            for _ in range(40):
                _, _, _, err = self._run(header, sender, call, candidate)
                if err is None:
                    return output, candidate
                if candidate >= cap:
                    raise err
                candidate = min(cap, candidate * 64 // 63 + 1000)
            raise ChainError("gas required exceeds allowance")

    def _vm_for(self, header):
        """VMs for call execution are cached per header (warm storage caches); state changes are reverted."""
        key = header.hash
        vm = self._vm_cache.get(key)
        if vm is None:
            if len(self._vm_cache) >= 8:
                self._vm_cache.pop(next(iter(self._vm_cache)))
            vm = self.chain.get_vm(at_header=header)
            self._vm_cache[key] = vm
        return vm

    def _run(self, header, sender: bytes, call: dict, gas: int):
        vm = self._vm_for(header)
        state = vm.state
        snapshot = state.snapshot()
        try:
            return self._run_in(vm, state, header, sender, call, gas)
        finally:
            state.revert(snapshot)

    def _run_in(self, vm, state, header, sender: bytes, call: dict, gas: int):
        unsigned = vm.create_unsigned_transaction(
            nonce=state.get_nonce(sender), gas_price=0, gas=gas, to=call.get("to") or b"",
            value=call.get("value", 0), data=call.get("data", b""))
        tx = SpoofTransaction(unsigned, from_=sender)
        # The VM is thrown away afterwards: nothing is persisted to the chain (only content-addressed trie nodes).
        try:
            computation = state.apply_transaction(tx)
        except Exception as exc:
            return b"", 0, 0, ChainError(str(exc))
        if computation.is_error:
            data = computation.output if type(computation.error).__name__ == "Revert" else b""
            msg = "execution reverted"
            if data[:4] == bytes.fromhex("08c379a0"):
                try:
                    from eth_abi import decode
                    msg += ": " + decode(["string"], data[4:])[0]
                except Exception:
                    pass
            elif type(computation.error).__name__ != "Revert":
                msg = f"{type(computation.error).__name__}: {computation.error}"
            return b"", 0, 0, ChainError(msg, -32000, data_hex(data))
        data = call.get("data", b"")
        tokens = data.count(0) + 4 * (len(data) - data.count(0))
        floor = 21000 + 10 * tokens  # EIP-7623 calldata floor (Prague)
        used = max(gas - computation.get_gas_remaining(), floor)
        return computation.output, used, 0, None


def _tx_chain_id(tx) -> int | None:
    cid = getattr(tx, "chain_id", None)
    if cid is not None:
        return cid
    v = getattr(tx, "v", 0)
    if v >= 35:
        return (v - 35) // 2
    return None


def tx_to_json(tx, chain_id: int, base_fee: int | None) -> dict:
    """A transaction object exactly as geth serves it (per type)."""
    type_id = getattr(tx, "type_id", None) or 0
    out = {
        "type": qty(type_id),
        "nonce": qty(tx.nonce),
        "to": addr_hex(tx.to),
        "gas": qty(tx.gas),
        "value": qty(tx.value),
        "input": data_hex(tx.data),
        "hash": data_hex(tx.hash),
        "from": addr_hex(tx.sender),
    }
    if type_id == 0:
        out["gasPrice"] = qty(tx.gas_price)
        cid = _tx_chain_id(tx)
        if cid is not None:
            out["chainId"] = qty(cid)
        out["v"] = qty(tx.v)
    else:
        out["chainId"] = qty(tx.chain_id)
        out["accessList"] = [
            {"address": addr_hex(a), "storageKeys": [data_hex(k.to_bytes(32, "big")) for k in ks]}
            for a, ks in tx.access_list
        ]
        if type_id == 1:
            out["gasPrice"] = qty(tx.gas_price)
        else:
            out["maxFeePerGas"] = qty(tx.max_fee_per_gas)
            out["maxPriorityFeePerGas"] = qty(tx.max_priority_fee_per_gas)
            if base_fee is None:
                out["gasPrice"] = qty(tx.max_fee_per_gas)
            else:
                out["gasPrice"] = qty(min(tx.max_fee_per_gas, base_fee + tx.max_priority_fee_per_gas))
        out["v"] = qty(tx.y_parity)
        out["yParity"] = qty(tx.y_parity)
    out["r"] = qty(tx.r)
    out["s"] = qty(tx.s)
    return out


def header_to_json(header, size: int) -> dict:
    out = {
        "number": qty(header.block_number),
        "hash": data_hex(header.hash),
        "parentHash": data_hex(header.parent_hash),
        "nonce": data_hex(header.nonce),
        "mixHash": data_hex(header.mix_hash),
        "sha3Uncles": data_hex(header.uncles_hash),
        "logsBloom": data_hex(header.bloom.to_bytes(256, "big")),
        "transactionsRoot": data_hex(header.transaction_root),
        "stateRoot": data_hex(header.state_root),
        "receiptsRoot": data_hex(header.receipt_root),
        "miner": addr_hex(header.coinbase) or "0x" + "00" * 20,
        "difficulty": qty(header.difficulty),
        "totalDifficulty": qty(0),
        "extraData": data_hex(header.extra_data),
        "size": qty(size),
        "gasLimit": qty(header.gas_limit),
        "gasUsed": qty(header.gas_used),
        "timestamp": qty(header.timestamp),
        "uncles": [],
    }
    if getattr(header, "base_fee_per_gas", None) is not None:
        out["baseFeePerGas"] = qty(header.base_fee_per_gas)
    if getattr(header, "withdrawals_root", None) is not None:
        out["withdrawalsRoot"] = data_hex(header.withdrawals_root)
        out["withdrawals"] = []
    for attr, key in (("blob_gas_used", "blobGasUsed"), ("excess_blob_gas", "excessBlobGas")):
        if getattr(header, attr, None) is not None:
            out[key] = qty(getattr(header, attr))
    if getattr(header, "parent_beacon_block_root", None) is not None:
        out["parentBeaconBlockRoot"] = data_hex(header.parent_beacon_block_root)
    if getattr(header, "requests_hash", None) is not None:
        out["requestsHash"] = data_hex(header.requests_hash)
    return out


@dataclass
class LogFilter:
    from_block: int
    to_block: int
    addresses: set[str] | None = None
    topics: list[set[str] | None] = field(default_factory=list)


def match_log(log: dict, flt: LogFilter) -> bool:
    if flt.addresses is not None and log["address"] not in flt.addresses:
        return False
    topics = log["topics"]
    for i, want in enumerate(flt.topics):
        if want is None:
            continue
        if i >= len(topics) or topics[i] not in want:
            return False
    return True


def get_logs(chain: DevChain, flt: LogFilter) -> list[dict]:
    with chain.lock:
        lo = bisect.bisect_left(chain.log_blocks, flt.from_block)
        hi = bisect.bisect_right(chain.log_blocks, flt.to_block)
        records = [chain.blocks[n] for n in chain.log_blocks[lo:hi]]
    out = []
    for rec in records:
        for log in rec.logs:
            if match_log(log, flt):
                out.append(log)
    return out
