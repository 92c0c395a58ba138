"""Every simulator failure mode × every probe: classified correctly, within its deadline,
no exception escaping, and nothing left behind (socket, file descriptor or thread).

One full sweep (all ten probes) per mode, through ProbeRunner with short deadlines and
a staged host, so the host probes must give the same answers whatever the Gateway does.
"""

from __future__ import annotations

import gc
import logging
import threading
import warnings
from typing import Any

import psutil
import pytest

from irtui.probes.registry import PROBES
from irtui.probes.result import ProbeResult, Status
from irtui.probes.runner import ProbeRunner
from irtui.sim import MODES, load_scenario, running_gateway
from tests.support.gateway import connections_on, full_config, settled, staged_host, threads_back_to

pytestmark = pytest.mark.timeout(60)

API_TIMEOUT_S = 1.0
REQUEST_TIMEOUT_S = 1.0
SAMPLE_S = 1.2  # the orders probe's sampling window
DROP_AFTER_S = 0.6  # drop_after: the connection dies, after the handshake, inside the orders probe's window
SLACK_S = 3.0  # a loaded CI machine; the bound is an upper bound, not a speed target
SWEEP_BOUND_S = API_TIMEOUT_S + REQUEST_TIMEOUT_S + SAMPLE_S + SLACK_S
FD_SLACK = 2  # lazily opened files elsewhere in the process; a leaked socket also shows in connections_on

API_STAGE = {
    "healthy": "ready",
    "refuse": "refused",
    "close": "closed",
    "silent": "silent",
    "not_ready": "not_ready",
    "client_id_in_use": "client_id_in_use",
    "drop_after": "dropped",
    "unanswered": "unanswered",
}
STAGE_WORDS = {
    "refused": "API port refused",
    "closed": "API closed the connection",
    "silent": "API not answering",
    "not_ready": "API not ready",
    "client_id_in_use": "probe client id in use",
    "unanswered": "API answers nothing",
    "dropped": "API connection dropped",
}
WHAT = {"positions": "positions", "orders": "orders", "market_data": "market data", "fills": "fills"}
HOST_FACTS = {
    "gateway_process": {"running": True, "count": 1, "kind": "gateway"},
    "kill_switch": {"active": False},
    "heartbeat": {"present": True, "stale": False, "broker_connected": True},
    "system_log": {"disconnects": 0, "reconnect_exhausted": False, "rejections": 0},
    "reset_window": {"in_window": False, "sunday_relogin": False},
    "ibc_log": {"twofa": "done", "restart": "auto_restart", "login_failed": False, "existing_session": False},
}
HEALTHY_DATA = {
    "positions": {"all_match": True, "discrepancy": "none", "mismatch_count": 0},
    "orders": {"open_orders": 1, "still_placing": False, "over_rate_limit": False, "over_daily_limit": False},
    "market_data": {"receiving": True, "stale": False, "data_type": "live", "competing_session": False},
    "fills": {"reconciled": True, "missed": 0},
}


def expected(mode: str, name: str) -> tuple[Status, dict[str, Any], str | None]:
    """(status, facts, a phrase the summary must contain) for one probe in one mode."""
    stage = API_STAGE[mode]
    if name in HOST_FACTS:
        return Status.OK, HOST_FACTS[name], None
    if name == "ports":
        if mode == "refuse":
            return Status.FAIL, {"trading_port_state": "refused", "any_open": False}, "refused"
        return Status.OK, {"trading_port_state": "open", "any_open": True}, "accepts TCP"
    if name == "api":
        return (Status.OK if stage == "ready" else Status.FAIL), {"stage": stage}, STAGE_WORDS.get(stage, "API ready")
    if stage == "unanswered":
        return Status.UNKNOWN, {}, None  # each request's own deadline says what got no answer
    if stage == "dropped" and name == "orders":
        # Its second read comes after the Gateway dropped the connection.
        return Status.UNKNOWN, {}, "closed the API connection"
    if stage == "dropped":
        return Status.OK, HEALTHY_DATA[name], None  # read before the drop: what was read stands
    if stage != "ready":
        return Status.UNKNOWN, {}, f"{STAGE_WORDS[stage]} — {WHAT[name]} not read"
    return Status.OK, HEALTHY_DATA[name], None


def mismatches(mode: str, result: ProbeResult) -> list[str]:
    status, facts, phrase = expected(mode, result.name)
    found = []
    if result.status != status:
        found.append(f"status {result.status.value}, expected {status.value}")
    for fact, value in facts.items():
        if result.fact(fact) != value:
            found.append(f"{fact}={result.fact(fact)!r}, expected {value!r}")
    if phrase and phrase not in result.summary:
        found.append(f"summary {result.summary!r} lacks {phrase!r}")
    stage_differs = result.evidence.get("stage") != API_STAGE[mode]
    if status == Status.UNKNOWN and result.name != "api" and API_STAGE[mode] not in ("ready", "unanswered", "dropped") and stage_differs:
        found.append(f"evidence stage {result.evidence.get('stage')!r}, expected {API_STAGE[mode]!r}")
    if "failed (" in result.summary or "Traceback" in result.summary:
        found.append(f"an exception reached the result: {result.summary!r}")
    # The sweep's deadline is SWEEP_BOUND_S and each host probe's its own: a probe whose own
    # deadlines did not end it is cut by one of those, and says so.
    if "Did not finish within the sweep's" in result.summary or "No answer within" in result.summary:
        found.append(f"cut by a deadline, not ended by its own: {result.summary!r}")
    return [f"{mode} × {result.name}: {problem}" for problem in found]


def test_the_matrix_covers_every_mode_and_probe() -> None:
    assert set(API_STAGE) == set(MODES)
    assert set(HOST_FACTS) | {"ports", "api"} | set(HEALTHY_DATA) == set(PROBES)


@pytest.mark.parametrize("mode", MODES)
def test_every_probe_in_every_mode(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="asyncio")
    process = psutil.Process()
    gc.collect()
    threads, fds = threading.active_count(), process.num_fds()
    scenario = load_scenario("healthy").model_copy(update={"mode": mode, "drop_after_s": DROP_AFTER_S})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with running_gateway(scenario) as gateway:
            config = full_config(gateway.port, sample_s=SAMPLE_S, api_timeout_s=API_TIMEOUT_S, request_timeout_s=REQUEST_TIMEOUT_S)
            config = config.model_copy(update={"probes": config.probes.model_copy(update={"sweep_timeout_s": SWEEP_BOUND_S})})
            sweep = ProbeRunner(config, staged_host(gateway.port)).run()
            port = gateway.port
            assert settled(lambda: all(c.status == psutil.CONN_LISTEN for c in connections_on(port))), connections_on(port)
            assert gateway.order_messages == []
        gc.collect()

    assert set(sweep.results) == set(PROBES) and not sweep.skipped
    problems = [problem for result in sweep.results.values() for problem in mismatches(mode, result)]
    assert not problems, "\n".join(problems)
    assert settled(lambda: not connections_on(port)), connections_on(port)
    assert settled(lambda: threads_back_to(threads)), threading.enumerate()
    assert settled(lambda: process.num_fds() <= fds + FD_SLACK), (fds, process.num_fds())
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)], [str(w.message) for w in caught]
    assert not [r for r in caplog.records if r.name == "asyncio"], [r.getMessage() for r in caplog.records]
