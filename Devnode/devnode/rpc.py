"""JSON-RPC 2.0 over HTTP for the devnode (stdlib ThreadingHTTPServer, keep-alive, Nagle off)."""
from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .chain import ChainError, DevChain, LogFilter, data_hex, get_logs, qty

CLIENT_VERSION = "kalypso-devnode/1.0/py-evm"
_QTY = re.compile(r"^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$")
_DATA = re.compile(r"^0x([0-9a-fA-F]{2})*$")
_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
_ADDR = re.compile(r"^0x[0-9a-fA-F]{40}$")
ONE_GWEI = 1_000_000_000


class RpcError(Exception):
    def __init__(self, code: int, message: str, data=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


def invalid(msg: str) -> RpcError:
    return RpcError(-32602, msg)


# ---- parameter parsing ---------------------------------------------------------------------------

def p_qty(v, what="quantity") -> int:
    if not isinstance(v, str) or not _QTY.match(v):
        raise invalid(f"invalid argument: {what} must be a hex quantity without leading zeros, got {v!r}")
    return int(v, 16)


def p_data(v, what="data") -> bytes:
    if not isinstance(v, str) or not _DATA.match(v):
        raise invalid(f"invalid argument: {what} must be 0x-prefixed hex bytes, got {v!r}")
    return bytes.fromhex(v[2:])


def p_hash(v, what="hash") -> str:
    if not isinstance(v, str) or not _HASH.match(v):
        raise invalid(f"invalid argument: {what} must be a 32-byte 0x-prefixed hash, got {v!r}")
    return v.lower()


def p_addr(v, what="address") -> bytes:
    if not isinstance(v, str) or not _ADDR.match(v):
        raise invalid(f"invalid argument: {what} must be a 20-byte 0x-prefixed address, got {v!r}")
    return bytes.fromhex(v[2:])


def p_tag(v):
    if v in ("latest", "earliest", "pending", "safe", "finalized"):
        return v
    return p_qty(v, "block number")


def p_bool(v, what="flag") -> bool:
    if not isinstance(v, bool):
        raise invalid(f"invalid argument: {what} must be a boolean, got {v!r}")
    return v


def args(params, minimum: int, maximum: int) -> list:
    if params is None:
        params = []
    if not isinstance(params, list):
        raise invalid("invalid params: expected a positional array")
    if len(params) < minimum:
        raise invalid(f"missing value for required argument {len(params)}")
    if len(params) > maximum:
        raise invalid(f"too many arguments, want at most {maximum}")
    return params + [None] * (maximum - len(params))


class Dispatcher:
    """Turns JSON-RPC request objects into responses. Transport-independent (tests call it directly)."""

    def __init__(self, chain: DevChain, info: dict | None = None, on_save=None):
        self.chain = chain
        self.info = info or {}
        self.on_save = on_save
        self.methods = {
            name[4:].replace("__", "_"): getattr(self, name) for name in dir(self) if name.startswith("rpc_")
        }

    # ---- envelope ---------------------------------------------------------------------------

    def handle_bytes(self, body: bytes) -> bytes | None:
        try:
            req = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return json.dumps(_error(None, -32700, "parse error")).encode()
        if isinstance(req, list):
            if not req:
                return json.dumps(_error(None, -32600, "empty batch")).encode()
            out = [r for r in (self.handle_one(x) for x in req) if r is not None]
            return json.dumps(out).encode() if out else None
        resp = self.handle_one(req)
        return None if resp is None else json.dumps(resp).encode()

    def handle_one(self, req) -> dict | None:
        if not isinstance(req, dict):
            return _error(None, -32600, "invalid request")
        rid = req.get("id")
        notification = "id" not in req
        if isinstance(rid, (dict, list, bool)):
            return _error(None, -32600, "invalid request: id must be a string, number or null")
        if req.get("jsonrpc") != "2.0":
            return _error(rid, -32600, "invalid request: jsonrpc must be \"2.0\"")
        method = req.get("method")
        if not isinstance(method, str):
            return _error(rid, -32600, "invalid request: method must be a string")
        params = req.get("params", [])
        if params is not None and not isinstance(params, (list, dict)):
            return _error(rid, -32600, "invalid request: params must be an array or an object")
        fn = self.methods.get(method)
        try:
            if fn is None:
                raise RpcError(-32601, f"the method {method} does not exist/is not available")
            result = fn(params)
        except RpcError as e:
            return None if notification else _error(rid, e.code, e.message, e.data)
        except ChainError as e:
            return None if notification else _error(rid, e.code, e.message, e.data)
        except Exception as e:  # never let a bug kill the connection
            return None if notification else _error(rid, -32603, f"internal error: {type(e).__name__}: {e}")
        if notification:
            return None
        return {"jsonrpc": "2.0", "id": rid, "result": result}

    # ---- helpers ----------------------------------------------------------------------------

    def _block_param(self, v, default="latest"):
        """Block tag, number, or EIP-1898 object -> record or 'pending'."""
        if v is None:
            v = default
        if isinstance(v, dict):
            if "blockHash" in v:
                h = p_hash(v["blockHash"], "blockHash")
                rec = self.chain.by_hash.get(h)
                if rec is None:
                    raise ChainError(f"header for hash not found: {h}")
                if v.get("requireCanonical") and not rec.canonical:
                    raise ChainError(f"hash {h} is not currently canonical")
                return rec
            if "blockNumber" in v:
                v = v["blockNumber"]
            else:
                raise invalid("invalid argument: block object needs blockHash or blockNumber")
        tag = p_tag(v)
        if tag == "pending":
            return "pending"
        rec = self.chain.resolve_block(tag)
        if rec is None:
            raise ChainError("header not found")
        return rec

    def _call_obj(self, obj) -> dict:
        if not isinstance(obj, dict):
            raise invalid("invalid argument 0: transaction object expected")
        out = {}
        if obj.get("from") is not None:
            out["from"] = p_addr(obj["from"], "from")
        if obj.get("to") is not None:
            out["to"] = p_addr(obj["to"], "to")
        if obj.get("gas") is not None:
            out["gas"] = p_qty(obj["gas"], "gas")
        if obj.get("value") is not None:
            out["value"] = p_qty(obj["value"], "value")
        data = obj.get("input", obj.get("data"))
        if obj.get("input") is not None and obj.get("data") is not None and obj["input"] != obj["data"]:
            raise invalid("both \"data\" and \"input\" are set and not equal")
        if data is not None:
            out["data"] = p_data(data, "input")
        return out

    def _block_json(self, rec, full: bool) -> dict:
        out = dict(rec.json)
        out["transactions"] = list(rec.txs) if full else list(rec.tx_hashes)
        return out

    # ---- standard methods -------------------------------------------------------------------

    def rpc_eth_chainId(self, params):
        return qty(self.chain.settings.chain_id)

    def rpc_net_version(self, params):
        return str(self.chain.settings.chain_id)

    def rpc_net_listening(self, params):
        return True

    def rpc_web3_clientVersion(self, params):
        return CLIENT_VERSION

    def rpc_eth_syncing(self, params):
        return False

    def rpc_eth_accounts(self, params):
        return []

    def rpc_eth_blockNumber(self, params):
        return qty(self.chain.head().number)

    def rpc_eth_getBlockByNumber(self, params):
        tag, full = args(params, 2, 2)
        tag = p_tag(tag)
        full = p_bool(full, "fullTransactions")
        with self.chain.lock:
            rec = self.chain.resolve_block(tag)
            return None if rec is None else self._block_json(rec, full)

    def rpc_eth_getBlockByHash(self, params):
        h, full = args(params, 2, 2)
        h = p_hash(h)
        full = p_bool(full, "fullTransactions")
        with self.chain.lock:
            rec = self.chain.by_hash.get(h)
            return None if rec is None else self._block_json(rec, full)

    def rpc_eth_getBlockReceipts(self, params):
        (tag,) = args(params, 1, 1)
        with self.chain.lock:
            if isinstance(tag, str) and _HASH.match(tag):
                rec = self.chain.by_hash.get(tag.lower())
            else:
                rec = self.chain.resolve_block(p_tag(tag))
            return None if rec is None else list(rec.receipts)

    def rpc_eth_getTransactionByHash(self, params):
        (h,) = args(params, 1, 1)
        h = p_hash(h)
        with self.chain.lock:
            loc = self.chain.tx_by_hash.get(h)
            if loc is not None:
                return self.chain.blocks[loc[0]].txs[loc[1]]
            for p in self.chain.pending:
                if p.hash == h:
                    return p.json
            return None

    def rpc_eth_getTransactionReceipt(self, params):
        (h,) = args(params, 1, 1)
        h = p_hash(h)
        with self.chain.lock:
            loc = self.chain.tx_by_hash.get(h)
            if loc is None:
                return None
            return self.chain.blocks[loc[0]].receipts[loc[1]]

    def rpc_eth_getTransactionCount(self, params):
        a, tag = args(params, 1, 2)
        return qty(self.chain.nonce(p_addr(a), self._block_param(tag)))

    def rpc_eth_getBalance(self, params):
        a, tag = args(params, 1, 2)
        return qty(self.chain.balance(p_addr(a), self._block_param(tag)))

    def rpc_eth_getCode(self, params):
        a, tag = args(params, 1, 2)
        return data_hex(self.chain.code(p_addr(a), self._block_param(tag)))

    def rpc_eth_getStorageAt(self, params):
        a, slot, tag = args(params, 2, 3)
        value = self.chain.storage(p_addr(a), p_qty(slot, "slot") if not _HASH.match(str(slot)) else int(slot, 16),
                                   self._block_param(tag))
        return data_hex(value.to_bytes(32, "big"))

    def rpc_eth_gasPrice(self, params):
        with self.chain.lock:
            return qty(self.chain.chain.header.base_fee_per_gas + ONE_GWEI)

    def rpc_eth_maxPriorityFeePerGas(self, params):
        return qty(ONE_GWEI)

    def rpc_eth_feeHistory(self, params):
        count, newest, percentiles = args(params, 2, 3)
        count = p_qty(count, "blockCount") if isinstance(count, str) else count
        if not isinstance(count, int) or count < 1:
            raise invalid("invalid argument: blockCount must be a positive quantity")
        percentiles = percentiles or []
        if not isinstance(percentiles, list) or any(not isinstance(p, (int, float)) for p in percentiles):
            raise invalid("invalid argument: rewardPercentiles must be an array of numbers")
        with self.chain.lock:
            last = self.chain.resolve_block(p_tag(newest))
            if last is None:
                raise ChainError("header not found")
            first = max(0, last.number - min(count, 1024) + 1)
            recs = self.chain.blocks[first:last.number + 1]
            base = [r.json.get("baseFeePerGas", "0x0") for r in recs]
            if last.number + 1 < len(self.chain.blocks):
                base.append(self.chain.blocks[last.number + 1].json.get("baseFeePerGas", "0x0"))
            else:
                base.append(qty(self.chain.chain.header.base_fee_per_gas))
            out = {
                "oldestBlock": qty(first),
                "baseFeePerGas": base,
                "gasUsedRatio": [int(r.json["gasUsed"], 16) / int(r.json["gasLimit"], 16) for r in recs],
            }
            if percentiles:
                rewards = []
                for r in recs:
                    bf = int(r.json.get("baseFeePerGas", "0x0"), 16)
                    tips = sorted(int(t["gasPrice"], 16) - bf for t in r.txs)
                    rewards.append([qty(tips[min(len(tips) - 1, int(len(tips) * p / 100))] if tips else 0)
                                    for p in percentiles])
                out["reward"] = rewards
            return out

    def rpc_eth_call(self, params):
        obj, tag = args(params, 1, 3)[:2]
        call = self._call_obj(obj)
        output, _ = self.chain.execute(call, self._block_param(tag))
        return data_hex(output)

    def rpc_eth_estimateGas(self, params):
        obj, tag = args(params, 1, 3)[:2]
        call = self._call_obj(obj)
        _, gas = self.chain.execute(call, self._block_param(tag), estimate=True)
        return qty(gas)

    def rpc_eth_sendRawTransaction(self, params):
        (raw,) = args(params, 1, 1)
        raw = p_data(raw, "raw transaction")
        if not raw:
            raise invalid("invalid argument: empty transaction")
        return self.chain.send_raw_transaction(raw)

    def rpc_eth_getLogs(self, params):
        (flt,) = args(params, 1, 1)
        if not isinstance(flt, dict):
            raise invalid("invalid argument 0: filter object expected")
        chain = self.chain
        with chain.lock:
            head = chain.head().number
            if flt.get("blockHash") is not None:
                if flt.get("fromBlock") is not None or flt.get("toBlock") is not None:
                    raise invalid("cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other")
                h = p_hash(flt["blockHash"], "blockHash")
                rec = chain.by_hash.get(h)
                if rec is None:
                    raise ChainError("unknown block")
                lf = LogFilter(0, 0, *self._filter_parts(flt))
                return [lg for lg in rec.logs if _match(lg, lf)]
            lo = self._range_end(flt.get("fromBlock"), head)
            hi = self._range_end(flt.get("toBlock"), head)
            if lo > hi:
                raise ChainError("invalid block range params")
            hi = min(hi, head)
            s = chain.settings
            if s.max_logs_range and hi - lo + 1 > s.max_logs_range:
                raise RpcError(-32005, f"block range too large: {hi - lo + 1} blocks requested, the limit is "
                               f"{s.max_logs_range}. Try with this block range [{qty(lo)}, "
                               f"{qty(lo + s.max_logs_range - 1)}].",
                               {"from": qty(lo), "to": qty(lo + s.max_logs_range - 1), "limit": s.max_logs_range})
            lf = LogFilter(lo, hi, *self._filter_parts(flt))
        logs = get_logs(chain, lf)
        s = chain.settings
        if s.max_logs_results and len(logs) > s.max_logs_results:
            cut_block = int(logs[s.max_logs_results]["blockNumber"], 16)
            to = max(lo, cut_block - 1)
            raise RpcError(-32005, f"query returned more than {s.max_logs_results} results. "
                           f"Try with this block range [{qty(lo)}, {qty(to)}].",
                           {"from": qty(lo), "to": qty(to), "limit": s.max_logs_results})
        return logs

    def _range_end(self, v, head) -> int:
        if v is None or v in ("latest", "safe", "finalized", "pending"):
            return head
        if v == "earliest":
            return 0
        return p_qty(v, "block number")

    def _filter_parts(self, flt):
        addrs = flt.get("address")
        addresses = None
        if addrs is not None:
            if isinstance(addrs, str):
                addrs = [addrs]
            if not isinstance(addrs, list):
                raise invalid("invalid argument: address must be an address or an array of addresses")
            addresses = {"0x" + p_addr(a).hex() for a in addrs}
        topics = flt.get("topics") or []
        if not isinstance(topics, list) or len(topics) > 4:
            raise invalid("invalid argument: topics must be an array of at most 4 positions")
        out = []
        for t in topics:
            if t is None:
                out.append(None)
            elif isinstance(t, str):
                out.append({p_hash(t, "topic")})
            elif isinstance(t, list):
                out.append(None if not t else {p_hash(x, "topic") for x in t if x is not None})
            else:
                raise invalid("invalid argument: topic must be null, a hash or an array of hashes")
        return addresses, out

    # ---- devnode_ test controls -------------------------------------------------------------

    def rpc_devnode_mine(self, params):
        (n,) = args(params, 0, 1)
        n = 1 if n is None else (p_qty(n, "count") if isinstance(n, str) else n)
        if not isinstance(n, int) or n < 0 or n > 1_000_000:
            raise invalid("invalid argument: count must be 0..1000000")
        self.chain.mine(n)
        return qty(self.chain.head().number)

    def rpc_devnode_setAutomine(self, params):
        (on,) = args(params, 1, 1)
        self.chain.settings.automine = p_bool(on, "automine")
        return True

    def rpc_devnode_getAutomine(self, params):
        return self.chain.settings.automine

    def rpc_devnode_snapshot(self, params):
        return qty(self.chain.snapshot())

    def rpc_devnode_revert(self, params):
        (sid,) = args(params, 1, 1)
        return self.chain.revert(p_qty(sid, "snapshot id"))

    def rpc_devnode_setBlockTime(self, params):
        (sec,) = args(params, 1, 1)
        sec = p_qty(sec, "seconds") if isinstance(sec, str) else sec
        if not isinstance(sec, int) or sec < 0:
            raise invalid("invalid argument: seconds must be a non-negative integer")
        self.chain.set_block_time(sec)
        return True

    def rpc_devnode_setNextBlockTimestamp(self, params):
        (ts,) = args(params, 1, 1)
        ts = p_qty(ts, "timestamp") if isinstance(ts, str) else ts
        if not isinstance(ts, int) or ts < 0:
            raise invalid("invalid argument: timestamp must be a non-negative integer")
        self.chain.set_next_block_timestamp(ts)
        return True

    def rpc_devnode_increaseTime(self, params):
        (sec,) = args(params, 1, 1)
        sec = p_qty(sec, "seconds") if isinstance(sec, str) else sec
        if not isinstance(sec, int) or sec < 0:
            raise invalid("invalid argument: seconds must be a non-negative integer")
        return qty(self.chain.increase_time(sec))

    def rpc_devnode_setLogsLimits(self, params):
        (obj,) = args(params, 1, 1)
        if not isinstance(obj, dict):
            raise invalid("invalid argument: {maxRange, maxResults} expected")
        for key, attr in (("maxRange", "max_logs_range"), ("maxResults", "max_logs_results")):
            if key in obj:
                v = obj[key]
                if not isinstance(v, int) or v < 0:
                    raise invalid(f"invalid argument: {key} must be a non-negative integer (0 = unlimited)")
                setattr(self.chain.settings, attr, v)
        return True

    def rpc_devnode_pendingTransactions(self, params):
        with self.chain.lock:
            return [p.json for p in self.chain.pending]

    def rpc_devnode_info(self, params):
        return self.info

    def rpc_devnode_save(self, params):
        if self.on_save is None:
            raise ChainError("no --state-file configured")
        self.on_save()
        return True


def _match(log, lf):
    from .chain import match_log
    return match_log(log, lf)


def _error(rid, code: int, message: str, data=None) -> dict:
    err = {"code": code, "message": message}
    if data is not None:
        err["data"] = data
    return {"jsonrpc": "2.0", "id": rid, "error": err}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    dispatcher: Dispatcher = None  # set on the subclass

    def log_message(self, format, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > 64 * 1024 * 1024:
            self._send(413 if length > 0 else 400, b'{"error":"bad Content-Length"}')
            return
        body = self.rfile.read(length)
        resp = self.dispatcher.handle_bytes(body)
        self._send(200, resp if resp is not None else b"")

    def do_GET(self):
        self._send(200, json.dumps({"status": "ok", "client": CLIENT_VERSION}).encode())


class RpcServer:
    """ThreadingHTTPServer serving one Dispatcher; start() runs it on a daemon thread."""

    def __init__(self, dispatcher: Dispatcher, host: str = "127.0.0.1", port: int = 0):
        handler = type("Handler", (_Handler,), {"dispatcher": dispatcher})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)
