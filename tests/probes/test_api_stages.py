"""Every API stage, against the simulator and against plain socket servers.

Each classification must come from its own deadline or event, and 326 must be reported
as soon as it arrives, not after the timeout. None of this is timed: the sweep has a
deadline of its own (quick_config's probes.sweep_timeout_s), and a probe it cuts is
`unknown` with no stage. So a stage in the result proves the probe ended by itself
before the sweep's deadline; where a test sets a deadline longer than the sweep's, the
stage proves that deadline was not waited out.
"""

from __future__ import annotations

import pytest

from irtui.probes.result import ProbeResult, Status
from irtui.probes.runner import ProbeRunner
from irtui.sim import load_scenario, running_gateway
from tests.support.gateway import free_port, quick_config
from tests.support.hostile_gateway import HostileGateway

pytestmark = pytest.mark.timeout(60)

API_TIMEOUT_S = 1.0
SWEEP_S = quick_config(1).probes.sweep_timeout_s  # cuts any probe still running: it is then unknown, with no stage


def probe_api(port: int, **gateway: object) -> ProbeResult:
    config = quick_config(port, gateway={"api_timeout_s": API_TIMEOUT_S, **gateway})
    assert config.probes.sweep_timeout_s == SWEEP_S
    return ProbeRunner(config).run(["api"]).results["api"]


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
        result = probe_api(gateway.port)
    assert result.fact("stage") == stage, result.summary
    assert result.status == (Status.OK if stage == "ready" else Status.FAIL)


def test_ready_reports_version_accounts_latency_and_notices() -> None:
    with running_gateway("healthy") as gateway:
        result = probe_api(gateway.port)
    assert result.fact("server_version") == 176
    assert list(result.fact("accounts")) == ["DU0000001"]
    assert result.fact("latency_ms") is not None and result.fact("latency_ms") >= 0
    assert {2104, 2106, 2158} <= set(result.fact("error_codes"))
    assert result.fact("connectivity_lost") is False
    assert result.evidence["connection_time"]
    assert result.evidence["client_id"] == 917


def test_client_id_in_use_is_reported_before_the_deadline() -> None:
    """A handshake deadline far past the sweep's: had 326 waited it out, the sweep would have cut the probe."""
    with running_gateway("client_id_in_use") as gateway:
        result = probe_api(gateway.port, api_timeout_s=10 * SWEEP_S)
    assert result.fact("stage") == "client_id_in_use", result.summary
    assert 326 in result.fact("error_codes")


def test_connectivity_lost_after_1100() -> None:
    with running_gateway("connectivity_lost") as gateway:
        config = quick_config(gateway.port, market_data={"symbols": ["AAPL"]})
        result = ProbeRunner(config).run(["api", "market_data"]).results["api"]
    assert result.fact("stage") == "ready"
    assert 1100 in result.fact("error_codes")
    assert result.fact("connectivity_lost") is True
    assert result.status == Status.FAIL


def test_refused_on_a_port_nobody_listens_on() -> None:
    result = probe_api(free_port())
    assert result.fact("stage") == "refused", result.summary


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
    result = probe_api(server.port)
    assert result.fact("stage") == stage, result.summary
    # 326 to irtui's own id: it tries its second reserved id once, and says so.
    assert server.accepted == (2 if stage == "client_id_in_use" else 1)
    assert result.fact("fallback_client_id") is (stage == "client_id_in_use")


def test_a_reset_while_the_ready_session_reads_is_a_drop() -> None:
    """A TCP reset (RST) at the session's first request, after nextValidId and the accounts."""
    with HostileGateway("reset_after_handshake") as gateway:
        result = probe_api(gateway.port)
    assert (result.fact("stage"), result.status) == ("dropped", Status.FAIL), result.summary
    assert list(result.fact("accounts")) == ["DU0000001"]  # kept, though ib_async forgets them on close


def test_a_gateway_that_drops_clients_a_moment_after_the_handshake_is_seen() -> None:
    """The `drop` scenario closes each connection 0.05 s after its handshake; the session's
    short watch after the handshake (gateway.observe_s) sees it, whatever it read first."""
    with running_gateway("drop") as gateway:
        config = quick_config(gateway.port, market_data={"symbols": ["AAPL"]}, gateway={"api_timeout_s": API_TIMEOUT_S})
        sweep = ProbeRunner(config).run(["api", "market_data"])
    api = sweep.results["api"]
    assert (api.fact("stage"), api.status) == ("dropped", Status.FAIL), api.summary
    assert api.fact("connectivity_lost") is False  # its notices were read before the drop
    assert sweep.results["market_data"].status in (Status.OK, Status.UNKNOWN)  # read before, or cut by, the drop


def test_a_later_drop_is_seen_when_the_watch_is_longer() -> None:
    """observe_s is the principle, not the scenario's number: a drop 0.5 s after the handshake
    is a drop for a session that watches longer. The watch asked for outlasts the sweep, so the
    stage also proves the watch ended at the drop, not at its end."""
    watch_s = 10.0
    assert watch_s > SWEEP_S
    scenario = load_scenario("drop").model_copy(update={"drop_after_s": 0.5})
    with running_gateway(scenario) as gateway:
        result = probe_api(gateway.port, observe_s=watch_s, request_timeout_s=watch_s, api_timeout_s=watch_s)
    assert result.fact("stage") == "dropped", result.summary


def test_the_watch_after_the_handshake_is_bounded_by_the_request_deadline() -> None:
    """10 s of watch asked for, past the sweep's deadline: a ready result proves the 0.5 s request deadline ended it."""
    assert SWEEP_S < 10.0
    with running_gateway("healthy") as gateway:
        result = probe_api(gateway.port, observe_s=10.0, request_timeout_s=0.5)
    assert result.fact("stage") == "ready", result.summary


def test_farm_notices_rate_the_api_by_what_the_farm_serves() -> None:
    """2105/2157 (historical-data, sec-def farms) are named but leave the API OK; 2103 (the
    market-data farm) warns; 2104/2106/2158 are OK."""
    with running_gateway("hmds_secdef_broken") as gateway:
        hmds = probe_api(gateway.port)
    with running_gateway("farm_broken") as gateway:
        market = probe_api(gateway.port)
    with running_gateway("healthy") as gateway:
        healthy = probe_api(gateway.port)
    assert hmds.status == Status.OK and "historical-data farm and sec-def farm broken" in hmds.summary
    assert market.status == Status.WARN and "market-data farm broken" in market.summary
    assert healthy.status == Status.OK and "broken" not in healthy.summary
    assert {2104, 2106, 2158} <= set(healthy.fact("error_codes"))


def test_too_old_server_says_why(plain_server) -> None:
    server = plain_server("too_old")
    result = probe_api(server.port)
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
