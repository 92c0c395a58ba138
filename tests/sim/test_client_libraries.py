"""Trading systems' own client libraries against the simulator, each at its own version.

A Gateway answers any client whose range reaches 100 with min(client top, its own
top). ibapi 9.81 speaks v100..157, ib_insync 0.9.86 v157..176: both must connect,
read the account, and decode every message (ibapi at older versions too).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import ibapi.client
import pytest
from ib_insync import IB as InsyncIB
from ib_insync import Stock as InsyncStock
from ibapi.execution import ExecutionFilter

from irtui.sim import running_gateway
from tests.support.ibapi_app import IbapiApp, stock

from .conftest import StartGateway

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def ibapi_app() -> Iterator[IbapiApp]:
    app = IbapiApp()
    yield app
    app.stop()


@pytest.fixture(autouse=True)
def ibapi_decodes_cleanly(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """ibapi logs a message whose field count is wrong, and reports a bad one as error 505."""
    caplog.set_level(logging.ERROR, logger="ibapi")
    yield
    failures = [r.getMessage() for r in caplog.records if r.name.startswith("ibapi") and r.levelno >= logging.ERROR]
    assert not failures, f"ibapi could not decode: {failures[:3]}"


def read_the_account(app: IbapiApp) -> None:
    """Everything a trading system reads at start, each answer checked."""
    app.reqPositions()
    assert app.wait("position")[1:3] == ("AAPL", 100.0)
    app.wait("positionEnd")
    app.reqOpenOrders()
    assert app.wait("openOrder")[:5] == (11, "AAPL", "SELL", 50.0, "Submitted")
    app.wait("openOrderEnd")
    app.reqExecutions(3, ExecutionFilter())
    assert app.wait("execDetails")[:5] == (3, "AAPL", "BOT", 100.0, 180.5)
    app.wait("commissionReport")
    app.wait("execDetailsEnd")
    app.reqContractDetails(4, stock("AAPL"))
    assert app.wait("contractDetails")[:2] == (4, "AAPL")
    app.wait("contractDetailsEnd")
    app.reqMktData(5, stock("AAPL"), "", True, False, [])
    assert app.wait("tickPrice", where=lambda a: a[1] == 4)[2] == pytest.approx(181.0)
    app.wait("tickSnapshotEnd")
    app.reqHistoricalData(6, stock("AAPL"), "", "1 D", "1 hour", "TRADES", 1, 1, False, [])
    app.wait("historicalData")
    app.wait("historicalDataEnd")


def test_ibapi_981_connects_at_its_own_version_157_and_reads_everything(ibapi_app: IbapiApp) -> None:
    with running_gateway("healthy") as gateway:
        ibapi_app.start(gateway.port, 21)
        assert ibapi_app.serverVersion() == 157, "min(ibapi's top 157, the simulator's 176)"
        assert ibapi_app.wait("nextValidId") == (100,)
        assert ibapi_app.wait("managedAccounts") == ("DU0000001",)
        read_the_account(ibapi_app)
        ibapi_app.reqCompletedOrders(False)
        assert ibapi_app.wait("completedOrder") == ("AAPL", "Filled")
        ibapi_app.wait("completedOrdersEnd")
    assert not [code for _, code in ibapi_app.errors() if 500 <= code < 600], ibapi_app.errors()


# Each crosses a threshold where a message the simulator sends changed shape.
@pytest.mark.parametrize("client_top", [100, 110, 123, 130, 135, 141, 144, 150])
def test_older_ibapi_clients_get_their_own_version_and_its_layouts(
    ibapi_app: IbapiApp, monkeypatch: pytest.MonkeyPatch, client_top: int
) -> None:
    monkeypatch.setattr(ibapi.client, "MAX_CLIENT_VER", client_top)
    with running_gateway("healthy") as gateway:
        ibapi_app.start(gateway.port, 22)
        assert ibapi_app.serverVersion() == client_top
        ibapi_app.wait("nextValidId")
        read_the_account(ibapi_app)
    assert not [code for _, code in ibapi_app.errors() if 500 <= code < 600], ibapi_app.errors()


async def test_ib_insync_0986_connects_at_176_and_reads_positions_orders_and_market_data(start_gateway: StartGateway) -> None:
    gateway = await start_gateway("healthy", server_version=178)
    ib = InsyncIB()
    try:
        await ib.connectAsync("127.0.0.1", gateway.port, clientId=23, timeout=3)
        assert ib.client.serverVersion() == 176, "min(ib_insync's top 176, the simulator's 178)"
        assert {(p.contract.symbol, p.position) for p in ib.positions()} == {("AAPL", 100.0), ("MSFT", -20.0)}
        assert [t.order.orderId for t in ib.openTrades()] == [11]
        assert [f.execution.price for f in ib.fills()] == [180.5]
        details = await asyncio.wait_for(ib.reqContractDetailsAsync(InsyncStock("AAPL", "SMART", "USD")), 3)
        assert details[0].contract.symbol == "AAPL"
        tickers = await asyncio.wait_for(ib.reqTickersAsync(InsyncStock("AAPL", "SMART", "USD")), 5)
        assert tickers[0].last == pytest.approx(181.0)
    finally:
        ib.disconnect()
