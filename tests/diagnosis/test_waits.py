"""An action's `wait:` is a wait: the walk holds the probe's answer until it ends, and a skip is recorded."""

from datetime import UTC, datetime, timedelta

import pytest

from irtui.diagnosis.evidence import EvidenceBook
from irtui.diagnosis.store import EvidenceStore
from irtui.diagnosis.walk import AnswerSource, Step, WaitPending, Walk, advance_with_probes, span
from irtui.incidents.entry import PathStep
from irtui.probes.result import ProbeResult
from irtui.trees.model import Tree

TREE = Tree.model_validate(
    {
        "id": "restart",
        "title": "Restart",
        "severity": "P2",
        "first_action": "Look",
        "start": "restart",
        "nodes": {
            "restart": {"action": "Restart IB Gateway", "wait": "90s", "next": "api_now"},
            "api_now": {
                "question": "Does the API answer now?",
                "probe": "api",
                "answers": [
                    {"answer": "Yes", "when": {"stage": "ready"}, "next": "done"},
                    {"answer": "No — still failing", "when": {"stage": "silent"}, "next": "firewall"},
                ],
            },
            "firewall": {"action": "Check the firewall", "next": "done"},
            "done": {"outcome": "resolved", "summary": "Fixed"},
        },
    }
)
START = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def after(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def api(stage: str, at: datetime) -> ProbeResult:
    return ProbeResult("api", "ok" if stage == "ready" else "fail", f"API {stage}", {"stage": stage}, at=at)


def restarted(clock: Clock) -> Walk:
    walk = Walk(TREE, clock=clock)
    walk.complete_action()  # at START: the 90 s wait runs until START + 90 s
    clock.after(6)
    return walk


def test_during_the_wait_the_probe_answers_nothing_and_going_on_is_refused():
    clock = Clock()
    walk = restarted(clock)
    silent = {"api": api("silent", clock.now)}
    wait = walk.wait()
    assert wait is not None and wait.left_s(clock.now) == 84
    assert wait.describe(clock.now) == "84 s left of the 90s wait after “Restart IB Gateway”"
    assert walk.suggestion(silent) is None  # held
    assert walk.suggestion(silent, skip_wait=True).answer_index == 1  # what it would say
    with pytest.raises(WaitPending, match="84 s left of the 90s wait"):
        walk.answer(1, result=silent["api"])
    with pytest.raises(WaitPending):
        walk.answer(0)  # by hand too: a wait is a wait
    assert walk.current_id == "api_now" and len(walk.path) == 1


def test_evidence_from_the_wait_is_stale_once_it_ends_and_fresh_evidence_answers():
    clock = Clock()
    walk = restarted(clock)
    book = EvidenceBook()
    book.merge({"api": api("silent", clock.now)}, requested_at=clock.now)  # 6 s after the restart
    assert walk.evidence_since() == START + timedelta(seconds=90)
    clock.after(90)  # the wait is over
    assert walk.wait() is None
    assert walk.suggestion(book.usable(walk.evidence_since())) is None  # mid-restart evidence answers nothing
    book.merge({"api": api("ready", clock.now)}, requested_at=clock.now)
    picked = walk.suggestion(book.usable(walk.evidence_since()))
    assert picked is not None and picked.answer_index == 0
    step = walk.answer(0, result=picked.result, by_probe=True)
    assert step.source is AnswerSource.PROBE and step.wait_skipped_s is None


def test_skipping_the_wait_records_how_much_of_it_was_left():
    clock = Clock()
    walk = restarted(clock)
    clock.after(2)
    silent = api("silent", clock.now)
    assert walk.evidence_since(skip_wait=True) == START  # skipped: evidence since the action counts
    step = walk.answer(1, result=silent, by_probe=True, skip_wait=True)
    assert (step.source, step.wait_skipped_s, step.next_id) == (AnswerSource.PROBE, 82, "firewall")
    assert walk.evidence_since() == START  # the recorded skip still holds for later questions
    # It survives the journal and the log entry.
    assert Step.from_dict(step.to_dict()) == step
    assert PathStep.from_step(step).to_step().wait_skipped_s == 82


def test_an_action_during_a_wait_waits_too_and_back_undoes_the_skip():
    clock = Clock()
    walk = Walk(TREE, clock=clock, path=[])
    walk.complete_action()
    clock.after(100)
    walk.answer(1)  # the wait is over: no skip
    walk.complete_action()
    assert walk.wait() is None and walk.path[-1].wait_skipped_s is None
    walk.back()
    walk.back()
    walk.back()
    walk.complete_action()  # again, now
    with pytest.raises(WaitPending):
        walk.answer(1)
    assert walk.answer(1, skip_wait=True).wait_skipped_s == 90


def test_diagnose_stops_at_a_wait_and_says_how_long_is_left():
    clock = Clock()
    walk = restarted(clock)
    diagnosis = advance_with_probes(walk, {"api": api("silent", clock.now)})
    assert diagnosis.needs_operator and diagnosis.stopped_at == "api_now"
    assert diagnosis.reason == "waiting: 84 s left of the 90s wait after “Restart IB Gateway”"
    clock.after(84)
    assert advance_with_probes(walk, {"api": api("ready", clock.now)}).outcome is not None


def test_a_long_wait_reads_in_minutes():
    assert [span(84), span(120), span(1790)] == ["84 s", "2 min", "29 min 50 s"]


def test_the_evidence_store_holds_its_suggestion_during_the_wait_and_records_a_skip():
    clock = Clock()
    walk = restarted(clock)
    store = EvidenceStore()
    store.merge({"api": api("silent", clock.now)}, requested_at=clock.now)
    seen = store.assess(walk)
    assert seen.suggestion is None and seen.wait is not None and seen.held.answer_index == 1
    assert seen.result.summary == "API silent" and not seen.stale  # shown as seen during the wait
    clock.after(4)
    skipped = store.assess(walk, skip_wait=True)
    assert skipped.suggestion.answer_index == 1 and skipped.wait is None
    step = store.answer(walk, 1, skip_wait=True)
    assert (step.source, step.suggested, step.wait_skipped_s) == (AnswerSource.PROBE, 1, 80)
