"""A disconnect that outlives its reset window escalates in the walk itself (connection_loss).

Inside a window the tree waits (wait_out_reset, 10 min). After the wait a fresh API
session decides first: link back → on; still lost → only then the calendar: window
over → the disconnect outlived it (escalate), still inside → wait again. The calendar
never decides alone, and evidence seen during the wait answers nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from irtui.diagnosis.store import EvidenceStore
from irtui.diagnosis.walk import Walk, advance_with_probes
from irtui.probes.result import ProbeResult, Status
from irtui.trees.model import OutcomeKind
from tests.trees.shipped import shipped

TREE = shipped().trees["connection_loss"]
AT_0130_ET = datetime(2026, 1, 27, 6, 30, tzinfo=UTC)  # Tuesday, inside North America's 00:15–01:45 ET
WAIT = timedelta(minutes=10, seconds=1)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def ports(at: datetime) -> ProbeResult:
    return ProbeResult("ports", Status.OK, "port open", {"trading_port_state": "open", "any_open": True}, at=at)


def api(at: datetime, *, lost: bool) -> ProbeResult:
    facts = {"stage": "ready", "connectivity_lost": lost, "error_codes": [1100] if lost else [1100, 1102], "expected_account": None}
    unknown = {"expected_account": "gateway.expected_accounts is not configured"}
    return ProbeResult("api", Status.FAIL if lost else Status.OK, "API up, 1100" if lost else "API ready", facts, at=at, unknown=unknown)


def window(at: datetime, *, inside: bool) -> ProbeResult:
    facts = {"in_window": inside, "window": "North America daily reset" if inside else "", "sunday_relogin": False}
    return ProbeResult("reset_window", Status.WARN if inside else Status.OK, "reset window", facts, at=at)


def sweep(at: datetime, *, lost: bool, inside: bool) -> dict[str, ProbeResult]:
    return {"ports": ports(at), "api": api(at, lost=lost), "reset_window": window(at, inside=inside)}


def waiting_out_the_reset(clock: Clock) -> Walk:
    """Probed at 01:30 ET: 1100 inside the window → the walk stops at the wait; it is done."""
    walk = Walk(TREE, clock=clock)
    diagnosis = advance_with_probes(walk, sweep(clock.now, lost=True, inside=True))
    assert diagnosis.stopped_at == "wait_out_reset" and diagnosis.reason == "an action for the operator"
    walk.complete_action()
    return walk


def test_a_loss_still_there_after_the_window_escalates_as_outlived() -> None:
    clock = Clock(AT_0130_ET)
    walk = waiting_out_the_reset(clock)
    clock.now += WAIT  # 01:40 ET: still inside the window, the link still lost → wait again
    again = advance_with_probes(walk, sweep(clock.now, lost=True, inside=True))
    assert [s.node_id for s in again.path[-2:]] == ["link_after_reset", "reset_window_over"]
    assert again.stopped_at == "wait_out_reset"
    walk.complete_action()
    clock.now += WAIT  # 01:50 ET: the window is over and the live evidence still shows the loss
    outlived = advance_with_probes(walk, sweep(clock.now, lost=True, inside=False))
    assert outlived.outcome is not None and outlived.stopped_at == "reset_window_outlived"
    assert outlived.outcome.outcome is OutcomeKind.ESCALATE
    assert "outlived the reset window" in outlived.outcome.summary
    assert [s.probe for s in outlived.path[-2:]] == ["api", "reset_window"]  # live first, then the calendar


def test_a_link_back_after_the_wait_goes_on_whatever_the_calendar_says() -> None:
    clock = Clock(AT_0130_ET)
    walk = waiting_out_the_reset(clock)
    clock.now += WAIT + timedelta(minutes=10)  # past the window, but the Gateway's link is back
    diagnosis = advance_with_probes(walk, sweep(clock.now, lost=False, inside=False))
    assert "reset_window_over" not in [s.node_id for s in diagnosis.path]
    assert diagnosis.path[-1].node_id == "link_after_reset" and diagnosis.path[-1].next_id == "system_link"
    assert diagnosis.stopped_at != "reset_window_outlived"


def test_the_calendar_alone_never_escalates() -> None:
    clock = Clock(AT_0130_ET)
    walk = waiting_out_the_reset(clock)
    clock.now += WAIT + timedelta(minutes=10)
    no_api = {"ports": ports(clock.now), "reset_window": window(clock.now, inside=False)}
    diagnosis = advance_with_probes(walk, no_api)
    assert diagnosis.stopped_at == "link_after_reset" and diagnosis.needs_operator
    unknown_api = {**no_api, "api": api(clock.now, lost=True).as_unknown("no answer within 5s")}
    diagnosis = advance_with_probes(walk, unknown_api)
    assert diagnosis.stopped_at == "link_after_reset" and "api.connectivity_lost" in diagnosis.unknown


def test_during_the_wait_nothing_escalates_and_evidence_from_it_is_stale_after() -> None:
    clock = Clock(AT_0130_ET)
    walk = waiting_out_the_reset(clock)
    store = EvidenceStore()
    clock.now += timedelta(minutes=5)
    store.merge(sweep(clock.now, lost=True, inside=False), requested_at=clock.now)  # seen mid-wait
    held = advance_with_probes(walk, store.view(walk.evidence_since()))
    assert held.stopped_at == "link_after_reset" and held.reason.startswith("waiting: 5 min left of the 10m wait")
    clock.now += timedelta(minutes=5, seconds=1)  # the wait is over: what the wait saw answers nothing
    seen = store.assess(walk)
    assert seen.stale and seen.suggestion is None
    store.merge(sweep(clock.now, lost=True, inside=False), requested_at=clock.now)
    assert store.assess(walk).suggestion.answer_index == 1  # fresh: still lost
    store.answer(walk, 1)
    assert store.assess(walk).suggestion.answer_index == 0  # fresh calendar: the window is over
    store.answer(walk, 0)
    assert walk.finished and walk.current_id == "reset_window_outlived"
