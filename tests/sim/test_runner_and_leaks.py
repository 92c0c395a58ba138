"""running_gateway runs the simulator in a thread; stopping it leaves no socket or thread behind."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import psutil
import pytest
from ib_async import IB

from irtui.sim import SimulatedGateway, load_scenario, running_gateway

pytestmark = pytest.mark.timeout(30)


def sockets_on(port: int) -> list[object]:
    return [
        conn
        for conn in psutil.Process().net_connections(kind="tcp")
        if (conn.laddr and conn.laddr.port == port) or (conn.raddr and conn.raddr.port == port)
    ]


def sim_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "irtui-sim-gateway"]


def wait_until(condition, within: float = 2.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


async def connect_read_only(port: int, client_id: int, timeout: float = 2.0) -> IB:
    ib = IB()
    await ib.connectAsync("127.0.0.1", port, clientId=client_id, timeout=timeout, readonly=True)
    return ib


def test_thread_gateway_serves_ib_async_and_changes_mode_from_the_caller_thread() -> None:
    with running_gateway("healthy") as gateway:
        assert gateway.host == "127.0.0.1" and gateway.port > 0

        async def session() -> float:
            ib = await connect_read_only(gateway.port, 11)
            try:
                return (await asyncio.wait_for(ib.reqCurrentTimeAsync(), 2)).timestamp()
            finally:
                ib.disconnect()

        assert abs(asyncio.run(session()) - time.time()) < 5

        gateway.set_mode("refuse")
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", gateway.port), timeout=1).close()
        gateway.set_scenario(load_scenario("healthy"))
        socket.create_connection(("127.0.0.1", gateway.port), timeout=1).close()
        assert [m.client_id for m in gateway.received if m.msg_id == 71] == [11]


def test_stop_closes_every_socket_and_the_thread_even_with_hung_clients() -> None:
    with running_gateway("api_silent") as gateway:
        port = gateway.port
        clients = [socket.create_connection(("127.0.0.1", port), timeout=1) for _ in range(3)]
        for client in clients:
            client.sendall(b"API\0\0\0\0\x09v157..178")
        assert wait_until(lambda: gateway.connections == 3)
    try:
        assert wait_until(lambda: all(client.recv(1) == b"" for client in clients)), "clients see EOF"
    finally:
        for client in clients:
            client.close()
    assert wait_until(lambda: sockets_on(port) == []), sockets_on(port)
    assert wait_until(lambda: sim_threads() == [])


def test_silent_gateway_closes_its_side_when_the_client_goes_away() -> None:
    with running_gateway("api_silent") as gateway:
        client = socket.create_connection(("127.0.0.1", gateway.port), timeout=1)
        client.sendall(b"API\0\0\0\0\x09v157..178")
        assert wait_until(lambda: gateway.connections == 1)
        client.close()
        assert wait_until(lambda: gateway.connections == 0)
        assert wait_until(lambda: [c for c in sockets_on(gateway.port) if c.raddr] == []), (
            "the server side must close (no CLOSE_WAIT)"
        )


def test_async_gateway_stop_after_ib_async_sessions_leaves_nothing() -> None:
    async def scenario() -> int:
        gateway = SimulatedGateway(load_scenario("healthy"))
        await gateway.start(port=0)
        clients = [await connect_read_only(gateway.port, client_id) for client_id in (21, 22)]
        clients[0].reqMktData(clients[0].positions()[0].contract)
        await asyncio.sleep(0.3)
        await gateway.stop()
        for ib in clients:
            ib.disconnect()
        return gateway.port

    port = asyncio.run(scenario())
    assert wait_until(lambda: sockets_on(port) == []), sockets_on(port)


def test_refusing_a_non_loopback_host() -> None:
    with pytest.raises(ValueError, match="loopback"), running_gateway("healthy", host="0.0.0.0"):
        pass
    assert wait_until(lambda: sim_threads() == [])


def test_the_same_port_comes_back_after_refuse_with_a_fixed_port() -> None:
    with running_gateway("healthy") as first:
        port = first.port
    with running_gateway("port_closed", port=port) as gateway:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        gateway.set_mode("healthy")
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
