"""What the operator sees when the disk fails them, pinned at 80×24: a journal kept in memory
only (a line on every incident screen) and a log that cannot be written (another file
offered, the entry's text to select). Frozen clock, fixed probe results."""

from __future__ import annotations

from pathlib import Path

import pytest
import textual
from textual.pilot import Pilot

from tests.support.fakes import settle

from .conftest import LOG, walk_to_finish
from .test_snapshots import SNAPSHOT_TEXTUAL

SIZE = (80, 24)

pytestmark = pytest.mark.skipif(
    textual.__version__ != SNAPSHOT_TEXTUAL,
    reason=f"snapshots were made with Textual {SNAPSHOT_TEXTUAL}, this is {textual.__version__}",
)


def read_only_state() -> None:
    LOG.parent.mkdir(parents=True, exist_ok=True)
    (LOG.parent / ".state").write_text("not a folder")  # mkdir fails, as on a read-only disk


def test_walk_with_the_journal_in_memory_only(build, snap_compare):
    read_only_state()

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)

    assert snap_compare(build(start_tree="connection_loss"), terminal_size=SIZE, run_before=run_before)


def test_finish_with_the_journal_in_memory_only(build, snap_compare):
    read_only_state()
    assert snap_compare(build(start_tree="connection_loss"), terminal_size=SIZE, run_before=walk_to_finish)


def test_an_unwritable_log_offers_another_file(build, snap_compare, monkeypatch):
    monkeypatch.setenv("HOME", "home")
    Path("home").mkdir()

    async def run_before(pilot: Pilot) -> None:
        await walk_to_finish(pilot)
        LOG.unlink()
        LOG.mkdir()  # the log path is now a folder: the append fails
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(build(start_tree="connection_loss"), terminal_size=SIZE, run_before=run_before)
