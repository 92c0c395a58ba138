"""Soak: 1,000 incidents in a row through the session API, with crashes at random points.

A crash is simulated the way it looks to the files: the in-memory Session is abandoned
(its journal descriptor closed, nothing more written), and the next irtui picks up
from the store (the process dies, not the machine: fsync, which guards against the
machine dying, is counted here, not waited for). Three kinds, chosen at random:
  mid-walk          resume the journal and walk on
  before the log    finish stopped after journaling `finishing`, before the log append
  after the log     the log append done, the `finished` record never written
The log must end with exactly the finished incidents, once each, in order, every one
intact, and no incident left open. The log itself is never touched by the test.
"""

from __future__ import annotations

import os
import random
from collections import deque
from pathlib import Path

import pytest

from irtui.incidents import IncidentLog, compute_stats
from irtui.session.journal import Journal
from irtui.session.store import Session, SessionStore
from irtui.trees.loader import load_trees
from irtui.trees.model import ActionNode, OutcomeNode, QuestionNode, Tree

pytestmark = pytest.mark.timeout(180)

INCIDENTS = 1000
CRASH_RATE = 0.3
RANDOM_STEPS = 12  # random answers first, then the shortest way to an outcome


class Crash(Exception):
    """Stands for the process dying at this point."""


def distances_to_outcome(tree: Tree) -> dict[str, int]:
    parents: dict[str, list[str]] = {node_id: [] for node_id in tree.nodes}
    for node_id, node in tree.nodes.items():
        for successor in node.successors():
            parents[successor].append(node_id)
    distance = {node_id: 0 for node_id, node in tree.nodes.items() if isinstance(node, OutcomeNode)}
    queue = deque(distance)
    while queue:
        current = queue.popleft()
        for parent in parents[current]:
            if parent not in distance:
                distance[parent] = distance[current] + 1
                queue.append(parent)
    return distance


def step(session: Session, rng: random.Random, distance: dict[str, int], walked: int) -> None:
    node = session.walk.current
    skip = session.walk.wait() is not None  # the soak does not wait out the trees' waits
    if isinstance(node, ActionNode):
        session.complete_action(skip_wait=skip)
        return
    assert isinstance(node, QuestionNode)
    if walked < RANDOM_STEPS:
        session.answer(rng.randrange(len(node.answers)), skip_wait=skip)
    else:
        nearest = min(range(len(node.answers)), key=lambda i: distance[node.answers[i].next])
        session.answer(nearest, skip_wait=skip)
    if rng.random() < 0.1:
        session.add_note(f"note {rng.random():.6f} — `code`, <html>, ## heading")


def finish_but_crash(session: Session, log: IncidentLog, kind: str, root_cause: str) -> None:
    """Session.finish, with the process dying before the log append or before `finished`."""
    with pytest.MonkeyPatch.context() as patch:
        if kind == "before the log":

            def dies(self: IncidentLog, entry: object) -> None:
                raise Crash(kind)

            patch.setattr(IncidentLog, "append", dies)
        else:
            append = Journal.append

            def dies_at_finished(self: Journal, record: dict) -> None:
                if record["t"] == "finished":
                    raise Crash(kind)
                append(self, record)

            patch.setattr(Journal, "append", dies_at_finished)
        with pytest.raises(Crash):
            session.finish(log, root_cause=root_cause)
    session.close()


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The descriptors irtui asked to sync. A real fsync waits for the disk: thousands of
    them (every journal step, every log append) made this soak take minutes on a busy
    machine while proving nothing a simulated crash can see."""
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    return synced


def test_a_thousand_incidents_with_crashes_leave_an_intact_log(tmp_path: Path, fsyncs: list[int]) -> None:
    rng = random.Random(20261121)
    trees = list(load_trees().trees.values())
    distances = {tree.id: distances_to_outcome(tree) for tree in trees}
    log_path = tmp_path / "INCIDENT_LOG.md"
    log = IncidentLog(log_path)
    store = SessionStore.for_log(log_path)
    finished: list[str] = []
    crashes = {"mid-walk": 0, "before the log": 0, "after the log": 0}

    for number in range(INCIDENTS):
        tree = rng.choice(trees)
        session = store.start(tree, f"operator{number % 4}", "DRILL" if number % 5 == 0 else "LIVE")
        walked = 0
        while not session.walk.finished:
            step(session, rng, distances[tree.id], walked)
            walked += 1
            assert walked < 200, f"{tree.id}: the walk does not end"
            if rng.random() < CRASH_RATE / 10:
                crashes["mid-walk"] += 1
                session.close()  # the process died: only the journal remains
                (waiting,) = store.open_sessions()
                assert waiting.id == session.id and waiting.steps == len(session.walk.path)
                session = store.resume(waiting.id, tree)
        kind = rng.choice(["before the log", "after the log"]) if rng.random() < CRASH_RATE else None
        if kind is None:
            session.finish(log, root_cause=f"cause {number}")
        else:
            crashes[kind] += 1
            finish_but_crash(session, log, kind, f"cause {number}")
            written = store.complete_pending(log)  # what the next irtui does first
            assert [e.id for e in written] == ([session.id] if kind == "before the log" else [])
        finished.append(session.id)
        assert not store.open_sessions()

    read = log.read()
    assert read.damaged == []
    assert [e.id for e in read.entries] == finished
    assert len(set(finished)) == INCIDENTS
    assert compute_stats(read.entries).total == INCIDENTS
    assert all(count > 10 for count in crashes.values()), crashes
    assert len(fsyncs) > INCIDENTS * 3  # every journal step and every log append asked for one
