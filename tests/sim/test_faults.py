"""Faults on a schedule hit every connected client: 1100 → 1102, drops, 326, hangs, competing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from ib_async import IB, Stock
from ib_insync import IB as InsyncIB

from irtui.sim import Fault, running_gateway
from tests.support.ibapi_app import IbapiApp, stock

from .conftest import StartGateway

pytestmark = pytest.mark.timeout(60)


def notices(ib: IB) -> list[int]:
    seen: list[int] = []
    ib.errorEvent += lambda _req, code, *_: seen.append(code)
    return seen


async def until(condition, timeout: float = 3.0) -> None:  # type: ignore[no-untyped-def]
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


async def test_1100_then_1102_reach_every_client_and_streams_stay_dead_until_resubscribed(
    start_gateway: StartGateway, new_ib
) -> None:
    gateway = await start_gateway("healthy", notices=[])
    first, second = new_ib(), new_ib()
    seen_first, seen_second = notices(first), notices(second)
    await first.connectAsync("127.0.0.1", gateway.port, clientId=5, timeout=2)
    await second.connectAsync("127.0.0.1", gateway.port, clientId=6, timeout=2)
    (aapl,) = await first.qualifyContractsAsync(Stock("AAPL", "SMART", "USD"))
    ticker = first.reqMktData(aapl)
    await until(lambda: ticker.last == ticker.last and ticker.last is not None)

    gateway.start_faults([Fault(after_s=0.1, notice=1100), Fault(after_s=0.4, notice=1102)])
    await until(lambda: 1102 in seen_first and 1102 in seen_second)
    assert seen_first == seen_second == [1100, 1102]
    assert [fault.notice for _, fault in gateway.fault_log] == [1100, 1102]

    ticks_after = len(ticker.ticks)
    ticker.ticks.clear()
    await asyncio.sleep(0.6)  # four tick intervals
    assert ticker.ticks == [], f"the stream ended at 1100 ({ticks_after} ticks in flight)"
    first.cancelMktData(aapl)
    again = first.reqMktData(aapl)
    await until(lambda: len(again.ticks) > 0)


def test_ibapi_sees_a_scheduled_1100_then_1102() -> None:
    app = IbapiApp()
    try:
        with running_gateway("healthy") as gateway:
            app.start(gateway.port, 41)
            app.wait("nextValidId")
            gateway.start_faults([Fault(after_s=0.1, notice=1100), Fault(after_s=0.3, notice=1102)])
            assert app.wait("error", where=lambda a: a[1] == 1100)[2].startswith("Connectivity between IB and Trader Workstation has been lost")
            assert app.wait("error", where=lambda a: a[1] == 1102)[0] == -1
    finally:
        app.stop()


async def test_a_drop_with_held_ids_gives_326_to_a_quick_reconnect_with_the_same_id(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy", notices=[])
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=5, timeout=2)
    gateway.start_faults([Fault(drop=True, hold_ids_s=1.0)])
    await until(lambda: not ib.isConnected())

    again = new_ib()
    seen = notices(again)
    with pytest.raises((ConnectionError, asyncio.TimeoutError, TimeoutError)):
        await again.connectAsync("127.0.0.1", gateway.port, clientId=5, timeout=1)
    assert 326 in seen
    await new_ib().connectAsync("127.0.0.1", gateway.port, clientId=9, timeout=2)  # another id is fine
    await asyncio.sleep(1.0)
    await new_ib().connectAsync("127.0.0.1", gateway.port, clientId=5, timeout=2)  # the hold is over
    events = [(e.event, e.client_id) for e in gateway.connection_log if e.event != "connect"]
    assert events[:3] == [("session", 5), ("closed", 5), ("refused", 5)]
    assert events[-1] == ("session", 5)


async def test_a_hung_api_and_a_competing_session_hit_clients_already_connected(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy", notices=[])
    ib = new_ib()
    seen = notices(ib)
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=5, timeout=2)
    (aapl,) = await ib.qualifyContractsAsync(Stock("AAPL", "SMART", "USD"))
    ib.reqMktData(aapl)
    await asyncio.sleep(0.1)
    gateway.start_faults([Fault(market="competing"), Fault(after_s=0.2, mode="silent")])
    await until(lambda: 10197 in seen)
    await asyncio.sleep(0.3)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(ib.reqCurrentTimeAsync(), 0.5)


@pytest.fixture
def ibapi_app() -> Iterator[IbapiApp]:
    app = IbapiApp()
    yield app
    app.stop()


def test_a_fault_reaches_ibapi_ib_async_clients_alike_in_one_gateway(ibapi_app: IbapiApp) -> None:
    with running_gateway("healthy") as gateway:
        ibapi_app.start(gateway.port, 42)
        ibapi_app.wait("nextValidId")
        ibapi_app.reqMktData(7, stock("AAPL"), "", False, False, [])
        ibapi_app.wait("tickPrice")
        gateway.start_faults([Fault(notice=2103)])
        assert ibapi_app.wait("error", where=lambda a: a[1] == 2103)[2] == "Market data farm connection is broken:usfarm"


async def test_ib_insync_sees_a_scheduled_1100_then_1102(start_gateway: StartGateway) -> None:
    gateway = await start_gateway("healthy", notices=[])
    ib = InsyncIB()
    seen: list[int] = []
    ib.errorEvent += lambda _req, code, *_: seen.append(code)
    try:
        await ib.connectAsync("127.0.0.1", gateway.port, clientId=43, timeout=3)
        gateway.start_faults([Fault(after_s=0.1, notice=1100), Fault(after_s=0.3, notice=1102)])
        await until(lambda: 1102 in seen)
        assert seen == [1100, 1102]
    finally:
        ib.disconnect()
