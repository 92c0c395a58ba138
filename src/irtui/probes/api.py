"""The API handshake, classified: how far a read-only ib_async client gets.

Only the handshake runs (ib_async's low-level `Client.connectAsync`): no startup
fetches at all, not even the positions `IB.connectAsync` always requests. The
outcome is one of the registry's stages:

  refused           nothing listening (or the TCP connect itself failed/timed out)
  closed            accepted, then closed by the peer (socat with no Gateway behind it,
                    "allow connections from localhost only"); or something that is not
                    the TWS API answers (its first message claims more than 64 KiB),
                    and the probe hangs up at once
  silent            accepted, no version answer (not logged in, 2FA pending, API hung,
                    an untrusted client IP waiting on the "accept connection" dialog)
  not_ready         version answered but no nextValidId/accounts, or answered with
                    something that is no version number
  client_id_in_use  error 326, reported as soon as it arrives, not after the deadline
  dropped           nextValidId and accounts arrived, then the peer closed or reset the
                    connection (the session's collection, api_collect.py, also watches for this after
                    the handshake, until its requests are done and `gateway.observe_s` passed)
  ready             nextValidId and accounts arrived
"""

from __future__ import annotations

import asyncio
import errno
import logging
import struct
import time

from ib_async import IB

from irtui.boundary.display import from_bytes, some
from irtui.probes.readings import CLOSE_WAIT_S, Handshake, Notice

# ib_async logs every failed connect at ERROR; without a handler Python would print
# them on stderr through its last-resort handler, under the operator's output.
logging.getLogger("ib_async").addHandler(logging.NullHandler())

CLIENT_ID_IN_USE = 326
MIN_SERVER_VERSION = 157
# A version answer is a few dozen bytes. A first message claiming more is not the TWS
# API (an HTTP reply, junk, a flood), and ib_async would buffer all of it until the
# deadline; so at most this much is ever held before the version answer.
MAX_FIRST_MESSAGE = 64 * 1024
# A Gateway may send any number of notices (error callbacks). What is kept is bounded;
# every notice costs O(1) (a dict of codes, not a scan of the list), and a flood (far
# more than any real session sends) stops the reading, so the probe keeps its deadline.
MAX_NOTICES = 100  # kept in full (text cut to MAX_NOTICE_TEXT)
MAX_CODES = 50  # distinct codes remembered
MAX_NOTICE_TEXT = 300
FLOOD_NOTICES = 2000
# After the version answer ib_async buffers each message until all of it has come; a
# peer claiming a 2 GiB message would be buffered up to 2 GiB. No answer to the
# probes' requests comes near this size.
MAX_MESSAGE = 4 * 1024 * 1024


class SessionWatch:
    """Everything the Gateway says during one API session, from ib_async's events."""

    def __init__(self, ib: IB) -> None:
        self.ib = ib
        self.changed = asyncio.Event()
        self.closed = False
        self.close_reason = ""
        self.closed_at: float | None = None  # time.monotonic()
        self.ready_at: float | None = None  # time.monotonic() when nextValidId and the accounts had arrived
        self.ready_accounts: list[str] = []
        self.server_version: int | None = None
        self.connection_time: str | None = None
        self.not_tws: str | None = None  # why the first bytes are no TWS API answer
        self.odd_version: str | None = None  # the version field, when it is not a number
        self.notices: list[Notice] = []
        self.notices_seen = 0  # every notice, kept or not
        self.stopped: str | None = None  # why irtui stopped reading this peer mid-session
        self._frame_header = b""
        self._frame_left = 0
        self._codes: dict[int, None] = {}  # the distinct codes, in order of arrival
        self._in_use_text: str | None = None
        self._first_frame = b""
        ib.errorEvent -= ib._onError  # it spawns a stray account-summary task on 1102
        ib.client.conn.hasData += self._on_data
        ib.client.conn.disconnected += self._on_disconnected
        ib.client.apiStart += self._on_api_start
        ib.errorEvent += self._on_error

    @property
    def in_use(self) -> bool:
        return self._in_use_text is not None

    @property
    def in_use_text(self) -> str:
        return self._in_use_text or ""

    def codes(self) -> list[int]:
        return list(self._codes)

    @property
    def answered(self) -> bool:
        """The first message has arrived (or proved not to be a version answer)."""
        return self.server_version is not None or self.odd_version is not None or self.not_tws is not None

    def _on_data(self, data: bytes) -> None:
        self._track_frames(data)
        if self.answered:
            return
        self._first_frame += data[: 4 + MAX_FIRST_MESSAGE - len(self._first_frame)]
        if len(self._first_frame) < 4:
            return
        size = struct.unpack(">I", self._first_frame[:4])[0]
        if size > MAX_FIRST_MESSAGE:
            self._hang_up("an HTTP reply" if self._first_frame.startswith(b"HTTP/") else "bad frame")
            return
        if len(self._first_frame) < 4 + size:
            return
        fields = self._first_frame[4 : 4 + size].split(b"\0")
        try:
            self.server_version = int(fields[0])
        except ValueError:
            self.odd_version = from_bytes(fields[0])
        if len(fields) > 1:
            self.connection_time = from_bytes(fields[1])
        self.changed.set()

    def _track_frames(self, data: bytes) -> None:
        """Follow the message framing (4-byte length, then the body) over every chunk, in
        O(chunk), and stop reading at a message claiming more than MAX_MESSAGE."""
        view = memoryview(data)
        while view and self.stopped is None:
            if self._frame_left:
                step = min(self._frame_left, len(view))
                self._frame_left -= step
                view = view[step:]
                continue
            need = 4 - len(self._frame_header)
            self._frame_header += bytes(view[:need])
            view = view[need:]
            if len(self._frame_header) == 4:
                self._frame_left = struct.unpack(">I", self._frame_header)[0]
                self._frame_header = b""
                if self._frame_left > MAX_MESSAGE and self.answered:
                    self._stop_reading(f"it sent a message claiming {self._frame_left:,} bytes")

    def _hang_up(self, why: str) -> None:
        """Stop reading at once: what is already buffered is all this peer gets to send."""
        self.not_tws = why
        transport = self.ib.client.conn.transport
        if transport is not None:
            transport.pause_reading()
        self.changed.set()

    def _on_api_start(self) -> None:
        # Emitted as the ready messages are decoded, before a close that follows them is
        # seen; ib_async forgets the accounts when the connection closes, so keep them.
        self.ready_at = time.monotonic()
        self.ready_accounts = list(self.ib.client.getAccounts())
        self.changed.set()

    def _on_disconnected(self, message: str) -> None:
        self.closed = True
        self.closed_at = time.monotonic()
        self.close_reason = message
        self.changed.set()

    @property
    def dropped(self) -> bool:
        """The session was ready, then the peer closed it (irtui's own close comes after every reading)."""
        return self.ready_at is not None and self.closed

    def drop_detail(self, server_version: int | None) -> str:
        """How the drop looked: after what, how soon, and what the socket said."""
        after = (self.closed_at or 0.0) - (self.ready_at or 0.0)
        said = f" ({self.close_reason})" if self.close_reason else ""
        accounts = some(self.ready_accounts)
        return f"the handshake completed (v{server_version}, {accounts}), then the Gateway closed the connection {after:.2f}s later{said}"

    def _on_error(self, req_id: int, code: int, message: str, contract: object) -> None:
        self.notices_seen += 1
        if code not in self._codes and len(self._codes) < MAX_CODES:
            self._codes[code] = None
        if len(self.notices) < MAX_NOTICES or code == CLIENT_ID_IN_USE:
            self.notices.append(Notice(req_id, code, str(message)[:MAX_NOTICE_TEXT]))
        if code == CLIENT_ID_IN_USE and self._in_use_text is None:
            self._in_use_text = str(message)[:MAX_NOTICE_TEXT]
            self.changed.set()
        if self.notices_seen > FLOOD_NOTICES and self.stopped is None:
            # No Gateway sends thousands of notices in one probe's session: stop reading,
            # so decoding them cannot hold the event loop past every deadline.
            self._stop_reading(f"it sent more than {FLOOD_NOTICES:,} notices")

    def _stop_reading(self, why: str) -> None:
        self.stopped = why
        transport = self.ib.client.conn.transport
        if transport is not None:
            transport.pause_reading()
        self.changed.set()


async def handshake(ib: IB, watch: SessionWatch, host: str, port: int, client_id: int, timeout: float) -> Handshake:
    """Connect and classify; on anything but `ready` the socket is already closed."""
    connecting = asyncio.ensure_future(ib.client.connectAsync(host, port, client_id, timeout=None))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while not connecting.done() and not watch.closed and not watch.in_use and watch.not_tws is None and watch.stopped is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            changed = asyncio.ensure_future(watch.changed.wait())
            try:
                await asyncio.wait({connecting, changed}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
            finally:
                changed.cancel()
                await asyncio.gather(changed, return_exceptions=True)
            watch.changed.clear()
            too_old = watch.server_version is not None and watch.server_version < MIN_SERVER_VERSION
            if too_old or watch.odd_version is not None:
                break
        outcome = _classify(ib, watch, connecting, port, timeout)
    finally:
        if not connecting.done():
            connecting.cancel()
        await asyncio.gather(connecting, return_exceptions=True)
    if outcome.stage != "ready":
        await close(ib)
    return outcome


def _missing(ib: IB) -> str:
    """Which of the two ready messages did not come: say only what is missing."""
    has_id, accounts = getattr(ib.client, "_hasReqId", False), getattr(ib.client, "_accounts", [])
    if has_id and not accounts:
        return "account list (nextValidId arrived)"
    if accounts and not has_id:
        return "nextValidId (the accounts arrived)"
    return "nextValidId and no account list"


def _classify(ib: IB, watch: SessionWatch, connecting: asyncio.Future, port: int, timeout: float) -> Handshake:
    version = watch.server_version
    tcp = watch.answered or watch.closed or ib.client.conn.transport is not None
    base = {"tcp_connected": tcp, "server_version": version or None, "connection_time": watch.connection_time}
    if watch.not_tws is not None:
        detail = f"something on port {port} answers, but it does not speak the TWS API ({watch.not_tws})"
        return Handshake("closed", detail, not_tws=True, **base)
    if watch.in_use:
        return Handshake("client_id_in_use", f"error 326: {watch.in_use_text}", **base)
    if watch.dropped:
        return Handshake("dropped", watch.drop_detail(version), accounts=list(watch.ready_accounts), **base)
    if watch.stopped is not None and not (connecting.done() and not connecting.cancelled() and connecting.exception() is None):
        return Handshake("not_ready", f"irtui stopped reading the Gateway: {watch.stopped}", **base)
    if connecting.done() and not connecting.cancelled():
        error = connecting.exception()
        if error is None:
            return Handshake("ready", "API ready", accounts=list(ib.client.getAccounts()), **base)
        if isinstance(error, ConnectionRefusedError) or getattr(error, "errno", None) == errno.ECONNREFUSED:
            return Handshake("refused", "connection refused: nothing listening", **base)
        if isinstance(error, OSError):
            return Handshake("refused", f"cannot connect: {error.strerror or error}", **base)
        return Handshake("closed", f"connection failed: {error}", **base)
    if watch.closed:
        if version:
            return Handshake("closed", "accepted, then closed by the Gateway after the version answer", **base)
        # Nothing answered, so nothing proves a Gateway is behind this port.
        return Handshake("closed", "accepted, then closed before any answer (a port forward with no Gateway behind it, or not on the trusted list)", **base)
    if watch.odd_version is not None:
        detail = f"its reply to the version request is not a TWS API version ({watch.odd_version!r})"
        return Handshake("not_ready", detail, **base)
    if version is not None and version < MIN_SERVER_VERSION:
        return Handshake("not_ready", f"server version {version} is too old (ib_async needs {MIN_SERVER_VERSION}+)", **base)
    if version:
        return Handshake("not_ready", f"version {version} answered, but no {_missing(ib)} within {timeout:g}s (not logged in, or 2FA pending?)", **base)
    if tcp:
        return Handshake("silent", f"accepted, but no version answer within {timeout:g}s", **base)
    return Handshake("refused", f"TCP connect did not complete within {timeout:g}s", **base)


async def close(ib: IB) -> None:
    """Close the socket and wait (bounded) until the OS has really let go of it."""
    conn = ib.client.conn
    ib.client.disconnect()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + CLOSE_WAIT_S
    pause = 0.0  # the transport usually lets go at the loop's next turn: look then, before polling
    while conn.transport is not None and loop.time() < deadline:
        await asyncio.sleep(pause)
        pause = 0.005
    if conn.transport is not None:
        conn.transport.abort()
        await asyncio.sleep(0)
