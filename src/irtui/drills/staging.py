"""Turning a staged world into what the probes read: a FakeHost and a Config.

The probes are not told they are in a drill (or the demo). They read the host through
a FakeHost built from staged host facts (the same `FakeHost.from_dict` mapping
`--host-facts` takes) and the Gateway through a Config that points at the simulator.
Drills (`world.py`) and `irtui demo` (`demo.py`) both stage their worlds here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from irtui.config import Config, ConfigError
from irtui.drills.model import HostWorld, LedgerFill, SystemHolding, merged_settings
from irtui.probes.host import FakeHost
from irtui.sim.book import executions
from irtui.sim.scenario import Scenario

# Where the drill's trading system keeps its files. Only the FakeHost serves them.
SYSTEM_DIR = Path("/srv/trading")
KILL_SWITCH_FILE = SYSTEM_DIR / "KILL_SWITCH"
HEARTBEAT_FILE = SYSTEM_DIR / "heartbeat.json"
SYSTEM_LOG_FILE = SYSTEM_DIR / "logs" / "trading.log"
POSITIONS_FILE = SYSTEM_DIR / "positions.json"
FILLS_FILE = SYSTEM_DIR / "fills.json"

GATEWAY_PID = 4242
GATEWAY_CMDLINE = ["java", "-cp", "/opt/ibgateway/jars/*", "ibgateway.GWClient"]
TRADING_SYSTEM = {"pid": 5151, "name": "python3", "cmdline": ["python3", "trading_system.py"], "uptime_s": 7200}


@dataclass(frozen=True)
class Deadlines:
    """How long the probes wait on the simulator: short, since it answers at once or never.

    `min_api_interval_s` is the API gate's spacing: none for drills, whose world changes
    at once after an action; the demo keeps the real default, to behave as it would live.
    """

    api_timeout_s: float = 2.0
    request_timeout_s: float = 2.0
    connect_timeout_s: float = 0.5
    min_api_interval_s: float = 0.0


INTERACTIVE = Deadlines()


def broker_positions(scenario: Scenario) -> dict[str, dict[str, float]]:
    """The scenario's positions as the trading system would hold them (price per unit)."""
    held: dict[str, dict[str, float]] = {}
    for position in scenario.positions:
        multiplier = float(position.multiplier) if position.multiplier else 1.0
        held[position.local_symbol or position.symbol] = {
            "quantity": position.quantity,
            "avg_price": position.avg_cost / (multiplier or 1.0),
        }
    return held


def _system_positions(host: HostWorld, scenario: Scenario) -> Any:
    if host.system_positions is None:
        return broker_positions(scenario)
    return {
        symbol: entry.model_dump(exclude_none=True) if isinstance(entry, SystemHolding) else entry
        for symbol, entry in host.system_positions.items()
    }


def _ledger_row(symbol: str, side: str, quantity: float, price: float, at: float, exec_id: str) -> dict[str, Any]:
    moment = datetime.fromtimestamp(at, UTC).isoformat()
    return {"time": moment, "symbol": symbol, "side": side, "quantity": quantity, "price": price, "exec_id": exec_id}


def system_fills(fills: str | list[LedgerFill], scenario: Scenario, wall: float) -> list[dict[str, Any]]:
    """The trading system's fill ledger as the `fills` probe reads it.

    Times are `wall` (the real clock: the simulator dates its executions by it, not by
    a drill's pinned `now`) minus each fill's `ago_s`. `broker`: every execution the
    simulated Gateway reports, so nothing was missed.
    """
    broker = executions(scenario, wall)
    if fills == "broker":
        return [_ledger_row(r.instrument.symbol, r.side, r.shares, r.price, r.at, r.exec_id) for r in broker]
    ids = {(r.instrument.symbol, r.side, r.shares, r.price, r.at): r.exec_id for r in broker}
    rows = []
    for fill in fills:
        at = wall - fill.ago_s
        exec_id = fill.exec_id or ids.get((fill.symbol, fill.side, fill.quantity, fill.price, at), "")
        rows.append(_ledger_row(fill.symbol, fill.side, fill.quantity, fill.price, at, exec_id))
    return rows


def host_facts(host: HostWorld, scenario: Scenario, gateway_port: int | None, now: datetime, wall: float | None = None) -> dict[str, Any]:
    """The FakeHost.from_dict mapping for this host; `gateway_port` is where the Gateway listens, if it does.

    `wall` is the real clock (default: now) the staged fill ledger is dated by."""
    processes: list[dict[str, Any]] = [dict(TRADING_SYSTEM)]
    if host.gateway_process != "missing":
        listening = [gateway_port] if host.gateway_process == "running" and gateway_port is not None else []
        processes.append(
            {"pid": GATEWAY_PID, "name": "java", "cmdline": GATEWAY_CMDLINE, "uptime_s": host.gateway_uptime_s, "listening_ports": listening}
        )
    files: dict[str, Any] = {
        str(SYSTEM_LOG_FILE): {"text": "".join(f"{line}\n" for line in host.system_log), "age_s": 1},
        str(POSITIONS_FILE): {"text": json.dumps(_system_positions(host, scenario)), "age_s": 5},
    }
    if host.system_fills is not None:
        ledger = system_fills(host.system_fills, scenario, time.time() if wall is None else wall)
        files[str(FILLS_FILE)] = {"text": json.dumps(ledger), "age_s": 5}
    if host.heartbeat is not None:
        beat = {"ibkr_connected": host.heartbeat.connected}
        files[str(HEARTBEAT_FILE)] = {"text": json.dumps(beat), "age_s": host.heartbeat.age_s}
    if host.kill_switch is not None:
        flag = host.kill_switch.model_dump(exclude={"age_s"}, exclude_none=True)
        files[str(KILL_SWITCH_FILE)] = {"text": json.dumps({k: v for k, v in flag.items() if v != ""}), "age_s": host.kill_switch.age_s}
    files.update(host.files)
    return {
        "now": now.isoformat(),
        "processes": processes + list(host.processes),
        "files": files,
        "commands": dict(host.commands),
    }


def fake_host(host: HostWorld, scenario: Scenario, gateway_port: int | None, now: datetime) -> FakeHost:
    """Raises FakeHostError when the raw processes/files/commands are malformed."""
    return FakeHost.from_dict(host_facts(host, scenario, gateway_port, now))


def host_settings(host: HostWorld, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The drill's irtui settings, with what the staged host implies: the fill ledger's
    file once one is staged (none otherwise: the fills probe is then not set up)."""
    implied = {"fills": {"source": str(FILLS_FILE)}} if host.system_fills is not None else {}
    return merged_settings(implied, settings)


def simulator_config(
    gateway_port: int,
    *,
    trading_port: int | None = None,
    deadlines: Deadlines = INTERACTIVE,
    settings: Mapping[str, Any] | None = None,
    source: str = "drill",
) -> Config:
    """A Config that probes a simulator on 127.0.0.1 with short deadlines.

    `settings` (TOML-shaped sections) come first; the Gateway's address and deadlines
    always follow the simulator. `trading_port` is the system's port when it is not the
    Gateway's (a closed one, for the wrong-port drill). Raises ConfigError.
    """
    trading = trading_port or gateway_port
    forced = {
        "gateway": {
            "host": "127.0.0.1",
            "ports": sorted({gateway_port, trading}),
            "tws_ports": [],
            "trading_port": trading,
            "connect_timeout_s": deadlines.connect_timeout_s,
            "api_timeout_s": deadlines.api_timeout_s,
            "request_timeout_s": deadlines.request_timeout_s,
            "min_api_interval_s": deadlines.min_api_interval_s,
        },
    }
    defaults = {
        "orders": {"sample_s": 0},
        "probes": {"timeout_s": 5.0, "sweep_timeout_s": 20.0},
        "kill_switch": {"path": str(KILL_SWITCH_FILE)},
        "heartbeat": {"path": str(HEARTBEAT_FILE)},
        "system_log": {"path": str(SYSTEM_LOG_FILE)},
        "positions": {"source": str(POSITIONS_FILE)},
    }
    data = merged_settings(merged_settings(defaults, settings or {}), forced)
    data["source"] = source
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            where = ".".join(str(part) for part in item.get("loc", ()))
            message = "unknown key" if item.get("type") == "extra_forbidden" else str(item.get("msg", "invalid"))
            problems.append(f"{where}: {message.removeprefix('Value error, ')}" if where else message)
        raise ConfigError("; ".join(problems)) from None
