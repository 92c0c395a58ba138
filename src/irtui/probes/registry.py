"""The one registry of probe names and the facts each one yields.

Trees name these probes in their questions and test these facts in their answer
rules; the validator checks both names against this table, and every probe
implementation must put exactly these facts at the top level of its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from irtui.config import Config

FactType = Literal["bool", "int", "float", "str", "list[int]", "list[str]"]
# Whose state a fact describes. irtui's own API session is not the trading system's:
# a fresh probe session never sees the 1101 the system's session got an hour ago.
Scope = Literal["irtui_session", "gateway", "trading_system", "host", "calendar"]
SCOPES: tuple[str, ...] = Scope.__args__  # type: ignore[attr-defined]
# The fact scopes that may answer a question about each scope.
ANSWERS_FOR: dict[str, frozenset[str]] = {
    "irtui_session": frozenset({"irtui_session"}),
    "gateway": frozenset({"gateway", "irtui_session", "host"}),
    "trading_system": frozenset({"trading_system"}),
    "host": frozenset({"host", "gateway"}),
    "calendar": frozenset({"calendar"}),
}


@dataclass(frozen=True)
class Fact:
    type: FactType
    description: str
    values: tuple[str, ...] = ()  # the closed set of values, for str facts that have one
    scope: Scope | None = None  # None: the probe's scope


@dataclass(frozen=True)
class ProbeSpec:
    name: str
    title: str
    description: str
    facts: dict[str, Fact]
    touches_api: bool = False
    scope: Scope = "gateway"

    def scope_of(self, fact: str) -> str:
        spec = self.facts.get(fact)
        return (spec.scope if spec is not None and spec.scope else None) or self.scope


API_STAGES = ("refused", "closed", "silent", "not_ready", "client_id_in_use", "unanswered", "dropped", "ready")
PORT_STATES = ("open", "refused", "timeout", "error")
DISCREPANCIES = ("none", "system_more", "system_less", "broker_only", "system_only", "price_differs", "mixed", "unknown")
DATA_TYPES = ("live", "frozen", "delayed", "delayed_frozen", "none")
FARM_STATES = ("ok", "broken", "idle", "connecting", "unknown")
DATA_CAUSES = ("none", "no_contract", "not_subscribed", "delayed_only", "no_permission", "competing_session", "over_limits", "other")
REJECTION_CAUSES = ("read_only", "account_required", "validation", "margin", "size_or_price", "permissions", "other", "none")
TRIGGERS = ("drawdown", "manual", "code_bug", "rate_limit", "unknown", "none")
REJECTION_SOURCES = ("preflight", "broker", "none", "unknown")
TWOFA_STATES = ("none", "pending", "timed_out", "done")
RESTART_KINDS = ("none", "auto_restart", "full_logon")

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
            scope="gateway",
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
                "started_before_relogin": Fact("bool", "The oldest instance started before the last Sunday 01:00 ET, so its weekly login with 2FA is due", scope="calendar"),
                "in_auto_restart": Fact("bool", "Now is inside the Gateway's own daily auto-restart (gateway.auto_restart_et, a few minutes)", scope="calendar"),
            },
            scope="host",
        ),
        ProbeSpec(
            "api",
            "API handshake",
            "Read-only ib_async handshake with the reserved probe client id and a hard deadline.",
            {
                "stage": Fact("str", "How far the handshake got (unanswered: handshake done, then requests got no answer; dropped: handshake done, then the Gateway closed or reset the connection while irtui read or watched)", API_STAGES),
                "server_version": Fact("int", "Server version, once the Gateway answered"),
                "accounts": Fact("list[str]", "Managed accounts, once ready"),
                "error_codes": Fact("list[int]", "Error and notice codes received (1100, 2110, 2103...)", scope="gateway"),
                "latency_ms": Fact("float", "Round trip of a current-time request, once ready"),
                "connectivity_lost": Fact("bool", "1100 or 2110 was received and not followed by 1101/1102 (the Gateway's link to IBKR)", scope="gateway"),
                "expected_account": Fact("bool", "The Gateway manages one of gateway.expected_accounts (unknown when none are configured)", scope="gateway"),
                "fallback_client_id": Fact("bool", "irtui's own client id was in use, so it connected with its second reserved id"),
            },
            touches_api=True,
            scope="irtui_session",
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
            scope="trading_system",
        ),
        ProbeSpec(
            "orders",
            "Open orders and order rate",
            "Open orders of all clients and recent executions against the configured limits.",
            {
                "open_orders": Fact("int", "Open orders, all clients"),
                "over_open_limit": Fact("bool", "More open orders than orders.max_open (a runaway that does not fill)"),
                "duplicate_orders": Fact("int", "Filled orders in the lookback that repeat one less than a second before: same symbol, side and quantity"),
                "orders_last_minute": Fact("int", "Orders and executions in the last minute"),
                "max_per_symbol_per_s": Fact("float", "Highest order rate for one symbol, per second"),
                "orders_today": Fact("int", "Orders and executions today"),
                "over_rate_limit": Fact("bool", "The per-symbol rate limit is exceeded"),
                "over_daily_limit": Fact("bool", "The daily order limit is exceeded"),
                "still_placing": Fact("bool", "Open orders new since the previous API session's reading, or an execution within orders.recent_s (unknown without an earlier reading)"),
                "risk_increasing_orders": Fact("int", "Open orders whose part left to fill would add exposure against the broker's positions now: buys when flat or long, sells when flat or short, or, with the other orders against the position, beyond what is held (unknown without the positions, or when an unreported fill decides)"),
            },
            touches_api=True,
            scope="gateway",
        ),
        ProbeSpec(
            "market_data",
            "Market data",
            "A snapshot request for the configured symbols, with farm status and data codes.",
            {
                "receiving": Fact("bool", "Live or delayed prices arrived for at least one configured symbol (unknown when no request was answered)"),
                "stale": Fact("bool", "The newest trade is older than the configured limit (unknown without a trade time)"),
                "close_only": Fact("bool", "Only the previous close arrived: no bid, ask or last (market closed, FX at the weekend)"),
                "data_type": Fact("str", "Live, frozen or delayed", DATA_TYPES),
                "farm": Fact("str", "Market-data farm status (2103/2104/2108/2119 only)", FARM_STATES, scope="gateway"),
                "hmds_farm": Fact("str", "Historical-data (HMDS) farm status (2105/2106/2107)", FARM_STATES, scope="gateway"),
                "secdef_farm": Fact("str", "Security-definition farm status (2157/2158)", FARM_STATES, scope="gateway"),
                "error_codes": Fact("list[int]", "Market-data error and notice codes (354, 10167, 10197, 2103...)"),
                "cause": Fact("str", "Why data is refused, classified by code and text (200 no contract, 354/10168 not subscribed...)", DATA_CAUSES),
                "not_subscribed": Fact("bool", "354, 10089, 10090, 10091 or 10168 was received"),
                "competing_session": Fact("bool", "10197 was received"),
            },
            touches_api=True,
            scope="irtui_session",
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
            scope="trading_system",
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
            scope="trading_system",
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
                "rejection_cause": Fact("str", "The last broker rejection's cause, by code and the text after 'cause -' (321 is generic)", REJECTION_CAUSES),
                "preflight_reason": Fact("str", "The last pre-flight rejection reason, if any"),
                "link_lost": Fact("bool", "The system's own session logged 1100/2110 with no 1101/1102 after it"),
                "data_lost": Fact("bool", "The system's own session logged 1101 (restored, data lost) with no 1102 after it: it must resubscribe"),
            },
            scope="trading_system",
        ),
        ProbeSpec(
            "reset_window",
            "IBKR reset windows",
            "Whether now is inside an IBKR daily or weekend reset window (from the clock).",
            {
                "in_window": Fact("bool", "Now is inside a reset window"),
                "window": Fact("str", "Which window (empty when none)"),
                "sunday_relogin": Fact("bool", "Sunday after 01:00 ET: a Gateway started before then needs its weekly login with 2FA"),
            },
            scope="calendar",
        ),
        ProbeSpec(
            "fills",
            "Missed fills",
            "The broker's executions since the trading system's first recorded fill, against its fill ledger.",
            {
                "missed": Fact("int", "Broker fills since the ledger's first that the ledger does not hold"),
                "missed_symbols": Fact("list[str]", "Symbols of the missed fills"),
                "reconciled": Fact("bool", "Every broker fill since the ledger's first is in the ledger (unknown when executions before it were not compared)"),
                "last_known_fill_age_s": Fact("float", "Seconds since the ledger's newest fill"),
            },
            touches_api=True,
            scope="trading_system",
        ),
        ProbeSpec(
            "ibc_log",
            "IBC log",
            "The last lines of IBC's log: 2FA, existing session, restart kind, login failure, write-access dialog.",
            {
                "twofa": Fact("str", "The newest 2FA state the log shows", TWOFA_STATES),
                "existing_session": Fact("bool", "IBKR reported an existing session: the same user is logged in elsewhere"),
                "restart": Fact("str", "How the Gateway last started: IBC auto-restart (no 2FA) or a full logon", RESTART_KINDS),
                "login_failed": Fact("bool", "A login failed (wrong user name or password, or refused)"),
                "needs_write_access": Fact("bool", "The 'API client needs write access' dialog appeared: the API is read-only"),
            },
            scope="gateway",
        ),
    )
}


def probe_names() -> list[str]:
    return list(PROBES)


def not_configured(config: Config, name: str) -> str | None:
    """Why a probe cannot run with this configuration, or None when it can."""
    if name == "positions" and not config.positions.configured:
        return "set positions.source (a JSON or CSV file) or positions.command"
    if name == "market_data" and not config.market_data.symbols:
        return "market_data.symbols is empty"
    if name == "gateway_process" and not config.process.enabled:
        return "process.enabled is false"
    if name == "fills" and not config.fills.configured:
        return "set fills.source (the system's fill ledger, JSON or CSV) or fills.command"
    if name == "ibc_log" and config.ibc.path is None:
        return "set ibc.path (IBC's log file)"
    for section in ("kill_switch", "heartbeat", "system_log"):
        if name == section and getattr(config, section).path is None:
            return f"set {section}.path"
    return None
