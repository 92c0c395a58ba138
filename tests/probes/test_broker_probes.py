"""positions, orders and market_data: their logic, then against the simulator."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from irtui.config import Config, PositionsConfig
from irtui.probes.api_gate import ApiGate
from irtui.probes.common import Stopwatch
from irtui.probes.host import FakeHost
from irtui.probes.market_data import Notice, SymbolSnapshot, assess_market_data, farm_status
from irtui.probes.orders import (
    ExecutionRow,
    NewOrders,
    OpenOrderRow,
    OpenOrdersReading,
    assess_orders,
    max_rate_per_second,
    new_since,
    order_ids,
)
from irtui.probes.positions import (
    BrokerHolding,
    Holding,
    SourceError,
    assess_positions,
    classify,
    parse_csv,
    parse_json,
    read_system_positions,
)
from irtui.probes.result import Status
from irtui.probes.runner import ProbeRunner
from irtui.sim import Scenario, load_scenario, running_gateway
from tests.support.gateway import QUIET_NOW, quick_config

pytestmark = pytest.mark.timeout(60)
SETTINGS = PositionsConfig(price_tolerance_pct=0.5)


# positions: the system's side
@pytest.mark.parametrize(
    "text",
    [
        '{"AAPL": 100, "msft": -20}',
        '{"positions": {"AAPL": {"qty": 100}, "MSFT": {"position": -20, "avg_cost": 410}}}',
        '[{"symbol": "AAPL", "quantity": 60}, {"symbol": "AAPL", "quantity": 40}, {"ticker": "MSFT", "shares": -20}]',
    ],
)
def test_json_shapes(text: str) -> None:
    held = parse_json(text)
    assert {k: v.quantity for k, v in held.items()} == {"AAPL": 100, "MSFT": -20}


def test_csv_with_aliases() -> None:
    held = parse_csv("Symbol,Qty,Avg_Cost\nAAPL,100,180.5\nMSFT,-20,\n")
    assert held["AAPL"] == Holding("AAPL", 100, 180.5)
    assert held["MSFT"].avg_price is None


@pytest.mark.parametrize(
    ("text", "words"),
    [("{", "not valid JSON"), ('{"AAPL": "lots"}', "not a number"), ('[{"quantity": 1}]', "needs a symbol"), ("3", "expected")],
)
def test_bad_system_json_says_why(text: str, words: str) -> None:
    with pytest.raises(SourceError, match=words):
        parse_json(text)


def test_system_command_failures_are_explained() -> None:
    host = FakeHost(QUIET_NOW)
    host.set_command(["./positions"], stdout="", returncode=3, stderr="db down")
    host.set_command(["./slow"], hangs=True)
    with pytest.raises(SourceError, match="exited with 3 db down"):
        read_system_positions(PositionsConfig(command=["./positions"]), host)
    with pytest.raises(SourceError, match="did not finish"):
        read_system_positions(PositionsConfig(command="./slow"), host)
    with pytest.raises(SourceError, match="cannot run"):
        read_system_positions(PositionsConfig(command="./missing --json"), host)


# positions: the comparison (the seed's mismatch tree)
@pytest.mark.parametrize(
    ("broker", "system", "kind"),
    [
        (100, 100, "match"),
        (50, 100, "system_more"),
        (100, 50, "system_less"),
        (-50, -100, "system_more"),
        (100, None, "broker_only"),
        (None, 100, "system_only"),
        (None, None, None),
    ],
)
def test_classify_quantities(broker: float | None, system: float | None, kind: str | None) -> None:
    b = Holding("X", broker, 10.0) if broker is not None else None
    s = Holding("X", system, 10.0) if system is not None else None
    assert classify(b, s, SETTINGS) == kind


def test_price_differs_beyond_tolerance() -> None:
    assert classify(Holding("X", 10, 100.0), Holding("X", 10, 100.4), SETTINGS) == "match"
    assert classify(Holding("X", 10, 100.0), Holding("X", 10, 101.0), SETTINGS) == "price_differs"


def test_assess_positions_facts_and_option_multiplier() -> None:
    broker = [
        BrokerHolding("DU0000001", "AAPL", "AAPL", "STK", 100, 180.5),
        BrokerHolding("DU0000001", "SPY", "SPY   260320C00600000", "OPT", 2, 1250.0, 100.0),
        BrokerHolding("DU0000001", "NVDA", "NVDA", "STK", -30, 120.1),
    ]
    system = {"AAPL": Holding("AAPL", 100, 180.5), "SPY   260320C00600000": Holding("SPY   260320C00600000", 2, 12.5)}
    result = assess_positions(Config(), broker, system, "test", Stopwatch())
    assert result.status == Status.FAIL
    assert (result.fact("discrepancy"), result.fact("mismatch_count")) == ("broker_only", 1)
    assert list(result.fact("broker_only_symbols")) == ["NVDA"]
    assert "NVDA broker only" in result.summary


def test_mixed_discrepancies() -> None:
    broker = [BrokerHolding("A", "AAPL", "", "STK", 100, 1.0), BrokerHolding("A", "MSFT", "", "STK", 10, 1.0)]
    system = {"AAPL": Holding("AAPL", 50), "TSLA": Holding("TSLA", 5)}
    result = assess_positions(Config(), broker, system, "test", Stopwatch())
    assert result.fact("discrepancy") == "mixed"
    assert list(result.fact("kinds")) == ["broker_only", "system_less", "system_only"]


def test_positions_against_the_simulator() -> None:
    host = FakeHost(QUIET_NOW)
    host.write_file("/srv/pos.csv", "symbol,quantity,avg_price\nAAPL,100,180.50\nMSFT,80,410.25\n")
    with running_gateway("position_mismatch") as sim:
        config = quick_config(sim.port, positions={"source": "/srv/pos.csv"})
        result = ProbeRunner(config, host).run(["positions"]).results["positions"]
    rows = {row["symbol"]: row["kind"] for row in result.evidence["rows"]}
    assert rows == {"AAPL": "match", "MSFT": "system_more", "NVDA": "broker_only"}
    assert result.fact("discrepancy") == "mixed"
    assert result.evidence["accounts"] == ("DU0000001",)


def test_unreadable_system_positions_are_unknown_even_with_the_api_up() -> None:
    host = FakeHost(QUIET_NOW)
    with running_gateway("healthy") as sim:
        config = quick_config(sim.port, positions={"source": "/srv/missing.json"})
        result = ProbeRunner(config, host).run(["positions"]).results["positions"]
    assert result.status == Status.UNKNOWN
    assert result.summary.startswith("System positions not read: cannot read /srv/missing.json")


# orders
def executions(symbol: str, count: int, every_s: float, ago_s: float = 0.0) -> list[ExecutionRow]:
    return [ExecutionRow(f"{symbol}{i}", symbol, QUIET_NOW - timedelta(seconds=ago_s + i * every_s)) for i in range(count)]


def test_rate_per_second() -> None:
    times = [QUIET_NOW + timedelta(seconds=s) for s in (0, 0.5, 0.9, 1.0, 3.0)]
    assert max_rate_per_second(times) == 3.0
    assert max_rate_per_second([]) == 0.0


def test_orders_within_limits() -> None:
    result = assess_orders(Config(), [], executions("AAPL", 5, 30.0, ago_s=60), NewOrders(0, 10.0), QUIET_NOW, Stopwatch())
    assert result.status == Status.OK
    assert (result.fact("over_rate_limit"), result.fact("still_placing"), result.fact("orders_today")) == (False, False, 5)
    assert result.evidence["open_orders_compared"] == "no new open orders since the reading 10s ago"


def test_orders_over_both_limits() -> None:
    opened = [OpenOrderRow(f"o{i}", "TSLA", 1, "BUY", 1, "Submitted") for i in range(3)]
    result = assess_orders(Config(), opened, executions("TSLA", 120, 0.5), NewOrders(2, 10.0), QUIET_NOW, Stopwatch())
    assert result.status == Status.FAIL
    assert result.fact("max_per_symbol_per_s") == 2.0
    assert (result.fact("over_rate_limit"), result.fact("over_daily_limit")) == (True, True)
    assert result.fact("orders_today") == 123
    assert result.fact("still_placing") is True
    assert result.fact("orders_last_minute") == 120 + 2


def test_new_open_orders_since_the_previous_reading_mean_still_placing() -> None:
    opened = [OpenOrderRow(f"o{i}", "AAPL", 1, "BUY", 1, "Submitted") for i in range(3)]
    quiet = executions("AAPL", 2, 30.0, ago_s=300)  # no fill within recent_s
    result = assess_orders(Config(), opened, quiet, NewOrders(3, 10.2), QUIET_NOW, Stopwatch())
    assert result.fact("still_placing") is True
    assert result.evidence["new_open_orders"] == 3
    assert result.evidence["open_orders_compared"] == "3 new open orders since the reading 10s ago"
    assert result.summary == "3 open, 5 today, 3 in the last minute, still placing (3 new open orders since the reading 10s ago); within limits"


def test_without_an_earlier_reading_only_executions_decide_and_the_summary_says_so() -> None:
    opened = [OpenOrderRow("o1", "AAPL", 1, "BUY", 1, "Submitted")]
    quiet = assess_orders(Config(), opened, executions("AAPL", 2, 30.0, ago_s=300), None, QUIET_NOW, Stopwatch())
    # No earlier reading and no recent fill: whether orders are still placed is unknown, not "no".
    assert quiet.fact("still_placing") is None
    assert quiet.why_unknown("still_placing") == "no earlier open-order reading to compare with, and no fill in the last 10s"
    assert quiet.evidence["new_open_orders"] is None
    assert quiet.summary == "1 open, 3 today, 0 in the last minute (dated by fills: unfilled orders have no time), no fill in the last 10s (no earlier open-order reading to compare with); within limits"
    busy = assess_orders(Config(), opened, executions("AAPL", 2, 1.0), None, QUIET_NOW, Stopwatch())
    assert busy.fact("still_placing") is True
    assert "still placing: a fill in the last 10s (no earlier open-order reading to compare with)" in busy.summary


def test_an_earlier_reading_counts_only_when_recent_and_of_the_same_accounts() -> None:
    first, second, third = order_ids(10000011, 1, 11), order_ids(10000012, 1, 12), order_ids(0, 1, 13)
    earlier = OpenOrdersReading(first | order_ids(0, 1, 12), ("DU0000001",), at=1000.0)
    # The order known then by its order id only is the same order once it has a permId.
    assert new_since([first, second, third], earlier, ("DU0000001",), now=1010.0) == NewOrders(1, 10.0)
    assert new_since([first], earlier, ("DU0000001",), now=1000.0 + 121) is None
    assert new_since([first], earlier, ("DU0000002",), now=1010.0) is None
    assert new_since([first], None, ("DU0000001",), now=1010.0) is None
    assert order_ids(0, 0, 0) == frozenset()  # a manual TWS order before it has a permId: no id to compare


def test_orders_new_since_the_previous_session_are_seen_without_waiting() -> None:
    gate = ApiGate()
    with running_gateway("healthy") as sim:
        config = quick_config(sim.port)
        assert config.orders.sample_s == 0
        first = ProbeRunner(config, FakeHost(QUIET_NOW), gate=gate).run(["orders"]).results["orders"]
        placed = [{"order_id": 40 + i, "symbol": "AAPL", "quantity": 1, "limit_price": 150} for i in range(3)]
        sim.set_scenario(Scenario.model_validate({**sim.scenario.model_dump(), "open_orders": placed}))
        second = ProbeRunner(config, FakeHost(QUIET_NOW), gate=gate).run(["orders"]).results["orders"]
        third = ProbeRunner(config, FakeHost(QUIET_NOW), gate=gate).run(["orders"]).results["orders"]
    assert first.evidence["new_open_orders"] is None and "no earlier open-order reading" in first.summary
    assert second.fact("still_placing") is True
    assert second.evidence["new_open_orders"] == 3
    assert second.evidence["open_orders_compared"].startswith("3 new open orders since the reading ")
    assert third.evidence["new_open_orders"] == 0 and third.fact("still_placing") is False


def test_runaway_orders_against_the_simulator() -> None:
    with running_gateway("runaway_orders") as sim:
        config = quick_config(sim.port, orders={"sample_s": 0.2})
        # A staged host clock (drills) must not shift the Gateway's execution times.
        result = ProbeRunner(config, FakeHost(QUIET_NOW)).run(["orders"]).results["orders"]
    assert result.status == Status.FAIL
    assert result.fact("over_rate_limit") is True and result.fact("still_placing") is True
    assert result.fact("open_orders") == 10
    assert result.evidence["open_by_client"] == {"1": 10}


# market data
def snap(symbol: str, req_id: int, price: bool = True, data_type: int = 1, age_s: float | None = 1.0) -> SymbolSnapshot:
    at = QUIET_NOW - timedelta(seconds=age_s) if age_s is not None else None
    return SymbolSnapshot(symbol, req_id, price, data_type, at, QUIET_NOW, True, {"last": 1.0} if price else {})


def unanswered(symbol: str) -> SymbolSnapshot:
    """A snapshot the Gateway neither answered nor ended within the deadline."""
    return SymbolSnapshot(symbol, 1, False, 0, None, None, False)


def test_farm_status_latest_per_farm_wins() -> None:
    notices = [Notice(-1, 2103, "Market data farm connection is broken:usfarm"), Notice(-1, 2104, "Market data farm connection is OK:usfarm")]
    assert farm_status(notices) == ("ok", {"usfarm": "ok"})
    assert farm_status([Notice(-1, 2108, "Market data farm connection is inactive but should be available upon demand.usfarm")])[0] == "idle"


@pytest.mark.parametrize(
    ("snapshots", "notices", "status", "facts"),
    [
        ([snap("AAPL", 1)], [], Status.OK, {"receiving": True, "stale": False, "data_type": "live"}),
        ([snap("AAPL", 1, age_s=900)], [], Status.WARN, {"stale": True}),
        ([snap("AAPL", 1, data_type=3)], [Notice(1, 10167, "delayed")], Status.WARN, {"data_type": "delayed"}),
        ([snap("AAPL", 1, price=False)], [Notice(1, 354, "not subscribed")], Status.FAIL, {"not_subscribed": True, "stale": True}),
        ([snap("AAPL", 1), snap("MSFT", 2, price=False)], [Notice(2, 354, "x")], Status.WARN, {"not_subscribed": True}),
        ([snap("AAPL", 1, price=False)], [Notice(1, 10197, "competing")], Status.FAIL, {"competing_session": True}),
        ([snap("AAPL", 1, price=False)], [Notice(-1, 2103, "broken:usfarm")], Status.FAIL, {"farm": "broken"}),
        # Nothing answered in time while the Gateway says its farm is down: no quotes, not "unknown".
        ([unanswered("AAPL")], [Notice(-1, 2103, "broken:usfarm")], Status.FAIL, {"farm": "broken", "receiving": None}),
        ([unanswered("AAPL")], [Notice(-1, 2119, "Market data farm is connecting:usfarm")], Status.FAIL, {"farm": "connecting", "receiving": None}),
        ([unanswered("AAPL")], [Notice(-1, 2104, "Market data farm connection is OK:usfarm")], Status.UNKNOWN, {"farm": "ok", "receiving": None}),
    ],
)
def test_market_data_verdicts(snapshots, notices, status, facts) -> None:
    result = assess_market_data(Config(), snapshots, notices, QUIET_NOW, Stopwatch())
    assert result.status == status, result.summary
    for name, value in facts.items():
        assert result.fact(name) == value


@pytest.mark.parametrize(
    ("scenario", "symbols", "expect"),
    [
        ("healthy", ["AAPL", "MSFT"], {"receiving": True, "data_type": "live", "stale": False}),
        ("stale_data", ["AAPL"], {"receiving": True, "stale": True}),
        ("not_subscribed", ["AAPL", "MSFT"], {"receiving": True, "not_subscribed": True, "data_type": "delayed"}),
        ("competing_session", ["AAPL"], {"receiving": False, "competing_session": True}),
        ("farm_broken", ["AAPL"], {"receiving": None, "farm": "broken"}),  # no snapshot answer within the deadline: unknown
        ("farm_connecting", ["AAPL"], {"receiving": None, "farm": "connecting"}),
        ("max_tickers", ["AAPL"], {"receiving": False, "cause": "over_limits"}),
        ("no_security_definition", ["AAPL", "XYZ"], {"receiving": True, "cause": "no_contract"}),
    ],
)
def test_market_data_against_the_simulator(scenario: str, symbols: list[str], expect: dict) -> None:
    with running_gateway(scenario) as sim:
        config = quick_config(sim.port, market_data={"symbols": symbols})
        result = ProbeRunner(config).run(["market_data"]).results["market_data"]
    for name, value in expect.items():
        assert result.fact(name) == value, (name, result.summary)


def test_unknown_symbol_gets_no_prices() -> None:
    with running_gateway("healthy") as sim:
        sim.set_scenario(sim.scenario.model_copy(update={"default_market_data": None}))
        config = quick_config(sim.port, market_data={"symbols": ["AAPL", "ZZZZ"]})
        result = ProbeRunner(config).run(["market_data"]).results["market_data"]
    rows = {row["symbol"]: row["receiving"] for row in result.evidence["symbols"]}
    assert rows == {"AAPL": True, "ZZZZ": False}
    assert result.evidence["symbols"][1]["note"] == "no such contract (check the symbol)"
    assert result.status == Status.WARN


def test_json_source_round_trip(tmp_path) -> None:
    path = tmp_path / "positions.json"
    path.write_text(json.dumps([{"symbol": "AAPL", "quantity": 100}]))
    from irtui.probes.host import RealHost

    held, where = read_system_positions(PositionsConfig(source=path), RealHost())
    assert held["AAPL"].quantity == 100 and where == str(path)


def test_positions_that_never_end_are_unknown_within_the_deadline() -> None:
    host = FakeHost(QUIET_NOW)
    host.write_file("/srv/pos.json", '{"AAPL": 100}')
    with running_gateway(load_scenario("healthy").model_copy(update={"startup_hang": True})) as sim:
        config = quick_config(sim.port, positions={"source": "/srv/pos.json"})
        result = ProbeRunner(config, host).run(["positions"]).results["positions"]
    assert result.status == Status.UNKNOWN
    assert "did not arrive within 1s" in result.summary


def test_a_dropped_connection_mid_session_is_explained() -> None:
    with running_gateway(load_scenario("drop").model_copy(update={"drop_after_s": 0.05})) as sim:
        config = quick_config(sim.port, orders={"sample_s": 0.5})
        result = ProbeRunner(config).run(["orders"]).results["orders"]
    assert result.status == Status.UNKNOWN
    assert result.summary == "The Gateway closed the API connection — orders not read"


def test_one_symbol_reads_in_the_singular():
    from irtui.config import PositionsConfig
    from irtui.probes.common import Stopwatch
    from irtui.probes.positions import Holding, compare, positions_result

    same = {"AAPL": Holding("AAPL", 100)}
    matching = positions_result(compare(same, same, PositionsConfig()), "system.json", Stopwatch(), ["DU1"])
    assert matching.summary == "The one symbol matches the broker"
    differing = positions_result(compare(same, {"AAPL": Holding("AAPL", 90)}, PositionsConfig()), "system.json", Stopwatch(), ["DU1"])
    assert differing.summary.startswith("1 of 1 symbol differs")
