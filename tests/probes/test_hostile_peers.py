"""Hostile peers on the API port: the api probe returns within its deadline, names a clear
stage, lets no exception out, and its memory stays bounded.

What each peer does after reading the client's greeting, and the stage it must get:
  garbage        4 KiB of binary junk (its first 4 bytes read as a 3.7 GB length)  closed
  http           an HTTP error page (a web server on the wrong port)              closed
  not_a_version  a well-framed message whose "version" is not a number            not_ready
  huge_prefix    a 0x7fffffff length prefix and a few bytes, then silence          closed
  huge_flood     the same prefix, then as many bytes as it can send                closed
  half_frame     the first half of a real version answer, then silence             silent
  trickle        a real version answer, one byte per second                        silent
A first message that claims more than 64 KiB is no version answer (one is a few dozen
bytes): the probe hangs up at once, and the operator hears that something on the port
does not speak the TWS API. A frame that arrives whole but holds no version number is
an answer from something that is not a ready Gateway: not_ready. A version answer that
has not arrived whole by the deadline is silent.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time

import ib_async  # noqa: F401  imported before measuring: the probe imports it on first use
import psutil
import pytest

from irtui.config import Config
from irtui.probes.result import ProbeResult, Status
from irtui.probes.runner import ProbeRunner
from tests.support.gateway import frame
from tests.support.hostile_gateway import HostilePeer

pytestmark = pytest.mark.timeout(60)

API_TIMEOUT_S = 1.0
BOUND_S = API_TIMEOUT_S + 4.0  # the sweep's deadline: the probe's own, its close, and a loaded machine
FLOOD_CAP = 256 << 20  # the flood stops here at the latest (bounded loop)
MEMORY_BOUND = 8 << 20  # RSS growth allowed: at most 64 KiB of first message, one socket read, the probe's own objects
STAGE_SUMMARY = {"silent": "API not answering", "not_ready": "API not ready", "closed": "Not the TWS API"}


VERSION_ANSWER = frame(176, "20260127 15:00:00 UTC")


class HandshakePeer(HostilePeer):
    """Reads the client's greeting, then misbehaves before any version answer."""

    greeting_timeout_s = 0.5

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


def probe_api(port: int, api_timeout_s: float = API_TIMEOUT_S, sweep_s: float = BOUND_S) -> ProbeResult:
    """The api probe's result. Not timed: the sweep's deadline (`sweep_s`) cuts a probe still
    running to `unknown`, with no stage, so a stage proves the probe ended before it."""
    config = Config.model_validate(
        {
            "gateway": {"ports": [port], "tws_ports": [], "trading_port": port, "api_timeout_s": api_timeout_s, "min_api_interval_s": 0},
            "probes": {"sweep_timeout_s": sweep_s},
        }
    )
    return ProbeRunner(config).run(["api"]).results["api"]


@pytest.mark.parametrize(
    ("behaviour", "stage"),
    [
        ("garbage", "closed"),
        ("http", "closed"),
        ("not_a_version", "not_ready"),
        ("huge_prefix", "closed"),
        ("huge_flood", "closed"),
        ("half_frame", "silent"),
        ("trickle", "silent"),
    ],
)
def test_hostile_peer_gets_a_clear_stage_within_the_deadline(behaviour: str, stage: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="asyncio")
    peer = HandshakePeer(behaviour)
    memory = PeakRss()
    try:
        result = probe_api(peer.port)
    finally:
        growth = memory.stop()
        peer.close()
    assert result.fact("stage") == stage, result.summary  # a stage: the sweep's deadline did not cut it
    assert result.status == Status.FAIL
    assert result.summary.startswith(STAGE_SUMMARY[stage]), result.summary
    assert f"127.0.0.1:{peer.port}" in result.summary
    assert growth < MEMORY_BOUND, f"{behaviour}: RSS grew {growth >> 20} MiB"
    assert not [r for r in caplog.records if r.name == "asyncio"], [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize(("behaviour", "words"), [("huge_flood", "(bad frame)"), ("http", "(an HTTP reply)")])
def test_something_that_is_not_the_tws_api_is_named_at_once(behaviour: str, words: str) -> None:
    patient_s = 20.0  # a long deadline: the probe must not wait it out, nor read all it is sent
    peer = HandshakePeer(behaviour)
    memory = PeakRss()
    try:
        result = probe_api(peer.port, api_timeout_s=patient_s, sweep_s=patient_s / 2)  # cut to unknown had it waited
    finally:
        growth = memory.stop()
        peer.close()
    assert result.summary == (
        f"Not the TWS API at 127.0.0.1:{peer.port}: something on port {peer.port} answers, "
        f"but it does not speak the TWS API {words}"
    )
    assert result.fact("stage") == "closed" and result.fact("server_version") is None
    assert growth < MEMORY_BOUND, f"{behaviour}: RSS grew {growth >> 20} MiB"


def test_a_reply_that_is_no_version_number_says_so() -> None:
    peer = HandshakePeer("not_a_version")
    try:
        result = probe_api(peer.port)
    finally:
        peer.close()
    assert result.summary == (
        f"API not ready at 127.0.0.1:{peer.port}: its reply to the version request is not a TWS API version ('hello')"
    )
    assert result.fact("server_version") is None
