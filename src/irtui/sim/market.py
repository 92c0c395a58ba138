"""Market data for one client client: reqMktData (streaming and snapshot) and small
historical requests, each following the symbol's `behaviour` in the scenario.

Behaviours, as a client sees them:
  live            tickReqParams, then bid/ask/last/close/lastTimestamp; streams new ticks
                  every tick_interval_s; a snapshot ends with tickSnapshotEnd (57).
  delayed         marketDataType 3 and warning 10167, then delayed ticks (66/67/68/75/88).
  stale           one old picture: last and close, lastTimestamp stale_age_s ago; nothing new.
  absent          nothing at all, no error (a snapshot ends after snapshot_end_after_s).
  not_subscribed  error 354 for the request id.
  competing       error 10197 for the request id.
  farm_broken     notice 2103 (request id -1) and no ticks.
  close_only      only the previous close (tick 9), no bid/ask/last: a closed market, FX at
                  the weekend; a snapshot ends at once.
  no_delayed      error 10168: not subscribed, and delayed data is not enabled either.
  lookup_silent   the contract lookup (reqContractDetails) is never answered.
  max_tickers     error 101: every market-data line of the account is in use (the trading
                  system streams more symbols than its lines), so a new request is refused.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from irtui.sim import replies
from irtui.sim.scenario import NOTICE_TEXTS, MarketDataSpec

if TYPE_CHECKING:
    from irtui.sim.connection import ClientConnection

MSG_NOT_SUBSCRIBED = "Requested market data is not subscribed. Delayed market data is not available."
MSG_DELAYED = "Requested market data is not subscribed. Displaying delayed market data."
MSG_NO_DEFINITION = "No security definition has been found for the request"
MSG_NO_DELAYED = "Requested market data is not subscribed. Delayed market data is not enabled."
MSG_MAX_TICKERS = "Max number of tickers has been reached"
MSG_HMDS_NO_PERMISSION = "Historical Market Data Service error message:No market data permissions for ISLAND STK"
MSG_HMDS_COMPETING = (
    "Historical Market Data Service error message:Trading TWS client is connected from a different IP address"
)

# Tick types: (bid, ask, last, close, last timestamp) live and delayed.
LIVE_TICKS = (1, 2, 4, 9, 45)
DELAYED_TICKS = (66, 67, 68, 75, 88)
BAR_SECONDS = {"sec": 1, "min": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2592000}


@dataclass
class Subscription:
    req_id: int
    symbol: str
    snapshot: bool
    price: float


class MarketFeed:
    def __init__(self, client: ClientConnection) -> None:
        self._client = client
        self._streams: dict[int, Subscription] = {}
        self.requested_type: int | None = None

    def _spec(self, symbol: str) -> MarketDataSpec | None:
        return self._client.scenario.market_spec(symbol)

    def subscribe(self, req_id: int, symbol: str, snapshot: bool) -> None:
        spec = self._spec(symbol) if symbol else None
        if spec is None:
            self._client.reply_error(req_id, 200, MSG_NO_DEFINITION)
            return
        sub = Subscription(req_id, symbol, snapshot, spec.price)
        if not snapshot:
            self._streams[req_id] = sub
        self._start(sub, spec)

    def cancel(self, req_id: int) -> None:
        self._streams.pop(req_id, None)
        self._client.cancel_tasks(("ticks", req_id))

    def lose_streams(self) -> None:
        """The Gateway lost its data: every stream ends without a word (no error, no ticks)."""
        for req_id in list(self._streams):
            self._client.cancel_tasks(("ticks", req_id))
        self._streams.clear()

    @property
    def streaming(self) -> int:
        return len(self._streams)

    def reapply(self) -> None:
        """The scenario changed: every open stream follows its symbol's new behaviour."""
        for req_id, sub in list(self._streams.items()):
            self._client.cancel_tasks(("ticks", req_id))
            spec = self._spec(sub.symbol)
            if spec is None:
                self._streams.pop(req_id)
                self._client.reply_error(req_id, 200, MSG_NO_DEFINITION)
            else:
                self._start(sub, spec)

    def _start(self, sub: Subscription, spec: MarketDataSpec) -> None:
        client, req_id = self._client, sub.req_id
        behaviour = spec.behaviour
        refusals = {
            "not_subscribed": (354, MSG_NOT_SUBSCRIBED),
            "competing": (10197, NOTICE_TEXTS[10197]),
            "no_delayed": (10168, MSG_NO_DELAYED),
            "max_tickers": (101, MSG_MAX_TICKERS),
        }
        if behaviour in refusals:
            self._streams.pop(req_id, None)
            client.reply_error(req_id, *refusals[behaviour])
            return
        if behaviour == "close_only":
            client.reply(replies.tick_req_params(req_id))
            client.reply(replies.tick_price(req_id, LIVE_TICKS[3], sub.price))
            if sub.snapshot:
                client.reply(replies.tick_snapshot_end(req_id))
            return
        if behaviour in ("absent", "farm_broken"):
            if behaviour == "farm_broken":
                client.reply_notice(-1, 2103, NOTICE_TEXTS[2103])
            if sub.snapshot and spec.snapshot_end_after_s is not None:
                client.spawn(("ticks", req_id), self._end_later(req_id, spec.snapshot_end_after_s))
            return
        client.reply(replies.tick_req_params(req_id))
        if behaviour == "delayed":
            client.reply(replies.market_data_type(req_id, 3))
            client.reply_error(req_id, 10167, MSG_DELAYED)
        elif self.requested_type is not None:
            client.reply(replies.market_data_type(req_id, 1))
        now = time.time()
        if behaviour == "stale":
            last, close, stamp = LIVE_TICKS[2], LIVE_TICKS[3], LIVE_TICKS[4]
            client.reply(replies.tick_price(req_id, last, sub.price, 100))
            client.reply(replies.tick_price(req_id, close, sub.price))
            client.reply(replies.tick_string(req_id, stamp, str(int(now - spec.stale_age_s))))
        else:
            types = DELAYED_TICKS if behaviour == "delayed" else LIVE_TICKS
            delay = spec.delay_s if behaviour == "delayed" else 0.0
            self._send_quote(sub, spec, types, now - delay)
            client.reply(replies.tick_price(req_id, types[3], round(sub.price * 0.99, 2)))
            if not sub.snapshot:
                rng = random.Random(f"{sub.symbol}:{req_id}")
                client.spawn(("ticks", req_id), self._stream(sub, spec, types, delay, rng))
        if sub.snapshot:
            client.reply(replies.tick_snapshot_end(req_id))

    def _send_quote(
        self, sub: Subscription, spec: MarketDataSpec, types: tuple[int, ...], stamp: float
    ) -> None:
        bid, ask, last, _close, last_time = types
        half = spec.spread / 2
        client = self._client
        client.reply(replies.tick_price(sub.req_id, bid, sub.price - half, 300))
        client.reply(replies.tick_price(sub.req_id, ask, sub.price + half, 200))
        client.reply(replies.tick_price(sub.req_id, last, sub.price, 100))
        client.reply(replies.tick_string(sub.req_id, last_time, str(int(stamp))))

    async def _stream(
        self,
        sub: Subscription,
        spec: MarketDataSpec,
        types: tuple[int, ...],
        delay: float,
        rng: random.Random,
    ) -> None:
        while True:
            await asyncio.sleep(spec.tick_interval_s)
            step = max(spec.spread, sub.price * 0.0002)
            sub.price = max(0.01, round(sub.price + rng.choice((-1, 0, 1)) * step, 2))
            self._send_quote(sub, spec, types, time.time() - delay)

    async def _end_later(self, req_id: int, after_s: float) -> None:
        await asyncio.sleep(after_s)
        self._client.reply(replies.tick_snapshot_end(req_id))

    def historical(self, req_id: int, symbol: str, bar_size: str, format_date: str) -> None:
        """A handful of bars ending at the feed's last data; or the feed's failure."""
        client = self._client
        spec = self._spec(symbol) if symbol else None
        if spec is None:
            client.reply_error(req_id, 200, MSG_NO_DEFINITION)
            return
        if spec.behaviour == "not_subscribed":
            client.reply_error(req_id, 162, MSG_HMDS_NO_PERMISSION)
            return
        if spec.behaviour == "competing":
            client.reply_error(req_id, 162, MSG_HMDS_COMPETING)
            return
        if spec.behaviour in ("absent", "farm_broken"):
            return  # HMDS never answers; the client's deadline decides
        lag = {"stale": spec.stale_age_s, "delayed": spec.delay_s}.get(spec.behaviour, 0.0)
        step = _bar_seconds(bar_size)
        end = time.time() - lag
        bars = []
        for index in range(5, 0, -1):
            at = end - index * step
            base = spec.price * (1 + 0.001 * ((index % 3) - 1))
            high, low, close = round(base * 1.002, 2), round(base * 0.998, 2), round(base * 1.001, 2)
            bars.append((_bar_date(at, step, format_date), round(base, 2), high, low, close, 1000.0))
        client.reply(replies.historical_data(client.server_version, req_id, bars))


def _bar_seconds(bar_size: str) -> int:
    parts = bar_size.split()
    count = int(parts[0]) if parts and parts[0].isdigit() else 1
    unit = parts[1].rstrip("s") if len(parts) > 1 else "min"
    return count * BAR_SECONDS.get(unit, 60)


def _bar_date(at: float, step: int, format_date: str) -> str:
    if step >= 86400:
        return time.strftime("%Y%m%d", time.gmtime(at))
    if format_date == "2":
        return str(int(at))
    return replies.ib_time(at)
