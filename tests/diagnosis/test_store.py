"""The evidence store: one per incident; a question's suggestion is computed once, from
the store and the time of the last action, and recorded with the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from irtui.diagnosis.store import BEFORE_THE_LAST_ACTION, EvidenceStore
from irtui.diagnosis.walk import AnswerSource, Step, Walk
from irtui.probes.result import ProbeResult, Status
from tests.trees.shipped import shipped

T0 = datetime(2026, 1, 27, 15, 0, tzinfo=UTC)
TREE = shipped().trees["connection_loss"]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def ports(state: str, at: datetime) -> ProbeResult:
    return ProbeResult("ports", Status.OK if state == "open" else Status.FAIL, f"port {state}", {"trading_port_state": state, "any_open": state == "open"}, at=at)


def process(running: bool, at: datetime) -> ProbeResult:
    facts = {"running": running, "count": int(running), "kind": "gateway" if running else "none", "started_before_relogin": False, "in_auto_restart": False}
    return ProbeResult("gateway_process", Status.OK if running else Status.FAIL, "process", facts, at=at)


def test_the_suggestion_comes_from_observed_facts_and_is_recorded_with_the_answer() -> None:
    clock = Clock()
    walk, store = Walk(TREE, clock=clock), EvidenceStore()
    store.merge({"ports": ports("refused", T0)}, requested_at=T0)
    seen = store.assess(walk)
    assert seen.picks == 1 and not seen.stale and seen.unknown == {}
    step = store.answer(walk, 1)
    assert step.source is AnswerSource.PROBE and step.suggested == 1
    assert Step.from_dict(step.to_dict()) == step


def test_evidence_from_before_the_last_action_decides_nothing_and_says_why() -> None:
    clock = Clock()
    walk, store = Walk(TREE, clock=clock), EvidenceStore()
    store.merge({"ports": ports("refused", T0), "gateway_process": process(False, T0)}, requested_at=T0)
    store.answer(walk, 1)  # port closed
    store.answer(walk, 3)  # not running → start_gateway
    clock.now = T0 + timedelta(seconds=30)
    walk.complete_action()  # the operator started the Gateway: what irtui saw before is gone
    seen = store.assess(walk)
    assert walk.current_id == "port_after_start"
    assert seen.stale and seen.suggestion is None
    assert seen.unknown == {"ports.trading_port_state": BEFORE_THE_LAST_ACTION}
    clock.now += timedelta(seconds=30)  # the start's 30 s wait is over
    step = store.answer(walk, 0)  # the operator answers by hand; the record says why the probe could not
    assert step.source is AnswerSource.OPERATOR and step.suggested is None
    assert step.unknown == {"ports.trading_port_state": BEFORE_THE_LAST_ACTION}
    assert Step.from_dict(step.to_dict()).unknown == step.unknown


def test_a_fresh_sweep_after_the_action_suggests_again() -> None:
    clock = Clock()
    walk, store = Walk(TREE, clock=clock), EvidenceStore()
    store.merge({"ports": ports("refused", T0), "gateway_process": process(False, T0)}, requested_at=T0)
    store.answer(walk, 1)
    store.answer(walk, 3)
    clock.now = T0 + timedelta(seconds=30)
    walk.complete_action()
    later = T0 + timedelta(seconds=60)  # once the start's 30 s wait is over
    clock.now = later
    store.merge({"ports": ports("open", later)}, requested_at=later)
    seen = store.assess(walk)
    assert not seen.stale and seen.picks == 0 and TREE.node("port_after_start").answers[0].next == "api_handshake"
