"""Nothing the operator did is lost, and nothing goes to the wrong log: a journal of
another log is refused by the console too."""

from __future__ import annotations

from irtui.app.screens.home import HomeScreen
from irtui.incidents import IncidentLog
from irtui.session.store import SessionStore
from tests.support.fakes import frozen_clock, settle

from .conftest import LOG


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
