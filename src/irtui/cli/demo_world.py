"""The demo's world: a configuration pointed at the simulated Gateway, and a staged host.

The host is a FakeHost, so the demo never reads this machine's processes or files: a
Gateway process "runs" and listens on the simulator's port, and the trading system's
heartbeat, kill-switch flag, log and positions look like those of a system that has
just lost its broker connection (or not, for the healthy scenario).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from irtui.config import Config
from irtui.probes.host import FakeHost
from irtui.sim.scenario import Scenario

SYSTEM_DIR = Path("/demo/trading-system")
HEARTBEAT = SYSTEM_DIR / "heartbeat.json"
KILL_SWITCH = SYSTEM_DIR / "KILL_SWITCH"
SYSTEM_LOG = SYSTEM_DIR / "system.log"
POSITIONS = SYSTEM_DIR / "positions.json"
DEMO_API_TIMEOUT_S = 3.0
MANUAL_CLIENT_ID = 0  # orders typed into TWS by hand: the trading system never hears of them


def demo_config(port: int, log_path: Path, scenario: Scenario) -> Config:
    symbols = sorted({p.symbol for p in scenario.positions} | set(scenario.market_data)) or ["SPY"]
    return Config.model_validate(
        {
            "gateway": {
                "host": "127.0.0.1",
                "ports": [port],
                "tws_ports": [],
                "trading_port": port,
                "api_timeout_s": DEMO_API_TIMEOUT_S,
            },
            "positions": {"source": str(POSITIONS)},
            "market_data": {"symbols": symbols[:3]},
            "kill_switch": {"path": str(KILL_SWITCH)},
            "heartbeat": {"path": str(HEARTBEAT)},
            "system_log": {"path": str(SYSTEM_LOG)},
            "log": {"path": str(log_path)},
        },
    ).model_copy(update={"source": f"demo (simulated Gateway on 127.0.0.1:{port})"})


def system_positions(scenario: Scenario) -> dict[str, float]:
    """What the trading system believes it holds: the broker's book minus manual trades."""
    manual = {e.symbol for e in scenario.executions if getattr(e, "client_id", None) == MANUAL_CLIENT_ID}
    return {p.symbol: p.quantity for p in scenario.positions if p.symbol not in manual}


def demo_host(port: int, scenario: Scenario) -> FakeHost:
    host = FakeHost()
    host.add_process(
        4242,
        "java",
        ["java", "-cp", "/opt/ibgateway/jars/*", "ibgateway.GWClient"],
        uptime_s=3 * 3600,
        listening=[port],
    )
    connected = scenario.mode == "healthy"
    heartbeat = {"ibkr_connected": connected, "strategy": "demo", "pid": 5151}
    host.write_file(HEARTBEAT, json.dumps(heartbeat), age_s=4)
    host.write_file(POSITIONS, json.dumps(system_positions(scenario)), age_s=60)
    host.write_file(SYSTEM_LOG, "\n".join(_log_lines(host, connected)) + "\n", age_s=5)
    return host


def _log_lines(host: FakeHost, connected: bool) -> list[str]:
    def at(seconds_ago: int) -> str:
        return f"{host.clock - timedelta(seconds=seconds_ago):%Y-%m-%d %H:%M:%S}"

    lines = [f"{at(900)} INFO  strategy: started, 2 symbols, client id 1", f"{at(600)} INFO  broker: connected to 127.0.0.1"]
    if not connected:
        lines += [
            f"{at(95)} WARNING broker: connection lost (TimeoutError), reconnecting",
            f"{at(65)} WARNING broker: reconnect attempt 2/10 failed: TimeoutError",
            f"{at(35)} WARNING broker: reconnect attempt 3/10 failed: TimeoutError",
        ]
    return lines
