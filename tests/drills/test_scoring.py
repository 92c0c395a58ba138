"""Scoring a run from its journal: pass, wrong turns (kept even after Back), overrides, time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from irtui.diagnosis.walk import AnswerSource, Walk
from irtui.drills import Drill, moves_from_journal, score_run
from irtui.drills.scoring import MAX_TIME_PENALTY, WRONG_TURN_POINTS
from irtui.probes.result import ProbeResult, Status
from irtui.trees.model import Tree

START = datetime(2026, 1, 27, 15, 0, tzinfo=UTC)

# port --open--> api --ready--> done
#   \--closed--> restart --> again --yes--> done / --no--> halted
#                 api --silent--> restart
TREE = Tree.model_validate(
    {
        "id": "tiny",
        "title": "Tiny",
        "severity": "P2",
        "first_action": "Look",
        "start": "port",
        "nodes": {
            "port": {
                "question": "Port open?",
                "probe": "ports",
                "answers": [
                    {"answer": "Open", "when": {"trading_port_state": "open"}, "next": "api"},
                    {"answer": "Closed", "when": {"trading_port_state": "refused"}, "next": "restart"},
                ],
            },
            "api": {
                "question": "API?",
                "probe": "api",
                "answers": [
                    {"answer": "Ready", "when": {"stage": "ready"}, "next": "done"},
                    {"answer": "Silent", "when": {"stage": "silent"}, "next": "restart"},
                ],
            },
            "restart": {"action": "Restart", "next": "again"},
            "again": {
                "question": "Better?",
                "answers": [{"answer": "Yes", "next": "done"}, {"answer": "No", "next": "halted"}],
            },
            "done": {"outcome": "resolved", "summary": "Fine"},
            "halted": {"outcome": "halt_trading", "summary": "Stop"},
        },
    }
)
OPEN = ProbeResult("ports", Status.OK, "open", {"trading_port_state": "open"}, at=START)
READY = ProbeResult("api", Status.OK, "ready", {"stage": "ready"}, at=START)


def drill(path: list[str] | None = ("port", "api", "done"), target: str = "5m") -> Drill:
    return Drill.model_validate(
        {
            "id": "tiny_drill",
            "title": "Tiny",
            "tree": "tiny",
            "briefing": "b",
            "time_target": target,
            "expected": {"outcome": "done", "path": list(path) if path else None},
        }
    )


class Recorder:
    """Drives a Walk and writes the journal records a Session would, on a ticking clock."""

    def __init__(self) -> None:
        self.now = START
        self.walk = Walk(TREE, clock=lambda: self.now, started_at=START)
        self.records: list[dict[str, Any]] = []

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def probe(self, result: ProbeResult) -> None:
        self.records.append({"t": "probe", "result": result.to_dict()})

    def answer(self, index: int, result: ProbeResult | None = None) -> None:
        step = self.walk.answer(index, result=result)
        self.records.append({"t": "answer", "step": step.to_dict()})

    def action(self) -> None:
        self.records.append({"t": "action", "step": self.walk.complete_action().to_dict()})

    def back(self) -> None:
        step = self.walk.back()
        self.records.append({"t": "back", "node": step.node_id})

    def score(self, the_drill: Drill):
        moves = moves_from_journal(self.records, TREE)
        reached = self.walk.current_id if self.walk.finished else None
        return score_run(the_drill, TREE, moves, self.walk.path, reached, START, self.now)


def test_the_expected_path_passes_with_no_wrong_turn():
    run = Recorder()
    run.probe(OPEN)
    run.tick(20)
    run.answer(0, OPEN)
    run.probe(READY)
    run.tick(40)
    run.answer(0, READY)
    score = run.score(drill())
    assert score.passed and score.reached == "done"
    assert score.wrong_turns == [] and score.backtracks == 0
    assert score.steps == score.expected_steps == 2
    assert score.elapsed == timedelta(seconds=60) and score.within_target
    assert score.points == 100
    info = score.entry_info()
    assert info["passed"] is True and info["wrong_turns"] == 0 and info["time_s"] == 60.0 and info["score"] == 100


def test_a_wrong_path_counts_each_answer_that_left_it():
    run = Recorder()
    run.answer(1)  # "Closed" with no probe on screen: an operator answer that leaves the path
    run.action()
    run.answer(1)  # off the path already: not counted again
    score = run.score(drill())
    assert not score.passed and score.reached == "halted"
    assert [(w.node_id, w.answer) for w in score.wrong_turns] == [("port", "Closed")]
    assert "expected → api" in score.wrong_turns[0].why
    assert score.points == 0


def test_going_back_does_not_erase_a_wrong_turn():
    run = Recorder()
    run.probe(OPEN)
    run.answer(0, OPEN)
    run.answer(1)  # api: Silent, against the expected path
    run.back()
    run.probe(READY)
    run.answer(0, READY)
    score = run.score(drill())
    assert score.passed and score.backtracks == 1
    assert [(w.node_id, w.answer) for w in score.wrong_turns] == [("api", "Silent")]
    assert score.points == 100 - WRONG_TURN_POINTS


def test_overriding_a_probe_that_was_right_counts():
    run = Recorder()
    run.probe(OPEN)
    run.answer(1, OPEN)  # the probe said open; the operator chose Closed
    assert run.walk.path[-1].source is AnswerSource.OVERRIDE
    run.action()
    run.answer(0)
    score = run.score(drill())
    assert score.passed  # "again → done" still reaches the outcome
    assert len(score.wrong_turns) == 1 and score.wrong_turns[0].node_id == "port"


def test_overriding_a_wrong_probe_onto_the_path_is_no_wrong_turn():
    closed = ProbeResult("ports", Status.FAIL, "refused", {"trading_port_state": "refused"}, at=START)
    run = Recorder()
    run.probe(closed)
    run.answer(0, closed)  # the probe picked Closed; the operator knew better
    assert run.walk.path[-1].source is AnswerSource.OVERRIDE
    run.probe(READY)
    run.answer(0, READY)
    assert run.score(drill()).wrong_turns == []


def test_without_an_expected_path_only_answers_that_lose_the_outcome_count():
    run = Recorder()
    run.answer(1)  # Closed: restart → again can still reach done, so no wrong turn
    run.action()
    run.answer(1)  # No → halted: done is out of reach
    score = run.score(drill(path=None))
    assert [(w.node_id, w.answer) for w in score.wrong_turns] == [("again", "No")]
    assert score.expected_steps is None


@pytest.mark.parametrize(("seconds", "penalty"), [(300, 0), (450, MAX_TIME_PENALTY // 2), (600, MAX_TIME_PENALTY), (1200, MAX_TIME_PENALTY)])
def test_time_over_the_target_costs_in_proportion(seconds, penalty):
    run = Recorder()
    run.tick(seconds)
    run.answer(0)
    run.answer(0)
    score = run.score(drill(target="5m"))
    assert score.within_target is (seconds <= 300)
    assert score.points == 100 - penalty


def test_an_unfinished_walk_runs_the_clock_until_now_and_fails():
    run = Recorder()
    run.answer(0)
    run.tick(90)
    score = run.score(drill())
    assert not score.passed and score.reached is None
    assert score.elapsed == timedelta(seconds=90)
    assert score.entry_info()["reached"] == "none"
