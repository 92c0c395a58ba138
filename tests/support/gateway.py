"""Test helpers around a Gateway: quick configs, a staged host, plain socket servers, leak checks."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psutil

from irtui.config import Config
from irtui.probes.host import FakeHost

# A Tuesday, 10:00 in New York: outside every reset window, not a Sunday.
QUIET_NOW = datetime(2026, 1, 27, 15, 0, tzinfo=UTC)
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
    """One TWS API message: NUL-terminated fields behind a 4-byte length (surrogates pass,
    so a hostile peer can send text that is not valid UTF-8)."""
    payload = b"".join(str(f).encode("utf-8", errors="surrogatepass") + b"\0" for f in fields)
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
            except TimeoutError:
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

FILES = {
    "positions": "/srv/trader/positions.json",
    "kill_switch": "/srv/trader/KILL_SWITCH",
    "heartbeat": "/srv/trader/heartbeat.json",
    "system_log": "/srv/trader/trader.log",
    "ibc_log": "/opt/ibc/logs/ibc.txt",
    "fills": "/srv/trader/fills.json",
}


def staged_host(port: int) -> FakeHost:
    """A calm host: the Gateway process listens on `port`, the system's files are fresh,
    and its positions match the shipped `healthy` scenario (AAPL 100, MSFT -20)."""
    host = FakeHost(QUIET_NOW)
    host.add_process(4242, "java", GATEWAY_CMDLINE, uptime_s=3600, listening=[port])
    host.write_file(FILES["positions"], '{"AAPL": 100, "MSFT": -20}')
    host.write_file(FILES["heartbeat"], '{"ibkr_connected": true}', age_s=2)
    host.write_file(FILES["system_log"], "INFO order filled\n" * 20)
    host.write_file(FILES["ibc_log"], "IBC: Auto-restart: reusing the session\nIBC: Login has completed\n")
    # The system knows the healthy scenario's one execution (AAPL BOT 100, an hour ago).
    bought = (datetime.now(UTC) - timedelta(seconds=3600)).isoformat()
    host.write_file(FILES["fills"], f'[{{"time": "{bought}", "symbol": "AAPL", "side": "BOT", "quantity": 100, "price": 180.5}}]')
    return host


def full_config(port: int, *, sample_s: float = 1.2, **gateway: Any) -> Config:
    """Every probe configured, against one loopback port, with short deadlines;
    `sample_s` is the orders probe's sampling window, `gateway` overrides gateway keys."""
    return quick_config(
        port,
        gateway=gateway,
        orders={"sample_s": sample_s},
        positions={"source": FILES["positions"]},
        kill_switch={"path": FILES["kill_switch"]},
        heartbeat={"path": FILES["heartbeat"]},
        system_log={"path": FILES["system_log"]},
        ibc={"path": FILES["ibc_log"]},
        fills={"source": FILES["fills"]},
        market_data={"symbols": ["AAPL"]},
    )


def connections_on(port: int) -> list[Any]:
    """This process's TCP connections from or to `port` (the simulator runs in-process)."""
    return [
        c
        for c in psutil.Process().net_connections(kind="tcp")
        if (c.laddr and c.laddr.port == port) or (c.raddr and c.raddr.port == port)
    ]


def settled(condition: Callable[[], bool], within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def threads_back_to(count: int) -> bool:
    return threading.active_count() <= count
