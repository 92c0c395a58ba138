"""Framing: length prefix, NUL-separated fields, the greeting; garbage is closed, not served."""

from __future__ import annotations

import asyncio
import struct

import pytest

from irtui.sim import protocol

from .conftest import StartGateway

pytestmark = pytest.mark.timeout(30)


def test_fields_round_trip_through_a_frame() -> None:
    data = protocol.encode_fields([4, 2, -1, 2104, "farm OK:usfarm", None, True, 1.5, 3.0])
    (length,) = struct.unpack(">I", data[:4])
    assert length == len(data) - 4
    assert protocol.split_fields(data[4:]) == ("4", "2", "-1", "2104", "farm OK:usfarm", "", "1", "1.5", "3")


@pytest.mark.parametrize(
    ("payload", "expected"),
    [(b"v157..178", (157, 178)), (b"v100..176 +PACEAPI", (100, 176)), (b"v176", (176, 176))],
)
def test_client_version_ranges(payload: bytes, expected: tuple[int, int]) -> None:
    assert protocol.parse_version_range(payload) == expected


def test_a_non_version_payload_is_a_protocol_error() -> None:
    with pytest.raises(protocol.ProtocolError):
        protocol.parse_version_range(b"GET / HTTP/1.1")


async def test_an_oversized_frame_is_refused() -> None:
    reader = asyncio.StreamReader()
    reader.feed_data(struct.pack(">I", protocol.MAX_FRAME_BYTES + 1))
    with pytest.raises(protocol.ProtocolError):
        await protocol.read_frame(reader)


async def test_a_client_that_is_not_tws_api_is_closed(start_gateway: StartGateway) -> None:
    gateway = await start_gateway("healthy")
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
    writer.write(b"GET / HTTP/1.1\r\n\r\n")
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), 2) == b""
    writer.close()
    await writer.wait_closed()
    assert gateway.received == [] and gateway.connections == 0


async def test_the_version_answer_has_exactly_two_fields(start_gateway: StartGateway) -> None:
    gateway = await start_gateway("healthy", server_version=170)
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
    writer.write(protocol.GREETING + protocol.frame(b"v157..178"))
    fields = protocol.split_fields(await asyncio.wait_for(protocol.read_frame(reader), 2))
    assert len(fields) == 2 and fields[0] == "170"
    writer.write(protocol.encode_fields([71, 2, 33, ""]))
    first = protocol.split_fields(await asyncio.wait_for(protocol.read_frame(reader), 2))
    second = protocol.split_fields(await asyncio.wait_for(protocol.read_frame(reader), 2))
    assert first == ("9", "1", "100") and second == ("15", "1", "DU0000001")
    writer.close()
    await writer.wait_closed()


async def test_an_older_client_gets_its_own_highest_version(start_gateway: StartGateway) -> None:
    gateway = await start_gateway("healthy", server_version=178)
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
    writer.write(protocol.GREETING + protocol.frame(b"v157..170"))
    fields = protocol.split_fields(await asyncio.wait_for(protocol.read_frame(reader), 2))
    assert fields[0] == "170"
    writer.close()
    await writer.wait_closed()


async def test_a_client_below_version_100_is_closed(start_gateway: StartGateway) -> None:
    gateway = await start_gateway("healthy")
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
    writer.write(protocol.GREETING + protocol.frame(b"v90..99"))
    assert await asyncio.wait_for(reader.read(), 2) == b""
    writer.close()
    await writer.wait_closed()
