"""Shared by the reliability tests: a staged host, a quick config, and leak checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import psutil

from irtui.config import Config
from irtui.probes.host import FakeHost

# A Tuesday, 10:00 in New York: outside every IBKR reset window, not a Sunday.
QUIET_NOW = datetime(2026, 1, 27, 15, 0, tzinfo=timezone.utc)
GATEWAY_CMDLINE = ["java", "-cp", "/opt/ibgateway/jars/*", "ibgateway.GWClient"]
FILES = {
    "positions": "/srv/trader/positions.json",
    "kill_switch": "/srv/trader/KILL_SWITCH",
    "heartbeat": "/srv/trader/heartbeat.json",
    "system_log": "/srv/trader/trader.log",
}


def staged_host(port: int) -> FakeHost:
    """A calm host: the Gateway process listens on `port`, the system's files are fresh,
    and its positions match the shipped `healthy` scenario (AAPL 100, MSFT -20)."""
    host = FakeHost(QUIET_NOW)
    host.add_process(4242, "java", GATEWAY_CMDLINE, uptime_s=3600, listening=[port])
    host.write_file(FILES["positions"], '{"AAPL": 100, "MSFT": -20}')
    host.write_file(FILES["heartbeat"], '{"ibkr_connected": true}', age_s=2)
    host.write_file(FILES["system_log"], "INFO order filled\n" * 20)
    return host


def full_config(port: int, *, sample_s: float = 1.2, **gateway: Any) -> Config:
    """Every probe configured, against one loopback port, with short deadlines;
    `sample_s` is the orders probe's sampling window, `gateway` overrides gateway keys."""
    return Config.model_validate(
        {
            "gateway": {
                "host": "127.0.0.1",
                "ports": [port],
                "tws_ports": [],
                "trading_port": port,
                "connect_timeout_s": 0.5,
                "api_timeout_s": 1.0,
                "request_timeout_s": 1.0,
                "min_api_interval_s": 0,
                **gateway,
            },
            "probes": {"timeout_s": 2.0, "sweep_timeout_s": 8.0},
            "orders": {"sample_s": sample_s},
            "positions": {"source": FILES["positions"]},
            "kill_switch": {"path": FILES["kill_switch"]},
            "heartbeat": {"path": FILES["heartbeat"]},
            "system_log": {"path": FILES["system_log"]},
            "market_data": {"symbols": ["AAPL"]},
        }
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
