"""The handshake deadline (`--timeout`) bounds every wait of an API session, not only
the handshake: a market-data snapshot that never ends, or positions that never arrive,
are given up on within it, however long `request_timeout_s` is.

The guard is the module's timeout (60 s) against request deadlines of 120 s: a wait
not bounded by `--timeout` fails the test instead of slowing it.
"""

from __future__ import annotations

import pytest

from irtui.probes.result import Status
from irtui.probes.runner import ProbeRunner
from irtui.sim import load_scenario, running_gateway
from irtui.sim.scenario import MarketDataSpec
from tests.support.gateway import quick_config

pytestmark = pytest.mark.timeout(60)

LONG_REQUEST_S = 120.0


def test_timeout_bounds_the_market_data_wait() -> None:
    hangs = MarketDataSpec(behaviour="absent", snapshot_end_after_s=None)  # no ticks, no end, no error
    scenario = load_scenario("healthy").model_copy(update={"market_data": {}, "default_market_data": hangs})
    with running_gateway(scenario) as sim:
        config = quick_config(
            sim.port,
            gateway={"request_timeout_s": LONG_REQUEST_S},
            probes={"timeout_s": LONG_REQUEST_S, "sweep_timeout_s": 2 * LONG_REQUEST_S},
            market_data={"symbols": ["AAPL"]},
        ).with_overrides(timeout=0.5)
        assert config.gateway.request_wait_s == 0.5
        result = ProbeRunner(config).run(["market_data"]).results["market_data"]
    [row] = result.evidence["symbols"]
    assert row["symbol"] == "AAPL" and row["snapshot_finished"] is False and row["receiving"] is False
    assert result.status != Status.OK


def test_timeout_bounds_the_positions_wait() -> None:
    scenario = load_scenario("healthy").model_copy(update={"startup_hang": True})
    with running_gateway(scenario) as sim:
        config = quick_config(sim.port, gateway={"request_timeout_s": LONG_REQUEST_S}, positions={"source": "positions.json"})
        config = config.with_overrides(timeout=0.5)
        result = ProbeRunner(config).run(["positions"]).results["positions"]
    assert result.status == Status.UNKNOWN
    assert "did not arrive within 0.5s" in result.summary


def test_without_timeout_the_request_deadline_applies_when_shorter() -> None:
    config = quick_config(1, gateway={"api_timeout_s": 5.0, "request_timeout_s": 2.0})
    assert config.gateway.request_wait_s == 2.0
