"""Collection: one API session's I/O with ib_async, from a plan to plain readings.

Connect with the reserved probe client id (no startup fetches; the second reserved id
when the first is in use), send each wanted request with its own deadline, all at
once, keep the session open `observe_s` after the handshake, then close cleanly.
Nothing here places, modifies or cancels an order: the only requests are current time,
positions, open orders, executions, contract details and market-data snapshots.

No configuration, pydantic, psutil, nor the probes' judging modules here:
`irtui.probes.api_child` runs this in a child process that starts before the command
line has loaded them. What the Gateway answered goes back as the fields of each row,
in the order `irtui.probes.readings` names.
"""

from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime
from typing import Any

from ib_async import IB, Contract, Ticker
from ib_async.order import OrderStatus

from irtui.probes.api import SessionWatch, close, handshake
from irtui.probes.readings import (
    ApiPlan,
    ApiReadings,
    Failure,
    FillsReading,
    MarketDataReading,
    OrdersReading,
    PositionsReading,
    SymbolSnapshot,
    SymbolSpec,
)


async def collect(plan: ApiPlan) -> ApiReadings:
    """Everything the plan asks for; never raises for what the Gateway does."""
    return await _Collection(plan).run()


class _Collection:
    def __init__(self, plan: ApiPlan) -> None:
        self.plan = plan
        self._held: Any = None  # the one positions request of this session

    async def run(self) -> ApiReadings:
        plan = self.plan
        ib = IB()
        watch = SessionWatch(ib)
        started = time.monotonic()
        client_id, fell_back = plan.client_id, False
        try:
            shake = await handshake(ib, watch, plan.host, plan.port, plan.client_id, plan.api_timeout_s)
            if shake.stage == "client_id_in_use" and plan.fallback_client_id != plan.client_id:
                # irtui's own id is held (a second irtui, or irtui's own zombie): that is no
                # fault of the trading system, so try the second reserved id, and say so.
                await close(ib)
                ib = IB()
                watch = SessionWatch(ib)
                client_id, fell_back = plan.fallback_client_id, True
                shake = await handshake(ib, watch, plan.host, plan.port, plan.fallback_client_id, plan.api_timeout_s)
            if shake.stage != "ready":
                ms = (time.monotonic() - started) * 1000.0
                return ApiReadings(shake, client_id, fell_back, ms, tuple(watch.codes()), tuple(watch.notices), watch.closed)
            jobs: dict[str, Any] = {}
            if "positions" in plan.wanted:
                jobs["positions"] = self._positions(ib)
            if "orders" in plan.wanted:
                jobs["orders"] = self._orders(ib)
            if "market_data" in plan.wanted:
                jobs["market_data"] = self._market_data(ib, watch)
            if "fills" in plan.wanted:
                jobs["fills"] = self._fills(ib)
            answers = await asyncio.gather(self._current_time(ib), self._observe(watch), *jobs.values(), return_exceptions=True)
            latency, server_time, ended = answers[0] if isinstance(answers[0], tuple) else (None, None, None)
            readings = {name: value if not isinstance(value, BaseException) else _failure(value) for name, value in zip(jobs, answers[2:])}
            return ApiReadings(
                shake,
                client_id,
                fell_back,
                ((ended if ended is not None else time.monotonic()) - started) * 1000.0,
                tuple(watch.codes()),
                tuple(watch.notices),
                watch.closed,
                watch.drop_detail(shake.server_version) if watch.dropped else None,
                latency,
                server_time,
                **readings,
            )
        finally:
            await close(ib)

    async def _observe(self, watch: SessionWatch) -> None:
        """Keep the session open until `observe_s` after the handshake (while the requests
        run), so that a Gateway that accepts a client and drops it a moment later is seen
        doing it; ends at once when it does. Bounded by the request deadline."""
        if watch.ready_at is None:
            return
        until = watch.ready_at + min(self.plan.observe_s, self.plan.request_wait_s)
        while not watch.closed:
            left = until - time.monotonic()
            if left <= 0:
                return
            watch.changed.clear()
            try:
                await asyncio.wait_for(watch.changed.wait(), left)
            except TimeoutError:
                return

    async def _current_time(self, ib: IB) -> tuple[float | None, str | None, float]:
        """(round trip ms or None, server time, when it ended): the stale-connection test."""
        started = time.monotonic()
        try:
            server = await asyncio.wait_for(ib.reqCurrentTimeAsync(), self.plan.request_wait_s)
        except TimeoutError:
            return None, None, time.monotonic()
        return (time.monotonic() - started) * 1000.0, server.isoformat() if server else None, time.monotonic()

    def _broker_positions(self, ib: IB) -> Any:
        """The session's one positions request, shared by the positions and orders probes:
        ib_async keys it by name, so a second request at once would orphan the first."""
        if self._held is None:
            self._held = ib.reqPositionsAsync()
        return asyncio.shield(self._held)

    async def _positions(self, ib: IB) -> PositionsReading:
        started = time.monotonic()
        try:
            broker = await asyncio.wait_for(self._broker_positions(ib), self.plan.request_wait_s)
        except TimeoutError:
            return PositionsReading(started, None)
        rows = tuple(
            (p.account, p.contract.symbol, p.contract.localSymbol or "", p.contract.secType, float(p.position), float(p.avgCost), _multiplier(p.contract.multiplier))
            for p in broker
        )
        return PositionsReading(started, rows)

    async def _fills(self, ib: IB) -> FillsReading:
        started = time.monotonic()
        try:
            executions = await asyncio.wait_for(ib.reqExecutionsAsync(), self.plan.request_wait_s)
        except TimeoutError:
            return FillsReading(started, None)
        rows = tuple(
            (_aware(f.execution.time), f.contract.symbol.upper(), _side(f.execution.side), abs(float(f.execution.shares)), float(f.execution.price),
             f.execution.execId or "", f.execution.clientId)
            for f in executions
        )
        return FillsReading(started, rows)

    async def _orders(self, ib: IB) -> OrdersReading:
        started = time.monotonic()
        sample_s = self.plan.sample_s
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.plan.request_wait_s + sample_s

        def left() -> float:
            return max(0.01, deadline - loop.time())

        sampled: tuple[tuple[int, int, int], ...] | None = None
        positions = self._broker_positions(ib)  # whether an open order adds exposure
        try:
            trades = await asyncio.wait_for(ib.reqAllOpenOrdersAsync(), left())
            fills = await asyncio.wait_for(ib.reqExecutionsAsync(), left())
            if sample_s > 0:
                sampled = tuple(map(_ids, trades))
                await asyncio.sleep(min(sample_s, left()))
                trades = await asyncio.wait_for(ib.reqAllOpenOrdersAsync(), left())
        except TimeoutError:
            return OrdersReading(started, timed_out=True)
        read_at = time.monotonic()
        try:
            held: tuple[tuple[str, int, str, float], ...] | None = tuple(
                (p.account, p.contract.conId, p.contract.symbol, float(p.position)) for p in await asyncio.wait_for(positions, left())
            )
        except TimeoutError:
            held = None
        working = tuple(
            (_order_key(*_ids(t)), t.contract.symbol, t.order.clientId, t.order.action, float(t.order.totalQuantity), t.orderStatus.status,
             t.order.account, t.contract.conId, t.orderStatus.filled, t.orderStatus.remaining, t.order.totalQuantity, *_ids(t))
            for t in trades
            if t.orderStatus.status not in OrderStatus.DoneStates
        )
        executions = tuple(
            (_order_key(f.execution.permId, f.execution.clientId, f.execution.orderId), f.contract.symbol, _aware(f.execution.time),
             _side(f.execution.side), abs(float(f.execution.shares)))
            for f in fills
        )
        # Execution times are the Gateway's, so they are compared with the real clock, not the host's.
        return OrdersReading(started, False, working, tuple(map(_ids, trades)), sampled, executions, held, read_at, datetime.now(UTC))

    async def _market_data(self, ib: IB, watch: SessionWatch) -> MarketDataReading:
        started = time.monotonic()
        deadline = asyncio.get_running_loop().time() + self.plan.request_wait_s
        snapshots = await asyncio.gather(*(self._snapshot(ib, spec, deadline) for spec in self.plan.symbols))
        return MarketDataReading(started, tuple(snapshots), tuple(watch.notices), datetime.now(UTC))

    async def _snapshot(self, ib: IB, spec: SymbolSpec, deadline: float) -> SymbolSnapshot:
        loop = asyncio.get_running_loop()
        wanted = Contract(symbol=spec.symbol, secType=spec.sec_type, exchange=spec.exchange, currency=spec.currency, primaryExchange=spec.primary_exchange)
        try:
            details = await asyncio.wait_for(ib.reqContractDetailsAsync(wanted), max(0.01, deadline - loop.time()))
        except TimeoutError:
            return SymbolSnapshot(spec.symbol, -1, False, 0, None, None, False, note="contract lookup got no answer")
        if not details:
            return SymbolSnapshot(spec.symbol, -1, False, 0, None, None, False, note="no such contract (check the symbol)")
        contract = details[0].contract
        req_id = ib.client.getReqId()
        future = ib.wrapper.startReq(req_id, contract)
        ticker = ib.wrapper.startTicker(req_id, contract, "snapshot")
        ib.client.reqMktData(req_id, contract, "", True, False, [])
        try:
            await asyncio.wait_for(asyncio.shield(future), max(0.01, deadline - loop.time()))
            finished = True
        except TimeoutError:
            finished = False
            if ib.client.isConnected():
                ib.client.cancelMktData(req_id)
        finally:
            ib.wrapper.endTicker(ticker, "snapshot")
        return _snapshot_row(spec.symbol, req_id, ticker, finished)


def _failure(error: BaseException) -> Failure:
    return Failure(type(error).__name__, str(error).strip(), isinstance(error, ConnectionError))


def _snapshot_row(symbol: str, req_id: int, ticker: Ticker, finished: bool) -> SymbolSnapshot:
    prices = {
        name: float(value)
        for name in ("bid", "ask", "last", "close")
        if isinstance(value := getattr(ticker, name), (int, float)) and not math.isnan(value) and value > 0
    }
    last_trade = ticker.lastTimestamp or getattr(ticker, "delayedLastTimestamp", None)
    return SymbolSnapshot(
        symbol=symbol,
        req_id=req_id,
        has_price=bool(prices),
        data_type=int(ticker.marketDataType or 1),
        last_trade_at=_aware(last_trade) if last_trade else None,
        received_at=_aware(ticker.time) if ticker.time else None,
        finished=finished,
        prices=prices,
    )


def _order_key(perm_id: int, client_id: int, order_id: int) -> str:
    return str(perm_id) if perm_id else f"{client_id}/{order_id}"


def _ids(trade: Any) -> tuple[int, int, int]:
    return trade.order.permId, trade.order.clientId, trade.order.orderId


def _side(side: str) -> str:
    return "BOT" if side.upper().startswith("B") else "SLD"


def _multiplier(value: str) -> float:
    try:
        return float(value) if value else 1.0
    except ValueError:
        return 1.0


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
