"""Live drills score the trader's own system from the simulator's record of what it sent."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from irtui.drills.live import KillSwitchFile, score_system, start_schedule, wait_for_system
from irtui.drills.model import LiveDrill
from irtui.sim import Fault, running_gateway
from tests.support.scripted_system import Behaviour, ScriptedSystem

pytestmark = pytest.mark.timeout(60)

LINK_LOST = [Fault(after_s=0.3, notice=1100), Fault(after_s=0.8, notice=1102)]


def drill(faults: list[Fault], **expect: float) -> LiveDrill:
    return LiveDrill(faults=faults, duration_s=3, expect=expect)


def play(live: LiveDrill, behaviour: Behaviour, kill_switch: Path, watch_s: float) -> tuple:  # type: ignore[type-arg]
    with running_gateway("healthy") as gateway:
        system = ScriptedSystem(gateway.port, behaviour).start()
        assert wait_for_system(gateway, 10) == behaviour.client_id
        start_schedule(gateway, live, kill_switch)
        time.sleep(watch_s)
        score = score_system(gateway, live)
        system.join()
        assert gateway.order_messages == [], "the system's orders are not irtui's"
    return score, system


def test_a_system_that_resubscribes_after_1102_passes(tmp_path: Path) -> None:
    score, system = play(drill(LINK_LOST, resubscribe_within_s=1.5), Behaviour(run_for_s=3), tmp_path / "KILL", 1.6)
    assert 1100 in system.errors and 1102 in system.errors
    (check,) = score.checks
    assert check.name == "resubscribed" and check.passed, check
    assert check.seconds is not None and check.seconds < 1.5
    assert score.passed and score.points == 100 and score.client_ids == (5,)


def test_a_system_that_does_not_resubscribe_is_scored_down(tmp_path: Path) -> None:
    score, _ = play(drill(LINK_LOST, resubscribe_within_s=1.5), Behaviour(resubscribe=False, run_for_s=3), tmp_path / "KILL", 1.6)
    (check,) = score.checks
    assert not check.passed and "streams stayed dead" in check.detail
    assert not score.passed and score.points == 0


def test_reconnecting_with_backoff_after_a_drop_with_held_ids(tmp_path: Path) -> None:
    live = drill([Fault(after_s=0.2, drop=True, hold_ids_s=0.8)], reconnect_within_s=3, min_retry_gap_s=0.3)
    score, system = play(live, Behaviour(reconnect_gap_s=0.5, run_for_s=4), tmp_path / "KILL", 2.5)
    checks = {check.name: check for check in score.checks}
    assert checks["reconnected"].passed, checks["reconnected"]
    assert checks["backed off"].passed, checks["backed off"]
    assert 326 in system.errors, "a reconnect inside the hold met a used id"


def test_hammering_the_gateway_after_a_drop_is_scored_down(tmp_path: Path) -> None:
    live = drill([Fault(after_s=0.2, drop=True, hold_ids_s=0.8)], reconnect_within_s=3, min_retry_gap_s=0.3)
    score, _ = play(live, Behaviour(reconnect_gap_s=0.02, connect_timeout_s=0.15, run_for_s=3), tmp_path / "KILL", 2.0)
    checks = {check.name: check for check in score.checks}
    assert not checks["backed off"].passed, checks["backed off"]
    assert not score.passed


@pytest.mark.parametrize("honours", [True, False])
def test_orders_after_the_kill_switch_fail_the_system(tmp_path: Path, honours: bool) -> None:
    switch = tmp_path / "KILL_SWITCH"
    live = drill([Fault(after_s=0.5, kill_switch=True)], kill_switch_grace_s=0.3)
    behaviour = Behaviour(order_every_s=0.1, kill_switch=switch if honours else None, run_for_s=2)
    score, _ = play(live, behaviour, switch, 1.5)
    assert switch.exists(), "the drill set the kill switch by creating the file"
    (check,) = score.checks
    assert check.name == "stopped on kill switch" and check.passed is honours, check


def test_the_kill_switch_the_drill_set_is_cleared_and_one_already_there_is_left(tmp_path: Path) -> None:
    ours = KillSwitchFile(tmp_path / "ours")
    ours(Fault(kill_switch=True))
    assert ours.path.exists() and ours.clear() and not ours.path.exists()
    theirs_path = tmp_path / "theirs"
    theirs_path.write_text("set by the desk\n")
    theirs = KillSwitchFile(theirs_path)
    theirs(Fault(kill_switch=True))
    theirs(Fault(kill_switch=False))
    assert not theirs.clear() and theirs_path.read_text() == "set by the desk\n"
