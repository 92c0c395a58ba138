"""The walk's keys, each asserting what it changed: in the session, its journal and on screen."""

from __future__ import annotations

import threading
from datetime import timedelta

from irtui.app.screens.finish import FinishScreen
from irtui.app.screens.home import HomeScreen
from irtui.app.screens.override import OverrideScreen
from irtui.app.screens.resume import ResumeScreen
from irtui.app.screens.runbook import RunbookScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.clocks import WalkClock
from irtui.app.widgets.command_list import CommandsToCopy
from irtui.app.widgets.follow_ups import FollowUpList
from irtui.app.widgets.question_view import AnswerList
from irtui.diagnosis.walk import AnswerSource
from irtui.incidents import IncidentLog
from irtui.session.store import SessionStore
from tests.support.fakes import API_SILENT, FROZEN, FixedRunner, from_palette, probe, screen_text, settle

from .conftest import LOG


async def test_accepting_the_probe_records_it_as_the_probe_answer(build):
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the highlight sits on the probe's answer
        step = app.screen.walk.path[-1]
        assert (step.answer, step.source, step.probe) == ("Yes", AnswerSource.PROBE, "gateway_process")
        assert step.evidence == "IB Gateway running (pid 4242, up 3 h)"


async def test_choosing_against_the_probe_is_an_override_and_can_be_called_off(build):
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # "No", while the probe says the Gateway runs
        assert isinstance(app.screen, OverrideScreen)
        await pilot.press("escape")
        walk = app.screen
        assert isinstance(walk, WalkScreen) and walk.walk.path == []
        await pilot.press("o", "enter")  # the override key offers the other answers
        await settle(pilot)
        assert [(s.answer, s.source) for s in walk.walk.path] == [("No", AnswerSource.OVERRIDE)]
        assert walk.walk.current_id == "start_gateway"


async def test_copy_puts_the_command_on_the_clipboard_and_runs_nothing(build):
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")  # → Restart IB Gateway
        await pilot.press("down", "c")
        assert app.clipboard == "/opt/ibc/stop.sh && /opt/ibc/gatewaystart.sh -inline"
        assert app.screen.query_one(CommandsToCopy).highlighted == 1
        assert app.screen.walk.current_id == "restart_gateway"


async def test_a_danger_action_is_done_only_after_confirmation(build):
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2", "d", "escape")
        walk = app.screen
        assert walk.walk.current_id == "restart_gateway"
        await pilot.press("d", "y")
        assert walk.walk.current_id == "still_failing"
        assert walk.walk.path[-1].kind == "action"


async def test_back_undoes_and_is_journaled(build, fixture_trees):
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("b")
        walk = app.screen
        assert walk.walk.current_id == "gateway_running" and walk.walk.path == []
        session_id = walk.session.id
    # What the journal says after the app is gone: the undo is there.
    store = SessionStore.for_log(LOG)
    [left] = store.open_sessions()
    assert left.id == session_id and left.steps == 0


async def test_notes_the_runbook_and_the_palette_are_a_key_away(build):
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        walk = app.screen
        await pilot.press("n", *"GUI frozen", "enter")
        assert [n.text for n in walk.session.notes] == ["GUI frozen"]
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RunbookScreen)
        assert "RB-001" in str(app.screen.query_one("#top-bar").render())
        await pilot.press("escape")
        assert app.screen is walk
        await from_palette(pilot, "runbook")
        assert isinstance(app.screen, RunbookScreen)


async def test_leaving_keeps_the_session_and_u_resumes_it(build):
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        session = app.screen.session
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("u")
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WalkScreen)
        assert app.screen.session is session and app.screen.walk.current_id == "api_answers"


async def test_finish_back_returns_to_the_walk_a_step_earlier(build):
    app = build(start_tree="kill_switch")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("2", "enter")  # "No", over the probe
        await settle(pilot)
        assert isinstance(app.screen, FinishScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WalkScreen) and app.screen.walk.current_id == "intentional"


async def test_finish_writes_the_entry_once_with_follow_ups_and_notes(build):
    app = build(start_tree="kill_switch")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # not on purpose, as the flag's probe says → halt trading
        await settle(pilot)
        await pilot.press(*"drawdown limit hit", "tab", *"all calm")
        app.screen.query_one(FollowUpList).focus()  # below the impact fields a P1 asks for
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    [entry] = IncidentLog(LOG).read().entries
    assert (entry.tree_id, entry.outcome.kind, entry.root_cause) == ("kill_switch", "halt_trading", "drawdown limit hit")
    assert [n.text for n in entry.notes] == ["all calm"]
    assert [f.text for f in entry.follow_ups if f.done] == [
        "Stabilize: ensure no ongoing capital risk",
        "Document: add to INCIDENT_LOG.md immediately",
    ]
    assert SessionStore.for_log(LOG).open_sessions() == []


async def test_the_clock_turns_amber_then_red_against_the_target(build):
    now = [FROZEN]
    app = build(start_tree="kill_switch", clock=lambda: now[0])  # P1: a one-minute target
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        clock = app.screen.query_one(WalkClock)
        for seconds, classes, flag in ((30, set(), ""), (50, {"-amber"}, "⚠ near target"), (75, {"-red"}, "✖ OVER TARGET by 0:15")):
            now[0] = FROZEN + timedelta(seconds=seconds)
            clock.tick()
            assert {"-amber", "-red"} & set(clock.classes) == classes
            assert flag in str(clock.render()) if flag else "target" not in str(clock.render()).lower()


async def test_a_late_probe_moves_the_highlight_to_its_answer_unless_the_operator_moved_it(build):
    gate = threading.Event()
    results = dict(API_SILENT)
    results["gateway_process"] = probe("gateway_process", "fail", "no Gateway process", running=False, count=0, kind="none")
    app = build(start_tree="connection_loss", runner=FixedRunner(results, gate=gate))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        answers = app.screen.query_one(AnswerList)
        assert answers.highlighted == 0  # nothing known yet
        gate.set()
        await settle(pilot)
        assert answers.highlighted == 1  # "No": the probe found no Gateway

        gate.clear()
        await pilot.press("p")  # re-run, and move before it answers
        await pilot.press("up")
        gate.set()
        await settle(pilot)
        assert answers.highlighted == 0


async def test_the_commands_stay_visible_after_the_command_palette_was_used(build):
    # Textual's palette styles its own CommandList hidden; a widget of that name was hidden with it.
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await from_palette(pilot, "keys")
        await from_palette(pilot, "keys")
        app.start_tree("connection_loss")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")  # → Restart IB Gateway, which has commands
        commands = app.screen.query_one(CommandsToCopy)
        assert commands.region.height > 0 and commands.visible
        assert "$ /opt/ibc/stop.sh" in screen_text(app)
