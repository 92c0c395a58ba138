"""The simulated Gateway's world: a frozen pydantic model loaded from YAML.

Times in a scenario are relative: `ago_s` is seconds before the moment a client asks,
`after_s` is seconds after the client's API session started. A scenario therefore
looks the same whenever it is loaded, which is what drills need.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from irtui.boundary.reading import BadYaml, read_regular, safe_yaml

Mode = Literal["healthy", "refuse", "close", "silent", "not_ready", "client_id_in_use", "drop_after", "unanswered"]
MODES: tuple[str, ...] = Mode.__args__  # type: ignore[attr-defined]

MarketBehaviour = Literal[
    "live", "delayed", "stale", "absent", "not_subscribed", "competing", "farm_broken",
    "close_only", "no_delayed", "lookup_silent", "max_tickers",
]
EndMarker = Literal["positions", "open_orders", "completed_orders", "executions", "account_updates"]

# Oldest and newest server versions whose message layouts the encoders implement
# (a Gateway accepts any client whose range reaches 100 and speaks the lower top).
MIN_SERVER_VERSION = 100
MAX_SCENARIO_BYTES = 1 << 20  # a scenario is a page of YAML; a larger file is refused, not read
MAX_SCENARIO_NODES = 100_000
MAX_SERVER_VERSION = 178

# The texts TWS sends with each notice code, so a scenario may give the code alone.
NOTICE_TEXTS: dict[int, str] = {
    1100: "Connectivity between IB and Trader Workstation has been lost.",
    1101: "Connectivity between IB and Trader Workstation has been restored - data lost.",
    1102: "Connectivity between IB and Trader Workstation has been restored - data maintained.",
    1300: "TWS socket port has been reset and this connection is being dropped. Please reconnect on the new port",
    2103: "Market data farm connection is broken:usfarm",
    2104: "Market data farm connection is OK:usfarm",
    2105: "HMDS data farm connection is broken:ushmds",
    2106: "HMDS data farm connection is OK:ushmds",
    2107: "HMDS data farm connection is inactive but should be available upon demand.ushmds",
    2108: "Market data farm connection is inactive but should be available upon demand.usfarm",
    2110: "Connectivity between Trader Workstation and server is broken. It will be restored automatically.",
    2119: "Market data farm is connecting:usfarm",
    2157: "Sec-def data farm connection is broken:secdefil",
    2158: "Sec-def data farm connection is OK:secdefil",
    10197: "No market data during competing live session",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Instrument(_Frozen):
    """Contract fields shared by positions, orders, executions and market data."""

    symbol: Annotated[str, Field(min_length=1)]
    sec_type: str = "STK"
    con_id: int = 0  # 0 = derived from symbol and sec_type, stable across the scenario
    exchange: str = "SMART"
    primary_exchange: str = ""
    currency: str = "USD"
    expiry: str = ""
    strike: float = 0.0
    right: str = ""
    multiplier: str = ""
    local_symbol: str = ""
    trading_class: str = ""

    @property
    def contract_id(self) -> int:
        return self.con_id or derived_con_id(self.symbol, self.sec_type)


def derived_con_id(symbol: str, sec_type: str = "STK") -> int:
    return 100_000 + zlib.crc32(f"{symbol.upper()}:{sec_type.upper()}".encode()) % 90_000_000


class PositionSpec(Instrument):
    account: str = ""  # empty = the first account
    quantity: float
    avg_cost: float = 0.0
    market_price: float | None = None  # for account updates; default avg_cost


class OpenOrderSpec(Instrument):
    order_id: int
    perm_id: int = 0  # 0 = derived from order_id
    client_id: int = 1
    account: str = ""
    action: Literal["BUY", "SELL", "SSHORT"] = "BUY"
    quantity: float
    order_type: str = "LMT"
    limit_price: float | None = None
    aux_price: float | None = None
    tif: str = "DAY"
    status: str = "Submitted"
    filled: Annotated[float, Field(ge=0)] = 0.0  # already filled: the position should hold it
    order_ref: str = ""
    status_reported: bool = True  # False: no order status (3) follows the open order, so its fill is not known


class CompletedOrderSpec(Instrument):
    perm_id: int
    account: str = ""
    action: Literal["BUY", "SELL", "SSHORT"] = "BUY"
    quantity: float
    filled: float | None = None  # default: the whole quantity when Filled, else 0
    order_type: str = "LMT"
    limit_price: float | None = None
    status: Literal["Filled", "Cancelled", "Inactive", "ApiCancelled"] = "Filled"
    ago_s: Annotated[float, Field(ge=0)] = 60.0
    order_ref: str = ""


class ExecutionSpec(Instrument):
    side: Literal["BOT", "SLD"] = "BOT"
    shares: Annotated[float, Field(gt=0)]
    price: Annotated[float, Field(gt=0)]
    ago_s: Annotated[float, Field(ge=0)] = 60.0
    order_id: int = 0
    perm_id: int = 0
    client_id: int = 1
    account: str = ""
    exec_id: str = ""  # empty = derived, stable
    commission: float = 1.0
    order_ref: str = ""


class OrderBurst(Instrument):
    """N orders for one symbol spread evenly over the last `over_s` seconds (runaway orders)."""

    count: Annotated[int, Field(ge=1, le=10_000)]
    over_s: Annotated[float, Field(gt=0)] = 60.0
    side: Literal["BOT", "SLD"] = "BOT"
    quantity: Annotated[float, Field(gt=0)] = 100.0
    price: Annotated[float, Field(gt=0)] = 100.0
    client_id: int = 1
    account: str = ""
    first_order_id: int = 5000
    working: Annotated[int, Field(ge=0)] = 0  # how many of the latest orders are still open
    filled: bool = True  # False: the orders never filled, so no executions, only open orders

    @model_validator(mode="after")
    def _working_within_count(self) -> OrderBurst:
        if self.working > self.count:
            raise ValueError(f"working ({self.working}) cannot exceed count ({self.count})")
        return self


class MarketDataSpec(_Frozen):
    behaviour: MarketBehaviour = "live"
    price: Annotated[float, Field(gt=0)] = 100.0
    spread: Annotated[float, Field(ge=0)] = 0.02
    tick_interval_s: Annotated[float, Field(gt=0, le=60)] = 0.25
    stale_age_s: Annotated[float, Field(ge=0)] = 900.0  # how old the last trade of a stale feed is
    delay_s: Annotated[float, Field(ge=0)] = 900.0  # how far behind delayed data is
    # TWS closes a snapshot with no data after about 11 s; null = never (hang).
    snapshot_end_after_s: Annotated[float | None, Field(ge=0)] = 11.0


class Notice(_Frozen):
    code: int
    message: str = ""  # empty = the standard TWS text for the code
    after_s: Annotated[float, Field(ge=0)] = 0.0
    req_id: int = -1

    @property
    def text(self) -> str:
        return self.message or NOTICE_TEXTS.get(self.code, f"Notice {self.code}")


# The texts TWS sends with the order answers a scenario may choose.
ORDER_TEXTS: dict[int, str] = {
    103: "Duplicate order id",
    110: "The price does not conform to the minimum price variation for this contract.",
    201: "Order rejected - reason:YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION "
    "YOUR EQUITY WITH LOAN VALUE [0.00 USD] MUST EXCEED THE INITIAL MARGIN [5000.00 USD]",
    202: "Order Canceled - reason:",
    203: "The security is not available or allowed for this account.",
    321: "Error validating request.-'bN' : cause - The API interface is currently in Read-Only mode.",
    399: "Order Message: Warning: your order will not be placed at the exchange until 09:30:00 US/Eastern",
}


class OrderPolicy(_Frozen):
    """How the simulated broker answers orders from a trading system (never from irtui).

    auto    market orders fill at the simulated price; limit orders fill when marketable,
            otherwise rest; other order types rest
    fill    every order fills at once at the simulated price
    rest    every order is accepted and works, unfilled
    reject  every order is refused with `reject_code` (201 margin, 321 read-only API, 203...)
    """

    answer: Literal["auto", "fill", "rest", "reject"] = "auto"
    reject_code: int = 201
    reject_message: str = ""  # empty = TWS's text for the code
    warning_code: int | None = None  # a warning (e.g. 399) sent with each accepted order

    @property
    def reject_text(self) -> str:
        return self.reject_message or ORDER_TEXTS.get(self.reject_code, f"Order rejected ({self.reject_code})")


def _default_account_values() -> dict[str, str]:
    return {
        "NetLiquidation": "100000.00",
        "TotalCashValue": "50000.00",
        "BuyingPower": "200000.00",
        "AvailableFunds": "50000.00",
        "ExcessLiquidity": "50000.00",
        "GrossPositionValue": "50000.00",
        "MaintMarginReq": "10000.00",
    }


class Scenario(_Frozen):
    name: str = "custom"
    description: str = ""
    mode: Mode = "healthy"
    server_version: Annotated[int, Field(ge=MIN_SERVER_VERSION, le=MAX_SERVER_VERSION)] = 176
    accounts: Annotated[tuple[str, ...], Field(min_length=1)] = ("DU0000001",)
    next_valid_id: Annotated[int, Field(ge=1)] = 1
    busy_client_ids: frozenset[int] = frozenset()  # client_id_in_use: empty = every client id
    drop_after_s: Annotated[float, Field(gt=0)] = 5.0
    startup_hang: bool = False  # the positions end marker (62) never arrives
    withhold_end_markers: frozenset[EndMarker] = frozenset()
    notices: tuple[Notice, ...] = ()
    positions: tuple[PositionSpec, ...] = ()
    open_orders: tuple[OpenOrderSpec, ...] = ()
    completed_orders: tuple[CompletedOrderSpec, ...] = ()
    executions: tuple[ExecutionSpec, ...] = ()
    order_bursts: tuple[OrderBurst, ...] = Field(
        default=(), validation_alias=AliasChoices("order_bursts", "order_burst")
    )
    market_data: Mapping[str, MarketDataSpec] = Field(default_factory=dict)
    # Symbols not listed in market_data; null = TWS error 200 (no security definition).
    default_market_data: MarketDataSpec | None = MarketDataSpec()
    account_values: Mapping[str, str] = Field(default_factory=_default_account_values)
    base_currency: str = "USD"
    orders: OrderPolicy = OrderPolicy()  # answers to a trading system's own orders

    @field_validator("order_bursts", mode="before")
    @classmethod
    def _one_burst_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, Mapping) else value

    @model_validator(mode="after")
    def _accounts_are_known(self) -> Scenario:
        known = set(self.accounts)
        groups: dict[str, tuple[Any, ...]] = {
            "positions": self.positions,
            "open_orders": self.open_orders,
            "completed_orders": self.completed_orders,
            "executions": self.executions,
            "order_bursts": self.order_bursts,
        }
        for key, items in groups.items():
            for index, item in enumerate(items):
                if item.account and item.account not in known:
                    raise ValueError(
                        f"{key}.{index}.account: {item.account!r} is not in accounts {sorted(known)}"
                    )
        return self

    @property
    def withheld(self) -> frozenset[str]:
        return self.withhold_end_markers | ({"positions"} if self.startup_hang else set())

    def market_spec(self, symbol: str) -> MarketDataSpec | None:
        return self.market_data.get(symbol) or self.market_data.get(symbol.upper()) or (
            self.default_market_data
        )

    def with_mode(self, mode: str) -> Scenario:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        return self.model_copy(update={"mode": mode})


class ScenarioError(ValueError):
    """A scenario could not be found or is invalid; the message names the file and key."""


def _shipped_dir() -> Any:
    return resources.files("irtui").joinpath("data", "scenarios")


def scenario_names() -> list[str]:
    """Names of the scenarios shipped with irtui, sorted."""
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in _shipped_dir().iterdir()
        if entry.name.endswith(".yaml")
    )


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A shipped scenario by name (e.g. "healthy") or a YAML file by path."""
    text, origin = _read_source(name_or_path)
    return parse_scenario(text, origin, default_name=Path(origin).stem)


def _read_source(name_or_path: str | Path) -> tuple[str, str]:
    as_text = str(name_or_path)
    shipped = _shipped_dir().joinpath(f"{as_text}.yaml")
    if "/" not in as_text and not as_text.endswith((".yaml", ".yml")) and shipped.is_file():
        return shipped.read_text(encoding="utf-8"), f"{as_text}.yaml"
    path = Path(as_text)
    if path.is_file():
        try:  # bounded: the path may turn into a FIFO or a huge file after the check
            return read_regular(path, MAX_SCENARIO_BYTES, what="scenario file").decode("utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"{path}: cannot read: {exc}") from exc
    raise ScenarioError(
        f"no scenario {as_text!r}: not a shipped name ({', '.join(scenario_names())}) "
        "and not a file"
    )


def parse_scenario(text: str, origin: str = "<scenario>", default_name: str = "custom") -> Scenario:
    try:  # bounded: an alias bomb or a nest deeper than the parser's recursion is refused, not built
        data = safe_yaml(text, max_nodes=MAX_SCENARIO_NODES)
    except BadYaml as exc:
        # PyYAML's message: its words unindented, each followed by an indented mark and snippet; the problem's last.
        marks = re.findall(r"line (\d+), column \d+", str(exc))
        words = [line for line in str(exc).splitlines() if line.strip() and not line[0].isspace()]
        where = f" line {marks[-1]}:" if marks else ""
        raise ScenarioError(f"{origin}:{where} not valid YAML: {words[-1] if words else 'unreadable'}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{origin}: a scenario must be a mapping of keys, not {type(data).__name__}")
    data.setdefault("name", default_name)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(f"{origin}: " + "; ".join(_describe(err) for err in exc.errors())) from exc


def _describe(error: Any) -> str:
    key = ".".join(str(part) for part in error.get("loc", ())) or "(top level)"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        message = "unknown key"
    if not error.get("loc"):
        return message
    return f"{key}: {message}"
