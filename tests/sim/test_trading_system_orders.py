"""A trading system's own orders (any client id but irtui's probes) at the simulated broker.

The scenario's `orders` policy decides: rest, fill at the simulated price, or reject
with its code; the book, positions and executions follow, for every client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from ib_async import LimitOrder, MarketOrder, Stock
from ib_insync import IB as InsyncIB
from ib_insync import LimitOrder as InsyncLimitOrder
from ib_insync import MarketOrder as InsyncMarketOrder
from ib_insync import Stock as InsyncStock
from ibapi.order import Order as IbapiOrder

from irtui.sim import running_gateway
from tests.support.ibapi_app import IbapiApp, stock

from .conftest import StartGateway

pytestmark = pytest.mark.timeout(60)

AAPL = Stock("AAPL", "SMART", "USD")


async def settle(trade, statuses: set[str], timeout: float = 3.0) -> None:  # type: ignore[no-untyped-def]
    async def reached() -> None:
        while trade.orderStatus.status not in statuses:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(reached(), timeout)


async def test_a_limit_order_away_from_the_market_rests_and_cancels(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy", notices=[])
    ib = new_ib()
    errors: list[tuple[int, int]] = []
    ib.errorEvent += lambda req_id, code, *_: errors.append((req_id, code))
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2)

    trade = ib.placeOrder(AAPL, LimitOrder("BUY", 10, 150.0))
    await settle(trade, {"Submitted"})
    order_id = trade.order.orderId
    assert order_id >= 100, "at or after the scenario's next valid id"
    working = await asyncio.wait_for(ib.reqAllOpenOrdersAsync(), 2)
    assert sorted(t.order.orderId for t in working) == [11, order_id]

    ib.cancelOrder(trade.order)
    await settle(trade, {"Cancelled"})
    assert (order_id, 202) in errors
    sent = [m.name for m in gateway.received if m.client_id == 7 and m.msg_id in (3, 4)]
    assert sent == ["placeOrder", "cancelOrder"]
    assert gateway.order_messages == [], "a trading system's orders are not irtui safety failures"


async def test_a_market_order_fills_at_the_simulated_price_and_the_account_follows(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy", notices=[])
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2)

    trade = ib.placeOrder(AAPL, MarketOrder("BUY", 10))
    await settle(trade, {"Filled"})
    assert [(f.execution.shares, f.execution.price) for f in trade.fills] == [(10.0, 181.0)]
    await asyncio.sleep(0.1)
    assert {p.contract.symbol: p.position for p in ib.positions()}["AAPL"] == 110.0, "pushed to the reqPositions stream"

    other = new_ib()  # another client (irtui, say) sees the same account
    await other.connectAsync("127.0.0.1", gateway.port, clientId=8, timeout=2, readonly=True)
    assert {p.contract.symbol: p.position for p in other.positions()}["AAPL"] == 110.0
    assert sorted(f.execution.price for f in other.fills()) == [180.5, 181.0]
    working = await asyncio.wait_for(other.reqAllOpenOrdersAsync(), 2)
    assert [t.order.orderId for t in working] == [11], "the filled order no longer works"


async def test_a_marketable_limit_fills_and_a_global_cancel_clears_the_book(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy", notices=[])
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2)
    marketable = ib.placeOrder(AAPL, LimitOrder("SELL", 5, 170.0))
    resting = ib.placeOrder(AAPL, LimitOrder("SELL", 5, 250.0))
    await settle(marketable, {"Filled"})
    await settle(resting, {"Submitted"})

    ib.reqGlobalCancel()
    await settle(resting, {"Cancelled"})
    assert await asyncio.wait_for(ib.reqAllOpenOrdersAsync(), 2) == [], "the scenario's order 11 is cancelled too"


@pytest.mark.parametrize(("code", "word"), [(201, "MUST EXCEED THE INITIAL MARGIN"), (321, "Read-Only"), (203, "not available")])
async def test_the_scenario_can_reject_every_order_with_its_code(start_gateway: StartGateway, new_ib, code: int, word: str) -> None:
    gateway = await start_gateway("healthy", notices=[], orders={"answer": "reject", "reject_code": code})
    ib = new_ib()
    errors: list[tuple[int, int, str]] = []
    ib.errorEvent += lambda req_id, err, text, *_: errors.append((req_id, err, text))
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2)
    trade = ib.placeOrder(AAPL, MarketOrder("BUY", 1))
    await asyncio.sleep(0.3)
    assert [(r, c) for r, c, _ in errors] == [(trade.order.orderId, code)]
    assert word in errors[0][2]
    assert trade.orderStatus.status != "Filled" and not trade.fills
    assert [t.order.orderId for t in await asyncio.wait_for(ib.reqAllOpenOrdersAsync(), 2)] == [11]


async def test_rest_policy_keeps_even_market_orders_working(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy", notices=[], orders={"answer": "rest"})
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2)
    trade = ib.placeOrder(AAPL, MarketOrder("BUY", 1))
    await settle(trade, {"Submitted"})
    await asyncio.sleep(0.1)
    assert trade.orderStatus.status == "Submitted"


@pytest.fixture
def ibapi_app() -> Iterator[IbapiApp]:
    app = IbapiApp()
    yield app
    app.stop()


def ibapi_order(action: str, quantity: float, order_type: str, limit: float | None = None) -> IbapiOrder:
    order = IbapiOrder()
    order.action, order.totalQuantity, order.orderType = action, quantity, order_type
    if limit is not None:
        order.lmtPrice = limit
    return order


def test_ibapi_places_fills_and_cancels_at_its_own_version(ibapi_app: IbapiApp) -> None:
    with running_gateway("healthy") as gateway:
        ibapi_app.start(gateway.port, 31)
        (next_id,) = ibapi_app.wait("nextValidId")
        ibapi_app.placeOrder(next_id, stock("AAPL"), ibapi_order("BUY", 10, "LMT", 150.0))
        assert ibapi_app.wait("orderStatus", where=lambda a: a[0] == next_id)[1] == "Submitted"
        ibapi_app.cancelOrder(next_id)
        assert ibapi_app.wait("orderStatus", where=lambda a: a[1] == "Cancelled")[0] == next_id
        assert ibapi_app.wait("error", where=lambda a: a[1] == 202)[0] == next_id

        ibapi_app.placeOrder(next_id + 1, stock("AAPL"), ibapi_order("SELL", 10, "MKT"))
        assert ibapi_app.wait("execDetails")[2:5] == ("SLD", 10.0, 181.0)
        filled = ibapi_app.wait("orderStatus", where=lambda a: a[1] == "Filled")
        assert filled == (next_id + 1, "Filled", 10.0, 0.0, 181.0)
        ibapi_app.reqPositions()
        assert ibapi_app.wait("position", where=lambda a: a[1] == "AAPL")[2] == 90.0
        assert gateway.order_messages == []


async def test_ib_insync_places_fills_and_cancels(start_gateway: StartGateway) -> None:
    gateway = await start_gateway("healthy", notices=[])
    ib = InsyncIB()
    try:
        await ib.connectAsync("127.0.0.1", gateway.port, clientId=32, timeout=3)
        resting = ib.placeOrder(InsyncStock("AAPL", "SMART", "USD"), InsyncLimitOrder("BUY", 3, 100.0))
        await settle(resting, {"Submitted"})
        ib.cancelOrder(resting.order)
        await settle(resting, {"Cancelled"})
        filled = ib.placeOrder(InsyncStock("MSFT", "SMART", "USD"), InsyncMarketOrder("BUY", 20))
        await settle(filled, {"Filled"})
        assert filled.orderStatus.avgFillPrice == 412.0
        await asyncio.sleep(0.1)
        assert "MSFT" not in {p.contract.symbol for p in ib.positions()}, "short 20, bought 20: flat"
    finally:
        ib.disconnect()
    assert gateway.order_messages == []
