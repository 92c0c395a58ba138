"""A hostile Gateway on loopback: it completes the API handshake like a real one (version
answer, nextValidId, managedAccounts), then misbehaves. Every loop is bounded by a stop
event, a byte cap and a time cap.

  notice_flood     error notices as fast as it can, each with a new code and hostile text
  huge_frame       a message claiming 2 GiB, then as many bytes as it can send
  hostile_strings  a few notices whose text is markup, escapes, C1 controls and OSC 52;
                   the account name too

and resets the connection (TCP RST: SO_LINGER 0, then close) at each stage:

  reset_at_greeting      on reading the client's greeting, before any answer
  reset_mid_version      half way through its version answer
  reset_after_start_api  after the version answer, on reading startApi
  reset_after_handshake  once the handshake is done and the client has asked for something
  reset_mid_frame        the same, after the first half of a message

HeldHandshake reads the client's greeting and answers nothing until the test releases it,
then hangs up: a Gateway whose handshake hangs, for exactly as long as the test needs.
"""

from __future__ import annotations

import socket
import struct
import threading
import time

from tests.support.gateway import frame

HOSTILE_TEXT = [
    "\x1b]52;c;cm0gLXJmIH4vKg==\x07",  # OSC 52: rm -rf ~/* into the clipboard
    "\x1b]0;pwned\x07",  # the window title
    "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07",  # OSC 8 hyperlink
    "\x9b2J\x9d0;t\x9c",  # C1 CSI and OSC
    "[/] [bold]x[/bold] [link=https://evil.example]y[/link]",
    "\u202eevil",
]
BYTE_CAP = 64 << 20
TIME_CAP_S = 8.0


def notice(code: int, text: str, req_id: int = -1) -> bytes:
    return frame(4, 2, req_id, code, text, "")


RESETS = ("reset_at_greeting", "reset_mid_version", "reset_after_start_api", "reset_after_handshake", "reset_mid_frame")


class Reset(ConnectionResetError):
    """The peer has reset the connection: nothing more to do with it."""


class HostilePeer:
    """One loopback listener in a thread: each connection is greeted (`_greet`), then gets
    the behaviour (`_misbehave`). Every loop is bounded by the stop event and a cap."""

    greeting_timeout_s = 1.0

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.sent = 0
        self.resets = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, name=f"hostile-{behaviour}", daemon=True)
        self._thread.start()

    def __enter__(self) -> HostilePeer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._conns.append(conn)
            try:
                conn.settimeout(self.greeting_timeout_s)
                if not conn.recv(4096):  # "API\0" and the client's version range
                    conn.close()  # a plain connect (the ports probe): no client to misbehave to
                    continue
                self._greet(conn)
                self._misbehave(conn)
            except OSError:
                pass  # the probe stopped reading or hung up: that is the point

    def _greet(self, conn: socket.socket) -> None:
        """What the peer sends before it misbehaves: nothing, by default."""

    def _misbehave(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def _send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        self.sent += len(data)

    def _reset(self, conn: socket.socket) -> None:
        """Abort the connection: with a zero linger, close sends RST instead of FIN."""
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.resets += 1  # counted before the close: the probe may see the RST (and its test check) at once
        conn.close()
        raise Reset("reset by the hostile peer")

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(timeout=5)
        for conn in self._conns:
            conn.close()


class HostileGateway(HostilePeer):
    """Completes the handshake like a real Gateway, then misbehaves (see the module)."""

    def __init__(self, behaviour: str, account: str = "DU0000001") -> None:
        self.account = account
        super().__init__(behaviour)

    def _greet(self, conn: socket.socket) -> None:
        version = frame(176, "20260127 15:00:00 UTC")
        if self.behaviour == "reset_at_greeting":
            self._reset(conn)
        if self.behaviour == "reset_mid_version":
            self._send(conn, version[: len(version) // 2])
            self._reset(conn)
        self._send(conn, version)
        conn.recv(4096)  # startApi
        if self.behaviour == "reset_after_start_api":
            self._reset(conn)
        self._send(conn, frame(9, 1, 1) + frame(15, 1, self.account))

    def _misbehave(self, conn: socket.socket) -> None:
        started = time.monotonic()
        if self.behaviour in ("reset_after_handshake", "reset_mid_frame"):
            conn.settimeout(TIME_CAP_S)
            conn.recv(4096)  # the client's first request: the handshake is behind it
            if self.behaviour == "reset_mid_frame":
                whole = notice(2104, "Market data farm connection is OK:usfarm")
                self._send(conn, whole[: len(whole) // 2])
            self._reset(conn)

        def going() -> bool:
            return not self._stop.is_set() and self.sent < BYTE_CAP and time.monotonic() - started < TIME_CAP_S

        if self.behaviour == "notice_flood":
            code = 10_000
            while going():
                batch = b"".join(notice(code + i, f"flood {code + i} {HOSTILE_TEXT[i % len(HOSTILE_TEXT)]}") for i in range(200))
                code += 200
                self._send(conn, batch)
        elif self.behaviour == "huge_frame":
            self._send(conn, struct.pack(">I", 0x7FFFFFFF))
            chunk = b"\x00" * 65536
            while going():
                self._send(conn, chunk)
        elif self.behaviour == "hostile_strings":
            for index, text in enumerate(HOSTILE_TEXT):
                self._send(conn, notice(2104 + index % 3, text))
            while going():
                self._stop.wait(0.05)


class HeldHandshake(HostilePeer):
    """Reads the client's greeting and answers nothing until `release()`, then closes the
    connection, which the probe sees as a Gateway that hung up. `hold_cap_s` only bounds
    the thread should a test never release it."""

    hold_cap_s = 60.0

    def __init__(self) -> None:
        self.released = threading.Event()
        super().__init__("held_handshake")

    def _misbehave(self, conn: socket.socket) -> None:
        self.released.wait(self.hold_cap_s)
        conn.close()

    def release(self) -> None:
        self.released.set()

    def close(self) -> None:
        self.release()
        super().close()
