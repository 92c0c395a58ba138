"""Open orders that add exposure, against the broker's positions (after a kill switch only exits should work)."""

from __future__ import annotations

import json

import pytest

from irtui.config import Config
from irtui.probes.common import Stopwatch
from irtui.probes.exposure import OpenOrderRow, judge_exposure
from irtui.probes.host import FakeHost
from irtui.probes.orders import assess_orders
from irtui.probes.runner import ProbeRunner
from irtui.sim import Scenario, load_scenario, running_gateway
from tests.support.gateway import QUIET_NOW, quick_config

ACCOUNT = "DU0000001"


def order(key: str, symbol: str, action: str, quantity: float, account: str = ACCOUNT, filled: float | None = 0.0) -> OpenOrderRow:
    return OpenOrderRow(key, symbol, 1, action, quantity, "Submitted", account, filled=filled)


def adding(orders: list[OpenOrderRow], held: dict[tuple[str, str], float]) -> list[tuple[str, float, float]]:
    """(order key, position met, quantity beyond it) of each order that adds exposure for sure."""
    return [(v.order.order_key, v.position, v.beyond) for v in judge_exposure(orders, held).adding]


def test_exits_reduce_and_entries_or_flips_add() -> None:
    held = {(ACCOUNT, "AAPL"): 100.0, (ACCOUNT, "TSLA"): -20.0, (ACCOUNT, "NVDA"): 50.0}
    orders = [
        order("1", "AAPL", "SELL", 100),  # closes the long: reduces
        order("2", "TSLA", "BUY", 20),  # covers the short: reduces
        order("3", "MSFT", "BUY", 10),  # flat: opens a position
        order("4", "NVDA", "SELL", 80),  # beyond the long: opens a short
        order("5", "AAPL", "SELL", 1),  # the first exit used up the long: this one opens a short
        order("6", "TSLA", "SSHORT", 5),  # adds to the short
    ]
    assert adding(orders, held) == [("3", 0.0, 10), ("4", 50.0, 30), ("5", 100.0, 1), ("6", -20.0, 5)]


def test_an_order_without_an_account_meets_the_position_over_all_accounts() -> None:
    held = {("DU1", "AAPL"): 100.0, ("DU2", "AAPL"): -100.0}
    assert [key for key, _, _ in adding([order("1", "AAPL", "SELL", 10, account="")], held)] == ["1"]
    assert adding([order("1", "AAPL", "SELL", 10, account="DU1")], held) == []


def test_without_positions_it_is_unknown_unless_nothing_is_open() -> None:
    unread = assess_orders(Config(), [order("1", "AAPL", "BUY", 10)], [], None, QUIET_NOW, Stopwatch())
    assert unread.fact("risk_increasing_orders") is None and "positions were not read" in unread.why_unknown("risk_increasing_orders")
    empty = assess_orders(Config(), [], [], None, QUIET_NOW, Stopwatch())
    assert empty.fact("risk_increasing_orders") == 0
    read = assess_orders(Config(), [order("1", "AAPL", "BUY", 10)], [], None, QUIET_NOW, Stopwatch(), held={})
    assert read.fact("risk_increasing_orders") == 1
    assert "1 would add exposure (BUY 10 AAPL against a position of 0)" in read.summary
    assert list(read.evidence["adding_exposure"]) == ["BUY 10 AAPL against a position of 0"]


@pytest.mark.timeout(60)
def test_against_the_simulator_with_the_positions_probe_in_the_same_session() -> None:
    """The orders and positions probes share one positions request (ib_async keys it by name)."""
    base = load_scenario("healthy").model_dump()
    base["positions"] = [{"symbol": "AAPL", "quantity": 100, "avg_cost": 180.5}, {"symbol": "AAPL", "sec_type": "OPT", "quantity": -5, "avg_cost": 2.0}]
    base["open_orders"] = [
        {"order_id": 11, "symbol": "AAPL", "action": "SELL", "quantity": 100, "order_type": "STP", "aux_price": 175.0},  # a protective stop
        {"order_id": 12, "symbol": "MSFT", "action": "BUY", "quantity": 10, "limit_price": 400.0},  # a new entry
        {"order_id": 13, "symbol": "AAPL", "sec_type": "OPT", "action": "SELL", "quantity": 1, "limit_price": 2.0},  # adds to the short option
    ]
    host = FakeHost(QUIET_NOW)
    host.write_file("/srv/trader/positions.json", json.dumps({"AAPL": 100}))
    with running_gateway(Scenario.model_validate(base)) as gateway:
        config = quick_config(gateway.port, positions={"source": "/srv/trader/positions.json"})
        sweep = ProbeRunner(config, host).run(["positions", "orders"])
    orders, positions = sweep.results["orders"], sweep.results["positions"]
    assert positions.status != "unknown", positions.summary
    assert orders.fact("open_orders") == 3 and orders.fact("risk_increasing_orders") == 2, orders.summary
    assert sorted(orders.evidence["adding_exposure"]) == ["BUY 10 MSFT against a position of 0", "SELL 1 AAPL against a position of -5"]


def test_an_unreported_fill_leaves_the_fact_unknown_never_no() -> None:
    held = {(ACCOUNT, "AAPL"): 40.0}
    unsure = assess_orders(Config(), [order("1", "AAPL", "SELL", 150, filled=None)], [], None, QUIET_NOW, Stopwatch(), held=held)
    assert unsure.fact("risk_increasing_orders") is None
    assert "no order status said how much of SELL 150 AAPL has filled" in unsure.why_unknown("risk_increasing_orders")
    assert list(unsure.evidence["adding_exposure_unless_filled"]) == ["SELL 150 AAPL (filled part not reported) against a position of 40: up to 110 beyond it"]
    # An order that adds for sure answers the question, and the unsure one is still shown.
    both = [order("1", "AAPL", "SELL", 150, filled=None), order("2", "MSFT", "BUY", 10)]
    answered = assess_orders(Config(), both, [], None, QUIET_NOW, Stopwatch(), held=held)
    assert answered.fact("risk_increasing_orders") == 1 and "1 may add exposure" in answered.summary
    assert list(answered.evidence["adding_exposure_unless_filled"]) == list(unsure.evidence["adding_exposure_unless_filled"])


def partly_filled_world(positions: list[dict], open_orders: list[dict]) -> Scenario:
    base = load_scenario("healthy").model_dump()
    base["positions"], base["open_orders"] = positions, open_orders
    return Scenario.model_validate(base)


@pytest.mark.timeout(60)
def test_partly_filled_orders_against_the_simulator() -> None:
    """The order status's filled quantity reaches the judgement: the position already holds those fills."""
    scenario = partly_filled_world(
        [{"symbol": "AAPL", "quantity": 0}, {"symbol": "MSFT", "quantity": 40}, {"symbol": "NVDA", "quantity": 60}, {"symbol": "TSLA", "quantity": 100}],
        [
            {"order_id": 11, "symbol": "AAPL", "action": "SELL", "quantity": 150, "filled": 100},  # closed the long, 50 left: a short
            {"order_id": 12, "symbol": "MSFT", "action": "SELL", "quantity": 150, "filled": 60},  # 90 left against 40: 50 beyond
            {"order_id": 13, "symbol": "NVDA", "action": "SELL", "quantity": 100, "filled": 40},  # 60 left against 60: reduces
            {"order_id": 14, "symbol": "TSLA", "action": "SELL", "quantity": 60},  # the two exits together sell 120 of 100
            {"order_id": 15, "symbol": "TSLA", "action": "SELL", "quantity": 60},
        ],
    )
    with running_gateway(scenario) as gateway:
        sweep = ProbeRunner(quick_config(gateway.port), FakeHost(QUIET_NOW)).run(["orders"])
    result = sweep.results["orders"]
    assert result.fact("open_orders") == 5 and result.fact("risk_increasing_orders") == 3, result.summary
    assert list(result.evidence["adding_exposure"]) == [
        "SELL 150 AAPL (50 left, 100 filled) against a position of 0",
        "SELL 150 MSFT (90 left, 60 filled) against a position of 40: 50 beyond it",
        "SELL 60 TSLA against a position of 100: 20 beyond it after 60 to sell in earlier working orders",
    ]


@pytest.mark.timeout(60)
def test_an_order_without_a_status_from_the_simulator_is_unknown() -> None:
    scenario = partly_filled_world(
        [{"symbol": "MSFT", "quantity": 40}],
        [{"order_id": 12, "symbol": "MSFT", "action": "SELL", "quantity": 150, "filled": 60, "status_reported": False}],
    )
    with running_gateway(scenario) as gateway:
        sweep = ProbeRunner(quick_config(gateway.port), FakeHost(QUIET_NOW)).run(["orders"])
    result = sweep.results["orders"]
    assert result.fact("open_orders") == 1 and result.fact("risk_increasing_orders") is None, result.summary
    assert "no order status said how much of SELL 150 MSFT has filled" in result.why_unknown("risk_increasing_orders")
