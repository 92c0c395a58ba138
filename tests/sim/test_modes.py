"""Each failure mode gives ib_async what a real client sees from a broken Gateway."""

from __future__ import annotations

import asyncio
import time

import pytest

from .conftest import StartGateway

pytestmark = pytest.mark.timeout(30)

TIMEOUT = 1.0
SLACK = 3.0  # generous upper bound on top of the client's own timeout


async def wait_until(condition, within: float = 2.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


async def test_refuse_means_connection_refused_and_healthy_listens_again(
    start_gateway: StartGateway, new_ib
) -> None:
    gateway = await start_gateway("port_closed")
    port = gateway.port
    assert not gateway.listening
    with pytest.raises(ConnectionRefusedError):
        await new_ib().connectAsync("127.0.0.1", port, clientId=7, timeout=TIMEOUT)

    gateway.set_mode("healthy")
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", port, clientId=7, timeout=2, readonly=True)
    assert gateway.port == port and ib.isConnected()

    gateway.set_mode("refuse")
    assert await wait_until(lambda: not ib.isConnected()), "refuse must close open connections"
    with pytest.raises(ConnectionRefusedError):
        await new_ib().connectAsync("127.0.0.1", port, clientId=7, timeout=TIMEOUT)


async def test_accept_then_close_times_out_without_a_session(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("accept_then_close")
    with pytest.raises((TimeoutError, ConnectionError)):
        await new_ib().connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=TIMEOUT)
    assert gateway.received == [] and gateway.connections == 0


async def test_silent_times_out_and_closes_when_the_client_leaves(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("api_silent")
    with pytest.raises(TimeoutError):
        await new_ib().connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=TIMEOUT)
    # ib_async closes its socket on timeout; the simulator must not keep its side open.
    assert await wait_until(lambda: gateway.connections == 0)


async def test_silent_never_answers_the_version_so_no_start_api_follows(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy", mode="silent")
    ib = new_ib()
    with pytest.raises(TimeoutError):
        await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=TIMEOUT)
    assert gateway.received == [], "a hung API never answers the version, so no startApi is sent"


async def test_not_ready_answers_version_then_hangs(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("not_ready")
    ib = new_ib()
    codes: list[int] = []
    ib.errorEvent += lambda req_id, code, *_: codes.append(code)
    with pytest.raises(TimeoutError):
        await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=TIMEOUT)
    assert [m.msg_id for m in gateway.received][:1] == [71], "the client got the version and sent startApi"
    assert 2110 in codes, "notices still flow while the API is not ready"


async def test_client_id_in_use_sends_326_and_closes(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("client_id_in_use")
    ib = new_ib()
    codes: list[int] = []
    api_errors: list[str] = []
    ib.errorEvent += lambda req_id, code, *_: codes.append(code)
    ib.client.apiError += api_errors.append
    with pytest.raises((TimeoutError, ConnectionError)):
        await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=TIMEOUT)
    assert 326 in codes
    assert any("already in use" in text for text in api_errors)
    assert await wait_until(lambda: gateway.connections == 0)


async def test_only_listed_client_ids_are_busy(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("client_id_in_use", busy_client_ids=[7])
    free = new_ib()
    await free.connectAsync("127.0.0.1", gateway.port, clientId=8, timeout=2, readonly=True)
    assert free.isConnected()
    busy = new_ib()
    codes: list[int] = []
    busy.errorEvent += lambda req_id, code, *_: codes.append(code)
    with pytest.raises((TimeoutError, ConnectionError)):
        await busy.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=TIMEOUT)
    assert codes == [326]


async def test_a_second_connection_with_the_same_client_id_gets_326(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy")
    first = new_ib()
    await first.connectAsync("127.0.0.1", gateway.port, clientId=5, timeout=2, readonly=True)
    second = new_ib()
    codes: list[int] = []
    second.errorEvent += lambda req_id, code, *_: codes.append(code)
    with pytest.raises((TimeoutError, ConnectionError)):
        await second.connectAsync("127.0.0.1", gateway.port, clientId=5, timeout=TIMEOUT)
    assert 326 in codes and first.isConnected()


async def test_drop_after_disconnects_a_synced_client(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("drop", drop_after_s=0.5)
    ib = new_ib()
    dropped = asyncio.Event()
    ib.disconnectedEvent += dropped.set
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2, readonly=True)
    assert ib.isConnected()
    await asyncio.wait_for(dropped.wait(), 0.5 + SLACK)
    assert not ib.isConnected()
    with pytest.raises(ConnectionError):
        ib.reqCurrentTime()


async def test_switching_to_silent_stops_answering_an_open_session(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy")
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2, readonly=True)
    await asyncio.wait_for(ib.reqCurrentTimeAsync(), 1)

    gateway.set_mode("silent")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(ib.reqCurrentTimeAsync(), 0.5)
    assert ib.isConnected(), "a hung API keeps the socket open: it looks connected"
    assert gateway.received[-1].name == "reqCurrentTime"


async def test_switching_to_close_drops_open_sessions(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy")
    ib = new_ib()
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2, readonly=True)
    gateway.set_mode("close")
    assert await wait_until(lambda: not ib.isConnected())
    with pytest.raises((TimeoutError, ConnectionError)):
        await new_ib().connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=TIMEOUT)


async def test_not_ready_then_healthy_lets_a_waiting_client_finish(start_gateway: StartGateway, new_ib) -> None:
    gateway = await start_gateway("healthy", mode="not_ready")
    ib = new_ib()
    connecting = asyncio.ensure_future(
        ib.connectAsync("127.0.0.1", gateway.port, clientId=7, timeout=2, readonly=True)
    )
    assert await wait_until(lambda: any(m.msg_id == 71 for m in gateway.received))
    gateway.set_mode("healthy")
    await asyncio.wait_for(connecting, 2 + SLACK)
    assert ib.isConnected() and len(ib.positions()) == 2
