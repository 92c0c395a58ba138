"""The one registry of probe names and the facts each one yields.

Trees name these probes in their questions and test these facts in their answer
rules; the validator checks both names against this table, and every probe
implementation must put exactly these facts at the top level of its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FactType = Literal["bool", "int", "float", "str", "list[int]", "list[str]"]


@dataclass(frozen=True)
class Fact:
    type: FactType
    description: str
    values: tuple[str, ...] = ()  # the closed set of values, for str facts that have one


@dataclass(frozen=True)
class ProbeSpec:
    name: str
    title: str
    description: str
    facts: dict[str, Fact]
    touches_api: bool = False


API_STAGES = ("refused", "closed", "silent", "not_ready", "client_id_in_use", "ready")
PORT_STATES = ("open", "refused", "timeout", "error")
DISCREPANCIES = ("none", "system_more", "system_less", "broker_only", "system_only", "price_differs", "mixed", "unknown")
DATA_TYPES = ("live", "frozen", "delayed", "delayed_frozen", "none")
FARM_STATES = ("ok", "broken", "idle", "connecting", "unknown")
TRIGGERS = ("drawdown", "manual", "code_bug", "rate_limit", "unknown", "none")
REJECTION_SOURCES = ("preflight", "broker", "none", "unknown")

PROBES: dict[str, ProbeSpec] = {
    spec.name: spec
    for spec in (
        ProbeSpec(
            "ports",
            "Gateway/TWS ports",
            "TCP connect to every configured Gateway and TWS port.",
            {
                "trading_port": Fact("int", "The port the trading system connects to"),
                "trading_port_state": Fact("str", "State of the trading system's port", PORT_STATES),
                "any_open": Fact("bool", "At least one configured port accepts TCP"),
                "open_ports": Fact("list[int]", "Ports that accept TCP"),
                "gateway_port_open": Fact("bool", "4001 or 4002 (or a configured Gateway port) is open"),
                "tws_port_open": Fact("bool", "7496 or 7497 (or a configured TWS port) is open"),
            },
        ),
        ProbeSpec(
            "gateway_process",
            "Gateway/TWS process",
            "Looks for IB Gateway / TWS processes (psutil) and what they listen on.",
            {
                "running": Fact("bool", "At least one Gateway or TWS process is running"),
                "count": Fact("int", "How many Gateway/TWS processes are running"),
                "kind": Fact("str", "What is running", ("gateway", "tws", "both", "none")),
                "uptime_s": Fact("float", "Uptime of the oldest instance, in seconds"),
                "listening_ports": Fact("list[int]", "TCP ports the processes listen on"),
            },
        ),
        ProbeSpec(
            "api",
            "API handshake",
            "Read-only ib_async handshake with the reserved probe client id and a hard deadline.",
            {
                "stage": Fact("str", "How far the handshake got", API_STAGES),
                "server_version": Fact("int", "Server version, once the Gateway answered"),
                "accounts": Fact("list[str]", "Managed accounts, once ready"),
                "error_codes": Fact("list[int]", "Error and notice codes received (1100, 2110, 2103...)"),
                "latency_ms": Fact("float", "Round trip of a current-time request, once ready"),
                "connectivity_lost": Fact("bool", "1100 or 2110 was received and not followed by 1101/1102"),
            },
            touches_api=True,
        ),
        ProbeSpec(
            "positions",
            "Positions: system against broker",
            "Broker positions (reqPositions) against the trading system's own positions.",
            {
                "all_match": Fact("bool", "Every symbol matches"),
                "discrepancy": Fact("str", "The kind of discrepancy (mixed when several)", DISCREPANCIES),
                "kinds": Fact("list[str]", "Every kind of discrepancy found"),
                "mismatch_count": Fact("int", "Symbols that do not match"),
                "broker_only_symbols": Fact("list[str]", "Symbols the broker holds and the system does not know"),
            },
            touches_api=True,
        ),
        ProbeSpec(
            "orders",
            "Open orders and order rate",
            "Open orders of all clients and recent executions against the configured limits.",
            {
                "open_orders": Fact("int", "Open orders, all clients"),
                "orders_last_minute": Fact("int", "Orders and executions in the last minute"),
                "max_per_symbol_per_s": Fact("float", "Highest order rate for one symbol, per second"),
                "orders_today": Fact("int", "Orders and executions today"),
                "over_rate_limit": Fact("bool", "The per-symbol rate limit is exceeded"),
                "over_daily_limit": Fact("bool", "The daily order limit is exceeded"),
                "still_placing": Fact("bool", "Open orders new since the previous API session's reading, or an execution within orders.recent_s"),
            },
            touches_api=True,
        ),
        ProbeSpec(
            "market_data",
            "Market data",
            "A snapshot request for the configured symbols, with farm status and data codes.",
            {
                "receiving": Fact("bool", "Ticks arrived for at least one configured symbol"),
                "stale": Fact("bool", "The newest tick is older than the configured limit"),
                "data_type": Fact("str", "Live, frozen or delayed", DATA_TYPES),
                "farm": Fact("str", "Market-data farm status", FARM_STATES),
                "error_codes": Fact("list[int]", "Market-data error and notice codes (354, 10167, 10197, 2103...)"),
                "not_subscribed": Fact("bool", "354, 10089, 10090 or 10091 was received"),
                "competing_session": Fact("bool", "10197 was received"),
            },
            touches_api=True,
        ),
        ProbeSpec(
            "kill_switch",
            "Kill switch",
            "The trading system's kill-switch flag file.",
            {
                "active": Fact("bool", "The flag file is present"),
                "trigger": Fact("str", "What triggered it, as written in the flag", TRIGGERS),
                "reason": Fact("str", "The reason written in the flag"),
                "age_s": Fact("float", "Seconds since it was set"),
                "intentional": Fact("bool", "The flag says a person set it on purpose"),
            },
        ),
        ProbeSpec(
            "heartbeat",
            "Heartbeat",
            "Age of the trading system's heartbeat file.",
            {
                "present": Fact("bool", "The heartbeat file exists"),
                "age_s": Fact("float", "Seconds since the last heartbeat"),
                "stale": Fact("bool", "Older than the configured limit"),
                "broker_connected": Fact("bool", "The heartbeat's own ibkr_connected flag"),
            },
        ),
        ProbeSpec(
            "system_log",
            "Trading system log",
            "The last lines of the trading system's log, scanned for known patterns.",
            {
                "disconnects": Fact("int", "Disconnect lines"),
                "reconnect_exhausted": Fact("bool", "The system gave up reconnecting"),
                "client_id_in_use": Fact("bool", "The system's connection was refused with 326: its client id is in use"),
                "rejections": Fact("int", "Order rejection lines"),
                "rejection_source": Fact("str", "Where the last rejection came from", REJECTION_SOURCES),
                "rejection_codes": Fact("list[int]", "TWS error codes in rejection lines (201, 321, 103...)"),
                "preflight_reason": Fact("str", "The last pre-flight rejection reason, if any"),
            },
        ),
        ProbeSpec(
            "reset_window",
            "IBKR reset windows",
            "Whether now is inside an IBKR daily or weekend reset window (from the clock).",
            {
                "in_window": Fact("bool", "Now is inside a reset window"),
                "window": Fact("str", "Which window (empty when none)"),
                "sunday_relogin": Fact("bool", "Within the weekly re-login period after Sunday 01:00 ET"),
            },
        ),
    )
}


def probe_names() -> list[str]:
    return list(PROBES)
