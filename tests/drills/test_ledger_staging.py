"""A drill stages the trading system's fill ledger; the real `fills` probe reads it against the simulator."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from irtui.drills import DrillWorld
from irtui.drills.model import Drill
from tests.support.shipped_drills import QUICK

pytestmark = pytest.mark.timeout(60)

EXECUTIONS = [
    {"symbol": "AAPL", "side": "BOT", "shares": 60, "price": 180.5, "ago_s": 3600},
    {"symbol": "AAPL", "side": "BOT", "shares": 40, "price": 181.0, "ago_s": 600},
]


def drill(system_fills, after=None) -> Drill:  # type: ignore[no-untyped-def]
    return Drill.model_validate({
        "id": "ledger",
        "title": "A fill the system missed",
        "tree": "position_mismatch",
        "briefing": "AAPL differs.",
        "world": {
            "gateway": {"scenario": {"description": "Two AAPL fills.", "positions": [{"symbol": "AAPL", "quantity": 100, "avg_cost": 180.7}], "executions": EXECUTIONS}},
            "host": {"system_fills": system_fills},
        },
        "after": after or {},
        "expected": {"outcome": "reconciled"},
    })


def fills(world: DrillWorld, done: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    path = [SimpleNamespace(node_id=node, kind="action") for node in done]  # the walk's done actions, as the world reads them
    sweep = world.probe(path, ["fills"])  # type: ignore[arg-type]
    return sweep.results.get("fills"), sweep.skipped.get("fills")


def test_a_listed_ledger_without_the_newest_fill_shows_it_missed() -> None:
    known = [{"symbol": "AAPL", "side": "BOT", "quantity": 60, "price": 180.5, "ago_s": 3600}]
    with DrillWorld(drill(known), deadlines=QUICK) as world:
        result, skipped = fills(world)
    assert skipped is None and result is not None
    assert result.status == "fail" and result.fact("missed") == 1 and result.fact("reconciled") is False
    assert list(result.fact("missed_symbols")) == ["AAPL"]
    [missed] = result.evidence["missed_fills"]
    assert (missed["symbol"], missed["side"], missed["quantity"], missed["price"]) == ("AAPL", "BOT", 40, 181.0)
    assert "40 AAPL @ 181" in result.summary


def test_broker_means_every_execution_is_known_and_an_action_can_book_the_missed_one() -> None:
    known = [{"symbol": "AAPL", "side": "BOT", "quantity": 60, "price": 180.5, "ago_s": 3600}]
    staged = drill(known, after={"book_missed_fills": {"host": {"system_fills": "broker"}}})
    with DrillWorld(staged, deadlines=QUICK) as world:
        before, _ = fills(world)
        after, _ = fills(world, ("book_missed_fills",))
    assert before.fact("reconciled") is False
    assert after.status == "ok" and after.fact("reconciled") is True and after.fact("missed") == 0


def test_no_ledger_staged_leaves_the_fills_probe_unconfigured() -> None:
    with DrillWorld(drill(None), deadlines=QUICK) as world:
        result, skipped = fills(world)
    assert result is None and "fills.source" in skipped
