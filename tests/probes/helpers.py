"""Helpers for the probe tests: quick configs, plain socket servers, a quiet clock."""

from __future__ import annotations

import socket
import struct
import threading
from datetime import datetime, timezone
from typing import Any

from irtui.config import Config

# A Tuesday, 10:00 in New York: outside every reset window, not a Sunday.
QUIET_NOW = datetime(2026, 1, 27, 15, 0, tzinfo=timezone.utc)
GATEWAY_CMDLINE = ["java", "-cp", "/opt/ibgateway/jars/*", "ibgateway.GWClient"]


def quick_config(port: int, **sections: dict[str, Any]) -> Config:
    """A config for one loopback port with small deadlines and no API interval."""
    data: dict[str, Any] = {
        "gateway": {
            "host": "127.0.0.1",
            "ports": [port],
            "tws_ports": [],
            "trading_port": port,
            "connect_timeout_s": 0.5,
            "api_timeout_s": 1.0,
            "request_timeout_s": 1.0,
            "min_api_interval_s": 0,
        },
        "orders": {"sample_s": 0},
        "probes": {"timeout_s": 2.0, "sweep_timeout_s": 8.0},
    }
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values}
    return Config.model_validate(data)


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def frame(*fields: object) -> bytes:
    payload = b"".join(str(f).encode() + b"\0" for f in fields)
    return struct.pack(">I", len(payload)) + payload


class PlainServer:
    """A one-behaviour TCP server on loopback, run in a thread, for handshake edge cases.

    behaviours: silent (accept, read, never answer), close (accept, close at once),
    version_only (answer the version, then nothing), in_use (version, then 326 and close),
    too_old (answer version 100).
    """

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self.accepted += 1
            self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        if self.behaviour == "close":
            conn.close()
            return
        conn.settimeout(1.0)
        self._conns.append(conn)
        if self.behaviour == "silent":
            return
        try:
            conn.recv(4096)  # the API greeting and version range
            version = 100 if self.behaviour == "too_old" else 176
            conn.sendall(frame(version, "20260127 15:00:00 UTC"))
            if self.behaviour == "in_use":
                conn.recv(4096)  # startApi
                conn.sendall(frame(4, 2, -1, 326, "Unable to connect as the client id is already in use.", ""))
                conn.close()
                self._conns.remove(conn)
        except OSError:
            pass

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
        self._thread.join(timeout=2)
        for conn in self._conns:
            conn.close()
