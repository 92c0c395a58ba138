"""Missed-fill reconciliation: broker executions since the system's last known fill, against its ledger."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from irtui.config import Config
from irtui.probes.common import Stopwatch
from irtui.probes.fills import MAX_COMPARISONS, FillRow, assess_fills, missed_fills, parse_ledger
from irtui.probes.result import Status
from irtui.probes.runner import ProbeRunner
from irtui.sim import Scenario, load_scenario, running_gateway
from irtui.trees.loader import load_trees
from irtui.trees.rules import rule_matches
from tests.support.gateway import quick_config

LEDGER = "/srv/trader/fills.json"
T0 = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)


def fill(seconds: float, symbol: str = "AAPL", side: str = "BOT", qty: float = 10, price: float = 181.2, exec_id: str = "") -> FillRow:
    return FillRow(T0 + timedelta(seconds=seconds), symbol, side, qty, price, exec_id)


def test_matching_by_exec_id_else_by_fields_within_the_tolerance() -> None:
    ledger = [fill(0, exec_id="A"), fill(100)]
    broker = [fill(-50, exec_id="OLD"), fill(0, exec_id="A"), fill(101, exec_id="B"), fill(130, "TSLA", "SLD", 5, 250)]
    missed = missed_fills(broker, ledger, timedelta(seconds=2))
    assert [(f.symbol, f.side, f.quantity) for f in missed] == [("TSLA", "SLD", 5)]  # OLD is before the last known fill
    assert missed_fills(broker, ledger, timedelta(seconds=0)) == [broker[2], broker[3]]  # 1 s off: not the same fill


def test_two_identical_fills_need_two_ledger_lines() -> None:
    ledger = [fill(0)]
    assert len(missed_fills([fill(0), fill(0.5)], ledger, timedelta(seconds=2))) == 1


def test_ledger_formats_and_errors() -> None:
    rows = parse_ledger('{"fills": [{"time": "2026-11-21T14:00:00Z", "symbol": "aapl", "side": "buy", "quantity": 10, "price": 181.2}]}', False)
    assert rows == [fill(0)]
    assert parse_ledger("time,symbol,side,quantity,price\n2026-11-21T14:00:00Z,AAPL,B,10,181.2\n", True) == rows
    with pytest.raises(ValueError, match="side 'HOLD'"):
        parse_ledger('[{"time": 0, "symbol": "X", "side": "HOLD", "quantity": 1, "price": 1}]', False)


def scenario() -> Scenario:
    base = load_scenario("healthy").model_dump()
    base["executions"] = [
        {"symbol": "AAPL", "side": "BOT", "shares": 100, "price": 180.5, "ago_s": 3600, "exec_id": "0001.01"},
        {"symbol": "TSLA", "side": "SLD", "shares": 5, "price": 250.0, "ago_s": 60, "exec_id": "0002.01"},
        {"symbol": "MSFT", "side": "SLD", "shares": 20, "price": 410.25, "ago_s": 90, "exec_id": "0003.01"},
    ]
    return Scenario.model_validate(base)


@pytest.mark.timeout(60)
def test_against_the_simulator_the_missed_fill_is_listed_and_the_walk_halts(host) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    ledger = [
        {"time": (now - timedelta(seconds=3600)).isoformat(), "symbol": "AAPL", "side": "BOT", "quantity": 100, "price": 180.5, "exec_id": "0001.01"},
        {"time": (now - timedelta(seconds=90)).isoformat(), "symbol": "MSFT", "side": "SELL", "quantity": 20, "price": 410.25},
    ]
    host.write_file(LEDGER, json.dumps(ledger))
    with running_gateway(scenario()) as gateway:
        config = quick_config(gateway.port, fills={"source": LEDGER, "time_tolerance_s": 10})
        result = ProbeRunner(config, host).run(["fills"]).results["fills"]
    assert result.evidence["broker_executions"] == 3, result.evidence
    assert (result.status, result.fact("missed"), list(result.fact("missed_symbols")), result.fact("reconciled")) == ("fail", 1, ["TSLA"], False)
    (missed,) = result.evidence["missed_fills"]
    assert (missed["symbol"], missed["side"], missed["quantity"], missed["price"]) == ("TSLA", "SLD", 5.0, 250.0)
    assert "1 fill(s) the system missed" in result.summary and "SLD 5 TSLA @ 250" in result.summary

    node = load_trees().trees["connection_loss"].nodes["missed_fills"]  # before resuming: halt on a missed fill
    assert [a.next for a in node.answers if a.when and rule_matches(a.when, result)] == ["drift_found"]
    mismatch = load_trees().trees["position_mismatch"].nodes["fill_found"]  # a position mismatch: book the missed fills
    assert [a.next for a in mismatch.answers if a.when and rule_matches(a.when, result)] == ["book_missed_fills"]


def test_unconfigured_the_fills_probe_is_skipped(host) -> None:  # type: ignore[no-untyped-def]
    sweep = ProbeRunner(quick_config(1), host).run(["fills"])
    assert sweep.skipped == {"fills": "set fills.source (the system's fill ledger, JSON or CSV) or fills.command"}


@pytest.mark.timeout(60)
def test_with_trading_client_ids_a_manual_trade_is_not_a_missed_fill(host) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    ledger = [{"time": (now - timedelta(seconds=3600)).isoformat(), "symbol": "AAPL", "side": "BOT", "quantity": 100, "price": 180.5, "exec_id": "0001.01"}]
    host.write_file(LEDGER, json.dumps(ledger))
    with running_gateway("position_mismatch") as gateway:  # a 30 NVDA sell from client 0: a manual TWS trade
        unfiltered = ProbeRunner(quick_config(gateway.port, fills={"source": LEDGER}), host).run(["fills"]).results["fills"]
        config = quick_config(gateway.port, fills={"source": LEDGER}, gateway={"trading_client_ids": [1]})
        result = ProbeRunner(config, host).run(["fills"]).results["fills"]
    assert (unfiltered.fact("missed"), list(unfiltered.fact("missed_symbols"))) == (1, ["NVDA"])
    assert (result.status, result.fact("missed"), result.fact("reconciled")) == ("ok", 0, True)
    (other,) = result.evidence["other_clients_fills"]
    assert (other["symbol"], other["client_id"]) == ("NVDA", 0)
    assert "1 execution(s) of other clients (not in gateway.trading_client_ids) not counted" in result.summary
    mismatch = load_trees().trees["position_mismatch"].nodes["fill_found"]  # no fill of the system's explains it
    assert [a.next for a in mismatch.answers if a.when and rule_matches(a.when, result)] == ["unexplained_position"]


@pytest.mark.timeout(60)
def test_offsetting_missed_fills_behind_matching_positions_are_booked(host) -> None:  # type: ignore[no-untyped-def]
    """A BUY 10 and a SELL 10 the system never heard of: its positions match the broker's, its ledger does not."""
    now = datetime.now(UTC)
    base = load_scenario("healthy").model_dump()
    base["positions"] = [{"symbol": "AAPL", "quantity": 100, "avg_cost": 180.5}]
    base["executions"] = [
        {"symbol": "AAPL", "side": "BOT", "shares": 100, "price": 180.5, "ago_s": 3600, "exec_id": "0001.01"},
        {"symbol": "AAPL", "side": "BOT", "shares": 10, "price": 180.0, "ago_s": 120, "exec_id": "0002.01"},
        {"symbol": "AAPL", "side": "SLD", "shares": 10, "price": 182.5, "ago_s": 60, "exec_id": "0003.01"},
    ]
    ledger = [{"time": (now - timedelta(seconds=3600)).isoformat(), "symbol": "AAPL", "side": "BOT", "quantity": 100, "price": 180.5, "exec_id": "0001.01"}]
    host.write_file(LEDGER, json.dumps(ledger))
    host.write_file("/srv/trader/positions.json", json.dumps({"AAPL": 100}))
    with running_gateway(Scenario.model_validate(base)) as gateway:
        config = quick_config(gateway.port, fills={"source": LEDGER}, positions={"source": "/srv/trader/positions.json"})
        results = ProbeRunner(config, host).run(["positions", "fills"]).results
    positions, fills = results["positions"], results["fills"]
    assert positions.fact("all_match") is True and positions.fact("discrepancy") == "none", positions.summary
    assert (fills.fact("missed"), fills.fact("reconciled")) == (2, False), fills.summary
    assert [(f["side"], f["quantity"]) for f in fills.evidence["missed_fills"]] == [("BOT", 10.0), ("SLD", 10.0)]
    tree = load_trees().trees["position_mismatch"]
    kind = [a.next for a in tree.nodes["discrepancy_kind"].answers if a.when and rule_matches(a.when, positions)]
    assert kind == ["fills_behind_match"]  # not the end: the positions match, the books may not
    assert [a.next for a in tree.nodes["fills_behind_match"].answers if a.when and rule_matches(a.when, fills)] == ["book_missed_fills"]


def test_a_ledger_fill_dated_in_the_future_leaves_the_reconciliation_unknown() -> None:
    # The reconciliation starts at the ledger's newest fill: one dated 2099 (a bad clock, a
    # typo) pushed that start past every broker execution, and 'the system knows every
    # broker fill' was reported as observed while a fill was missed.
    now = T0 + timedelta(seconds=600)
    ledger = [fill(0), FillRow(datetime(2099, 1, 1, tzinfo=UTC), "AAPL", "BOT", 1, 1.0)]
    broker = [fill(0), fill(300, "TSLA", "SLD", 5, 250)]
    result = assess_fills(Config(), broker, ledger, LEDGER, now, Stopwatch())
    assert result.status != Status.OK
    for fact in ("missed", "reconciled"):
        assert result.fact(fact) is None and "in the future" in result.why_unknown(fact), fact
    assert "in the future" in result.summary
    # A ledger a second ahead (clocks a little apart) is still reconciled.
    ahead = [fill(0), fill(601)]
    assert assess_fills(Config(), broker, ahead, LEDGER, now, Stopwatch()).fact("reconciled") is not None


def test_a_ledger_too_dense_to_reconcile_in_bounded_work_is_unknown_not_a_hang() -> None:
    # Matching compares each broker execution with each ledger fill near the newest: a
    # ledger of thousands of fills at one instant made that quadratic (minutes of CPU,
    # past the probe's deadline, still burning after it). Now the work has a cap.
    now = T0 + timedelta(seconds=10)
    side = int(MAX_COMPARISONS**0.5) + 10
    ledger = [fill(0, exec_id="") for _ in range(side)]
    broker = [fill(0, "TSLA", exec_id="") for _ in range(side)]
    result = assess_fills(Config(), broker, ledger, LEDGER, now, Stopwatch())
    assert result.status != Status.OK and result.fact("reconciled") is None
    assert "too many" in result.why_unknown("reconciled")
