"""The sections of irtui's configuration (`[gateway]`, `[probes]`, `[positions]`...), each a
frozen pydantic model whose unknown keys are errors. `irtui.config` assembles them into
`Config` and reads the file."""

from __future__ import annotations

import re
import shlex
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Port = Annotated[int, Field(ge=1, le=65535)]
Seconds = Annotated[float, Field(gt=0, le=3600)]
Region = Literal["north_america", "europe", "asia"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GatewayConfig(_Section):
    host: str = Field("127.0.0.1", min_length=1)
    ports: tuple[Port, ...] = Field((4001, 4002, 7496, 7497), min_length=1)
    tws_ports: tuple[Port, ...] = (7496, 7497)
    trading_port: Port = 4002
    probe_client_id: Annotated[int, Field(ge=1, le=2**31 - 1)] = 917
    # irtui's second reserved id, used (and said) when its own id is held by another
    # irtui or by irtui's own zombie connection.
    fallback_client_id: Annotated[int, Field(ge=1, le=2**31 - 1)] = 918
    trading_client_ids: tuple[int, ...] = ()
    # The account(s) the trading system trades; empty = not checked (unknown).
    expected_accounts: tuple[str, ...] = ()
    # The Gateway's own daily auto-restart time, HH:MM New York time (IBC AutoRestartTime); None = not set.
    auto_restart_et: str | None = Field(None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    auto_restart_minutes: Annotated[float, Field(gt=0, le=60)] = 5.0
    connect_timeout_s: Seconds = 1.0
    api_timeout_s: Seconds = 5.0
    request_timeout_s: Seconds = 4.0
    # How long after the handshake irtui's session stays open at least (its requests run
    # meanwhile), so that a Gateway that accepts a client and drops it a moment later is
    # seen dropping it. Never longer than the request deadline; 0 = only while reading.
    observe_s: Annotated[float, Field(ge=0, le=10)] = 0.25
    min_api_interval_s: Annotated[float, Field(ge=0, le=3600)] = 10.0

    @field_validator("probe_client_id", mode="before")
    @classmethod
    def _never_zero(cls, value: Any) -> Any:
        if value == 0:
            raise ValueError("must not be 0: client id 0 binds manual TWS orders; use a reserved id such as 917")
        return value

    @field_validator("trading_client_ids")
    @classmethod
    def _probe_id_is_reserved(cls, value: tuple[int, ...], info: ValidationInfo) -> tuple[int, ...]:
        for key in ("probe_client_id", "fallback_client_id"):
            reserved = info.data.get(key)
            if reserved in value:
                raise ValueError(f"contains {key} {reserved}; the probe needs ids the trading system never uses")
        return value

    @property
    def request_wait_s(self) -> float:
        """How long any one request of an API session (positions, orders, the market-data
        snapshot, the clock) may wait: never longer than the handshake deadline, so that
        `--timeout` bounds every wait of a sweep, not only the handshake."""
        return min(self.request_timeout_s, self.api_timeout_s)

    @property
    def all_ports(self) -> tuple[int, ...]:
        """The configured ports, plus the trading port if it is not among them."""
        return self.ports if self.trading_port in self.ports else (*self.ports, self.trading_port)


class ProbesConfig(_Section):
    timeout_s: Seconds = 5.0
    sweep_timeout_s: Seconds = 20.0


class ProcessConfig(_Section):
    enabled: bool = True
    gateway_patterns: tuple[str, ...] = ("ibgateway*", "IB Gateway*", "*ibgateway.GWClient*", "*IbcGateway*", "*/ibgateway/*")
    tws_patterns: tuple[str, ...] = ("tws", "tws.exe", "Trader Workstation*", "*jclient.LoginFrame*", "*IbcTws*")
    java_names: tuple[str, ...] = ("java", "java.exe", "javaw.exe", "JavaAppli*", "JavaApplicationStub")


class _SystemSource(_Section):
    """What the trading system knows, read from a JSON or CSV file or printed by a command."""

    source: Path | None = None
    command: tuple[str, ...] | None = None
    command_timeout_s: Seconds = 5.0

    @field_validator("command", mode="before")
    @classmethod
    def _split_command(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = shlex.split(value)
            if not parts:
                raise ValueError("must not be empty")
            return parts
        return value

    @field_validator("source")
    @classmethod
    def _json_or_csv(cls, value: Path | None) -> Path | None:
        if value is not None and value.suffix.lower() not in (".json", ".csv"):
            raise ValueError(f"must be a .json or .csv file, not {value.name!r}")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if self.source is not None and self.command is not None:
            raise ValueError("set either source (a JSON or CSV file) or command, not both")
        return self

    @property
    def configured(self) -> bool:
        return self.source is not None or self.command is not None


class PositionsConfig(_SystemSource):
    account: str = ""
    quantity_tolerance: Annotated[float, Field(ge=0)] = 0.0
    price_tolerance_pct: Annotated[float, Field(ge=0, le=100)] = 0.5


class OrdersConfig(_Section):
    max_per_symbol_per_s: Annotated[float, Field(gt=0)] = 1.0
    max_per_day: Annotated[int, Field(ge=1)] = 100
    max_open: Annotated[int, Field(ge=1)] = 50  # more open orders than this: a runaway that does not fill
    lookback_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 60
    recent_s: Seconds = 10.0
    sample_s: Annotated[float, Field(ge=0, le=30)] = 0.0  # opt-in: new orders are told from the previous session's reading


class ContractSpec(_Section):
    symbol: str = Field(min_length=1)
    sec_type: str = "STK"
    exchange: str = "SMART"
    currency: str = "USD"
    primary_exchange: str = ""


class MarketDataConfig(_Section):
    symbols: tuple[ContractSpec, ...] = (ContractSpec(symbol="SPY"),)
    max_age_s: Seconds = 60.0

    @field_validator("symbols", mode="before")
    @classmethod
    def _plain_symbols(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [{"symbol": item} if isinstance(item, str) else item for item in value]
        return value


class KillSwitchConfig(_Section):
    path: Path | None = None


class HeartbeatConfig(_Section):
    path: Path | None = None
    max_age_s: Seconds = 30.0
    connected_key: str = "ibkr_connected"


MAX_LOOKBACK_MINUTES = 24 * 60


class SystemLogConfig(_Section):
    path: Path | None = None
    lines: Annotated[int, Field(ge=1, le=100_000)] = 200
    # The log's warnings from this long before an incident began open its timeline:
    # warnings nobody read are how runaway algorithms go unnoticed.
    timeline_lookback_minutes: float = 15.0
    disconnect_patterns: tuple[str, ...] = (
        r"disconnect",
        r"connection (lost|closed|reset|refused)",
        r"not connected",
        r"\b(error|code)\s*[:=#]?\s*1100\b",
    )
    reconnect_exhausted_patterns: tuple[str, ...] = (
        r"reconnect\w* (attempts )?exhausted",
        r"giving up (on )?reconnect",
        r"state=ESCALATED",
        r"max(imum)? reconnect attempts",
    )
    client_id_patterns: tuple[str, ...] = (
        r"client id (is )?already in use",
        r"\b(error|code)\s*[:=#]?\s*326\b",
    )
    rejection_patterns: tuple[str, ...] = (r"reject", r"\border (was )?(cancelled|refused)\b")
    preflight_patterns: tuple[str, ...] = (r"pre-?flight",)
    broker_patterns: tuple[str, ...] = (r"\b(broker|ibkr|tws|gateway)\b", r"\berror\s*[:=]?\s*\d{3,5}\b")

    @field_validator("timeline_lookback_minutes")
    @classmethod
    def _lookback_in_range(cls, value: float) -> float:
        if not 0 <= value <= MAX_LOOKBACK_MINUTES:
            raise ValueError(
                f"must be from 0 to {MAX_LOOKBACK_MINUTES} minutes (a day), not {value:g}: how long before an "
                "incident began the system log's warnings go into its timeline (0: none from before)"
            )
        return value

    @property
    def timeline_lookback(self) -> timedelta:
        return timedelta(minutes=self.timeline_lookback_minutes)

    @field_validator(
        "disconnect_patterns",
        "reconnect_exhausted_patterns",
        "client_id_patterns",
        "rejection_patterns",
        "preflight_patterns",
        "broker_patterns",
    )
    @classmethod
    def _patterns_compile(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from None
        return value


class LogConfig(_Section):
    path: Path = Path("incident_log/INCIDENT_LOG.md")
    operator: str = ""


class ResetWindowConfig(_Section):
    regions: tuple[Region, ...] = ("north_america",)


class AppConfig(_Section):
    refresh_s: Seconds = 5.0
    timezone: str = "America/New_York"
    local_timezone: str = ""  # the operator's own zone for the clocks; empty: the system's
    bell: bool = True  # ring the terminal bell when a P1 starts and when a walk passes its target

    @field_validator("timezone", "local_timezone")
    @classmethod
    def _known_zone(cls, value: str, info: ValidationInfo) -> str:
        if not value and info.field_name == "local_timezone":
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as America/New_York)") from None
        return value


class FillsConfig(_SystemSource):
    """The trading system's fill ledger, for the missed-fill reconciliation (`fills` probe)."""

    time_tolerance_s: Annotated[float, Field(ge=0, le=60)] = 2.0  # a ledger time may differ this much from the broker's


class IbcConfig(_Section):
    """IBC, the Gateway's login automation: where its log is."""

    path: Path | None = None
    lines: Annotated[int, Field(ge=1, le=100_000)] = 500


class WatchConfig(_Section):
    """`irtui watch`: how often it sweeps and whom it tells."""

    interval_s: Seconds = 30.0  # never closer than gateway.min_api_interval_s
    hold_sweeps: Annotated[int, Field(ge=1, le=100)] = 2  # a new state must hold this many sweeps before it alerts
    on_alert: tuple[str, ...] = ()  # a command and its arguments, run without a shell; the alert as JSON on stdin
    hook_timeout_s: Seconds = 10.0

    @field_validator("on_alert", mode="before")
    @classmethod
    def _split_hook(cls, value: Any) -> Any:
        if isinstance(value, str):
            return shlex.split(value)
        return value
