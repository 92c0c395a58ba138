"""Every probe, in many situations, puts exactly the registry's facts at the top of its
evidence, each of the registry's type (or None when it cannot be known)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from irtui.probes.host import FakeHost
from irtui.probes.registry import PROBES
from irtui.probes.result import ProbeResult, Status
from irtui.probes.runner import ProbeRunner
from irtui.sim import running_gateway
from tests.support.gateway import GATEWAY_CMDLINE, QUIET_NOW, free_port, quick_config

pytestmark = pytest.mark.timeout(120)

SCALAR = {
    "bool": lambda v: isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
}
FILES = {
    "kill": "/srv/trader/KILL_SWITCH",
    "heartbeat": "/srv/trader/heartbeat.json",
    "log": "/srv/trader/trader.log",
    "positions": "/srv/trader/positions.json",
    "ibc": "/opt/ibc/logs/ibc.txt",
    "fills": "/srv/trader/fills.csv",
}


def fact_problems(result: ProbeResult) -> list[str]:
    spec = PROBES[result.name]
    problems = [f"missing fact {name}" for name in spec.facts if name not in result.evidence]
    for name, fact in spec.facts.items():
        value = result.evidence.get(name)
        if value is None:
            continue
        if fact.type.startswith("list["):
            inner = SCALAR[fact.type[5:-1]]
            if not isinstance(value, (list, tuple)) or not all(inner(v) for v in value):
                problems.append(f"{name}={value!r} is not {fact.type}")
        elif not SCALAR[fact.type](value):
            problems.append(f"{name}={value!r} is not {fact.type}")
        elif fact.values and value not in fact.values:
            problems.append(f"{name}={value!r} not in {fact.values}")
    if result.status != Status.UNKNOWN and all(result.evidence.get(n) is None for n in spec.facts):
        problems.append("a known result with no fact at all")
    return problems


def staged(variant: int) -> FakeHost:
    """Three different hosts: nothing set up, a healthy one, an alarming one."""
    host = FakeHost(QUIET_NOW if variant != 2 else QUIET_NOW.replace(hour=5, minute=30))
    if variant == 0:
        return host
    if variant == 1:
        host.add_process(4242, "java", GATEWAY_CMDLINE, uptime_s=3600, listening=[4002])
        host.write_file(FILES["heartbeat"], json.dumps({"ibkr_connected": True}), age_s=2)
        host.write_file(FILES["log"], "INFO all quiet\n")
        host.write_file(FILES["positions"], json.dumps({"AAPL": 100, "MSFT": -20}))
        host.write_file(FILES["ibc"], "IBC: Auto-restart\nIBC: Login has completed\n")
        host.write_file(FILES["fills"], "time,symbol,side,quantity,price\n2026-01-27T14:00:00Z,AAPL,BOT,100,180.5\n")
        return host
    host.add_process(1, "ibgateway", [], uptime_s=None, listening=None)
    host.add_process(2, "tws", [], uptime_s=90000, listening=[7497])
    host.write_file(FILES["kill"], json.dumps({"reason": "daily loss limit", "trigger": "drawdown", "at": "2026-01-27T04:00:00Z"}))
    host.write_file(FILES["heartbeat"], "ibkr_connected: false\n", age_s=600)
    host.write_file(
        FILES["log"],
        "ERROR ibkr disconnected\nPREFLIGHT REJECT: reason: rate limit\nError 201, reqId 7: Order rejected\nreconnect attempts exhausted\n",
    )
    host.write_file(FILES["positions"], "not json")
    host.write_file(FILES["ibc"], "IBC: Existing session detected\nSecond Factor Authentication timed out\nLogin failed\n")
    host.write_file(FILES["fills"], "not,a,ledger\n")
    return host


@pytest.fixture(scope="module")
def results() -> dict[str, list[ProbeResult]]:
    from irtui.probes.api_gate import API_GATE

    collected: dict[str, list[ProbeResult]] = defaultdict(list)
    sections: dict[str, dict[str, Any]] = {
        "kill_switch": {"path": FILES["kill"]},
        "heartbeat": {"path": FILES["heartbeat"]},
        "system_log": {"path": FILES["log"]},
        "positions": {"source": FILES["positions"]},
        "market_data": {"symbols": ["AAPL", "MSFT", "NOPE"]},
        "reset_window": {"regions": ["north_america", "europe", "asia"]},
        "ibc": {"path": FILES["ibc"]},
        "fills": {"source": FILES["fills"]},
    }
    targets = ["healthy", "runaway_orders", "stale_data", "not_subscribed", "competing_session", "not_ready", "api_silent"]
    for index, scenario in enumerate(targets):
        with running_gateway(scenario) as sim:
            API_GATE.forget()
            sweep = ProbeRunner(quick_config(sim.port, **sections), staged(index % 3)).run()
            for result in sweep.results.values():
                collected[result.name].append(result)
    API_GATE.forget()
    refused = ProbeRunner(quick_config(free_port(), **sections), staged(0)).run()
    for result in refused.results.values():
        collected[result.name].append(result)
    return collected


@pytest.mark.parametrize("name", list(PROBES))
def test_facts_match_the_registry(results: dict[str, list[ProbeResult]], name: str) -> None:
    assert results[name], f"probe {name} never ran"
    for result in results[name]:
        assert fact_problems(result) == [], (result.status, result.summary)


@pytest.mark.parametrize("name", list(PROBES))
def test_each_probe_was_seen_in_more_than_one_state(results: dict[str, list[ProbeResult]], name: str) -> None:
    summaries = {r.summary for r in results[name]}
    assert len(summaries) > 1, summaries


def test_unknown_results_say_why(results: dict[str, list[ProbeResult]]) -> None:
    unknowns = [r for rs in results.values() for r in rs if r.status == Status.UNKNOWN]
    assert unknowns
    for result in unknowns:
        assert result.summary and all(result.evidence[f] is None for f in PROBES[result.name].facts)


def test_results_round_trip_through_json(results: dict[str, list[ProbeResult]]) -> None:
    for result in (r for rs in results.values() for r in rs):
        again = ProbeResult.from_dict(json.loads(json.dumps(result.to_dict())))
        assert again.summary == result.summary and again.status == result.status
