"""What an API session's collection is given and gives back: plain, picklable values.

The API session is split in two. Collection (`irtui.probes.api_collect`) is the I/O with
ib_async: the handshake, the watch after it, and the read-only requests. Judgement
(`irtui.probes.api_judge`) turns what collection read into probe results with the
configuration. Between them pass only these values, so collection can run in a child
process (`irtui.probes.api_child`) that never imports pydantic, the configuration or
psutil: it starts while the command line loads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from irtui.probes.exposure import OpenOrderRow
from irtui.probes.fills import FillRow
from irtui.probes.market_data import Notice, SymbolSnapshot
from irtui.probes.orders import ExecutionRow
from irtui.probes.positions import BrokerHolding

if TYPE_CHECKING:
    from irtui.config import Config

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
class Failure:
    """A request that raised instead of answering."""

    type_name: str
    text: str
    connection: bool  # a ConnectionError: the Gateway closed the connection


@dataclass(frozen=True)
class PositionsReading:
    started: float  # time.monotonic() when the reading began (the same clock in both processes)
    holdings: tuple[BrokerHolding, ...] | None  # None: no answer within request_wait_s


@dataclass(frozen=True)
class OrdersReading:
    started: float
    timed_out: bool  # open orders or executions got no answer in time
    working: tuple[OpenOrderRow, ...] = ()
    working_ids: tuple[frozenset[str], ...] = ()  # each working order's ids, as `order_ids` gives them
    all_ids: frozenset[str] = frozenset()  # every open order's ids, done or not
    sampled: frozenset[str] | None = None  # the first reading of the opt-in sampling window
    executions: tuple[ExecutionRow, ...] = ()
    held: dict[tuple[str, str], float] | None = None  # broker positions by (account, instrument); None: not read
    read_at: float = 0.0  # time.monotonic() when the open orders were read
    at: datetime | None = None  # the real clock then


@dataclass(frozen=True)
class FillsReading:
    started: float
    rows: tuple[FillRow, ...] | None  # None: no answer within request_wait_s


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
