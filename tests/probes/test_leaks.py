"""Sweeps leave nothing behind: no socket on either side, no fd, thread or pending task.

The simulator runs in this process (a daemon thread), so this process's connections
show both ends: the probe's client sockets and the simulator's accepted ones.
"""

from __future__ import annotations

import gc
import logging
import threading
import warnings

import psutil
import pytest

from irtui.probes.host import FakeHost
from irtui.probes.runner import ProbeRunner
from irtui.sim import running_gateway
from tests.support.gateway import QUIET_NOW, connections_on, quick_config, settled

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]

API_AND_NETWORK = ["ports", "api", "positions", "orders", "market_data"]
FD_SLACK = 4


def only_the_listener(port: int) -> bool:
    return all(c.status == psutil.CONN_LISTEN for c in connections_on(port))


def staged_host() -> FakeHost:
    host = FakeHost(QUIET_NOW)
    host.write_file("/srv/trader/positions.json", '{"AAPL": 100, "MSFT": -20}')
    return host


def run_sweeps(scenario: str, count: int, **gateway: object) -> int:
    """Run `count` sweeps, check nothing is left over; returns the API sessions the sim saw."""
    process = psutil.Process()
    with running_gateway(scenario) as sim:
        config = quick_config(
            sim.port,
            gateway=dict(gateway),
            positions={"source": "/srv/trader/positions.json"},
            market_data={"symbols": ["AAPL"]},
        )
        runner = ProbeRunner(config, staged_host())
        runner.run(API_AND_NETWORK)  # warm-up: imports and lazy caches are not leaks
        assert settled(lambda: only_the_listener(sim.port))
        gc.collect()
        fds, threads = process.num_fds(), threading.active_count()
        for _ in range(count):
            runner.run(API_AND_NETWORK)
        assert settled(lambda: only_the_listener(sim.port)), connections_on(sim.port)
        leftover = [c for c in connections_on(sim.port) if c.status == psutil.CONN_CLOSE_WAIT]
        assert not leftover
        gc.collect()
        assert settled(lambda: process.num_fds() <= fds + FD_SLACK), (fds, process.num_fds())
        assert settled(lambda: threading.active_count() <= threads), threading.enumerate()
        return sum(1 for m in sim.received if m.name == "startApi")


def test_100_healthy_sweeps_leave_nothing_open(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="asyncio")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        # Each session still watches the Gateway after the handshake (its timed wait, its
        # cleanup), only briefly: at the default 0.25 s, 100 sweeps spent 25 s watching.
        sessions = run_sweeps("healthy", 100, observe_s=0.01)
        gc.collect()
    assert sessions == 101  # every sweep really connected (plus the warm-up)
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert not [r for r in caplog.records if r.name == "asyncio"], [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize("scenario", ["api_silent", "not_ready", "accept_then_close", "client_id_in_use"])
def test_failed_handshakes_leave_nothing_open(scenario: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="asyncio")
    run_sweeps(scenario, 10, api_timeout_s=0.3)
    assert not [r for r in caplog.records if r.name == "asyncio"]


def test_a_sweep_cut_short_by_its_deadline_still_closes_the_socket() -> None:
    with running_gateway("api_silent") as sim:
        config = quick_config(sim.port, gateway={"api_timeout_s": 5.0}, probes={"sweep_timeout_s": 0.5})
        sweep = ProbeRunner(config).run(["api"])
        # Cut by the sweep's deadline, not the handshake's (which would say stage silent).
        assert sweep.results["api"].fact("stage") is None
        assert "sweep" in sweep.results["api"].summary
        assert settled(lambda: only_the_listener(sim.port)), connections_on(sim.port)
