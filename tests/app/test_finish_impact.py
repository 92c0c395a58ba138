"""Finish asks a P1/P2 what it cost; the answers reach the entry, and skipping is fine."""

from __future__ import annotations

from irtui.app.screens.finish import FinishScreen
from irtui.incidents import IncidentLog
from tests.support.fakes import settle

from .conftest import LOG, walk_to_finish


async def test_impact_fields_reach_the_entry(build) -> None:  # type: ignore[no-untyped-def]
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(100, 40)) as pilot:
        await walk_to_finish(pilot)
        assert isinstance(pilot.app.screen, FinishScreen)
        pilot.app.screen.query_one("#impact-symbols").focus()
        await pilot.press(*"tsla, aapl")
        pilot.app.screen.query_one("#impact-pnl").focus()
        await pilot.press(*"-1,250 USD", "ctrl+s")
        await settle(pilot)
    (entry,) = IncidentLog(LOG).read().entries
    assert entry.impact is not None
    assert (entry.impact.symbols, entry.impact.pnl, entry.impact.accounts) == (["TSLA", "AAPL"], "-1,250 USD", [])


async def test_skipping_every_impact_field_records_none(build) -> None:  # type: ignore[no-untyped-def]
    app = build(start_tree="connection_loss")
    async with app.run_test(size=(100, 40)) as pilot:
        await walk_to_finish(pilot)
        assert isinstance(pilot.app.screen, FinishScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
    (entry,) = IncidentLog(LOG).read().entries
    assert entry.impact is None
