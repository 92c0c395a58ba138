"""Suite-wide fixtures, and the safety check: irtui never sends an order-modifying message.

Every SimulatedGateway created anywhere in the run is remembered with the test that
created it; when the session ends, any order message one of them recorded fails the
run. A gateway records (in `order_messages`) the order messages from irtui's probe
ids only; a trading system's orders on other ids (live drills) are not irtui's. Tests of the simulator (tests/sim/, and its verb in tests/cli/test_sim_cli.py) are exempt: they drive the simulator with their own
ib_async clients and send orders on purpose, to prove the simulator refuses them.
(Simulators run in child processes, such as `irtui demo`, are not seen here.)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from irtui.probes.api_gate import API_GATE
from irtui.probes.host import FakeHost
from irtui.sim.server import ReceivedMessage, SimulatedGateway
from tests.support.gateway import QUIET_NOW, PlainServer
from tests.trees.paths import FIXTURE_RUNBOOKS

SAFETY_EXEMPT = ("tests/sim/", "tests/cli/test_sim_cli.py")
# (test that created the gateway, that gateway's order_messages list): the list only, so
# the gateways themselves are freed as usual.
SIMULATOR_ORDER_LOGS: list[tuple[str, list[ReceivedMessage]]] = []
WORKER_VIOLATIONS: list[str] = []  # under pytest-xdist: what the workers found, gathered by the controller


def order_violations() -> list[str]:
    return [
        f"{test}: {message.name} (msg {message.msg_id}) from client {message.client_id}"
        for test, messages in SIMULATOR_ORDER_LOGS
        if not test.startswith(SAFETY_EXEMPT)
        for message in messages
    ]


@pytest.fixture(autouse=True)
def fresh_gate() -> Iterator[None]:
    """Every test starts with a fresh API gate, so its sweeps really connect."""
    API_GATE.forget()
    yield
    API_GATE.forget()


@pytest.fixture
def plain_server() -> Iterator[Callable[[str], PlainServer]]:
    servers: list[PlainServer] = []

    def start(behaviour: str) -> PlainServer:
        server = PlainServer(behaviour)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def host() -> FakeHost:
    return FakeHost(QUIET_NOW)


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "incident_log" / "INCIDENT_LOG.md"


@pytest.fixture
def fixture_runbooks(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the runbook lookup at the test runbooks, for code that reads IRTUI_RUNBOOKS."""
    monkeypatch.setenv("IRTUI_RUNBOOKS", str(FIXTURE_RUNBOOKS))
    return FIXTURE_RUNBOOKS


@pytest.fixture(autouse=True, scope="session")
def _own_tree_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`irtui render` keeps a cache of validated trees (IRTUI_CACHE): the suite keeps its
    own, never the user's (child processes inherit it)."""
    before = os.environ.get("IRTUI_CACHE")
    os.environ["IRTUI_CACHE"] = str(tmp_path_factory.mktemp("tree-cache"))
    yield
    if before is None:
        os.environ.pop("IRTUI_CACHE", None)
    else:
        os.environ["IRTUI_CACHE"] = before


@pytest.fixture(autouse=True, scope="session")
def _watch_simulators_for_orders() -> Iterator[None]:
    original = SimulatedGateway.__init__

    def remembering_init(self: SimulatedGateway, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        test = os.environ.get("PYTEST_CURRENT_TEST", "outside a test").rsplit(" (", 1)[0]
        SIMULATOR_ORDER_LOGS.append((test, self.order_messages))

    SimulatedGateway.__init__ = remembering_init  # type: ignore[method-assign]
    yield
    SimulatedGateway.__init__ = original  # type: ignore[method-assign]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """Under pytest-xdist, each worker's violations come back to the controller with it."""
    WORKER_VIOLATIONS.extend(getattr(node, "workeroutput", {}).get("order_violations", []))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: its exit status is not the run's, so the controller reports
        workeroutput["order_violations"] = order_violations()
        return
    violations = order_violations() + WORKER_VIOLATIONS
    if violations:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.section("SAFETY: order messages reached the simulated Gateway", sep="!", red=True)
            for line in violations:
                reporter.line(line, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
