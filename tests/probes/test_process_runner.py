"""The console's probe runner in a child process: the same sweeps as ProbeRunner, the
console never importing ib_async, every wait for the child bounded, a lost child
replaced by the next sweep."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from irtui.probes.process_runner import ProbeProcess, ProbeProcessError, from_portable, portable
from irtui.probes.result import ProbeResult, Status
from irtui.probes.runner import ProbeRunner, Sweep
from irtui.sim import running_gateway
from tests.support.gateway import free_port, quick_config, settled

pytestmark = pytest.mark.timeout(60)


def test_a_sweep_survives_the_trip_unchanged() -> None:
    result = ProbeResult("api", Status.WARN, "slow", {"stage": "ready", "notices": [{"code": 2104}], "nested": {"a": (1, 2)}}, 12.5)
    sweep = Sweep({"api": result}, 40.0, {"positions": "set positions.source"})
    back = from_portable(portable(sweep))
    assert back == sweep and back.results["api"].to_dict() == result.to_dict()


def test_sweeps_in_the_child_match_the_runner_and_the_gate_is_kept_there() -> None:
    with running_gateway("healthy") as sim:
        config = quick_config(sim.port, gateway={"min_api_interval_s": 30.0})
        runner = ProbeProcess(config)
        try:
            first = runner.run(["ports", "api"])
            assert runner.next_api_probe_in() > 20  # the child's gate, as of that sweep
            again = runner.run(["api"])
            with pytest.raises(ValueError, match="unknown probe"):
                runner.run(["no_such_probe"])
            after_error = runner.run(["ports"])
        finally:
            runner.close()
    assert first.results["api"].status == Status.OK and first.results["api"].fact("stage") == "ready"
    assert first.results["ports"].status == Status.OK
    assert again.results["api"].fact("reused") is True  # within the interval: the last session, not a new one
    assert after_error.results["ports"].status == Status.OK


def test_the_console_process_never_imports_ib_async() -> None:
    port = free_port()
    script = (
        "import json, sys\n"
        "from irtui.probes.process_runner import ProbeProcess\n"
        "from tests.support.gateway import quick_config\n"
        f"runner = ProbeProcess(quick_config({port}))\n"
        "sweep = runner.run(['ports', 'api'])\n"
        "runner.close()\n"
        "print(json.dumps([sweep.results['api'].status.value, 'ib_async' in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    status, imported = json.loads(done.stdout.splitlines()[-1])
    assert status != "ok" and imported is False  # nothing listens there; the child answered, ib_async stayed in it


def test_a_child_that_never_answers_is_given_up_on_and_replaced(tmp_path) -> None:
    config = quick_config(free_port(), probes={"timeout_s": 0.2, "sweep_timeout_s": 0.2})
    silent = [sys.executable, "-c", "import time; time.sleep(120)"]
    runner = ProbeProcess(config, command=silent)
    runner._answer_deadline = lambda first: __import__("time").monotonic() + 0.5  # type: ignore[method-assign]
    with pytest.raises(ProbeProcessError, match="did not answer in time"):
        runner.run(["ports"])
    assert runner._child is None  # killed, not left behind
    del runner._answer_deadline  # back to the real deadline
    runner._command = [sys.executable, "-m", "irtui.probes.process_worker"]  # the next sweep starts a working child
    try:
        assert runner.run(["ports"]).results["ports"].status != Status.OK  # nothing listens on that port
    finally:
        runner.close()


def test_a_child_that_dies_is_replaced_by_the_next_sweep() -> None:
    config = quick_config(free_port())
    runner = ProbeProcess(config)
    try:
        runner.run(["reset_window"])
        assert runner._child is not None
        runner._child.kill()
        runner._child.wait()
        assert runner.run(["reset_window"]).results["reset_window"].name == "reset_window"
    finally:
        runner.close()


def test_without_a_child_the_sweeps_run_in_process() -> None:
    runner = ProbeProcess(quick_config(free_port()), command=["/nonexistent/python"])
    assert isinstance(runner._fallback, ProbeRunner)
    assert runner.run(["reset_window"]).results["reset_window"].name == "reset_window"


def test_closing_mid_sweep_stops_the_child_without_waiting_for_the_sweep() -> None:
    with running_gateway("healthy", mode="silent") as sim:  # the handshake would wait its whole deadline
        runner = ProbeProcess(quick_config(sim.port, gateway={"api_timeout_s": 40.0}, probes={"sweep_timeout_s": 50.0}))
        runner.run(["reset_window"])  # the child is up and answering
        outcome: list[BaseException] = []

        def sweep() -> None:
            try:
                runner.run(["api"])
            except ProbeProcessError as error:
                outcome.append(error)

        sweeping = threading.Thread(target=sweep)
        sweeping.start()
        assert settled(runner._lock.locked, within=10)  # the sweep is in flight, waiting on the child
        runner.close()
        sweeping.join(timeout=20)  # a bound far inside the 40 s handshake deadline
        assert not sweeping.is_alive()
    assert len(outcome) == 1 and "console is closing" in str(outcome[0])
    with pytest.raises(ProbeProcessError, match="console is closing"):
        runner.run(["reset_window"])


def test_a_close_while_the_child_is_replaced_stops_the_new_child_too() -> None:
    """close() marks the runner closed, then kills the child it sees; a sweep replacing a dead
    child at that moment must not go on to wait on a new child close() never saw."""
    with running_gateway("healthy", mode="silent") as sim:
        runner = ProbeProcess(quick_config(sim.port, gateway={"api_timeout_s": 40.0}, probes={"sweep_timeout_s": 50.0}))
        runner.run(["reset_window"])
        old = runner._child
        assert old is not None
        old.kill()
        old.wait(timeout=10)
        started: list[object] = []
        start = runner._start

        def start_then_close_arrives() -> None:
            start()
            started.append(runner._child)
            runner._closed = True  # close() ran here, after reading the old, dead child

        runner._start = start_then_close_arrives  # type: ignore[method-assign]
        with pytest.raises(ProbeProcessError, match="console is closing"):
            runner.run(["api"])  # would wait out the 40 s handshake on the new child
        (new,) = started
        assert new is not None and new is not old and new.poll() is not None, "the new child is stopped as well"
