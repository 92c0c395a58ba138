"""Open orders that add exposure, against the broker's positions (after a kill switch only exits should work)."""

from __future__ import annotations

import json

import pytest

from irtui.config import Config
from irtui.probes.common import Stopwatch
from irtui.probes.host import FakeHost
from irtui.probes.orders import OpenOrderRow, adding_exposure, assess_orders
from irtui.probes.runner import ProbeRunner
from irtui.sim import Scenario, load_scenario, running_gateway
from tests.support.gateway import QUIET_NOW, quick_config

ACCOUNT = "DU0000001"


def order(key: str, symbol: str, action: str, quantity: float, account: str = ACCOUNT) -> OpenOrderRow:
    return OpenOrderRow(key, symbol, 1, action, quantity, "Submitted", account)


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
    adding = adding_exposure(orders, held)
    assert [(o.order_key, position) for o, position in adding] == [("3", 0.0), ("4", 50.0), ("5", 100.0), ("6", -20.0)]


def test_an_order_without_an_account_meets_the_position_over_all_accounts() -> None:
    held = {("DU1", "AAPL"): 100.0, ("DU2", "AAPL"): -100.0}
    assert [o.order_key for o, _ in adding_exposure([order("1", "AAPL", "SELL", 10, account="")], held)] == ["1"]
    assert adding_exposure([order("1", "AAPL", "SELL", 10, account="DU1")], held) == []


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
