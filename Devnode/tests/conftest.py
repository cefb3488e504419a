import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from devnode.client import HttpRpc  # noqa: E402
from devnode.kalypso import Kalypso  # noqa: E402
from devnode.node import Devnode  # noqa: E402


@pytest.fixture(scope="session")
def node():
    n = Devnode.start(port=0, serve=True)
    yield n
    n.stop()


@pytest.fixture(scope="session")
def http(node):
    return HttpRpc(node.info["rpcUrl"])


@pytest.fixture
def fresh(node, http):
    """Each test runs on top of the deployed contracts and is rolled back with snapshot/revert."""
    sid = http.call("devnode_snapshot")
    node.chain.settings.automine = True
    yield http
    node.chain.settings.automine = True
    node.chain.settings.max_logs_range = 0
    node.chain.settings.max_logs_results = 0
    assert http.call("devnode_revert", sid) is True


@pytest.fixture
def k(fresh, node):
    return Kalypso(fresh, node.info, "current")
