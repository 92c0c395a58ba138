"""What the operator sees, pinned: fixed size, frozen clock, fixed probe results.

Update after a deliberate change with `pytest tests/app --snapshot-update` and look at
the report before committing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import textual
from textual.pilot import Pilot

from irtui.app.factory import Briefing
from irtui.app.widgets.clocks import WalkClock
from irtui.session.store import SessionStore
from tests.support.fakes import frozen_clock, settle

from .conftest import LOG, walk_to_finish
from .test_modes import DEMO_BANNER
from .test_walk_freshness import LoginCheck

SIZE = (100, 32)
SNAPSHOT_TEXTUAL = "8.2.8"  # the screenshots depend on Textual's rendering; pyproject pins it for tests

pytestmark = pytest.mark.skipif(
    textual.__version__ != SNAPSHOT_TEXTUAL,
    reason=f"snapshots were made with Textual {SNAPSHOT_TEXTUAL}, this is {textual.__version__}",
)


def test_home(build, snap_compare):
    assert snap_compare(build(), terminal_size=SIZE, run_before=settle)


def test_home_at_80x24(build, snap_compare):
    assert snap_compare(build(), terminal_size=(80, 24), run_before=settle)


def test_walk_question_with_probe_evidence(build, snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("1")  # the Gateway is running, as the probe says
        await settle(pilot)

    assert snap_compare(build(start_tree="connection_loss"), terminal_size=SIZE, run_before=run_before)


def test_walk_at_80x24(build, snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)

    assert snap_compare(build(start_tree="connection_loss"), terminal_size=(80, 24), run_before=run_before)


def test_override_asks_with_what_the_probe_said(build, snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("3")  # the probe says "silent"; the operator says "closed"

    assert snap_compare(build(start_tree="connection_loss"), terminal_size=SIZE, run_before=run_before)


def test_danger_action_asks_for_confirmation(build, snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2", "d")

    assert snap_compare(build(start_tree="connection_loss"), terminal_size=SIZE, run_before=run_before)


def test_runbook_viewer(build, snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()

    assert snap_compare(build(start_tree="connection_loss"), terminal_size=SIZE, run_before=run_before)


def test_finish_with_the_entry_preview(build, snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await walk_to_finish(pilot)
        await pilot.press(*"hung handshake")

    assert snap_compare(build(start_tree="connection_loss"), terminal_size=SIZE, run_before=run_before)


def test_drill_mode_is_unmistakable(build, snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)

    app = build(start_tree="connection_loss", mode="DRILL")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_resume_prompt(build, snap_compare, fixture_trees):
    app = build()
    store = SessionStore.for_log(LOG)
    left_open = store.start(fixture_trees.get("connection_loss"), "bob", clock=frozen_clock)
    left_open.answer(0)
    left_open.add_note("Gateway GUI frozen")
    left_open.close()  # the terminal died here
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_demo_home_says_demo(build, snap_compare):
    app = build(mode="DRILL", demo=True, drill_banner=DEMO_BANNER)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_drill_briefing_before_the_clock_starts(build, snap_compare):
    briefing = Briefing(
        "DRILL · The Gateway's API hangs",
        "Tuesday 10:00 ET. The heartbeat alert fires: ibkr_connected is false.\n"
        "What you would see: the Gateway window shows it is logged in.",
    )
    app = build(start_tree="connection_loss", mode="DRILL", briefing=briefing, time_target=timedelta(minutes=2))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_during_the_wait_the_probe_answer_is_held(build, snap_compare):
    check = LoginCheck(build)

    async def run_before(pilot: Pilot) -> None:
        walk = await check.log_in(pilot, stage="ready", gate_wait_s=6.0)
        # The walk clock redraws on a 1 s timer; draw it now, at the test's clock, so the
        # picture never depends on whether that timer fired first.
        walk.query_one(WalkClock).tick()
        await pilot.pause()

    assert snap_compare(check.app, terminal_size=SIZE, run_before=run_before)
