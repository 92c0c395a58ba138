"""Sessions: every transition journaled, resumed intact, finished exactly once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from irtui.diagnosis.walk import AnswerSource
from irtui.incidents import FollowUp, IncidentLog
from irtui.session.journal import read_journal
from irtui.session.store import SessionError, SessionStore
from irtui.trees.model import Tree

from .sample_tree import TREE_DATA, gateway_down, sample_tree

T0 = datetime(2026, 11, 21, 14, 30, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def log(tmp_path) -> IncidentLog:  # type: ignore[no-untyped-def]
    return IncidentLog(tmp_path / "incident_log" / "INCIDENT_LOG.md")


@pytest.fixture
def store(log) -> SessionStore:  # type: ignore[no-untyped-def]
    return SessionStore.for_log(log.path)


def _walk_to_escalation(session, clock) -> None:  # type: ignore[no-untyped-def]
    session.record_probe(gateway_down())
    clock.tick(10)
    session.answer(1, result=gateway_down(), by_probe=True)
    clock.tick(5)
    session.add_note("Gateway window gone")
    clock.tick(60)
    session.complete_action()
    clock.tick(20)
    session.answer(1)


def _journal_kinds(path) -> list[str]:  # type: ignore[no-untyped-def]
    return [record["t"] for record in read_journal(path).records]


def test_every_transition_is_in_the_journal_before_it_returns(store, clock):
    session = store.start(sample_tree(), "alice", clock=clock)
    path = store.sessions_dir / f"{session.id}.jsonl"
    assert session.id.startswith("INC-20261121-1430-")
    assert _journal_kinds(path) == ["start"]
    _walk_to_escalation(session, clock)
    assert _journal_kinds(path) == ["start", "probe", "answer", "note", "action", "answer"]
    session.back()
    assert _journal_kinds(path)[-1] == "back"
    assert session.walk.current_id == "api_answers"


def test_a_finished_session_writes_one_entry_and_closes_its_journal(store, log, clock):
    session = store.start(sample_tree(), "alice", clock=clock)
    _walk_to_escalation(session, clock)
    assert session.walk.finished
    follow_ups = session.default_follow_ups()
    assert [f.text for f in follow_ups[:2]] == ["Do not resume trading today", "Reconcile positions"]
    assert [f.text.split(":")[0] for f in follow_ups[2:]] == ["Stabilize", "Document", "Investigate", "Fix", "Verify", "Review"]
    ticked = [f.model_copy(update={"done": f.text.startswith(("Stabilize", "Document"))}) for f in follow_ups]
    ticked.append(FollowUp(text="Ask IBKR about the 02:00 reset", kind="operator"))
    clock.tick(30)
    preview = session.preview_entry(root_cause="API thread hung", notes=["Called at 14:32"], follow_ups=ticked)
    entry = session.finish(log, root_cause="API thread hung", notes=["Called at 14:32"], follow_ups=ticked)
    assert entry == preview
    assert log.read().entries == [entry]
    assert entry.id == session.id and entry.mode.value == "LIVE"
    assert entry.duration == timedelta(seconds=125) and entry.met_target
    assert [(s.node, s.answer, s.source) for s in entry.path] == [
        ("gateway_running", "No", AnswerSource.PROBE),
        ("start_gateway", "done", AnswerSource.OPERATOR),
        ("api_answers", "No", AnswerSource.OPERATOR),
    ]
    assert entry.path[0].evidence == "no IB Gateway or TWS process"
    assert entry.action == "Start IB Gateway and log in"
    assert entry.outcome is not None and entry.outcome.kind == "escalate" and entry.outcome.node == "call_support"
    assert entry.contact is not None and entry.contact.phone == "1-877-442-2757"
    assert [n.text for n in entry.notes] == ["Gateway window gone", "Called at 14:32"]
    assert [f.text for f in entry.open_follow_ups][-1] == "Ask IBKR about the 02:00 reset"
    assert store.open_sessions() == []
    assert _journal_kinds(store.closed_dir / f"{session.id}.jsonl")[-2:] == ["finishing", "finished"]
    assert session.closed
    with pytest.raises(SessionError):
        session.finish(log)
    with pytest.raises(SessionError):
        session.add_note("too late")
    assert len(log.read().entries) == 1


def test_a_closed_terminal_leaves_a_session_that_resumes_intact(store, log, clock):
    session = store.start(sample_tree(), "alice", mode="DRILL", clock=clock)
    assert session.id.startswith("DRL-")
    session.record_probe(gateway_down())
    session.answer(1, result=gateway_down(), by_probe=True)
    session.add_note("first note")
    clock.tick(90)
    session.close()  # the terminal died

    [open_one] = store.open_sessions()
    assert (open_one.id, open_one.tree_id, open_one.operator, open_one.steps, open_one.notes) == (session.id, "test_connection", "alice", 1, 1)
    assert open_one.mode.value == "DRILL" and not open_one.in_use and open_one.finishing is None

    clock.tick(600)
    resumed = store.resume(session.id, sample_tree(), clock=clock)
    assert resumed.walk.path == session.walk.path
    assert resumed.walk.current_id == "start_gateway"
    assert resumed.started_at == T0 and resumed.walk.elapsed() == timedelta(seconds=690)
    assert [n.text for n in resumed.notes] == ["first note"]
    assert resumed.probes["gateway_process"].fact("running") is False
    assert resumed.resumed == 1 and resumed.mode.value == "DRILL"
    assert store.open_sessions()[0].in_use
    with pytest.raises(SessionError, match="another irtui"):
        store.resume(session.id, sample_tree(), clock=clock)
    resumed.complete_action()
    resumed.answer(0)
    entry = resumed.finish(log, drill={"scenario": "gateway_down", "score": 70})
    assert entry.resumed == 1 and entry.drill == {"scenario": "gateway_down", "score": 70}
    assert entry.outcome is not None and entry.outcome.kind == "resolved"
    assert [e.id for e in log.read().entries] == [session.id]


def test_a_torn_last_journal_line_is_ignored_on_resume(store, clock):
    session = store.start(sample_tree(), "alice", clock=clock)
    session.answer(1)
    session.close()
    path = store.sessions_dir / f"{session.id}.jsonl"
    with open(path, "ab") as journal:
        journal.write(b'{"t":"answer","at":"2026-11-21T14:31:00+00:00","step":{"node":"start_gat')
    resumed = store.resume(session.id, sample_tree(), clock=clock)
    assert [s.node_id for s in resumed.walk.path] == ["gateway_running"]
    assert any("torn or corrupt" in warning for warning in resumed.warnings)
    resumed.complete_action()  # the journal goes on after the torn line
    resumed.close()
    again = store.resume(session.id, sample_tree(), clock=clock)
    assert [s.node_id for s in again.walk.path] == ["gateway_running", "start_gateway"]
    assert again.resumed == 2


def test_a_changed_tree_resumes_as_far_as_the_steps_still_fit(store, clock):
    session = store.start(sample_tree(), "alice", clock=clock)
    session.answer(1)
    session.complete_action()
    session.close()
    changed = json.loads(json.dumps(TREE_DATA))
    changed["nodes"]["start_gateway"]["next"] = "resolved"
    resumed = store.resume(session.id, Tree.model_validate(changed), clock=clock)
    assert [s.node_id for s in resumed.walk.path] == ["gateway_running"]
    assert any("changed" in w for w in resumed.warnings) and any("no longer fits" in w for w in resumed.warnings)


def test_resume_refuses_the_wrong_tree_and_bad_ids(store, clock):
    session = store.start(sample_tree(), "alice", clock=clock)
    session.close()
    other = json.loads(json.dumps(TREE_DATA))
    other["id"] = "another_tree"
    with pytest.raises(SessionError, match="follows tree 'test_connection'"):
        store.resume(session.id, Tree.model_validate(other))
    with pytest.raises(SessionError, match="not an incident id"):
        store.resume("../../etc/passwd", sample_tree())
    with pytest.raises(SessionError, match="no open incident"):
        store.resume("INC-20261121-1430-00000000", sample_tree())


def test_a_discarded_session_is_closed_without_an_entry(store, log, clock):
    session = store.start(sample_tree(), "alice", clock=clock)
    session.discard("opened by mistake")
    other = store.start(sample_tree(), "bob", clock=clock)
    other.close()
    store.discard(other.id, "drill cancelled")
    assert store.open_sessions() == []
    assert log.read().entries == []  # the log exists (a session records its id) but holds no entry


def test_a_finish_that_could_not_write_the_log_can_be_retried(store, tmp_path, clock):
    session = store.start(sample_tree(), "alice", clock=clock)
    session.answer(1)
    blocked = IncidentLog(tmp_path / "a_file")
    blocked.path.write_bytes(b"")  # not a directory: the log below it cannot be created
    with pytest.raises(OSError, match="cannot"):
        session.finish(IncidentLog(blocked.path / "INCIDENT_LOG.md"))
    assert not session.closed
    good = IncidentLog(tmp_path / "log" / "INCIDENT_LOG.md")
    session.finish(good)
    assert len(good.read().entries) == 1
    assert store.complete_pending() == []


def test_probes_advance_a_session_and_every_step_they_take_is_journaled(store, clock):
    session = store.start(sample_tree(), "alice", clock=clock)
    diagnosis = session.advance_with_probes({"gateway_process": gateway_down()})
    assert diagnosis.needs_operator and diagnosis.stopped_at == "start_gateway"
    assert [(s.node_id, s.source) for s in diagnosis.path] == [("gateway_running", AnswerSource.PROBE)]
    session.close()
    resumed = store.resume(session.id, sample_tree(), clock=clock)
    assert [(s.node_id, s.source, s.evidence) for s in resumed.walk.path] == [
        ("gateway_running", AnswerSource.PROBE, "no IB Gateway or TWS process")
    ]
