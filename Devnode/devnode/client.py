"""Client side: JSON-RPC transports, ABI contracts, locally signing wallets, revert decoding."""
from __future__ import annotations

import http.client
import itertools
import json
import threading
from dataclasses import dataclass, field
from urllib.parse import urlparse

from eth_abi import decode as abi_decode, encode as abi_encode
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from .abi_spec import FILES as ABI_FILES, canonical_type, load_abi, signature

GWEI = 1_000_000_000


class RpcCallError(Exception):
    def __init__(self, code: int, message: str, data=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.data = data


class HttpRpc:
    """Minimal keep-alive JSON-RPC client over HTTP (one connection per thread)."""

    def __init__(self, url: str, timeout: float = 60.0):
        u = urlparse(url)
        self.url = url
        self.host, self.port = u.hostname, u.port or 80
        self.path = u.path or "/"
        self.timeout = timeout
        self._local = threading.local()
        self._ids = itertools.count(1)

    def _conn(self) -> http.client.HTTPConnection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._local.conn = c
        return c

    def post(self, body: bytes) -> bytes:
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request("POST", self.path, body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                return resp.read()
            except (http.client.HTTPException, ConnectionError, OSError):
                conn.close()
                self._local.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def request(self, payload):
        raw = self.post(json.dumps(payload).encode())
        return json.loads(raw) if raw else None

    def call(self, method: str, *params):
        resp = self.request({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": list(params)})
        if "error" in resp:
            e = resp["error"]
            raise RpcCallError(e["code"], e["message"], e.get("data"))
        return resp["result"]


class LocalRpc:
    """Same interface as HttpRpc, calling a Dispatcher in-process (no sockets)."""

    def __init__(self, dispatcher):
        self.dispatcher = dispatcher
        self._ids = itertools.count(1)

    def request(self, payload):
        raw = self.dispatcher.handle_bytes(json.dumps(payload).encode())
        return json.loads(raw) if raw else None

    def call(self, method: str, *params):
        resp = self.dispatcher.handle_one({"jsonrpc": "2.0", "id": next(self._ids), "method": method,
                                           "params": list(params)})
        resp = json.loads(json.dumps(resp))  # same value semantics as over the wire
        if "error" in resp:
            e = resp["error"]
            raise RpcCallError(e["code"], e["message"], e.get("data"))
        return resp["result"]


# ---- ABI ------------------------------------------------------------------------------------------

def _types(params: list[dict]) -> list[str]:
    return [canonical_type(p) for p in params]


class Contract:
    def __init__(self, abi: list[dict], address: str | None = None, name: str = ""):
        self.abi = abi
        self.name = name
        self.address = to_checksum_address(address) if address else None
        self.functions: dict[str, list[dict]] = {}
        self.events: dict[str, dict] = {}
        for e in abi:
            if e["type"] == "function":
                self.functions.setdefault(e["name"], []).append(e)
            elif e["type"] == "event":
                self.events["0x" + keccak(text=signature(e)).hex()] = e

    def at(self, address: str) -> "Contract":
        return Contract(self.abi, address, self.name)

    def fn(self, name: str, nargs: int) -> dict:
        cands = [f for f in self.functions.get(name, []) if len(f["inputs"]) == nargs]
        if len(cands) != 1:
            raise KeyError(f"{self.name}.{name} with {nargs} arguments: {len(cands)} candidates")
        return cands[0]

    def encode(self, name: str, *args) -> bytes:
        f = self.fn(name, len(args))
        return keccak(text=signature(f))[:4] + abi_encode(_types(f["inputs"]), list(args))

    def decode_output(self, name: str, nargs: int, data: bytes):
        f = self.fn(name, nargs)
        out = abi_decode(_types(f["outputs"]), data)
        return out[0] if len(out) == 1 else out

    def decode_log(self, log: dict) -> tuple[str, dict] | None:
        ev = self.events.get(log["topics"][0]) if log["topics"] else None
        if ev is None:
            return None
        indexed = [p for p in ev["inputs"] if p["indexed"]]
        plain = [p for p in ev["inputs"] if not p["indexed"]]
        values = {}
        for p, t in zip(indexed, log["topics"][1:]):
            raw = bytes.fromhex(t[2:])
            if p["type"] in ("bytes", "string") or p["type"].startswith("tuple") or p["type"].endswith("]"):
                values[p["name"]] = raw  # keccak of the value
            else:
                values[p["name"]] = abi_decode([p["type"]], raw)[0]
        decoded = abi_decode(_types(plain), bytes.fromhex(log["data"][2:]))
        for p, v in zip(plain, decoded):
            values[p["name"]] = v
        return ev["name"], values


def constructor_data(artifact: dict, *args) -> bytes:
    ctor = next((e for e in artifact["abi"] if e["type"] == "constructor"), None)
    code = bytes.fromhex(artifact["bytecode"][2:])
    if ctor is None:
        return code
    return code + abi_encode(_types(ctor["inputs"]), list(args))


# ---- revert decoding --------------------------------------------------------------------------------

_ERRORS: dict[bytes, tuple[str, list[str]]] = {}


def _error_table() -> dict[bytes, tuple[str, list[str]]]:
    if not _ERRORS:
        for fname in ABI_FILES:
            for e in load_abi(fname):
                if e["type"] == "error":
                    _ERRORS[keccak(text=signature(e))[:4]] = (e["name"], _types(e["inputs"]))
        _ERRORS[bytes.fromhex("4e487b71")] = ("Panic", ["uint256"])
        _ERRORS[bytes.fromhex("08c379a0")] = ("Error", ["string"])
    return _ERRORS


def decode_revert(data: bytes) -> tuple[str, tuple]:
    """Revert data -> (error name, args). Empty data -> ("EmptyRevert", ())."""
    if not data:
        return "EmptyRevert", ()
    entry = _error_table().get(data[:4])
    if entry is None:
        return "Unknown(0x" + data[:4].hex() + ")", ()
    name, types = entry
    try:
        return name, tuple(abi_decode(types, data[4:]))
    except Exception:
        return name + "(undecodable)", ()


# ---- wallets ----------------------------------------------------------------------------------------

@dataclass
class TxResult:
    hash: str
    receipt: dict | None
    error: tuple[str, tuple] | None  # from the pre-flight eth_call
    events: list[tuple[str, dict]] = field(default_factory=list)
    revert_data: bytes | None = None  # raw revert data of the pre-flight eth_call

    @property
    def ok(self) -> bool:
        return self.receipt is not None and self.receipt["status"] == "0x1"

    @property
    def error_name(self) -> str | None:
        return None if self.error is None else self.error[0]


class Wallet:
    """An account that signs locally (eth-account) and sends with eth_sendRawTransaction."""

    def __init__(self, rpc, private_key: bytes | str, chain_id: int):
        self.rpc = rpc
        self.account = Account.from_key(private_key)
        self.address = self.account.address
        self.chain_id = chain_id
        self._nonce: int | None = None

    def nonce(self) -> int:
        if self._nonce is None:
            self._nonce = int(self.rpc.call("eth_getTransactionCount", self.address, "pending"), 16)
        return self._nonce

    def resync(self) -> None:
        self._nonce = None

    def sign(self, to: str | None, data: bytes, value: int = 0, gas: int = 500_000, tx_type: int = 2,
             nonce: int | None = None) -> bytes:
        tx = {"nonce": self.nonce() if nonce is None else nonce, "gas": gas, "value": value, "data": data,
              "chainId": self.chain_id}
        if to is not None:
            tx["to"] = to_checksum_address(to)
        if tx_type == 2:
            tx.update(maxFeePerGas=20 * GWEI, maxPriorityFeePerGas=GWEI, type=2)
        elif tx_type == 1:
            tx.update(gasPrice=20 * GWEI, accessList=[], type=1)
        elif tx_type == 0:
            tx.update(gasPrice=20 * GWEI)
        else:  # pre-EIP-155 legacy
            tx.update(gasPrice=20 * GWEI)
            del tx["chainId"]
        return bytes(self.account.sign_transaction(tx).raw_transaction)

    def send(self, to: str | None, data: bytes, value: int = 0, gas: int = 500_000, tx_type: int = 2) -> str:
        raw = self.sign(to, data, value, gas, tx_type)
        h = self.rpc.call("eth_sendRawTransaction", "0x" + raw.hex())
        self._nonce = self.nonce() + 1
        return h


def simulate(rpc, sender: str, to: str, data: bytes, value: int = 0, block="pending", raw: bool = False):
    """eth_call; returns (output bytes, None) or (None, (error name, args)); with raw=True a third item, the
    revert data."""
    call = {"from": sender, "to": to, "data": "0x" + data.hex()}
    if value:
        call["value"] = hex(value)
    try:
        out = rpc.call("eth_call", call, block)
        return (bytes.fromhex(out[2:]), None, None) if raw else (bytes.fromhex(out[2:]), None)
    except RpcCallError as e:
        if e.code == -32000 and isinstance(e.data, str):
            data = bytes.fromhex(e.data[2:])
            return (None, decode_revert(data), data) if raw else (None, decode_revert(data))
        raise
