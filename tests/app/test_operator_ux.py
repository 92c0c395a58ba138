"""What a stressed operator trips on, driven as a person would: keys in, screen read back."""

from __future__ import annotations

import os
from datetime import timedelta

from textual.widgets import Input, TextArea

from irtui.app.screens.command_view import CommandViewScreen
from irtui.app.screens.finish import FinishScreen
from irtui.app.screens.home import HomeScreen
from irtui.app.screens.resume import AbandonScreen, ResumeScreen
from irtui.app.screens.runbook import RunbookScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.clocks import WalkClock
from irtui.app.widgets.follow_ups import FollowUpList
from irtui.app.widgets.path_view import PathView
from irtui.config import AppConfig, Config
from irtui.diagnosis.walk import AnswerSource, Step
from irtui.incidents import IncidentLog
from irtui.session.store import SessionStore
from tests.incidents.samples import make_entry
from tests.support.fakes import FROZEN, from_palette, screen_text, settle
from tests.trees.shipped import shipped

from .conftest import LOG, walk_to_finish


async def test_finish_starts_in_root_cause_with_notes_in_view_at_80x24(build):
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_to_finish(pilot)
        screen = app.screen
        assert isinstance(screen, FinishScreen)
        root_cause, notes = screen.query_one("#root-cause", Input), screen.query_one("#closing-note", Input)
        follow_ups = screen.query_one(FollowUpList)
        assert app.focused is root_cause
        # The typing fields sit above the list whose header speaks of space, so space never
        # seems to tick while the cursor is in a text field; both fields are on screen.
        assert root_cause.region.y < notes.region.y < follow_ups.region.y
        assert 0 < notes.region.bottom <= 23 and root_cause.region.y > 0
        await pilot.press(*"gw hung", "enter")
        assert app.focused is notes
        for _ in range(10):  # on past the impact fields a P1/P2 asks for
            if app.focused is follow_ups:
                break
            await pilot.press("tab")
        assert app.focused is follow_ups
        await pilot.press("space")
        assert follow_ups.items[0].done


def _counting_bell(app) -> list[int]:  # type: ignore[no-untyped-def]
    rang: list[int] = []
    app.bell = lambda: rang.append(1)
    return rang


async def test_a_p1_is_unmistakable_and_rings_when_it_starts_and_when_the_target_passes(build):
    now = [FROZEN]
    app = build(start_tree="kill_switch", clock=lambda: now[0])
    rang = _counting_bell(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "P1 · CAPITAL AT IMMEDIATE RISK · respond within 1 minute" in text
        assert len(rang) == 1  # the P1 started
        now[0] = FROZEN + timedelta(seconds=64)
        app.screen.query_one(WalkClock).tick()
        app.screen.query_one(WalkClock).tick()
        await pilot.pause()
        assert "✖ OVER TARGET by 0:04 · ⏱ 1:04 of 1:00" in screen_text(app)
        assert len(rang) == 2  # once when the target passed, not every second


async def test_the_bell_can_be_turned_off(build):
    app = build(start_tree="kill_switch", config=Config(app=AppConfig(bell=False, local_timezone="UTC")))
    rang = _counting_bell(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert rang == []


async def test_a_p2_has_no_p1_banner(build):
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "IMMEDIATE RISK" not in screen_text(app)


async def test_the_wall_clock_labels_every_zone_and_adds_the_operators_own(build):
    app = build(config=Config(app=AppConfig(local_timezone="Europe/Berlin")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "14:30:00 UTC · 09:30 ET · 15:30 CET local" in screen_text(app)


async def test_home_has_one_selection_which_enter_starts(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = [line for line in screen_text(app).splitlines() if "P1 <" in line or "P2 <" in line]
        assert [line[:3].strip() for line in rows].count("▶") == 1
        assert any(line.startswith(" ▶") and "Connection lost to IBKR  ← evidence" in line for line in rows)
        await pilot.press("down")  # the operator moves: ▶ goes along, the evidence stays a word
        rows = [line for line in screen_text(app).splitlines() if "P1 <" in line or "P2 <" in line]
        assert [line for line in rows if line.startswith(" ▶")] == [next(r for r in rows if "Data feed failure" in r)]
        assert any("Connection lost to IBKR  ← evidence" in line and not line.startswith(" ▶") for line in rows)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.incident_tree.id == "data_feed_failure"


async def test_home_wraps_a_long_probe_summary_instead_of_cutting_it(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "(no answer in 3.0" in text and "s)" in text and "3.0…" not in text


def _messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def test_an_unconfigured_command_is_shown_as_such_and_never_copied(build, monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)
    app = build(trees=shipped(), start_tree="runaway_orders")  # starts at EMERGENCY FLATTEN
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "✖ not configured: set commands.kill-switch-on in irtui.toml" in text
        assert "✖ not configured: set commands.emergency-flatten in irtui.toml" in text
        await pilot.press("c")
        assert app.clipboard == ""
        assert any("Not copied: not configured: set commands.kill-switch-on" in m for m in _messages(app))


async def test_a_configured_command_is_copied_and_the_message_says_how(build, monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)
    config = Config(app=AppConfig(local_timezone="UTC"), commands={"kill-switch-on": "./phoenix kill-switch on", "emergency-flatten": "./phoenix flatten --all"})
    app = build(trees=shipped(), start_tree="runaway_orders", config=config)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await settle(pilot)
        assert "not configured" not in screen_text(app)
        await pilot.press("down", "c")
        assert app.clipboard.startswith("./phoenix flatten --all   #")
        [message] = [m for m in _messages(app) if m.startswith("Copied")]
        assert "Sent to the terminal's clipboard (OSC 52); some terminals ignore that. If pasting gives nothing, press v" in message
        await pilot.press("v")
        assert isinstance(app.screen, CommandViewScreen)
        assert app.screen.query_one(TextArea).text == app.clipboard
        await pilot.press("escape")
        assert not isinstance(app.screen, CommandViewScreen)


async def test_inside_tmux_the_command_also_goes_to_the_paste_buffer(build, monkeypatch, tmp_path):
    # A stand-in tmux on PATH records what `load-buffer -` received on stdin.
    fake = tmp_path / "bin" / "tmux"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\n[ "$1 $2" = "load-buffer -" ] && cat > {tmp_path}/buffer\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2", "c")  # → Restart IB Gateway: its first command
        assert (tmp_path / "buffer").read_text() == "lsof -nP -iTCP:4002 -sTCP:CLOSE_WAIT"
        assert any("tmux's paste buffer (prefix + ] pastes it)" in m for m in _messages(app))


async def test_f1_and_question_mark_show_the_keys_and_esc_hides_them(build):
    app = build()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert app.screen.query("HelpPanel")
        await pilot.press("escape")
        assert not app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        assert not app.screen.query("HelpPanel")


async def test_esc_still_belongs_to_the_screen_when_the_keys_are_hidden(build):
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # the walk's Esc: back to Home, the session kept
        assert isinstance(app.screen, HomeScreen)


async def test_the_palette_finds_incidents_runbooks_and_log_entries(build, fixture_trees):
    IncidentLog(LOG).append(make_entry(1))  # a kill-switch entry
    app = build()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await from_palette(pilot, "kill")  # the first hit: start the kill-switch walk
        await settle(pilot)
        assert isinstance(app.screen, WalkScreen) and app.screen.incident_tree.id == "kill_switch"
        await pilot.press("escape")
        await from_palette(pilot, "runbook rb-001")
        assert isinstance(app.screen, RunbookScreen) and app.screen.runbook_id.startswith("RB-001")
        await pilot.press("escape")
        await from_palette(pilot, "log inc-2026")
        assert isinstance(app.screen, RunbookScreen) and app.screen.runbook_id.startswith("INC-20261121")
        assert "Kill switch activated" in screen_text(app)


async def test_an_open_incident_can_be_abandoned_from_the_resume_dialog(build, fixture_trees):
    left_open = SessionStore.for_log(LOG).start(fixture_trees.get("connection_loss"), "bob", clock=lambda: FROZEN)
    left_open.answer(0)
    left_open.close()  # the terminal died here
    app = build()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("a")
        assert isinstance(app.screen, AbandonScreen)
        await pilot.press("enter")  # no reason given: refused, the dialog stays
        assert isinstance(app.screen, AbandonScreen)
        await pilot.press(*"opened by mistake", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # nothing else was open
        assert app.open_sessions() == []
        assert "u Resume" not in screen_text(app)  # nothing left to resume
    [entry] = IncidentLog(LOG).read().entries
    assert entry.id == left_open.id and entry.outcome.kind == "abandoned"
    assert entry.outcome.summary == "ABANDONED by alice: opened by mistake"
    assert len(entry.path) == 1 and entry.resumed == 0
    assert "**ABANDONED**: ABANDONED by alice: opened by mistake" in LOG.read_text()


def _steps(count: int) -> list[Step]:
    return [
        Step(f"q{n}", "question", f"Question number {n} of a long walk?", "Yes", 0, f"q{n + 1}", AnswerSource.OPERATOR, FROZEN)
        for n in range(1, count + 1)
    ]


async def test_a_tall_terminal_shows_the_whole_path_instead_of_collapsing_it(build):
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(PathView).show(_steps(9))
        await pilot.pause()
        text = screen_text(app)
        assert "earlier step" not in text and "Question number 1 of a long walk?" in text
    small = build(start_tree="connection_loss")
    async with small.run_test(size=(80, 24)) as pilot:  # a small one keeps the newest six
        await settle(pilot)
        await pilot.press("n")  # the first walk is still open: start a new one
        await settle(pilot)
        small.screen.query_one(PathView).show(_steps(9))
        await pilot.pause()
        assert "… 3 earlier steps" in screen_text(small)


async def test_the_evidence_mark_moves_with_the_ranking_and_leaves_no_row_marked_twice(build):
    from tests.support.fakes import API_SILENT, FixedRunner, probe

    runner = FixedRunner(dict(API_SILENT))
    app = build(runner=runner)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Connection lost to IBKR" in next(line for line in screen_text(app).splitlines() if "← evidence" in line)
        runner.results = {**API_SILENT, "kill_switch": probe("kill_switch", "fail", "ACTIVE: risk limit", active=True, trigger="risk",
                                                          reason="risk limit", intentional=False)}
        await pilot.press("p")
        await settle(pilot)
        marked = [line for line in screen_text(app).splitlines() if "← evidence" in line]
        assert len(marked) == 1 and "Kill switch activated" in marked[0], marked
        assert not any("Connection lost to IBKR  ← evidence" in line for line in screen_text(app).splitlines())
