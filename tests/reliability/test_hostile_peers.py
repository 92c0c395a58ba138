"""Hostile peers on the API port: the api probe returns within its deadline, names a clear
stage, lets no exception out, and its memory stays bounded.

What each peer does after reading the client's greeting, and the stage it must get:
  garbage        4 KiB of binary junk (its first 4 bytes read as a 3.7 GB length)  silent
  http           an HTTP error page (a web server on the wrong port)              silent
  not_a_version  a well-framed message whose "version" is not a number            not_ready
  huge_prefix    a 0x7fffffff length prefix and a few bytes, then silence          silent
  huge_flood     the same prefix, then as many bytes as it can send                silent
  half_frame     the first half of a real version answer, then silence             silent
  trickle        a real version answer, one byte per second                        silent
"silent" is right for all but one: no complete version answer arrived before the
deadline. A frame that arrives whole but holds no version number is an answer from
something that is not a ready Gateway: not_ready.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time

import psutil
import pytest

from irtui.config import Config
from irtui.probes.result import Status
from irtui.probes.runner import ProbeRunner

pytestmark = pytest.mark.timeout(60)

API_TIMEOUT_S = 1.0
BOUND_S = API_TIMEOUT_S + 2.0  # deadline + close + a loaded machine
FLOOD_CAP = 256 << 20  # the flood stops here at the latest (bounded loop)
MEMORY_BOUND = 100 << 20  # RSS growth allowed while being flooded within one deadline
STAGE_SUMMARY = {"silent": "API not answering", "not_ready": "API not ready"}


def frame(*fields: object) -> bytes:
    payload = b"".join(str(f).encode() + b"\0" for f in fields)
    return struct.pack(">I", len(payload)) + payload


VERSION_ANSWER = frame(176, "20260127 15:00:00 UTC")


class HostilePeer:
    """One loopback listener in a thread; each connection gets `behaviour`. Every loop is
    bounded by the stop event and a size or time cap."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.sent = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, name=f"hostile-{behaviour}", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self._conns.append(conn)
            try:
                conn.settimeout(0.5)
                conn.recv(4096)  # the greeting and the client's version range
                self._misbehave(conn)
            except OSError:
                pass  # the probe gave up and closed: that is the point

    def _misbehave(self, conn: socket.socket) -> None:
        b = self.behaviour
        if b == "garbage":
            self._send(conn, b"\xde\xad\xbe\xef" * 1024)
        elif b == "http":
            self._send(conn, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        elif b == "not_a_version":
            self._send(conn, frame("hello", "world"))
        elif b == "huge_prefix":
            self._send(conn, struct.pack(">I", 0x7FFFFFFF) + b"abcdefgh")
        elif b == "huge_flood":
            self._send(conn, struct.pack(">I", 0x7FFFFFFF))
            chunk = b"\x00" * 65536
            started = time.monotonic()
            while not self._stop.is_set() and self.sent < FLOOD_CAP and time.monotonic() - started < BOUND_S:
                self._send(conn, chunk)
        elif b == "half_frame":
            self._send(conn, VERSION_ANSWER[: len(VERSION_ANSWER) // 2])
        elif b == "trickle":
            for byte in VERSION_ANSWER:
                if self._stop.wait(1.0):
                    return
                self._send(conn, bytes([byte]))

    def _send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        self.sent += len(data)

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(timeout=5)
        for conn in self._conns:
            conn.close()


class PeakRss:
    """Samples this process's RSS every few milliseconds until stopped."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self.start = self.peak = self._process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._process.memory_info().rss)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(timeout=2)
        return self.peak - self.start


def probe_api(port: int):
    config = Config.model_validate(
        {
            "gateway": {"ports": [port], "tws_ports": [], "trading_port": port, "api_timeout_s": API_TIMEOUT_S, "min_api_interval_s": 0},
            "probes": {"sweep_timeout_s": 10.0},
        }
    )
    started = time.monotonic()
    result = ProbeRunner(config).run(["api"]).results["api"]
    return result, time.monotonic() - started


@pytest.mark.parametrize(
    ("behaviour", "stage"),
    [
        ("garbage", "silent"),
        ("http", "silent"),
        ("not_a_version", "not_ready"),
        ("huge_prefix", "silent"),
        ("huge_flood", "silent"),
        ("half_frame", "silent"),
        ("trickle", "silent"),
    ],
)
def test_hostile_peer_gets_a_clear_stage_within_the_deadline(behaviour: str, stage: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="asyncio")
    peer = HostilePeer(behaviour)
    memory = PeakRss()
    try:
        result, took = probe_api(peer.port)
    finally:
        growth = memory.stop()
        peer.close()
    assert result.fact("stage") == stage, result.summary
    assert result.status == Status.FAIL
    assert result.summary.startswith(STAGE_SUMMARY[stage]), result.summary
    assert f"127.0.0.1:{peer.port}" in result.summary
    assert took < BOUND_S, f"{behaviour}: {took:.2f}s"
    assert growth < MEMORY_BOUND, f"{behaviour}: RSS grew {growth >> 20} MiB"
    assert not [r for r in caplog.records if r.name == "asyncio"], [r.getMessage() for r in caplog.records]


def test_a_flood_is_cut_off_at_the_deadline() -> None:
    peer = HostilePeer("huge_flood")
    try:
        _, took = probe_api(peer.port)
        sent_by_deadline = peer.sent
        time.sleep(0.3)
        assert peer.sent - sent_by_deadline < 4 << 20, "the probe kept reading after its deadline"
    finally:
        peer.close()
    assert took < BOUND_S
