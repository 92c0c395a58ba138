"""Home drawn before its services are loaded (`irtui` with a remembered preview): what it
shows meanwhile, and that nothing is lost once the configuration, trees, log and open
incidents are in."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

from irtui.app.factory import HomeFacts, make_loading_app
from irtui.app.screens.home import HomeScreen
from irtui.app.screens.resume import ResumeScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.quick_reference import QuickReference
from irtui.app.widgets.suspect import SuspectIncident
from irtui.session.store import SessionStore
from tests.app.conftest import LOG
from tests.support.fakes import screen_text, settle

LOAD_DEADLINE_S = 30.0  # generous: a loaded two-core machine


def loading_app(build, *, start_tree=None, facts=None, **options):
    """The app `irtui` (`irtui run TREE` with `start_tree`) starts from a preview, with a
    load that waits for `gate`."""
    services = build(**options).services
    gate = threading.Event()
    calls: list[int] = []

    def load():
        calls.append(1)
        assert gate.wait(LOAD_DEADLINE_S), "the test never let the load finish"
        return services

    return make_loading_app(facts or HomeFacts.of(services), load, start_tree=start_tree), gate, calls, services


async def until_loaded(pilot) -> None:
    async with asyncio.timeout(LOAD_DEADLINE_S):
        while not pilot.app.loaded:
            await asyncio.sleep(0.01)
    await settle(pilot)


async def test_home_is_drawn_while_loading_and_probes_once_loaded(build):
    app, gate, calls, services = loading_app(build)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert not app.loaded and isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert "Reading the configuration, the trees and any open incidents" in text
        assert "LIVE · gateway 127.0.0.1:4002 · alice" in text
        table = app.screen.query_one(QuickReference)
        assert table.row_count == len(services.trees.trees)
        first = sorted(services.trees.trees.values(), key=lambda t: t.severity.value)[0]
        assert any(row.lstrip().startswith(f"▶  {first.title}") for row in text.splitlines()), "the selected row carries ▶"
        assert services.runner.calls == [], "no sweep before the configuration is loaded"
        await pilot.press("p")  # probing waits for the configuration too
        assert services.runner.calls == []

        gate.set()
        await until_loaded(pilot)
        assert calls == [1]
        assert services.runner.calls, "the first sweep starts once loaded"
        assert "port 4002 open but API silent" in str(app.screen.query_one(SuspectIncident).render())
        assert any(row.lstrip().startswith("✖ API") for row in screen_text(app).splitlines())
        assert table.row_count == len(services.trees.trees)


async def test_an_open_incident_is_offered_once_loaded(build, fixture_trees):
    SessionStore.for_log(LOG).start(fixture_trees.get("connection_loss"), "bob", "LIVE").close()
    app, gate, _, _ = loading_app(build)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen), "nothing is offered before the journals are read"
        assert "any open incidents" in screen_text(app)
        gate.set()
        await until_loaded(pilot)
        assert isinstance(app.screen, ResumeScreen)
        assert "connection_loss" in screen_text(app) or "Connection" in screen_text(app)


async def test_enter_while_loading_starts_the_tree_once_loaded_and_names_other_open_incidents(build, fixture_trees):
    other = next(t for t in fixture_trees.trees.values() if t.id != "connection_loss")
    SessionStore.for_log(LOG).start(other, "bob", "LIVE").close()
    app, gate, _, _ = loading_app(build)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(QuickReference)
        table.move_to("connection_loss")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        gate.set()
        await until_loaded(pilot)
        assert isinstance(app.screen, WalkScreen) and app.screen.session.tree.id == "connection_loss"
        notes = [n.message for n in app._notifications]
        assert any("1 other open incident(s) wait" in note for note in notes), notes


async def test_a_failed_load_ends_the_app_with_the_error_kept_for_the_command_line(build):
    services = build().services

    def load():
        raise ValueError("irtui.toml: gateway.trading_port: must be at least 1")

    app = make_loading_app(HomeFacts.of(services), load)
    async with app.run_test(size=(100, 32)) as pilot:
        async with asyncio.timeout(LOAD_DEADLINE_S):
            while app.load_error is None:
                await asyncio.sleep(0.01)
        await pilot.pause()
    assert isinstance(app.load_error, ValueError) and app.return_code == 2


async def test_run_says_which_tree_it_opens_and_keys_pressed_while_loading_are_not_lost(build):
    app, gate, _, services = loading_app(build, start_tree="connection_loss")
    title = services.trees.get("connection_loss").title
    async with app.run_test(size=(100, 32)) as pilot:
        # At once, before the first frame has settled: what a stressed operator types.
        await pilot.press("down", "up", "p", "question_mark", "escape", "u", "b")
        await pilot.pause()
        assert not app.loaded and isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        assert f"Opening {title}: reading the configuration" in text
        assert "Live status · … loading" in text and "✔" not in text, "nothing is said to be fine before it was probed"
        table = app.screen.query_one(QuickReference)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "connection_loss"
        assert services.runner.calls == []
        gate.set()
        await until_loaded(pilot)
        assert isinstance(app.screen, WalkScreen) and app.screen.session.tree.id == "connection_loss"
        assert len(SessionStore.for_log(LOG).open_sessions()) == 1


async def test_enter_on_another_tree_while_run_loads_opens_that_one(build, fixture_trees):
    other = sorted(fixture_trees.trees.values(), key=lambda t: t.severity.value)[0]
    app, gate, _, _ = loading_app(build, start_tree="connection_loss")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        app.screen.query_one(QuickReference).move_to(other.id)
        await pilot.press("enter")
        await pilot.pause()
        assert f"Opening {other.title}" in screen_text(app)
        gate.set()
        await until_loaded(pilot)
        assert isinstance(app.screen, WalkScreen) and app.screen.session.tree.id == other.id


async def test_the_title_and_banner_drawn_before_the_simulator_had_a_port_are_made_true_once_loaded(build):
    services = build(mode="DRILL", demo=True, drill_banner="DEMO · simulated Gateway on 127.0.0.1:4002").services
    facts = replace(HomeFacts.of(services), gateway="simulated (starting…)", drill_banner="DEMO · simulated Gateway starting…")
    app, gate, _, _ = loading_app(build, facts=facts, mode="DRILL", demo=True, drill_banner=services.drill_banner)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("down", "enter")  # a tree asked for before the simulator is up
        await pilot.pause()
        text = screen_text(app)
        assert "DEMO · gateway simulated (starting…)" in text and "simulated Gateway starting…" in text
        assert ": starting the simulated Gateway, reading the trees…" in text
        gate.set()
        await until_loaded(pilot)
        assert isinstance(app.screen, WalkScreen)
        await pilot.press("escape")
        await settle(pilot)
        text = screen_text(app)
        assert "DEMO · gateway 127.0.0.1:4002" in text and "simulated Gateway on 127.0.0.1:4002" in text
        assert "starting" not in text


async def test_quitting_while_loading_ends_the_console_and_the_load_still_finishes(build):
    app, gate, calls, _ = loading_app(build, start_tree="connection_loss")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        gate.set()
    assert calls == [1] and app.load_error is None and app.return_code in (None, 0)


async def test_the_palette_while_loading_opens_a_runbook_and_queues_a_tree(build):
    from irtui.app.screens.runbook import RunbookScreen
    from tests.support.fakes import from_palette

    app, gate, _, _ = loading_app(build)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await from_palette(pilot, "Runbook: RB-001")
        assert not app.loaded and isinstance(app.screen, RunbookScreen), "read before anything is loaded"
        assert "LIVE" in screen_text(app) or "RB-001" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await from_palette(pilot, "Start: Connection")
        assert isinstance(app.screen, HomeScreen) and app.queued_start == "connection_loss"
        gate.set()
        await until_loaded(pilot)
        assert isinstance(app.screen, WalkScreen) and app.screen.session.tree.id == "connection_loss"
