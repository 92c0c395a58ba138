"""Missed-fill reconciliation: broker executions from the system's first known fill on, against its ledger."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irtui.config import Config
from irtui.probes.common import Stopwatch
from irtui.probes.fills import FillRow, assess_fills, missed_fills, parse_ledger, reconcile
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
    assert [(f.symbol, f.side, f.quantity) for f in missed] == [("TSLA", "SLD", 5)]  # OLD is before the ledger's first fill
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


def test_a_ledger_dense_at_one_instant_is_reconciled_whole() -> None:
    # Matching compared each broker execution with each ledger fill: thousands of fills at
    # one instant made it quadratic (minutes of CPU past the probe's deadline). The ledger
    # is indexed by id and by fields, so this is linear work with an exact answer.
    now = T0 + timedelta(seconds=10)
    side = 20_000
    ledger = [fill(0) for _ in range(side)]
    broker = [fill(0, "TSLA") for _ in range(side)] + [fill(0) for _ in range(side - 1)]
    result = assess_fills(Config(), broker, ledger, LEDGER, now, Stopwatch())
    assert (result.status, result.fact("missed"), list(result.fact("missed_symbols")), result.fact("reconciled")) == (Status.FAIL, side, ["TSLA"], False)


def test_a_fill_missed_between_two_recorded_ones_is_missed() -> None:
    """The disconnect case itself: a fill at 10:05 never reached the system, which recorded
    one at 10:15 after reconnecting. Comparing only what came after the ledger's newest fill
    called that 'every broker fill known'."""
    ledger = [fill(0), fill(600, "MSFT", "SLD", 20, 410.25)]
    broker = [fill(0), fill(300, "TSLA", "SLD", 5, 250), fill(600, "MSFT", "SLD", 20, 410.25)]
    assert missed_fills(broker, ledger, timedelta(seconds=2)) == [broker[1]]
    result = assess_fills(Config(), broker, ledger, LEDGER, T0 + timedelta(seconds=900), Stopwatch())
    assert (result.status, result.fact("missed"), result.fact("reconciled")) == (Status.FAIL, 1, False)
    assert "SLD 5 TSLA @ 250" in result.summary


def test_executions_before_the_ledgers_first_fill_are_not_called_reconciled() -> None:
    """A ledger begun at the system's restart cannot say whether the morning's fills were missed."""
    ledger = [fill(600)]
    broker = [fill(0, "TSLA", "SLD", 5, 250), fill(600)]
    result = assess_fills(Config(), broker, ledger, LEDGER, T0 + timedelta(seconds=900), Stopwatch())
    assert result.status == Status.WARN
    for name in ("reconciled", "missed"):
        assert result.fact(name) is None and "before the ledger's first fill (14:10:00 UTC) not compared" in result.why_unknown(name)
    assert "No fill missed since the ledger's first (14:10:00 UTC), but 1 execution(s) before" in result.summary
    assert [f["symbol"] for f in result.evidence["before_ledger_fills"]] == ["TSLA"]
    # A fill missed inside what the ledger covers is still observed: not reconciled.
    broker.append(fill(700, "NVDA", "BOT", 30, 140))
    result = assess_fills(Config(), broker, ledger, LEDGER, T0 + timedelta(seconds=900), Stopwatch())
    assert (result.status, result.fact("reconciled"), result.fact("missed")) == (Status.FAIL, False, None)
    assert "1 fill(s) the system missed: 14:11:40 BOT 30 NVDA @ 140" in result.summary
    assert "1 execution(s) before the ledger's first fill" in result.summary


def test_an_empty_ledger_knows_no_fill() -> None:
    result = assess_fills(Config(), [fill(0)], [], LEDGER, T0, Stopwatch())
    assert (result.status, result.fact("missed"), result.fact("reconciled")) == (Status.FAIL, 1, False)


def _max_matching(broker: list[FillRow], ledger: list[FillRow], tolerance: timedelta) -> int:
    """The most executions any assignment to distinct ledger fills explains (augmenting paths)."""

    def same(b: FillRow, k: FillRow) -> bool:
        if b.exec_id and k.exec_id:
            return b.exec_id == k.exec_id
        return (b.symbol, b.side, b.quantity, b.price) == (k.symbol, k.side, k.quantity, k.price) and abs(b.time - k.time) <= tolerance

    owner: dict[int, int] = {}

    def assign(i: int, seen: set[int]) -> bool:
        for j, known in enumerate(ledger):
            if j not in seen and same(broker[i], known):
                seen.add(j)
                if j not in owner or assign(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(assign(i, set()) for i in range(len(broker)))


small_fills = st.builds(
    fill,
    st.integers(0, 20).map(float),
    st.sampled_from(["AAPL", "MSFT"]),
    st.sampled_from(["BOT", "SLD"]),
    st.sampled_from([5.0, 10.0]),
    st.just(100.0),
    st.sampled_from(["", "", "A", "B"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(small_fills, max_size=7), st.lists(small_fills, max_size=7), st.integers(0, 3))
def test_the_matching_never_explains_more_than_any_assignment_could(broker: list[FillRow], ledger: list[FillRow], seconds: int) -> None:
    """Every execution called known has a ledger fill of its own: a missed fill is never
    hidden by a ledger line counted twice. Without execution ids the matching is the best one."""
    tolerance = timedelta(seconds=seconds)
    found = reconcile(broker, ledger, tolerance)
    explained = len(broker) - len(found.uncovered) - len(found.missed)
    assert explained <= _max_matching(broker, ledger, tolerance)
    if not any(f.exec_id for f in broker + ledger):
        assert explained == _max_matching([b for b in broker if b not in found.uncovered], ledger, tolerance)
