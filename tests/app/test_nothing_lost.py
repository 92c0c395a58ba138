"""Nothing the operator did is lost, and nothing goes to the wrong log: a journal of
another log is refused by the console too."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, TextArea

from irtui.app.screens.finish import FinishScreen
from irtui.app.screens.home import HomeScreen
from irtui.app.screens.runbook import RunbookScreen
from irtui.app.screens.save_elsewhere import SaveElsewhereScreen
from irtui.app.screens.walk import WalkScreen
from irtui.app.widgets.banner import JournalBanner
from irtui.config import Config
from irtui.incidents import IncidentLog
from irtui.session.store import SessionStore
from tests.support.fakes import frozen_clock, settle

from .conftest import LOG, walk_to_finish


def notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


async def test_the_console_refuses_a_journal_of_another_log(build, fixture_trees) -> None:  # type: ignore[no-untyped-def]
    session = SessionStore.for_log(LOG).start(fixture_trees.get("connection_loss"), "alice", clock=frozen_clock)
    session.close()
    LOG.rename(LOG.with_name("INCIDENT_LOG-2025.md"))  # rotated: a new log begins under the old name
    IncidentLog(LOG).ensure_exists()
    before = LOG.read_bytes()
    app = build()
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)  # not offered for resume
        (refused,) = [n for n in notices(pilot.app) if session.id in n]
        assert "belongs to another log" in refused and str(LOG) in refused
    assert LOG.read_bytes() == before


# A state folder that cannot be written: the walk goes on, its journal in memory, and every
# screen says so. The log that cannot be written: another file is offered, the entry's text
# is shown to select and printed when irtui exits. In every branch the text is somewhere
# the operator is told about.


def read_only_state() -> None:
    LOG.parent.mkdir(parents=True, exist_ok=True)
    (LOG.parent / ".state").write_text("not a folder")  # mkdir fails, as on a read-only disk


def unwritable_log() -> None:
    if LOG.is_file():
        LOG.unlink()
    LOG.mkdir(parents=True, exist_ok=True)  # a folder where the log should be: every append fails


async def finish_into_an_unwritable_log(pilot):  # type: ignore[no-untyped-def]
    """Walk to Finish, make the log unwritable, save: the session whose entry the log refused."""
    await walk_to_finish(pilot)
    assert isinstance(pilot.app.screen, FinishScreen)
    session = pilot.app.screen.session
    unwritable_log()
    await pilot.press("ctrl+s")
    await settle(pilot)
    return session


def banner_text(screen) -> str:  # type: ignore[no-untyped-def]
    (banner,) = screen.query(JournalBanner)
    return str(banner.render()) if banner.display else ""


async def test_a_memory_only_journal_is_said_on_every_screen(build) -> None:  # type: ignore[no-untyped-def]
    read_only_state()
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        walk = pilot.app.screen
        assert isinstance(walk, WalkScreen) and walk.session.in_memory
        assert "IN MEMORY ONLY" in banner_text(walk) and "finish before quitting" in banner_text(walk)
        await pilot.press("r")  # the runbook
        await pilot.pause()
        assert isinstance(pilot.app.screen, RunbookScreen) and "IN MEMORY ONLY" in banner_text(pilot.app.screen)
        await pilot.press("escape")
        await pilot.press("escape")  # Home, the incident still open
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen) and "IN MEMORY ONLY" in banner_text(pilot.app.screen)
        await pilot.press("u")  # offered for resume, though no disk holds it
        await pilot.pause()
        assert [s.id for s in pilot.app.screen.sessions] == [walk.session.id]
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is walk or pilot.app.screen.session is walk.session
        await walk_to_finish(pilot)
        assert isinstance(pilot.app.screen, FinishScreen)
        assert "IN MEMORY ONLY" in banner_text(pilot.app.screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen) and banner_text(pilot.app.screen) == ""  # finished: on disk, in the log
    assert [e.id for e in IncidentLog(LOG).read().entries] == [walk.session.id]
    assert app.for_terminal == {}


async def test_an_unwritable_log_offers_another_file_and_the_entry_lands_there(build, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HOME", "home")
    Path("home").mkdir()
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        session = await finish_into_an_unwritable_log(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, SaveElsewhereScreen)
        assert dialog.query_one("#elsewhere-path", Input).value == f"home/irtui-{session.id}.md"
        assert session.id in dialog.query_one("#entry-text", TextArea).text  # shown, to select by hand
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
        assert any(f"home/irtui-{session.id}.md, not to the log" in n for n in notices(pilot.app))
    (entry,) = IncidentLog(Path("home") / f"irtui-{session.id}.md").read().entries
    assert entry.id == session.id and session.closed
    said, text = app.for_terminal[session.id]
    assert f"is in home/irtui-{session.id}.md, NOT in the log" in said and session.id in text


async def test_when_the_other_file_fails_too_the_entry_is_kept_for_the_terminal(build) -> None:  # type: ignore[no-untyped-def]
    read_only_state()  # the worst case: no journal on disk either
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        session = await finish_into_an_unwritable_log(pilot)
        field = pilot.app.screen.query_one("#elsewhere-path", Input)
        field.value = "log"  # a folder too
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SaveElsewhereScreen)  # offered again
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, FinishScreen) and not session.closed  # nothing lost: the session is open
    said, text = app.for_terminal[session.id]
    assert "was NOT written to log (nor to the log log/INCIDENT_LOG.md)" in said
    assert session.id in text and "Connection lost" in text


async def test_quitting_with_a_memory_only_walk_keeps_its_walk_for_the_terminal(build) -> None:  # type: ignore[no-untyped-def]
    read_only_state()
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        session_id = pilot.app.screen.session.id
    said, text = app.for_terminal[session_id]
    assert "kept in memory only" in said and "Is IB Gateway" in text


def test_what_the_console_leaves_is_printed_when_it_exits(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`irtui` prints what no file took after the console closes (the app is a stand-in)."""
    from irtui.cli import app_cmds

    class LeftSomething:
        return_code = None
        for_terminal = {"INC-1": ("entry INC-1 was NOT written to the log x.md: Is a directory", "## INC-1 · the walk\x1b]52;c;eA==\x07\n")}

        def run(self) -> None:
            pass

    monkeypatch.setattr(app_cmds.common, "require_terminal", lambda: None)
    monkeypatch.setattr("irtui.app.factory.make_app", lambda **_: LeftSomething())
    monkeypatch.setattr(app_cmds, "_trees", lambda: None)
    printed: list[str] = []
    monkeypatch.setattr(app_cmds.click, "echo", lambda text="", **_: printed.append(str(text)))
    app_cmds._console(Config(), tmp_path / "x.md", "alice", runner=object())
    (out,) = printed
    assert out.startswith("irtui: entry INC-1 was NOT written to the log x.md") and "## INC-1 · the walk" in out and "\x1b" not in out


async def test_quitting_asks_first_while_an_incident_is_in_memory_only(build) -> None:  # type: ignore[no-untyped-def]
    from irtui.app.screens.confirm_quit import ConfirmQuitScreen

    read_only_state()
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        session_id = pilot.app.screen.session.id
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmQuitScreen)
        assert pilot.app.screen.incident_ids == [session_id]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen) and pilot.app.is_running, "Esc stays: the incident is still there to finish"
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not pilot.app.is_running
    said, _text = app.for_terminal[session_id]
    assert "kept in memory only" in said


async def test_quitting_asks_nothing_when_every_incident_is_on_disk(build) -> None:  # type: ignore[no-untyped-def]
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert not pilot.app.is_running
