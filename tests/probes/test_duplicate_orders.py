"""Runaway practice: duplicates (same symbol, side and quantity within a second) are counted
from the broker's executions, and answer the runaway tree's question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from irtui.probes.orders import ExecutionRow, duplicate_orders
from irtui.probes.runner import ProbeRunner
from irtui.sim import Scenario, load_scenario, running_gateway
from irtui.trees.loader import load_trees
from irtui.trees.rules import rule_matches
from tests.support.gateway import quick_config

T0 = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)


def row(seconds: float, symbol: str = "TSLA", side: str = "BOT", qty: float = 1) -> ExecutionRow:
    return ExecutionRow(f"{symbol}{seconds}", symbol, T0 + timedelta(seconds=seconds), side, qty)


def test_only_the_same_order_within_a_second_counts() -> None:
    rows = [row(0), row(0.4), row(0.9), row(2.5), row(2.6, side="SLD"), row(2.7, qty=2), row(2.8, symbol="AAPL"), row(10)]
    assert duplicate_orders(rows) == 2  # 0.4 and 0.9 repeat the one before; the rest differ or are far apart
    assert duplicate_orders([row(0, side=""), row(0.1, side="")]) == 0  # side unknown: cannot tell


@pytest.mark.timeout(60)
def test_a_resend_loop_at_the_simulator_is_a_bug_to_fix(host) -> None:  # type: ignore[no-untyped-def]
    base = load_scenario("healthy").model_dump()
    base["order_bursts"] = [{"symbol": "TSLA", "count": 6, "over_s": 2, "side": "BOT", "quantity": 1, "price": 250}]
    with running_gateway(Scenario.model_validate(base)) as gateway:
        result = ProbeRunner(quick_config(gateway.port), host).run(["orders"]).results["orders"]
    assert result.fact("duplicate_orders") >= 2, result.evidence  # execution times have whole seconds
    node = load_trees().trees["runaway_orders"].nodes["duplicate_orders"]
    assert [a.next for a in node.answers if a.when and rule_matches(a.when, result)] == ["fix_bug_before_resuming"]
