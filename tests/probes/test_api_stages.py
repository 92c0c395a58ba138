"""Every API stage, against the simulator and against plain socket servers.

Each classification must arrive within its deadline (checked as a generous upper
bound), and 326 must be reported as soon as it arrives, not after the timeout.
"""

from __future__ import annotations

import time

import pytest

from irtui.probes.result import Status
from irtui.probes.runner import ProbeRunner
from irtui.sim import running_gateway
from tests.support.gateway import free_port, quick_config

pytestmark = pytest.mark.timeout(60)

API_TIMEOUT_S = 1.0
# The handshake deadline, plus the current-time request, plus room for a slow CI box.
BOUND_S = API_TIMEOUT_S + 1.0 + 2.0


def probe_api(port: int, **gateway: object):
    config = quick_config(port, gateway={"api_timeout_s": API_TIMEOUT_S, **gateway})
    started = time.monotonic()
    sweep = ProbeRunner(config).run(["api"])
    return sweep.results["api"], time.monotonic() - started


@pytest.mark.parametrize(
    ("scenario", "stage"),
    [
        ("healthy", "ready"),
        ("port_closed", "refused"),
        ("accept_then_close", "closed"),
        ("api_silent", "silent"),
        ("not_ready", "not_ready"),
        ("client_id_in_use", "client_id_in_use"),
    ],
)
def test_each_simulated_gateway_mode_is_classified(scenario: str, stage: str) -> None:
    with running_gateway(scenario) as gateway:
        result, took = probe_api(gateway.port)
    assert result.fact("stage") == stage
    assert took < BOUND_S
    assert result.status == (Status.OK if stage == "ready" else Status.FAIL)


def test_ready_reports_version_accounts_latency_and_notices() -> None:
    with running_gateway("healthy") as gateway:
        result, _ = probe_api(gateway.port)
    assert result.fact("server_version") == 176
    assert list(result.fact("accounts")) == ["DU0000001"]
    assert result.fact("latency_ms") is not None and result.fact("latency_ms") >= 0
    assert {2104, 2106, 2158} <= set(result.fact("error_codes"))
    assert result.fact("connectivity_lost") is False
    assert result.evidence["connection_time"]
    assert result.evidence["client_id"] == 917


def test_client_id_in_use_is_reported_before_the_deadline() -> None:
    with running_gateway("client_id_in_use") as gateway:
        result, took = probe_api(gateway.port, api_timeout_s=5.0)
    assert result.fact("stage") == "client_id_in_use"
    assert 326 in result.fact("error_codes")
    assert took < 5.0  # the deadline was 5 s: 326 must not wait it out


def test_connectivity_lost_after_1100() -> None:
    with running_gateway("connectivity_lost") as gateway:
        config = quick_config(gateway.port, market_data={"symbols": ["AAPL"]})
        result = ProbeRunner(config).run(["api", "market_data"]).results["api"]
    assert result.fact("stage") == "ready"
    assert 1100 in result.fact("error_codes")
    assert result.fact("connectivity_lost") is True
    assert result.status == Status.FAIL


def test_refused_on_a_port_nobody_listens_on() -> None:
    result, took = probe_api(free_port())
    assert result.fact("stage") == "refused"
    assert took < BOUND_S


@pytest.mark.parametrize(
    ("behaviour", "stage"),
    [
        ("silent", "silent"),
        ("close", "closed"),
        ("version_only", "not_ready"),
        ("in_use", "client_id_in_use"),
        ("too_old", "not_ready"),
    ],
)
def test_plain_socket_servers_are_classified(plain_server, behaviour: str, stage: str) -> None:
    server = plain_server(behaviour)
    result, took = probe_api(server.port)
    assert result.fact("stage") == stage, result.summary
    # 326 to irtui's own id: it tries its second reserved id once, and says so.
    assert server.accepted == (2 if stage == "client_id_in_use" else 1)
    assert result.fact("fallback_client_id") is (stage == "client_id_in_use")
    assert took < BOUND_S


def test_too_old_server_says_why(plain_server) -> None:
    server = plain_server("too_old")
    result, _ = probe_api(server.port)
    assert "too old" in result.summary
    assert result.fact("server_version") == 100


def test_api_probes_that_cannot_read_say_why(plain_server) -> None:
    server = plain_server("silent")
    config = quick_config(server.port, positions={"command": ["true"]})
    sweep = ProbeRunner(config).run(["api", "positions", "orders", "market_data"])
    assert sweep.results["positions"].summary == "API not answering — positions not read"
    for name in ("positions", "orders", "market_data"):
        assert sweep.results[name].status == Status.UNKNOWN
        assert sweep.results[name].evidence["stage"] == "silent"
    assert server.accepted == 1  # one shared connection for the four API probes


def test_one_connection_serves_all_api_probes() -> None:
    with running_gateway("healthy") as gateway:
        config = quick_config(gateway.port, market_data={"symbols": ["AAPL"]})
        ProbeRunner(config).run(["api", "orders", "market_data"])
        starts = [m for m in gateway.received if getattr(m, "name", "") == "startApi"]
    assert len(starts) == 1
