"""irtui's probe ids are read-only: an order message from one is recorded and answered 321."""

from __future__ import annotations

import asyncio

import pytest
from ib_async import LimitOrder

from .conftest import StartGateway

pytestmark = pytest.mark.timeout(30)

PROBE_ID = 917  # irtui's default gateway.probe_client_id


async def test_place_cancel_and_global_cancel_are_recorded_and_refused(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy", notices=[])
    ib = new_ib()
    errors: list[tuple[int, int]] = []
    ib.errorEvent += lambda req_id, code, *_: errors.append((req_id, code))
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=PROBE_ID, timeout=2, readonly=False)
    assert gateway.order_messages == []

    contract = ib.positions()[0].contract
    trade = ib.placeOrder(contract, LimitOrder("BUY", 1, 1.0))
    await asyncio.sleep(0.2)
    order_id = trade.order.orderId
    assert (order_id, 321) in errors
    assert trade.orderStatus.status == "ValidationError"

    ib.cancelOrder(trade.order)
    ib.reqGlobalCancel()
    await asyncio.sleep(0.2)

    assert [(m.client_id, m.msg_id) for m in gateway.order_messages] == [(PROBE_ID, 3), (PROBE_ID, 4), (PROBE_ID, 58)]
    assert [m.name for m in gateway.order_messages] == ["placeOrder", "cancelOrder", "reqGlobalCancel"]
    assert all(m in gateway.received for m in gateway.order_messages)
    assert errors.count((-1, 321)) == 1, "the global cancel is refused too"
    open_trades = await asyncio.wait_for(ib.reqAllOpenOrdersAsync(), 2)
    assert [t.order.orderId for t in open_trades] == [11], "nothing new is working at the broker"


async def test_client_id_zero_auto_bind_is_recorded(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy")
    gateway.probe_client_ids = frozenset({0})  # as if irtui were configured with 0 (its config forbids it)
    await new_ib().connectAsync("127.0.0.1", gateway.port, clientId=0, timeout=2, readonly=True)
    assert [m.name for m in gateway.order_messages] == ["reqAutoOpenOrders"]


async def test_observers_see_every_message_and_refusals(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy")
    seen: list[tuple[str, bool]] = []
    gateway.add_observer(lambda message, refused: seen.append((message.name, refused)))
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=PROBE_ID, timeout=2, readonly=True)
    ib.reqGlobalCancel()
    await asyncio.sleep(0.2)
    assert seen[0] == ("startApi", False) and seen[-1] == ("reqGlobalCancel", True)
    assert len(seen) == len(gateway.received)
