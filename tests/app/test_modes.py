"""DRILL and DEMO runs: the banner on every screen, the label, the briefing, the drill's own clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from irtui.app.factory import Briefing
from irtui.app.screens.briefing import BriefingScreen
from irtui.app.screens.confirm_danger import ConfirmDangerScreen
from irtui.app.screens.finish import FinishScreen
from irtui.app.screens.home import HomeScreen
from irtui.app.screens.note import NoteScreen
from irtui.app.screens.override import OverrideScreen
from irtui.app.screens.resume import ResumeScreen
from irtui.app.screens.runbook import RunbookScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.clocks import WalkClock
from irtui.session.store import SessionStore
from tests.support.fakes import from_palette, screen_text, settle

from .conftest import LOG

DEMO_BANNER = "DEMO · nothing here is real · simulated Gateway on 127.0.0.1:4002 (api_silent)"
BRIEFING = Briefing("DRILL · The Gateway hangs", "Tuesday 10:00 ET. The heartbeat alert fires.")


def top_line(app) -> str:
    return screen_text(app).splitlines()[0]


async def test_the_demo_says_demo_in_its_header_and_banner_and_never_drill(build):
    app = build(mode="DRILL", demo=True, drill_banner=DEMO_BANNER)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert DEMO_BANNER in text.splitlines()[0]
        assert "irtui DEMO · gateway" in text
        assert "DRILL" not in text


def test_the_demo_cannot_run_live(build):
    with pytest.raises(ValueError, match="DRILL mode"):
        build(demo=True)


async def visit_every_screen(pilot, label: str, seen: dict[str, str]) -> None:
    """Go through every screen of a walk, noting the top line of each, modals included."""
    app = pilot.app

    async def note(kind) -> None:
        await pilot.pause()
        assert isinstance(app.screen, kind), (kind, app.screen)
        seen[kind.__name__] = top_line(app)

    await settle(pilot)
    if isinstance(app.screen, BriefingScreen):
        await note(BriefingScreen)
        await pilot.press("enter")
        await settle(pilot)
    await note(WalkScreen)
    await pilot.press("n")
    await note(NoteScreen)
    await pilot.press("escape", "r")
    await note(RunbookScreen)
    await pilot.press("escape", "2")  # against the probe: "No"
    await note(OverrideScreen)
    await pilot.press("escape", "1")
    await settle(pilot)
    await pilot.press("2", "d")  # silent → restart, a dangerous action
    await note(ConfirmDangerScreen)
    await pilot.press("y", "w", "2")  # skip the restart's wait
    await note(FinishScreen)
    await pilot.press("ctrl+s")
    await settle(pilot)
    await note(HomeScreen)
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    seen["CommandPalette"] = top_line(app)
    await pilot.press("escape")


@pytest.mark.parametrize(("mode", "demo", "label", "banner"), [("DRILL", False, "DRILL", None), ("DRILL", True, "DEMO", DEMO_BANNER)])
async def test_the_banner_is_on_every_screen(build, mode, demo, label, banner):
    app = build(start_tree="connection_loss", mode=mode, demo=demo, drill_banner=banner, briefing=None if demo else BRIEFING)
    seen: dict[str, str] = {}
    async with app.run_test(size=(100, 32)) as pilot:
        await visit_every_screen(pilot, label, seen)
    expected = {"WalkScreen", "NoteScreen", "RunbookScreen", "OverrideScreen", "ConfirmDangerScreen", "FinishScreen", "HomeScreen", "CommandPalette"}
    assert expected <= set(seen) and ("BriefingScreen" in seen) is (not demo)
    for screen, line in seen.items():
        assert line.strip().startswith(f"{label} ·"), (screen, line)


async def test_the_banner_is_under_the_resume_prompt_too(build, fixture_trees):
    store = SessionStore.for_log(LOG)
    store.start(fixture_trees.get("connection_loss"), "bob", "DRILL").close()
    app = build(mode="DRILL")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeScreen)
        assert top_line(app).strip().startswith("DRILL ·")


async def test_the_briefing_comes_first_and_i_shows_it_again(build):
    app = build(start_tree="connection_loss", mode="DRILL", briefing=BRIEFING)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BriefingScreen)
        text = screen_text(app)
        assert "Tuesday 10:00 ET. The heartbeat alert fires." in text and "Enter starts the drill" in text
        assert SessionStore.for_log(LOG).open_sessions() == []  # the clock has not started
        await pilot.press("enter")
        await settle(pilot)
        walk = app.screen
        assert isinstance(walk, WalkScreen)
        assert "i Briefing" in screen_text(app)  # in the footer

        await pilot.press("i")
        assert isinstance(app.screen, BriefingScreen) and "Enter goes back" in screen_text(app)
        await pilot.press("enter")
        assert app.screen is walk

        await from_palette(pilot, "briefing")
        assert isinstance(app.screen, BriefingScreen)


async def test_without_a_briefing_there_is_no_briefing_key(build):
    app = build(start_tree="connection_loss", mode="DRILL")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "Briefing" not in screen_text(app)
        await pilot.press("i")
        assert isinstance(app.screen, WalkScreen)


async def test_the_walk_clock_counts_against_the_drills_target(build):
    app = build(start_tree="connection_loss", mode="DRILL", time_target=timedelta(minutes=2))  # the tree says 5 min
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert str(app.screen.query_one(WalkClock).render()) == "⏱ 0:00 of 2:00"
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2", "d", "y", "w", "2")
        await pilot.pause()
        assert isinstance(app.screen, FinishScreen)
        assert str(app.screen.query_one(WalkClock).render()) == "⏱ 0:00 of 2:00"


async def test_a_long_banner_keeps_its_point_on_one_line_at_80_columns(build):
    long = "DRILL · not a live incident · The Gateway process is gone (crash or auto-update) · target 5 minutes"
    app = build(start_tree="connection_loss", mode="DRILL", drill_banner=long)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first, second = screen_text(app).splitlines()[:2]
        assert first.startswith("DRILL · not a live incident · The Gateway process") and first.rstrip().endswith("…")
        assert "Connection lost to IBKR" in second  # the walk's header, not the banner's second half
