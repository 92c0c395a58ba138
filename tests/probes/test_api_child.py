"""The API session's collection in a child process (`irtui probe`, `irtui diagnose`):
the same readings, judged the same, as collecting in process; every wait on the child
bounded; a child that cannot start or dies leaves the collection to this process; the
child reaped on every way out; the collection importing neither pydantic, the
configuration nor psutil."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest

from irtui.probes import api_child
from irtui.probes.api_child import ChildCollector, start_early, take
from irtui.probes.api_gate import ApiGate
from irtui.probes.registry import PROBES
from irtui.probes.result import Status
from irtui.probes.runner import ProbeRunner, Sweep
from irtui.sim import load_scenario, running_gateway
from tests.support.gateway import free_port, full_config, quick_config, staged_host
from tests.support.processes import reaped

pytestmark = pytest.mark.timeout(60)

DROP_AFTER_S = 0.6
OBSERVE_S = 1.0  # the watch after the handshake outlasts the drop
NEVER_ANSWERS = [sys.executable, "-c", "import time; time.sleep(60)"]


def not_here(*args: Any) -> Any:
    raise AssertionError("collected in process although the child was there")


def comparable(sweep: Sweep) -> dict[str, Any]:
    """A sweep without what differs from one run to the next: times and ages, and the
    numbers in summaries (round trips, ages)."""
    out = {}
    for name, result in sweep.results.items():
        facts = {fact: result.evidence.get(fact) for fact in PROBES[name].facts if not fact.endswith(("_s", "_ms"))}
        out[name] = (result.status, re.sub(r"\d+(\.\d+)?", "#", result.summary), facts, result.evidence.get("stage"), dict(result.unknown))
    return out


def sweep_both_ways(mode: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Sweep, Sweep, ChildCollector]:
    scenario = load_scenario("healthy").model_copy(update={"mode": mode, "drop_after_s": DROP_AFTER_S})
    with running_gateway(scenario) as gateway:
        config = full_config(gateway.port, sample_s=0, observe_s=OBSERVE_S)
        here = ProbeRunner(config, staged_host(gateway.port), gate=ApiGate()).run()
        collector = ChildCollector()
        monkeypatch.setattr("irtui.probes.api_session.InProcess.collect", not_here)
        try:
            there = ProbeRunner(config, staged_host(gateway.port), gate=ApiGate(), collector=collector).run()
        finally:
            collector.close()
        assert gateway.order_messages == []
    return here, there, collector


@pytest.mark.parametrize(("mode", "stage"), [("healthy", "ready"), ("drop_after", "dropped"), ("silent", "silent"), ("refuse", "refused"), ("client_id_in_use", "client_id_in_use")])
def test_the_child_collects_what_this_process_would(mode: str, stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    here, there, collector = sweep_both_ways(mode, monkeypatch)
    assert there.results["api"].fact("stage") == stage
    assert comparable(there) == comparable(here)
    assert set(there.results) == set(PROBES)
    assert collector.closed and collector.pid is None


def test_the_child_answered_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    with running_gateway("healthy") as gateway:
        config = full_config(gateway.port, sample_s=0)
        collector = ChildCollector()
        pid = collector.pid
        monkeypatch.setattr("irtui.probes.api_session.InProcess.collect", not_here)
        sweep = ProbeRunner(config, staged_host(gateway.port), gate=ApiGate(), collector=collector).run(["api", "orders"])
    assert sweep.results["api"].fact("stage") == "ready" and sweep.results["orders"].status == Status.OK
    assert pid is not None and reaped(pid)


def test_a_child_that_never_answers_is_killed_at_its_deadline() -> None:
    port = free_port()
    config = quick_config(port, gateway={"api_timeout_s": 0.2, "request_timeout_s": 0.2})
    collector = ChildCollector(NEVER_ANSWERS)
    collector.allowance_s = 0.2
    pid = collector.pid
    sweep = ProbeRunner(config, gate=ApiGate(), collector=collector).run(["api", "positions", "orders"])
    for name in ("api", "orders"):
        assert sweep.results[name].status == Status.UNKNOWN
        assert "collector process did not answer within" in sweep.results[name].summary
    assert sweep.skipped["positions"]  # not configured: never asked of the child
    assert pid is not None and reaped(pid)


@pytest.mark.parametrize("command", [["/nonexistent/irtui-collector"], [sys.executable, "-c", "pass"], [sys.executable, "-c", "import sys; sys.stdout.write('junk' * 9)"]])
def test_a_child_that_cannot_start_dies_or_garbles_leaves_the_collection_here(command: list[str]) -> None:
    with running_gateway("healthy") as gateway:
        config = full_config(gateway.port, sample_s=0)
        collector = ChildCollector(command)
        pid = collector.pid
        sweep = ProbeRunner(config, staged_host(gateway.port), gate=ApiGate(), collector=collector).run(["api", "positions"])
    assert sweep.results["api"].fact("stage") == "ready", sweep.results["api"].summary
    assert sweep.results["positions"].status == Status.OK
    assert pid is None or reaped(pid)


def test_the_plan_sent_ahead_is_the_one_collected() -> None:
    from irtui.probes.readings import api_plan

    with running_gateway("healthy") as gateway:
        config = full_config(gateway.port, sample_s=0)
        collector = ChildCollector()
        pid = collector.pid
        collector.send(api_plan(config, {"api", "fills"}))
        sweep = ProbeRunner(config, staged_host(gateway.port), gate=ApiGate(), collector=collector).run(["api", "fills"])
        sessions = [event for event in gateway.connection_log if event.event == "session"]
    assert len(sessions) == 1  # one API session, the child's
    assert sweep.results["api"].fact("stage") == "ready" and sweep.results["fills"].status == Status.OK
    assert pid is not None and reaped(pid)


def test_closing_kills_and_reaps_a_child_at_any_moment() -> None:
    collector = ChildCollector(NEVER_ANSWERS)
    pid = collector.pid
    collector.close()
    collector.close()
    assert pid is not None and reaped(pid)


def test_the_command_line_guess_and_the_command_agree_on_when_to_start_a_child() -> None:
    assert start_early(["log", "list"]) is None
    assert start_early(["probe", "--help"]) is None
    assert start_early(["probe", "ports", "reset_window", "--json"]) is None
    assert take(False) is None
    for args in (["probe"], ["probe", "--json", "orders"], ["diagnose", "connection_loss"]):
        early = start_early(args)
        assert early is not None and early.pid is not None
        pid = early.pid
        assert take(False) is None  # the command wants no API probe after all: killed
        assert reaped(pid)
    early = start_early(["probe", "api"])
    assert take(True) is early
    assert early is not None
    early.close()


def test_its_probe_names_are_the_registry_s() -> None:
    assert set(api_child.API_PROBES) == {name for name, spec in PROBES.items() if spec.touches_api}
    assert set(api_child.OTHER_PROBES) == {name for name, spec in PROBES.items() if not spec.touches_api}


def test_the_collection_imports_neither_pydantic_nor_the_configuration_nor_psutil() -> None:
    script = (
        "import json, sys\n"
        "import irtui.probes.api_child, irtui.probes.api_collect\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'psutil', 'tomllib', 'yaml') or m == 'irtui.config')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_irtui_probe_still_sees_a_gateway_that_drops_its_clients(tmp_path: Path) -> None:
    irtui = Path(sys.executable).with_name("irtui")
    with running_gateway("drop") as gateway:
        done = subprocess.run(
            [str(irtui), "probe", "api", "--json", "--port", str(gateway.port)], capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False
        )
    assert done.returncode == 1, done.stderr
    api = json.loads(done.stdout)["probes"][0]
    assert api["evidence"]["stage"] == "dropped", api["summary"]


def test_the_command_line_forks_its_collector_and_leaves_no_process_behind(tmp_path: Path) -> None:
    irtui = Path(sys.executable).with_name("irtui")
    with running_gateway("healthy") as gateway:
        command = [sys.executable, "-X", "importtime", str(irtui), "probe", "api", "orders", "--json", "--port", str(gateway.port)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
        sessions = [event for event in gateway.connection_log if event.event == "session"]
    probes = {p["name"]: p for p in json.loads(done.stdout)["probes"]}
    assert probes["api"]["evidence"]["stage"] == "ready" and probes["orders"]["status"] == "ok"
    assert len(sessions) == 1
    assert "ib_async" not in done.stderr  # the collection ran in the child, not here (its own imports go to /dev/null)
    leftover = [p.pid for p in psutil.process_iter(["cmdline"]) if str(gateway.port) in (p.info["cmdline"] or [])]
    assert leftover == []
