"""The walk state machine the app, `diagnose` and drills share."""

from datetime import UTC, datetime, timedelta

import pytest

from irtui.diagnosis.walk import AnswerSource, Step, Walk, WalkError, advance_with_probes
from irtui.probes.result import ProbeResult
from irtui.trees.model import Tree

TREE = Tree.model_validate(
    {
        "id": "mini",
        "title": "Mini",
        "severity": "P2",
        "first_action": "Look",
        "start": "port",
        "nodes": {
            "port": {
                "question": "Is the port open?",
                "probe": "ports",
                "answers": [
                    {"answer": "Yes", "when": {"trading_port_state": "open"}, "next": "bug"},
                    {"answer": "No", "when": {"trading_port_state": ["refused", "timeout"]}, "next": "start_gw"},
                ],
            },
            "start_gw": {"action": "Start the Gateway", "danger": True, "next": "done"},
            "bug": {
                "question": "Is it a bug?",
                "answers": [{"answer": "Yes", "next": "halt"}, {"answer": "No", "next": "done"}],
            },
            "done": {"outcome": "resolved", "summary": "Fixed"},
            "halt": {"outcome": "halt_trading", "summary": "Stop", "follow_ups": ["Do not resume today"]},
        },
    }
)


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)

    def __call__(self):
        return self.now


def ports(state):
    return ProbeResult("ports", "ok" if state == "open" else "fail", f"port {state}", {"trading_port_state": state})


def test_probe_answer_then_action_then_outcome():
    clock = Clock()
    walk = Walk(TREE, clock=clock)
    assert walk.current_id == "port"
    suggestion = walk.suggestion({"ports": ports("refused")})
    assert suggestion is not None and suggestion.answer_index == 1
    step = walk.answer(1, result=suggestion.result, by_probe=True)
    assert step.source is AnswerSource.PROBE and step.evidence == "port refused" and step.probe == "ports"
    clock.now += timedelta(seconds=90)
    walk.complete_action()
    assert walk.finished and walk.outcome.summary == "Fixed"
    assert walk.elapsed() == timedelta(seconds=90)
    assert [s.node_id for s in walk.path] == ["port", "start_gw"]


def test_choosing_against_the_probe_is_an_override_and_agreeing_is_an_operator_answer():
    walk = Walk(TREE, clock=Clock())
    assert walk.answer(0, result=ports("refused")).source is AnswerSource.OVERRIDE
    walk.back()
    assert walk.answer(1, result=ports("refused")).source is AnswerSource.OPERATOR
    walk.back()
    assert walk.answer(1).source is AnswerSource.OPERATOR


def test_by_probe_refuses_an_answer_the_rule_does_not_pick():
    walk = Walk(TREE, clock=Clock())
    with pytest.raises(WalkError):
        walk.answer(0, result=ports("refused"), by_probe=True)


def test_impossible_moves_raise():
    walk = Walk(TREE, clock=Clock())
    with pytest.raises(WalkError):
        walk.complete_action()
    with pytest.raises(WalkError):
        walk.answer(5)
    walk.answer(1)
    with pytest.raises(WalkError):
        walk.answer(0)


def test_back_at_the_start_does_nothing():
    walk = Walk(TREE, clock=Clock())
    assert walk.back() is None and walk.current_id == "port"


def test_steps_round_trip_and_replay():
    walk = Walk(TREE, clock=Clock())
    walk.answer(0, result=ports("open"))
    walk.answer(0)
    copies = [Step.from_dict(step.to_dict()) for step in walk.path]
    assert copies == walk.path
    again = Walk(TREE, clock=Clock())
    for step in copies:
        again.replay(step)
    assert again.outcome.outcome.value == "halt_trading"


def test_replay_refuses_a_step_that_does_not_fit():
    walk = Walk(TREE, clock=Clock())
    walk.answer(0)
    stray = Walk(TREE, clock=Clock())
    with pytest.raises(WalkError):
        stray.replay(walk.path[0].__class__(**{**walk.path[0].__dict__, "node_id": "bug"}))


def test_diagnosis_stops_where_a_person_is_needed():
    diagnosis = advance_with_probes(Walk(TREE, clock=Clock()), {"ports": ports("open")})
    assert diagnosis.stopped_at == "bug" and diagnosis.needs_operator
    assert diagnosis.reason == "no probe answers this question"
    assert diagnosis.to_dict()["path"] == [{"node": "port", "answer": "Yes", "source": "probe", "evidence": "port open"}]


def test_diagnosis_stops_at_an_action_and_when_the_probe_did_not_run():
    assert advance_with_probes(Walk(TREE, clock=Clock()), {"ports": ports("refused")}).stopped_at == "start_gw"
    missing = advance_with_probes(Walk(TREE, clock=Clock()), {})
    assert missing.stopped_at == "port" and "did not run" in missing.reason
    unmatched = advance_with_probes(Walk(TREE, clock=Clock()), {"ports": ports("error")})
    assert "gave no answer" in unmatched.reason and unmatched.outcome is None
