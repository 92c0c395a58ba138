"""A walk killed with SIGKILL at every step resumes intact and is logged exactly once."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from irtui.diagnosis.walk import Walk
from irtui.incidents import IncidentLog
from irtui.session.store import SessionError, SessionStore

from .sample_tree import SCRIPT, gateway_down, sample_tree

_CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from session.sample_tree import SCRIPT, gateway_down, sample_tree
    from irtui.incidents import IncidentLog
    from irtui.session.journal import Journal
    from irtui.session.store import SessionStore

    log_path, stop = sys.argv[2], sys.argv[3]

    def halt(*_args, **_kwargs):
        print("stopped", flush=True)
        time.sleep(60)

    if stop == "before-log-append":
        IncidentLog.append = halt
    if stop == "before-finished-record":
        original = Journal.append
        def append(self, record):
            if record["t"] == "finished":
                halt()
            original(self, record)
        Journal.append = append

    session = SessionStore.for_log(log_path).start(sample_tree(), "alice")
    print(session.id, session.started_at.isoformat(), flush=True)
    steps = len(SCRIPT) if not stop.isdigit() else int(stop)
    for operation, argument in SCRIPT[:steps]:
        if operation == "probe":
            session.record_probe(gateway_down())
        elif operation == "answer":
            session.answer(argument)
        elif operation == "note":
            session.add_note(argument)
        elif operation == "action":
            session.complete_action()
        elif operation == "back":
            session.back()
    if not stop.isdigit():
        session.finish(IncidentLog(log_path), root_cause="API thread hung")
    halt()
    """
)


def _expected_after(steps: int) -> tuple[list[tuple[str, str]], list[str]]:
    walk = Walk(sample_tree())
    notes = []
    for operation, argument in SCRIPT[:steps]:
        if operation == "answer":
            walk.answer(argument)  # type: ignore[arg-type]
        elif operation == "action":
            walk.complete_action()
        elif operation == "back":
            walk.back()
        elif operation == "note":
            notes.append(argument)
    return [(s.node_id, s.answer) for s in walk.path], notes  # type: ignore[misc]


class _Child:
    def __init__(self, workdir: Path, stop: str) -> None:
        self.log_path = workdir / "incident_log" / "INCIDENT_LOG.md"
        tests_dir = str(Path(__file__).resolve().parents[1])
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, tests_dir, str(self.log_path), stop], stdout=subprocess.PIPE, bufsize=0
        )

    def line(self, timeout: float = 30.0) -> str:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        assert ready, "the child did not report in time"
        return self.process.stdout.readline().decode().strip()  # unbuffered: never reads past the line

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()


def _run_children(tmp_path: Path, stops: list[str]) -> list[tuple[str, datetime, Path]]:
    children = [_Child(tmp_path / f"run-{stop}", stop) for stop in stops]
    try:
        started = []
        for child in children:
            session_id, at = child.line().split()
            assert child.line() == "stopped"
            started.append((session_id, datetime.fromisoformat(at), child.log_path))
    finally:
        for child in children:
            child.kill()
    return started


def test_a_walk_killed_at_every_step_resumes_with_its_path_notes_and_clock(tmp_path):
    stops = list(range(len(SCRIPT) + 1))
    for steps, (session_id, started_at, log_path) in zip(stops, _run_children(tmp_path, [str(s) for s in stops])):
        store = SessionStore.for_log(log_path)
        [open_one] = store.open_sessions()
        assert open_one.id == session_id and not open_one.in_use
        session = store.resume(session_id, sample_tree())
        path, notes = _expected_after(steps)
        assert [(s.node_id, s.answer) for s in session.walk.path] == path, f"killed after {steps} steps"
        assert [n.text for n in session.notes] == notes
        assert session.started_at == started_at
        assert ("gateway_process" in session.probes) == (steps >= 1)
        while not session.walk.finished:  # go on to the end, as the operator would
            if session.walk.current.kind == "action":
                session.complete_action()
            else:
                session.answer(1, result=gateway_down() if session.walk.current_id == "gateway_running" else None)
        entry = session.finish(IncidentLog(log_path))
        assert entry.resumed == 1 and entry.started_at == started_at
        entries = IncidentLog(log_path).read().entries
        assert [e.id for e in entries] == [session_id]
        assert store.open_sessions() == [] and store.complete_pending() == []
        assert [e.id for e in IncidentLog(log_path).read().entries] == [session_id]


@pytest.mark.parametrize("stop", ["before-log-append", "before-finished-record"])
def test_a_crash_while_finishing_is_completed_once_and_never_resumed(tmp_path, stop):
    [(session_id, _, log_path)] = _run_children(tmp_path, [stop])
    log = IncidentLog(log_path)
    already = [e.id for e in log.read().entries]
    assert already == ([session_id] if stop == "before-finished-record" else [])
    store = SessionStore.for_log(log_path)
    [open_one] = store.open_sessions()
    assert open_one.finishing == session_id
    with pytest.raises(SessionError, match="being written to the log"):
        store.resume(session_id, sample_tree())
    written = store.complete_pending()
    assert [e.id for e in written] == ([] if already else [session_id])
    entries = log.read().entries
    assert [e.id for e in entries] == [session_id]
    assert entries[0].root_cause == "API thread hung" and entries[0].outcome is not None
    assert store.open_sessions() == [] and store.complete_pending() == []
    assert [e.id for e in log.read().entries] == [session_id]
