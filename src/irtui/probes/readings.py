"""What an API session's collection is given and gives back: plain, picklable values.

The API session is split in two. Collection (`irtui.probes.api_collect`) is the I/O with
ib_async: the handshake, the watch after it, and the read-only requests. Judgement
(`irtui.probes.api_judge`) turns what collection read into probe results with the
configuration. Between them pass only these values, so collection can run in a child
process (`irtui.probes.api_child`) that imports none of the probes' judging modules,
pydantic, the configuration or psutil: it starts while the command line loads them.
So the broker's rows travel as tuples of their fields, in the order of the row types
judgement makes of them (named below), and only Notice and SymbolSnapshot, which are
readings themselves, are defined here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from irtui.config import Config

# positions.BrokerHolding's fields: account, symbol, local symbol, sec type, position, average cost, multiplier
HoldingFields = tuple[str, str, str, str, float, float, float]
# fills.FillRow's fields: time, symbol, side (BOT/SLD), quantity, price, execution id, client id
FillFields = tuple[datetime, str, str, float, float, str, int]
# orders.ExecutionRow's fields: order key, symbol, time, side (BOT/SLD), quantity
ExecutionFields = tuple[str, str, datetime, str, float]
# (perm id, client id, order id): what orders.order_ids makes an order's ids of
OrderIds = tuple[int, int, int]
# An open order: exposure.OpenOrderRow's fields but its filled quantity (order key, symbol,
# client id, action, quantity, status, account, contract id), then the order status's
# filled, remaining and the order's total (for exposure.reported_filled), then its OrderIds
OpenOrderFields = tuple[Any, ...]
# A broker position as the orders probe weighs an order against it: account, contract id, symbol, position
HeldFields = tuple[str, int, str, float]

CLOSE_WAIT_S = 1.0  # how long a close waits for the OS to let go of the socket


@dataclass(frozen=True)
class SymbolSpec:
    """One market_data.symbols entry, as the contract lookup needs it."""

    symbol: str
    sec_type: str
    exchange: str
    currency: str
    primary_exchange: str = ""


@dataclass(frozen=True)
class ApiPlan:
    """Everything collection needs: where, who, how long, and which readings."""

    host: str
    port: int
    client_id: int
    fallback_client_id: int
    api_timeout_s: float  # the handshake's deadline
    request_wait_s: float  # each request's deadline
    observe_s: float  # the watch after the handshake (gateway.observe_s)
    wanted: frozenset[str]  # api, positions, orders, market_data, fills
    sample_s: float = 0.0  # orders.sample_s
    symbols: tuple[SymbolSpec, ...] = ()

    @property
    def longest_s(self) -> float:
        """The longest collection can take by its own deadlines: two handshakes (the
        fallback client id), the requests, the orders' sampling window and the closes."""
        return 2 * (self.api_timeout_s + CLOSE_WAIT_S) + self.request_wait_s + self.sample_s + CLOSE_WAIT_S


@dataclass
class Handshake:
    stage: str
    detail: str
    tcp_connected: bool = False
    server_version: int | None = None
    connection_time: str | None = None
    accounts: list[str] = field(default_factory=list)
    not_tws: bool = False  # the peer answered, but not in the TWS API's framing


@dataclass(frozen=True)
class Notice:
    req_id: int
    code: int
    message: str


@dataclass(frozen=True)
class SymbolSnapshot:
    symbol: str
    req_id: int
    has_price: bool
    data_type: int
    last_trade_at: datetime | None
    received_at: datetime | None
    finished: bool
    prices: dict[str, float] = field(default_factory=dict)
    note: str = ""  # why there is nothing, when the contract itself could not be found
    looked_up: bool = True  # False: the contract lookup got no answer, no request was sent

    @property
    def live_price(self) -> bool:
        """A bid, ask or last arrived (a previous close alone is no live price)."""
        return self.has_price and (not self.prices or any(name in self.prices for name in ("bid", "ask", "last")))


@dataclass(frozen=True)
class Failure:
    """A request that raised instead of answering."""

    type_name: str
    text: str
    connection: bool  # a ConnectionError: the Gateway closed the connection


@dataclass(frozen=True)
class PositionsReading:
    started: float  # time.monotonic() when the reading began (the same clock in both processes)
    holdings: tuple[HoldingFields, ...] | None  # None: no answer within request_wait_s


@dataclass(frozen=True)
class OrdersReading:
    started: float
    timed_out: bool  # open orders or executions got no answer in time
    working: tuple[OpenOrderFields, ...] = ()  # the open orders not done
    every_open: tuple[OrderIds, ...] = ()  # every open order, done or not
    sampled: tuple[OrderIds, ...] | None = None  # the first reading of the opt-in sampling window
    executions: tuple[ExecutionFields, ...] = ()
    held: tuple[HeldFields, ...] | None = None  # the broker's positions; None: not read in time
    read_at: float = 0.0  # time.monotonic() when the open orders were read
    at: datetime | None = None  # the real clock then


@dataclass(frozen=True)
class FillsReading:
    started: float
    rows: tuple[FillFields, ...] | None  # None: no answer within request_wait_s


@dataclass(frozen=True)
class MarketDataReading:
    started: float
    snapshots: tuple[SymbolSnapshot, ...]
    notices: tuple[Notice, ...]  # every notice of the session until the snapshots were done
    at: datetime


@dataclass(frozen=True)
class ApiReadings:
    """What one API session read; `judge` makes the probe results of it."""

    shake: Handshake  # the last handshake (with the fallback client id when the first was in use)
    client_id: int
    fell_back: bool
    api_ms: float  # the api probe's own time: the handshake and the current-time request
    codes: tuple[int, ...] = ()
    notices: tuple[Notice, ...] = ()
    closed: bool = False  # the peer closed the connection before irtui did
    drop_detail: str | None = None  # set when the session was ready, then dropped by the peer
    latency_ms: float | None = None  # the current-time round trip; None: no answer
    server_time: str | None = None
    positions: PositionsReading | Failure | None = None
    orders: OrdersReading | Failure | None = None
    fills: FillsReading | Failure | None = None
    market_data: MarketDataReading | Failure | None = None


def api_plan(config: Config, wanted: set[str]) -> ApiPlan:
    """The plan of an API session for the wanted API probes, from the configuration."""
    gw = config.gateway
    symbols = tuple(SymbolSpec(s.symbol, s.sec_type, s.exchange, s.currency, s.primary_exchange) for s in config.market_data.symbols)
    return ApiPlan(
        gw.host, gw.trading_port, gw.probe_client_id, gw.fallback_client_id, gw.api_timeout_s, gw.request_wait_s, gw.observe_s,
        frozenset(wanted), config.orders.sample_s, symbols if "market_data" in wanted else (),
    )
