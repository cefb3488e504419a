"""`python -m devnode serve` as a process: first stdout line is the info JSON, SIGTERM stops it cleanly, the state
file restores the chain."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from devnode.client import HttpRpc

DEVNODE_DIR = Path(__file__).resolve().parent.parent
INFO_KEYS = {"schema", "rpcUrl", "chainId", "deploymentBlock", "headBlock", "contracts", "legacyContracts", "admin",
             "treasury", "matchingEngine", "attestationSigner", "matchingEngineImage", "accounts", "tokenBalance",
             "marketCreationCost", "pid", "stateFile", "settings"}
CONTRACT_KEYS = {"generatorRegistry", "proofMarketplace", "entityKeyRegistry", "deploymentBlock", "askCreatedVariant",
                 "stakingToken", "paymentToken", "mockVerifier", "attestationVerifier"}


def start(tmp_path, *extra):
    proc = subprocess.Popen(
        [sys.executable, "-m", "devnode", "serve", "--port", "0", "--info-file", str(tmp_path / "info.json"), *extra],
        cwd=DEVNODE_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line, proc.stderr.read()
    return proc, json.loads(line)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    proc.stdout.close()
    proc.stderr.close()


def test_serve_prints_info_stops_on_sigterm_and_restores_state(tmp_path):
    state = tmp_path / "chain.state"
    proc, info = start(tmp_path, "--state-file", str(state), "--no-legacy")
    try:
        assert set(info) == INFO_KEYS
        assert set(info["contracts"]) == CONTRACT_KEYS and info["legacyContracts"] is None
        assert json.loads((tmp_path / "info.json").read_text()) == info
        assert info["pid"] == proc.pid
        rpc = HttpRpc(info["rpcUrl"])
        assert int(rpc.call("eth_chainId"), 16) == info["chainId"]
        code = rpc.call("eth_getCode", info["contracts"]["proofMarketplace"], "latest")
        assert len(code) > 1000
        rpc.call("devnode_mine", 3)
        head = rpc.call("eth_getBlockByNumber", "latest", False)
    finally:
        stop(proc)
    assert state.exists()
    proc, info2 = start(tmp_path, "--state-file", str(state))
    try:
        rpc = HttpRpc(info2["rpcUrl"])
        assert rpc.call("eth_getBlockByNumber", "latest", False) == head
        assert info2["contracts"] == info["contracts"]
        rpc.call("devnode_mine", 1)
        assert int(rpc.call("eth_blockNumber"), 16) == int(head["number"], 16) + 1
    finally:
        stop(proc)
    assert not os.path.exists(str(state) + ".tmp")
