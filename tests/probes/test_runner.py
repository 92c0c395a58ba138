"""The runner: concurrency, deadlines, failures as `unknown`, the gentle API gate."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from irtui.config import Config
from irtui.probes.api_gate import ApiGate
from irtui.probes.host import FakeHost
from irtui.probes.registry import PROBES
from irtui.probes.result import Status
from irtui.probes.runner import ProbeRunner, Sweep
from irtui.sim import running_gateway
from tests.support.gateway import QUIET_NOW, free_port, quick_config

pytestmark = pytest.mark.timeout(60)


class BrokenHost(FakeHost):
    def processes(self):
        raise PermissionError("psutil says no")


class HangingHost(FakeHost):
    def __init__(self) -> None:
        super().__init__(QUIET_NOW)
        self.release = threading.Event()

    def stat(self, path: Path):
        self.release.wait(10)
        return


def test_a_failing_probe_becomes_unknown_with_the_reason() -> None:
    sweep = ProbeRunner(Config(), BrokenHost(QUIET_NOW)).run(["gateway_process", "reset_window"])
    broken = sweep.results["gateway_process"]
    assert broken.status == Status.UNKNOWN
    assert "PermissionError: psutil says no" in broken.summary
    assert sweep.results["reset_window"].status == Status.OK


def test_a_hanging_probe_is_cut_at_its_deadline() -> None:
    host = HangingHost()
    config = quick_config(free_port(), heartbeat={"path": "/srv/hb"}, probes={"timeout_s": 0.3})
    try:  # the host hangs until released: only the probe's deadline ends this sweep
        sweep = ProbeRunner(config, host).run(["heartbeat", "reset_window"])
    finally:
        host.release.set()
    assert sweep.results["heartbeat"].status == Status.UNKNOWN
    assert "No answer within 0.3s" in sweep.results["heartbeat"].summary


def test_the_whole_sweep_is_bounded() -> None:
    host = HangingHost()
    config = quick_config(free_port(), heartbeat={"path": "/srv/hb"}, probes={"timeout_s": 10, "sweep_timeout_s": 0.4})
    try:  # the probe's own deadline (10 s) is past the sweep's: the summary says which cut it
        sweep = ProbeRunner(config, host).run(["heartbeat"])
    finally:
        host.release.set()
    assert "sweep" in sweep.results["heartbeat"].summary


def test_unconfigured_probes_are_skipped_and_say_what_to_set() -> None:
    sweep = ProbeRunner(Config(), FakeHost(QUIET_NOW)).run(["kill_switch", "heartbeat", "system_log", "positions", "reset_window"])
    assert list(sweep.results) == ["reset_window"]
    assert sweep.skipped["kill_switch"] == "set kill_switch.path"
    assert "positions.source" in sweep.skipped["positions"]


def test_unknown_probe_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown probe"):
        ProbeRunner(Config(), FakeHost(QUIET_NOW)).run(["nonsense"])


def test_results_come_in_registry_order_and_serialise() -> None:
    config = quick_config(free_port(), kill_switch={"path": "/srv/k"})
    sweep = ProbeRunner(config, FakeHost(QUIET_NOW)).run(["reset_window", "kill_switch", "ports"])
    assert list(sweep.results) == [n for n in PROBES if n in {"reset_window", "kill_switch", "ports"}]
    data = sweep.to_dict()
    assert set(data) == {"probes", "elapsed_ms", "skipped"}
    assert [p["name"] for p in data["probes"]] == list(sweep.results)
    assert not sweep.all_ok  # ports are closed


def test_run_works_from_a_worker_thread() -> None:
    box: list[Sweep] = []
    worker = threading.Thread(target=lambda: box.append(ProbeRunner(Config(), FakeHost(QUIET_NOW)).run(["reset_window"])))
    worker.start()
    worker.join(10)
    assert box and box[0].results["reset_window"].status == Status.OK


async def test_run_async_in_a_running_loop() -> None:
    sweep = await ProbeRunner(Config(), FakeHost(QUIET_NOW)).run_async(["reset_window"])
    assert sweep.all_ok


def test_the_gate_reuses_recent_api_results_instead_of_reconnecting() -> None:
    gate = ApiGate()
    with running_gateway("healthy") as sim:
        config = quick_config(sim.port, gateway={"min_api_interval_s": 60})
        first = ProbeRunner(config, gate=gate).run(["api"]).results["api"]
        second = ProbeRunner(config, gate=gate).run(["api"]).results["api"]
        third = ProbeRunner(config, gate=gate).run(["api", "orders"]).results
        sessions = sum(1 for m in sim.received if m.name == "startApi")
    assert sessions == 1
    assert first.evidence["reused"] is False
    assert second.evidence["reused"] is True and second.fact("stage") == "ready"
    assert "s ago)" in second.summary
    assert third["orders"].status == Status.UNKNOWN
    assert "next API probe allowed in" in third["orders"].summary


def test_the_gate_lets_a_new_session_through_after_the_interval() -> None:
    gate = ApiGate()
    with running_gateway("healthy") as sim:
        config = quick_config(sim.port, gateway={"min_api_interval_s": 0.2})
        ProbeRunner(config, gate=gate).run(["api"])
        time.sleep(0.3)
        again = ProbeRunner(config, gate=gate).run(["api"]).results["api"]
        sessions = sum(1 for m in sim.received if m.name == "startApi")
    assert sessions == 2 and again.evidence["reused"] is False


def test_the_runner_says_when_the_gate_lets_a_fresh_api_session_through() -> None:
    gate = ApiGate()
    with running_gateway("healthy") as sim:
        config = quick_config(sim.port, gateway={"min_api_interval_s": 0.5})
        runner = ProbeRunner(config, gate=gate)
        assert runner.next_api_probe_in() == 0.0  # nothing probed yet
        runner.run(["api"])
        wait = runner.next_api_probe_in()
        assert 0.0 < wait <= 0.5
        assert runner.run(["api"]).results["api"].evidence["reused"] is True  # too soon, as it said
        time.sleep(wait + 0.05)
        assert runner.next_api_probe_in() == 0.0
        assert runner.run(["api"]).results["api"].evidence["reused"] is False
        other_port = ProbeRunner(quick_config(free_port(), gateway={"min_api_interval_s": 0.5}), gate=gate)
        assert other_port.next_api_probe_in() == 0.0  # the gate keeps one clock per Gateway


def test_while_an_api_session_runs_the_wait_is_a_whole_interval() -> None:
    gate = ApiGate()
    with running_gateway("api_silent") as sim:
        config = quick_config(sim.port, gateway={"min_api_interval_s": 10, "api_timeout_s": 3.0})
        runner = ProbeRunner(config, gate=gate)
        worker = threading.Thread(target=runner.run, args=(["api"],))
        worker.start()
        time.sleep(0.5)  # well inside the 3 s silent handshake
        assert runner.next_api_probe_in() == 10.0
        worker.join(10)
    assert 9.0 < runner.next_api_probe_in() <= 10.0


def test_concurrent_sweeps_share_one_session() -> None:
    gate = ApiGate()
    with running_gateway("healthy") as sim:
        config = quick_config(sim.port, gateway={"min_api_interval_s": 30})
        found: list[Sweep] = []
        workers = [threading.Thread(target=lambda: found.append(ProbeRunner(config, gate=gate).run(["api"]))) for _ in range(3)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(20)
        sessions = sum(1 for m in sim.received if m.name == "startApi")
    assert sessions == 1
    assert sorted(s.results["api"].evidence["reused"] for s in found) == [False, True, True]
