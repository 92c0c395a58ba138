"""Notices after the handshake and startup-sync end markers that never arrive."""

from __future__ import annotations

import asyncio

import pytest

from .conftest import StartGateway

pytestmark = pytest.mark.timeout(30)


async def test_notices_arrive_as_error_events_in_time_order(start_gateway: StartGateway, new_ib) -> None:
    notices = [
        {"code": 2104, "after_s": 0},
        {"code": 1100, "after_s": 0.2},
        {"code": 1102, "after_s": 0.4},
        {"code": 2110, "message": "Gateway to IBKR broken (drill)", "after_s": 0.3},
    ]
    gateway = await start_gateway("healthy", notices=notices)
    ib = new_ib()
    seen: list[tuple[int, int, str]] = []
    ib.errorEvent += lambda req_id, code, text, _contract: seen.append((req_id, code, text))
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2, readonly=True)
    await asyncio.sleep(0.7)

    assert [code for _, code, _ in seen] == [2104, 1100, 2110, 1102]
    assert all(req_id == -1 for req_id, _, _ in seen)
    texts = {code: text for _, code, text in seen}
    assert texts[1100] == "Connectivity between IB and Trader Workstation has been lost."
    assert texts[2110] == "Gateway to IBKR broken (drill)"


async def test_connectivity_lost_scenario_sends_1100_to_a_synced_client(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("connectivity_lost")
    ib = new_ib()
    codes: list[int] = []
    ib.errorEvent += lambda req_id, code, *_: codes.append(code)
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2, readonly=True)
    for _ in range(100):
        if 1100 in codes:
            break
        await asyncio.sleep(0.05)
    assert 1100 in codes and ib.isConnected()


async def test_switching_scenario_sends_its_notices_to_open_sessions(start_gateway: StartGateway, new_ib) -> None:
    from irtui.sim import load_scenario

    gateway = await start_gateway("healthy", notices=[])
    ib = new_ib()
    codes: list[int] = []
    ib.errorEvent += lambda req_id, code, *_: codes.append(code)
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2, readonly=True)
    gateway.set_scenario(load_scenario("competing_session"))
    await asyncio.sleep(0.8)
    assert codes == [10197]


async def test_startup_hang_withholds_the_positions_end(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy", startup_hang=True)
    ib = new_ib()
    with pytest.raises(ConnectionError, match="positions request timed out"):
        await ib.connectAsync(
            "127.0.0.1", gateway.port, clientId=7, timeout=0.5, readonly=True, raiseSyncErrors=True
        )
    lenient = new_ib()
    await lenient.connectAsync("127.0.0.1", gateway.port, clientId=8, timeout=0.5, readonly=True)
    assert lenient.isConnected(), "without raiseSyncErrors ib_async only logs the timeout"
    assert len(lenient.positions()) == 2, "the rows arrive, only the end marker is missing"


@pytest.mark.parametrize(
    ("marker", "request_name"),
    [("executions", "executions"), ("completed_orders", "completed orders"), ("open_orders", "open orders")],
)
async def test_other_end_markers_can_be_withheld(
    start_gateway: StartGateway, new_ib, marker: str, request_name: str
) -> None:
    gateway = await start_gateway("healthy", withhold_end_markers=[marker])
    with pytest.raises(ConnectionError, match=f"{request_name} request timed out"):
        await new_ib().connectAsync(
            "127.0.0.1", gateway.port, clientId=7, timeout=0.5, readonly=False, raiseSyncErrors=True
        )
