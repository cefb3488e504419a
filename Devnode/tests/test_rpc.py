"""JSON-RPC surface: envelopes and error codes, transactions, blocks, logs filters and limits, controls, reorgs."""
import json

import pytest
from eth_account import Account
from eth_account._utils.legacy_transactions import encode_transaction, serializable_unsigned_transaction_from_dict
from eth_utils import keccak

from devnode.client import RpcCallError, Wallet
from devnode.kalypso import TOKEN_UNIT


def raw(http, body) -> object:
    out = http.post(body if isinstance(body, bytes) else json.dumps(body).encode())
    return json.loads(out) if out else None


def err_code(resp) -> int:
    return resp["error"]["code"]


# ---- envelopes ---------------------------------------------------------------------------------------

def test_malformed_requests_get_standard_error_codes(http):
    assert err_code(raw(http, b"{not json")) == -32700
    assert raw(http, b"{not json")["id"] is None
    assert err_code(raw(http, [])) == -32600
    assert err_code(raw(http, "just a string")) == -32600
    assert err_code(raw(http, {"id": 1, "method": "eth_chainId"})) == -32600  # no jsonrpc
    assert err_code(raw(http, {"jsonrpc": "2.0", "id": 1, "method": 7})) == -32600
    assert err_code(raw(http, {"jsonrpc": "2.0", "id": {}, "method": "eth_chainId"})) == -32600
    assert err_code(raw(http, {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": 5})) == -32600
    assert err_code(raw(http, {"jsonrpc": "2.0", "id": 1, "method": "eth_nope", "params": []})) == -32601
    for params in (["0x01", False], ["latest"], ["12", False], ["latest", "yes"]):
        r = raw(http, {"jsonrpc": "2.0", "id": 2, "method": "eth_getBlockByNumber", "params": params})
        assert err_code(r) == -32602, params
    r = raw(http, {"jsonrpc": "2.0", "id": 3, "method": "eth_getBalance", "params": ["0x1234", "latest"]})
    assert err_code(r) == -32602
    r = raw(http, {"jsonrpc": "2.0", "id": 4, "method": "eth_sendRawTransaction", "params": ["0xzz"]})
    assert err_code(r) == -32602


def test_batches_and_notifications(http):
    resp = raw(http, [
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "method": "eth_blockNumber", "params": []},  # notification: no answer
        {"jsonrpc": "2.0", "id": "x", "method": "eth_missing", "params": []},
        5,
    ])
    assert [r.get("id") for r in resp] == [1, "x", None]
    assert resp[0]["result"] == hex(31337)
    assert resp[1]["error"]["code"] == -32601
    assert resp[2]["error"]["code"] == -32600
    assert raw(http, {"jsonrpc": "2.0", "method": "eth_chainId"}) is None
    assert http.call("net_version") == "31337"


# ---- transactions ------------------------------------------------------------------------------------

def _wallet(node, http, i=0):
    return Wallet(http, bytes.fromhex(node.info["accounts"][i]["privateKey"][2:]), node.info["chainId"])


@pytest.mark.parametrize("tx_type", [2, 1, 0, -1])
def test_transaction_objects_recompute_to_their_hash(fresh, node, tx_type):
    w = _wallet(node, fresh)
    h = w.send("0x" + "11" * 20, b"\x01\x02", value=5, gas=50_000, tx_type=tx_type)
    tx = fresh.call("eth_getTransactionByHash", h)
    block = fresh.call("eth_getBlockByNumber", tx["blockNumber"], True)
    assert block["transactions"][int(tx["transactionIndex"], 16)] == tx
    assert block["hash"] == tx["blockHash"] and block["number"] == tx["blockNumber"]
    for f in ("parentHash", "timestamp", "baseFeePerGas", "logsBloom", "stateRoot", "receiptsRoot"):
        assert f in block
    # rebuild the signing payload from the JSON fields alone, as the mirror will
    d = {"nonce": int(tx["nonce"], 16), "gas": int(tx["gas"], 16), "to": tx["to"], "value": int(tx["value"], 16),
         "data": tx["input"]}
    t = int(tx["type"], 16)
    if t == 2:
        d.update(type=2, chainId=int(tx["chainId"], 16), maxFeePerGas=int(tx["maxFeePerGas"], 16),
                 maxPriorityFeePerGas=int(tx["maxPriorityFeePerGas"], 16), accessList=tx["accessList"])
        assert tx["yParity"] == tx["v"]
    elif t == 1:
        d.update(type=1, chainId=int(tx["chainId"], 16), gasPrice=int(tx["gasPrice"], 16),
                 accessList=tx["accessList"])
    else:
        d["gasPrice"] = int(tx["gasPrice"], 16)
        if "chainId" in tx:
            d["chainId"] = int(tx["chainId"], 16)
    unsigned = serializable_unsigned_transaction_from_dict(d)
    v = int(tx["v"], 16)
    encoded = encode_transaction(unsigned, (v, int(tx["r"], 16), int(tx["s"], 16)))
    assert "0x" + keccak(encoded).hex() == tx["hash"]
    assert Account.recover_transaction(encoded).lower() == tx["from"]
    receipt = fresh.call("eth_getTransactionReceipt", h)
    assert receipt["status"] == "0x1" and receipt["from"] == tx["from"]


def test_send_raw_transaction_rejects_only_invalid_transactions(fresh, node):
    w = _wallet(node, fresh)
    good = w.sign("0x" + "22" * 20, b"", gas=21_000)
    with pytest.raises(RpcCallError, match="nonce too high"):
        fresh.call("eth_sendRawTransaction", "0x" + w.sign("0x" + "22" * 20, b"", gas=21_000, nonce=w.nonce() + 5).hex())
    fresh.call("eth_sendRawTransaction", "0x" + good.hex())
    with pytest.raises(RpcCallError, match="already known"):
        fresh.call("eth_sendRawTransaction", "0x" + good.hex())
    with pytest.raises(RpcCallError, match="nonce too low"):
        fresh.call("eth_sendRawTransaction", "0x" + w.sign("0x" + "22" * 20, b"", value=9, gas=21_000, nonce=0).hex())
    other = Wallet(fresh, bytes.fromhex(node.info["accounts"][1]["privateKey"][2:]), 999)
    with pytest.raises(RpcCallError, match="invalid chain id"):
        fresh.call("eth_sendRawTransaction", "0x" + other.sign("0x" + "22" * 20, b"", gas=21_000).hex())
    poor = Wallet(fresh, b"\x77" * 32, 31337)
    with pytest.raises(RpcCallError, match="insufficient funds") as e:
        fresh.call("eth_sendRawTransaction", "0x" + poor.sign("0x" + "22" * 20, b"", gas=21_000).hex())
    assert e.value.code == -32000
    with pytest.raises(RpcCallError) as e:
        fresh.call("eth_sendRawTransaction", "0x" + (b"\x02" + b"\xc0").hex())
    assert e.value.code == -32000


def test_reverting_transaction_is_mined_with_status_0_and_call_returns_revert_data(k, node):
    w = k.wallet(node.info["accounts"][0]["privateKey"])
    data = k.gr.encode("register", w.address, 0, 0, b"x")  # CannotBeZero()
    with pytest.raises(RpcCallError) as e:
        k.rpc.call("eth_call", {"from": w.address, "to": k.gr.address, "data": "0x" + data.hex()}, "latest")
    assert e.value.code == -32000 and e.value.message.startswith("execution reverted")
    assert e.value.data == "0x1e1d0ab5"
    with pytest.raises(RpcCallError) as e:
        k.rpc.call("eth_estimateGas", {"from": w.address, "to": k.gr.address, "data": "0x" + data.hex()})
    assert e.value.data == "0x1e1d0ab5"
    h = w.send(k.gr.address, data, gas=300_000)
    receipt = k.rpc.call("eth_getTransactionReceipt", h)
    assert receipt["status"] == "0x0" and receipt["logs"] == []


def test_automine_off_queues_several_transactions_from_one_sender(fresh, node):
    w = _wallet(node, fresh)
    fresh.call("devnode_setAutomine", False)
    head = int(fresh.call("eth_blockNumber"), 16)
    hashes = [w.send("0x" + "33" * 20, b"", value=i + 1, gas=21_000) for i in range(3)]
    assert int(fresh.call("eth_blockNumber"), 16) == head
    assert fresh.call("eth_getTransactionReceipt", hashes[0]) is None
    assert fresh.call("eth_getTransactionByHash", hashes[2])["blockHash"] is None
    assert int(fresh.call("eth_getTransactionCount", w.address, "pending"), 16) == \
        int(fresh.call("eth_getTransactionCount", w.address, "latest"), 16) + 3
    fresh.call("devnode_mine", 1)
    block = fresh.call("eth_getBlockByNumber", "latest", False)
    assert block["transactions"] == hashes
    assert [int(fresh.call("eth_getTransactionReceipt", h)["transactionIndex"], 16) for h in hashes] == [0, 1, 2]


def test_block_time_and_fee_methods(fresh):
    fresh.call("devnode_setBlockTime", 12)
    fresh.call("devnode_mine", 2)
    a = fresh.call("eth_getBlockByNumber", "latest", False)
    b = fresh.call("eth_getBlockByNumber", hex(int(a["number"], 16) - 1), False)
    assert int(a["timestamp"], 16) - int(b["timestamp"], 16) == 12
    fresh.call("devnode_setBlockTime", 1)
    assert fresh.call("eth_getBlockByNumber", "earliest", False)["number"] == "0x0"
    assert fresh.call("eth_getBlockByNumber", "0xffffff", False) is None
    hist = fresh.call("eth_feeHistory", "0x3", "latest", [50])
    assert len(hist["baseFeePerGas"]) == 4 and len(hist["reward"]) == 3
    assert int(fresh.call("eth_gasPrice"), 16) > int(fresh.call("eth_maxPriorityFeePerGas"), 16)


# ---- logs ----------------------------------------------------------------------------------------------

def _emit_transfers(k, node, n):
    w = k.wallet(node.info["accounts"][0]["privateKey"])
    out = []
    for i in range(n):
        r = k.transact(w, k.staking if i % 2 == 0 else k.payment, "mint", node.info["accounts"][i % 3]["address"],
                       i + 1, gas=100_000)
        out.append(r)
    return out


def test_get_logs_filter_semantics(k, node):
    start = k.now() + 1
    _emit_transfers(k, node, 6)
    end = k.now()
    base = {"fromBlock": hex(start), "toBlock": hex(end)}
    everything = k.rpc.call("eth_getLogs", base)
    assert len(everything) == 6
    assert all(not lg["removed"] and lg["logIndex"] == "0x0" for lg in everything)
    staking = k.rpc.call("eth_getLogs", dict(base, address=k.staking.address))
    assert len(staking) == 3
    both = k.rpc.call("eth_getLogs", dict(base, address=[k.staking.address.lower(), k.payment.address]))
    assert len(both) == 6
    transfer = "0x" + keccak(text="Transfer(address,address,uint256)").hex()
    approval = "0x" + keccak(text="Approval(address,address,uint256)").hex()
    assert len(k.rpc.call("eth_getLogs", dict(base, topics=[[transfer, approval]]))) == 6
    assert k.rpc.call("eth_getLogs", dict(base, topics=[approval])) == []
    to0 = "0x" + "00" * 12 + node.info["accounts"][0]["address"][2:].lower()
    to1 = "0x" + "00" * 12 + node.info["accounts"][1]["address"][2:].lower()
    assert len(k.rpc.call("eth_getLogs", dict(base, topics=[None, None, to0]))) == 2
    assert len(k.rpc.call("eth_getLogs", dict(base, topics=[transfer, None, [to0, to1]]))) == 4
    assert k.rpc.call("eth_getLogs", dict(base, topics=[None, None, None, transfer])) == []
    one = everything[2]
    by_hash = k.rpc.call("eth_getLogs", {"blockHash": one["blockHash"]})
    assert by_hash == [one]
    with pytest.raises(RpcCallError) as e:
        k.rpc.call("eth_getLogs", {"blockHash": one["blockHash"], "fromBlock": "0x1"})
    assert e.value.code == -32602
    with pytest.raises(RpcCallError) as e:
        k.rpc.call("eth_getLogs", {"fromBlock": hex(end), "toBlock": hex(start)})
    assert e.value.code == -32000


def test_get_logs_limits_answer_like_providers(k, node):
    start = k.now() + 1
    _emit_transfers(k, node, 5)
    end = k.now()
    k.rpc.call("devnode_setLogsLimits", {"maxResults": 2})
    with pytest.raises(RpcCallError) as e:
        k.rpc.call("eth_getLogs", {"fromBlock": hex(start), "toBlock": hex(end)})
    assert e.value.code == -32005 and "query returned more than 2 results" in e.value.message
    suggested = e.value.data
    assert len(k.rpc.call("eth_getLogs", {"fromBlock": suggested["from"], "toBlock": suggested["to"]})) <= 2
    k.rpc.call("devnode_setLogsLimits", {"maxResults": 0, "maxRange": 3})
    with pytest.raises(RpcCallError) as e:
        k.rpc.call("eth_getLogs", {"fromBlock": hex(start), "toBlock": hex(end)})
    assert e.value.code == -32005 and e.value.data["to"] == hex(start + 2)
    assert len(k.rpc.call("eth_getLogs", {"fromBlock": hex(start), "toBlock": hex(start + 2)})) == 3


# ---- reorgs ---------------------------------------------------------------------------------------------

def test_reorg_changes_the_block_hash_at_the_fork_and_drops_branch_a_logs(k, node):
    fork = k.now()
    sid = k.rpc.call("devnode_snapshot")
    a = _emit_transfers(k, node, 2)  # branch A: two blocks with logs
    a_blocks = [k.rpc.call("eth_getBlockByNumber", hex(fork + i), False) for i in (1, 2)]
    a_logs = k.rpc.call("eth_getLogs", {"fromBlock": hex(fork + 1), "toBlock": "latest"})
    assert len(a_logs) == 2
    assert k.rpc.call("devnode_revert", sid) is True
    assert k.now() == fork
    assert k.rpc.call("eth_getTransactionReceipt", a[0].hash) is None
    for w in k._wallets.values():
        w.resync()
    k.mine(1)  # branch B: different content, longer
    w = k.wallet(node.info["accounts"][0]["privateKey"])
    k.transact(w, k.payment, "mint", w.address, 999, gas=100_000)
    k.mine(2)
    b_block = k.rpc.call("eth_getBlockByNumber", hex(fork + 1), False)
    assert b_block["hash"] != a_blocks[0]["hash"]
    assert b_block["parentHash"] == a_blocks[0]["parentHash"]
    b_logs = k.rpc.call("eth_getLogs", {"fromBlock": hex(fork + 1), "toBlock": "latest"})
    assert len(b_logs) == 1 and b_logs[0]["blockNumber"] == hex(fork + 2)
    assert not {lg["transactionHash"] for lg in a_logs} & {lg["transactionHash"] for lg in b_logs}
    assert k.rpc.call("eth_getLogs", {"blockHash": a_blocks[0]["hash"]}) == a_logs[:1]  # geth serves orphans by hash
    assert k.rpc.call("eth_getBlockByHash", a_blocks[0]["hash"], False)["hash"] == a_blocks[0]["hash"]
    with pytest.raises(RpcCallError, match="not currently canonical"):
        k.rpc.call("eth_call", {"to": k.staking.address, "data": "0x18160ddd"},
                   {"blockHash": a_blocks[0]["hash"], "requireCanonical": True})


def test_eip1898_call_at_a_block_hash_sees_the_state_of_that_block(k, node):
    w = k.wallet(node.info["accounts"][0]["privateKey"])
    supply_call = {"to": k.staking.address, "data": "0x18160ddd"}
    before = k.rpc.call("eth_getBlockByNumber", "latest", False)["hash"]
    k.transact(w, k.staking, "mint", w.address, 7 * TOKEN_UNIT, gas=100_000)
    old = int(k.rpc.call("eth_call", supply_call, {"blockHash": before}), 16)
    new = int(k.rpc.call("eth_call", supply_call, "latest"), 16)
    assert new - old == 7 * TOKEN_UNIT


def test_mining_many_blocks_is_fast_enough_for_g1_clock_tests(fresh):
    import time
    t = time.perf_counter()
    fresh.call("devnode_mine", 150)
    elapsed = time.perf_counter() - t
    print(f"mined 150 empty blocks in {elapsed:.3f} s")  # measured, not asserted


def test_estimate_gas_is_enough_for_the_transaction(k, node):
    w = k.wallet(node.info["accounts"][0]["privateKey"])
    k.approve(w, k.staking, k.gr.address)
    res = k.transact(w, k.gr, "register", w.address, 100, 10 * TOKEN_UNIT, b'{"name":"e"}', estimate=True)
    assert res.ok
    used = int(res.receipt["gasUsed"], 16)
    sent = int(k.rpc.call("eth_getTransactionByHash", res.hash)["gas"], 16)
    assert used <= sent < 2 * used


def test_estimate_gas_covers_nested_calls_of_a_relayed_batch(k, node):
    from test_reverts import World
    world = World(k, node)
    g0 = world.generator(0)
    asks = [world.ask(), world.ask()]
    from devnode import enclave
    sig = enclave.batch_signature(k.me_key, asks, [g0.address] * 2, [b"", b""])
    res = k.transact(world.req, k.pmp, "relayBatchAssignTasks", asks, [g0.address] * 2, [b"", b""], sig,
                     estimate=True)
    assert res.ok, res.error
    assert [e[0] for e in res.events].count("TaskCreated") == 2
