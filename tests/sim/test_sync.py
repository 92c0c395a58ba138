"""ib_async itself connects to the simulator and finishes its startup sync."""

from __future__ import annotations

import asyncio
import time

import pytest

from .conftest import StartGateway

pytestmark = pytest.mark.timeout(30)


async def test_read_only_sync_reads_positions_fills_and_account(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy")
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2, readonly=True, raiseSyncErrors=True)

    assert ib.client.serverVersion() == 176
    assert ib.managedAccounts() == ["DU0000001"]
    positions = {p.contract.symbol: p.position for p in ib.positions()}
    assert positions == {"AAPL": 100.0, "MSFT": -20.0}
    [fill] = ib.fills()
    assert fill.contract.symbol == "AAPL" and fill.execution.shares == 100.0
    assert abs(fill.execution.time.timestamp() - (time.time() - 3600)) < 10
    values = {v.tag: v.value for v in ib.accountValues() if not v.modelCode}
    assert values["NetLiquidation"] == "100000.00"
    assert {item.contract.symbol for item in ib.portfolio()} == {"AAPL", "MSFT"}

    ids = {m.msg_id for m in gateway.received}
    assert {71, 61, 6, 76, 7} <= ids
    assert not ids & {5, 99}, "read-only ib_async must not ask for orders at startup"
    assert gateway.order_messages == []


async def test_read_write_sync_also_reads_open_and_completed_orders(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy")
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=8, timeout=2, readonly=False, raiseSyncErrors=True)

    [working] = ib.openTrades()
    assert (working.order.orderId, working.order.action, working.order.totalQuantity) == (11, "SELL", 50.0)
    assert working.order.lmtPrice == 195.0 and working.orderStatus.status == "Submitted"
    statuses = sorted(trade.orderStatus.status for trade in ib.trades())
    assert statuses == ["Filled", "Submitted"]
    assert {5, 99} <= {m.msg_id for m in gateway.received}
    assert gateway.order_messages == []


async def test_current_time_and_explicit_requests_after_read_only_connect(
    start_gateway: StartGateway, new_ib
) -> None:
    gateway = await start_gateway("healthy")
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=9, timeout=2, readonly=True)

    server_time = await asyncio.wait_for(ib.reqCurrentTimeAsync(), 2)
    assert abs(server_time.timestamp() - time.time()) < 5
    open_trades = await asyncio.wait_for(ib.reqAllOpenOrdersAsync(), 2)
    assert [t.order.orderId for t in open_trades] == [11]
    completed = await asyncio.wait_for(ib.reqCompletedOrdersAsync(False), 2)
    assert [t.orderStatus.status for t in completed] == ["Filled"]
    summary = await asyncio.wait_for(ib.accountSummaryAsync(), 2)
    assert any(v.tag == "NetLiquidation" for v in summary)
    [details] = await asyncio.wait_for(ib.reqContractDetailsAsync(ib.positions()[0].contract), 2)
    assert details.contract.conId == ib.positions()[0].contract.conId


async def test_runaway_burst_shows_recent_order_rate(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("runaway_orders")
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=9, timeout=2, readonly=True)

    fills = await asyncio.wait_for(ib.reqExecutionsAsync(), 2)
    now = time.time()
    recent = [f for f in fills if now - f.execution.time.timestamp() <= 61]
    assert len(recent) == 110 and all(f.contract.symbol == "TSLA" for f in recent)
    assert len({f.execution.execId for f in fills}) == len(fills)
    working = await asyncio.wait_for(ib.reqAllOpenOrdersAsync(), 2)
    assert len(working) == 10
    completed = await asyncio.wait_for(ib.reqCompletedOrdersAsync(False), 2)
    assert len(completed) == 110


@pytest.mark.parametrize("server_version", [157, 159, 160, 162, 163, 164, 166, 170, 176, 177, 178])
async def test_every_supported_server_version_decodes_cleanly(
    start_gateway: StartGateway, new_ib, server_version: int
) -> None:
    gateway = await start_gateway("healthy", server_version=server_version)
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=10, timeout=2, readonly=False, raiseSyncErrors=True)

    assert ib.client.serverVersion() == server_version
    assert [t.order.orderId for t in ib.openTrades()] == [11]
    assert [f.execution.price for f in ib.fills()] == [180.5]
    completed = await asyncio.wait_for(ib.reqCompletedOrdersAsync(False), 2)
    assert completed[0].order.filledQuantity == 100.0
