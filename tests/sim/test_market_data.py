"""Market data behaviours as ib_async sees them: ticks, snapshots, delayed data and failures."""

from __future__ import annotations

import asyncio
import math
import time

import pytest
from ib_async import IB, Stock

from irtui.sim import load_scenario

from .conftest import StartGateway, scenario_with

pytestmark = pytest.mark.timeout(30)


def feed(behaviour: str, **extra: object) -> dict[str, object]:
    return {"AAPL": {"behaviour": behaviour, "price": 181.0, "tick_interval_s": 0.05, **extra}}


async def connected(start_gateway: StartGateway, new_ib, **changes: object) -> tuple[object, IB, list[tuple[int, int]]]:
    changes.setdefault("notices", [])
    gateway = await start_gateway("healthy", **changes)
    ib = new_ib()
    errors: list[tuple[int, int]] = []
    ib.errorEvent += lambda req_id, code, *_: errors.append((req_id, code))
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2, readonly=True)
    return gateway, ib, errors


def aapl(ib: IB) -> Stock:
    return next(p.contract for p in ib.positions() if p.contract.symbol == "AAPL")


async def test_live_ticks_keep_flowing(start_gateway: StartGateway, new_ib) -> None:
    _, ib, errors = await connected(start_gateway, new_ib, market_data=feed("live"))
    ticker = ib.reqMktData(aapl(ib))
    updates: list[float] = []
    ticker.updateEvent += lambda t: updates.append(time.time())
    await asyncio.sleep(0.6)
    assert len(updates) >= 3
    assert ticker.bid < ticker.ask and ticker.last > 0 and ticker.marketDataType == 1
    assert abs(ticker.lastTimestamp.timestamp() - time.time()) < 5
    ib.cancelMktData(ticker.contract)
    await asyncio.sleep(0.1)
    count = len(updates)
    await asyncio.sleep(0.3)
    assert len(updates) == count, "cancelMktData stops the stream"
    assert errors == []


async def test_snapshot_returns_prices_and_ends(start_gateway: StartGateway, new_ib) -> None:
    _, ib, _ = await connected(start_gateway, new_ib, market_data=feed("live"))
    [ticker] = await asyncio.wait_for(ib.reqTickersAsync(aapl(ib)), 2)
    assert ticker.last == 181.0 and ticker.close > 0


async def test_delayed_sends_type_3_and_10167_then_delayed_ticks(start_gateway: StartGateway, new_ib) -> None:
    _, ib, errors = await connected(start_gateway, new_ib, market_data=feed("delayed"))
    ib.reqMarketDataType(3)
    ticker = ib.reqMktData(aapl(ib))
    await asyncio.sleep(0.4)
    assert ticker.marketDataType == 3
    req_id = next(req for req, t in ib.wrapper.reqId2Ticker.items() if t is ticker)
    assert errors == [(req_id, 10167)]
    assert ticker.last == pytest.approx(181.0, rel=0.01)
    assert time.time() - ticker.delayedLastTimestamp.timestamp() > 600
    [snapshot] = await asyncio.wait_for(ib.reqTickersAsync(aapl(ib)), 2)
    assert snapshot.marketDataType == 3 and snapshot.last > 0


async def test_stale_sends_one_old_picture_and_nothing_new(start_gateway: StartGateway, new_ib) -> None:
    _, ib, errors = await connected(start_gateway, new_ib, market_data=feed("stale", stale_age_s=900))
    ticker = ib.reqMktData(aapl(ib))
    updates: list[float] = []
    await asyncio.sleep(0.2)
    ticker.updateEvent += lambda t: updates.append(time.time())
    await asyncio.sleep(0.5)
    assert updates == []
    assert ticker.last == 181.0 and math.isnan(ticker.bid)
    assert time.time() - ticker.lastTimestamp.timestamp() == pytest.approx(900, abs=5)
    assert errors == []


async def test_absent_sends_nothing_and_a_snapshot_ends_empty(start_gateway: StartGateway, new_ib) -> None:
    _, ib, errors = await connected(
        start_gateway, new_ib, market_data=feed("absent", snapshot_end_after_s=0.2)
    )
    ticker = ib.reqMktData(aapl(ib))
    await asyncio.sleep(0.4)
    assert math.isnan(ticker.last) and math.isnan(ticker.bid) and errors == []
    [snapshot] = await asyncio.wait_for(ib.reqTickersAsync(aapl(ib)), 2)
    assert math.isnan(snapshot.last)


@pytest.mark.parametrize(("behaviour", "code"), [("not_subscribed", 354), ("competing", 10197)])
async def test_refused_market_data_errors_name_the_request(
    start_gateway: StartGateway, new_ib, behaviour: str, code: int
) -> None:
    _, ib, errors = await connected(start_gateway, new_ib, market_data=feed(behaviour))
    ticker = ib.reqMktData(aapl(ib))
    await asyncio.sleep(0.3)
    req_id = next(req for req, t in ib.wrapper.reqId2Ticker.items() if t is ticker)
    assert (req_id, code) in errors and math.isnan(ticker.last)
    [snapshot] = await asyncio.wait_for(ib.reqTickersAsync(aapl(ib)), 2)
    assert math.isnan(snapshot.last)


async def test_farm_broken_sends_2103_and_no_ticks(start_gateway: StartGateway, new_ib) -> None:
    _, ib, errors = await connected(start_gateway, new_ib, market_data=feed("farm_broken"))
    ticker = ib.reqMktData(aapl(ib))
    await asyncio.sleep(0.4)
    assert errors == [(-1, 2103)] and math.isnan(ticker.last)


async def test_unknown_symbol_without_default_gets_200(start_gateway: StartGateway, new_ib) -> None:
    _, ib, errors = await connected(start_gateway, new_ib, default_market_data=None)
    details = await asyncio.wait_for(ib.reqContractDetailsAsync(Stock("ZZZZ", "SMART", "USD")), 2)
    assert details == [] and errors[-1][1] == 200


async def test_a_scenario_switch_moves_open_streams_to_the_new_behaviour(start_gateway: StartGateway, new_ib) -> None:
    gateway, ib, errors = await connected(start_gateway, new_ib, market_data=feed("live"))
    ticker = ib.reqMktData(aapl(ib))
    await asyncio.sleep(0.3)
    assert ticker.last > 0
    gateway.set_scenario(scenario_with("farm_broken", notices=[], market_data=feed("farm_broken")))
    await asyncio.sleep(0.1)
    updates: list[float] = []
    ticker.updateEvent += lambda t: updates.append(time.time())
    await asyncio.sleep(0.4)
    assert updates == [] and (-1, 2103) in errors


async def test_historical_bars_follow_the_feed(start_gateway: StartGateway, new_ib) -> None:
    market = {**feed("live"), "MSFT": {"behaviour": "stale", "price": 412.0, "stale_age_s": 900},
              "NVDA": {"behaviour": "not_subscribed"}}
    _, ib, errors = await connected(start_gateway, new_ib, market_data=market)
    contracts = {p.contract.symbol: p.contract for p in ib.positions()}
    bars = await asyncio.wait_for(
        ib.reqHistoricalDataAsync(contracts["AAPL"], "", "300 S", "1 min", "TRADES", True), 2
    )
    assert len(bars) == 5 and abs(bars[-1].date.timestamp() - time.time()) < 120
    stale = await asyncio.wait_for(
        ib.reqHistoricalDataAsync(contracts["MSFT"], "", "300 S", "1 min", "TRADES", True, formatDate=2), 2
    )
    assert time.time() - stale[-1].date.timestamp() > 900
    nvda = Stock("NVDA", "SMART", "USD", conId=1)
    refused = await asyncio.wait_for(ib.reqHistoricalDataAsync(nvda, "", "300 S", "1 min", "TRADES", True), 2)
    assert len(refused) == 0
    assert errors[-1][1] == 162


def test_shipped_market_scenarios_name_the_behaviour_they_drill() -> None:
    expected = {
        "farm_broken": "farm_broken",
        "not_subscribed": "not_subscribed",
        "competing_session": "competing",
        "stale_data": "stale",
    }
    for name, behaviour in expected.items():
        assert load_scenario(name).market_spec("AAPL").behaviour == behaviour
