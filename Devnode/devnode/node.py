"""Start a devnode: chain (fresh or restored from a state file), contracts, JSON-RPC server, info JSON."""
from __future__ import annotations

import gc
import json
import os
import time
from pathlib import Path

from . import kalypso
from .build import PROJECT_ROOT
from .chain import ChainSettings, DevChain
from .client import LocalRpc
from .enclave import address_of
from .rpc import Dispatcher, RpcServer

DEFAULT_INFO_FILE = PROJECT_ROOT / ".devnode" / "info.json"


class Devnode:
    """An in-process devnode. `Devnode.start(...)` returns a running node; `stop()` shuts it down."""

    def __init__(self, chain: DevChain, info: dict, server: RpcServer | None, dispatcher: Dispatcher,
                 state_file: Path | None):
        self.chain = chain
        self.info = info
        self.server = server
        self.dispatcher = dispatcher
        self.state_file = state_file

    @property
    def rpc(self) -> LocalRpc:
        return LocalRpc(self.dispatcher)

    @classmethod
    def start(cls, host: str = "127.0.0.1", port: int = 0, state_file: str | None = None,
              settings: ChainSettings | None = None, accounts: int = 10, legacy: bool = True,
              serve: bool = True, genesis_timestamp: int | None = None) -> "Devnode":
        settings = settings or ChainSettings()
        keys = kalypso.Keys.default(accounts)
        path = Path(state_file) if state_file else None
        info = None
        if path is not None and path.exists():
            chain = DevChain.load(path.read_bytes(), settings)
            meta_path = path.with_name(path.name + ".info.json")
            info = json.loads(meta_path.read_text())
        else:
            chain = DevChain(settings, keys.funded(), genesis_timestamp or int(time.time()))
        dispatcher = Dispatcher(chain)
        node = cls(chain, {}, None, dispatcher, path)
        if info is None:
            automine = settings.automine
            settings.automine = True
            info = kalypso.deploy(LocalRpc(dispatcher), keys, settings.chain_id, legacy=legacy)
            settings.automine = automine
        # py-evm allocates many small objects per transaction; with default thresholds the cyclic GC rescans the
        # whole (large, long-lived) heap often, which doubled the time per transaction here.
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 50, 100)
        dispatcher.info = info
        dispatcher.on_save = node.save if path is not None else None
        node.info = info
        if serve:
            node.server = RpcServer(dispatcher, host, port)
            info["rpcUrl"] = node.server.url
            node.server.start()
        info["pid"] = os.getpid()
        info["stateFile"] = str(path) if path else None
        info["headBlock"] = chain.head().number
        info["settings"] = {"automine": settings.automine, "blockTime": settings.block_time,
                            "maxLogsRange": settings.max_logs_range, "maxLogsResults": settings.max_logs_results}
        info["schema"] = "kalypso-devnode-info/1"
        return node

    def save(self) -> None:
        if self.state_file is None:
            return
        blob = self.chain.dump()
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(self.state_file.suffix + ".tmp")
        tmp.write_bytes(blob)
        tmp.replace(self.state_file)
        meta = {k: v for k, v in self.info.items() if k not in ("rpcUrl", "pid")}
        self.state_file.with_name(self.state_file.name + ".info.json").write_text(json.dumps(meta))

    def write_info(self, path: Path = DEFAULT_INFO_FILE) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.info, indent=1) + "\n")
        tmp.replace(path)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        self.save()


__all__ = ["Devnode", "DEFAULT_INFO_FILE", "address_of"]
