"""`irtui demo`'s world: a simulator scenario staged as drills stage theirs, with no tree to follow.

The trading system has just lost its broker connection (or not, for the healthy
scenario): the Gateway process runs and listens on the simulator's port, the heartbeat
says whether the broker is connected, the log shows the reconnect attempts, and the
system's positions are the broker's minus any trade typed into TWS by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from irtui.config import Config, GatewayConfig
from irtui.diagnosis.walk import utc_now
from irtui.drills.model import Heartbeat, HostWorld
from irtui.drills.staging import Deadlines, broker_positions, fake_host, simulator_config
from irtui.probes.host import FakeHost
from irtui.sim.scenario import Scenario

# The API gate keeps its real spacing: the demo shows the console as it behaves live.
DEMO_DEADLINES = Deadlines(api_timeout_s=3.0, min_api_interval_s=GatewayConfig().min_api_interval_s)
MANUAL_CLIENT_ID = 0  # orders typed into TWS by hand: the trading system never hears of them


def demo_config(port: int, log_path: Path, scenario: Scenario) -> Config:
    symbols = sorted({p.symbol for p in scenario.positions} | set(scenario.market_data)) or ["SPY"]
    return simulator_config(
        port,
        deadlines=DEMO_DEADLINES,
        settings={"market_data": {"symbols": symbols[:3]}, "log": {"path": str(log_path)}},
        source=f"demo (simulated Gateway on 127.0.0.1:{port})",
    )


def system_positions(scenario: Scenario) -> dict[str, dict[str, float]]:
    """What the trading system believes it holds: the broker's book minus manual trades."""
    manual = {e.symbol for e in scenario.executions if getattr(e, "client_id", None) == MANUAL_CLIENT_ID}
    held = broker_positions(scenario)
    kept = [p.local_symbol or p.symbol for p in scenario.positions if p.symbol not in manual]
    return {key: held[key] for key in kept}


def demo_host_world(scenario: Scenario, now: datetime) -> HostWorld:
    connected = scenario.mode == "healthy"
    return HostWorld(
        gateway_process="running",
        heartbeat=Heartbeat(connected=connected, age_s=4),
        system_log=_log_lines(now, connected),
        system_positions=system_positions(scenario),  # type: ignore[arg-type]  # validated into holdings
    )


def demo_host(port: int, scenario: Scenario, now: datetime | None = None) -> FakeHost:
    now = now or utc_now()
    return fake_host(demo_host_world(scenario, now), scenario, port, now)


def _log_lines(now: datetime, connected: bool) -> list[str]:
    def at(seconds_ago: int) -> str:
        return f"{now - timedelta(seconds=seconds_ago):%Y-%m-%d %H:%M:%S}"

    lines = [f"{at(900)} INFO  strategy: started, 2 symbols, client id 1", f"{at(600)} INFO  broker: connected to 127.0.0.1"]
    if not connected:
        lines += [
            f"{at(95)} WARNING broker: connection lost (TimeoutError), reconnecting",
            f"{at(65)} WARNING broker: reconnect attempt 2/10 failed: TimeoutError",
            f"{at(35)} WARNING broker: reconnect attempt 3/10 failed: TimeoutError",
        ]
    return lines
