from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from irtui.app.factory import make_app
from irtui.config import AppConfig, Config
from irtui.incidents import IncidentLog
from irtui.session import store as store_module
from irtui.session.store import SessionStore
from irtui.trees.loader import load_trees
from tests.support.fakes import API_SILENT, FixedRunner, frozen_clock, settle

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make screenshots depend on timing."""
    original = Input._on_mount

    def mount(self: Input, event: Any) -> None:
        self.cursor_blink = False
        original(self, event)

    monkeypatch.setattr(Input, "_on_mount", mount)


@pytest.fixture(autouse=True)
def predictable_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    counter = itertools.count(1)
    monkeypatch.setattr(
        store_module, "new_entry_id", lambda mode, at: f"{'DRL' if str(mode).endswith('DRILL') else 'INC'}-{at:%Y%m%d-%H%M}-{next(counter):08x}"
    )


@pytest.fixture
def fixture_trees():
    trees = load_trees([FIXTURES / "trees"], runbooks_dir=FIXTURES / "runbooks")
    assert not trees.problems, trees.problems
    return trees


LOG = Path("log") / "INCIDENT_LOG.md"  # relative to the test's own directory, so screenshots match


@pytest.fixture
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture_trees):
    """Build the app exactly as the CLI does, with a frozen clock and fixed evidence."""
    monkeypatch.chdir(tmp_path)

    def build_app(*, trees=None, results=None, runner=None, **options: Any):
        log_path = LOG
        app = make_app(
            # the screens do not depend on the machine's zone
            config=options.pop("config", None) or Config(app=AppConfig(local_timezone="UTC")),
            trees=trees or fixture_trees,
            runner=runner or FixedRunner(dict(API_SILENT if results is None else results)),
            store=SessionStore.for_log(log_path),
            log=IncidentLog(log_path),
            operator="alice",
            **{"runbooks_dir": FIXTURES / "runbooks", "clock": frozen_clock, **options},
        )
        return app

    return build_app


async def walk_to_finish(pilot: Any) -> None:
    """connection_loss on the fixture trees (API silent), from its start to Finish."""
    await settle(pilot)
    await pilot.press("1")
    await settle(pilot)
    await pilot.press("2", "d", "y", "w", "2")  # silent → restart (confirmed) → skip its wait → no longer failing
    await pilot.pause()
