"""TWS API wire framing: the `API\\0` greeting, length-prefixed frames, NUL-separated fields.

Every message after the greeting is a 4-byte big-endian length followed by that many
bytes of fields, each field terminated by a NUL byte. This module knows nothing about
what the fields mean beyond the message id (the first field).
"""

from __future__ import annotations

import asyncio
import re
import struct
from collections.abc import Iterable

GREETING = b"API\0"
# A real client frame is a few kilobytes at most; anything larger is garbage, not a message.
MAX_FRAME_BYTES = 1 << 20

_VERSION_RANGE = re.compile(rb"^v(\d+)(?:\.\.(\d+))?")

# Incoming request ids (client -> Gateway), named for logs and the CLI.
REQUEST_NAMES: dict[int, str] = {
    1: "reqMktData",
    2: "cancelMktData",
    3: "placeOrder",
    4: "cancelOrder",
    5: "reqOpenOrders",
    6: "reqAccountUpdates",
    7: "reqExecutions",
    8: "reqIds",
    9: "reqContractDetails",
    10: "reqMktDepth",
    11: "cancelMktDepth",
    12: "reqNewsBulletins",
    13: "cancelNewsBulletins",
    14: "setServerLogLevel",
    15: "reqAutoOpenOrders",
    16: "reqAllOpenOrders",
    17: "reqManagedAccts",
    18: "requestFA",
    19: "replaceFA",
    20: "reqHistoricalData",
    21: "exerciseOptions",
    22: "reqScannerSubscription",
    23: "cancelScannerSubscription",
    24: "reqScannerParameters",
    25: "cancelHistoricalData",
    49: "reqCurrentTime",
    50: "reqRealTimeBars",
    51: "cancelRealTimeBars",
    52: "reqFundamentalData",
    53: "cancelFundamentalData",
    58: "reqGlobalCancel",
    59: "reqMarketDataType",
    61: "reqPositions",
    62: "reqAccountSummary",
    63: "cancelAccountSummary",
    64: "cancelPositions",
    71: "startApi",
    74: "reqPositionsMulti",
    75: "cancelPositionsMulti",
    76: "reqAccountUpdatesMulti",
    77: "cancelAccountUpdatesMulti",
    87: "reqHeadTimeStamp",
    92: "reqPnL",
    93: "cancelPnL",
    97: "reqTickByTickData",
    98: "cancelTickByTickData",
    99: "reqCompletedOrders",
    104: "reqUserInfo",
}

# Requests that create, change, cancel or take over orders. The simulator never acts on
# them; it records them so tests can prove irtui sent none. 15 (reqAutoOpenOrders) binds
# every manual TWS order to the caller, which changes who owns live orders.
ORDER_MESSAGE_IDS: frozenset[int] = frozenset({3, 4, 15, 21, 58})


def request_name(msg_id: int) -> str:
    return REQUEST_NAMES.get(msg_id, f"message {msg_id}")


def frame(payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + payload


def encode_fields(fields: Iterable[object]) -> bytes:
    """One framed message; each field rendered with str() and NUL-terminated."""
    payload = b"".join(_render(field).encode() + b"\0" for field in fields)
    return frame(payload)


def _render(field: object) -> str:
    if field is None:
        return ""
    if isinstance(field, bool):
        return "1" if field else "0"
    if isinstance(field, float) and field.is_integer():
        return str(int(field)) if abs(field) < 1e15 else str(field)
    return str(field)


class ProtocolError(Exception):
    """The peer sent bytes that are not a TWS API message."""


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    """The payload of the next frame; raises IncompleteReadError at EOF."""
    header = await reader.readexactly(4)
    (length,) = struct.unpack(">I", header)
    if length > MAX_FRAME_BYTES:
        raise ProtocolError(f"frame of {length} bytes is too large")
    return await reader.readexactly(length)


def split_fields(payload: bytes) -> tuple[str, ...]:
    fields = payload.decode(errors="backslashreplace").split("\0")
    if fields and fields[-1] == "":
        fields.pop()
    return tuple(fields)


def parse_version_range(payload: bytes) -> tuple[int, int]:
    """Client versions from the handshake payload, e.g. b"v157..178 +PACEAPI" -> (157, 178)."""
    match = _VERSION_RANGE.match(payload)
    if not match:
        raise ProtocolError(f"not a version range: {payload[:40]!r}")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    return low, high
