"""One API session per sweep, shared by the api, positions, orders and market_data probes.

Connect once with the reserved probe client id (no startup fetches), send each
wanted request with its own deadline, all at once, then close cleanly. Nothing here
places, modifies or cancels an order: the only requests are current time, positions,
open orders, executions, contract details and market-data snapshots.
"""

from __future__ import annotations

import asyncio
import math
import time
from concurrent.futures import Executor
from datetime import UTC, datetime
from typing import Any

from ib_async import IB, Contract, Ticker
from ib_async.order import OrderStatus

from irtui.config import Config
from irtui.probes.api import Handshake, SessionWatch, close, handshake
from irtui.probes.api_gate import ApiGate
from irtui.probes.codes import FARM_KINDS, farm_states
from irtui.probes.common import Stopwatch, make_result, unknown
from irtui.probes.exposure import reported_filled
from irtui.probes.fills import FillRow, assess_fills, read_ledger
from irtui.probes.host import HostFacts
from irtui.probes.market_data import SymbolSnapshot, assess_market_data
from irtui.probes.orders import ExecutionRow, NewOrders, OpenOrderRow, OpenOrdersReading, assess_orders, count_new, new_since, order_ids
from irtui.probes.positions import BrokerHolding, SourceError, assess_positions, read_system_positions, system_unreadable
from irtui.probes.result import ProbeResult, Status

CONNECTIVITY_LOST, CONNECTIVITY_BACK = {1100, 2110}, {1101, 1102}
FARM_WORDS = {"market_data": "market-data farm", "hmds": "historical-data farm", "secdef": "sec-def farm"}
SLOW_MS = 1000.0
STAGE_WORDS = {
    "refused": "API port refused",
    "closed": "API closed the connection",
    "silent": "API not answering",
    "not_ready": "API not ready",
    "client_id_in_use": "probe client id in use",
    "unanswered": "API answers nothing",
    "dropped": "API connection dropped",
}
NOT_TWS_WORDS = "Not the TWS API"
WHAT = {"positions": "positions", "orders": "orders", "market_data": "market data", "fills": "fills"}


def connectivity_lost(codes: list[int]) -> bool:
    """1100 or 2110 was received and not followed by 1101/1102."""
    lost = False
    for code in codes:
        if code in CONNECTIVITY_LOST:
            lost = True
        elif code in CONNECTIVITY_BACK:
            lost = False
    return lost


def _headline(shake: Handshake) -> str:
    return NOT_TWS_WORDS if shake.not_tws else STAGE_WORDS[shake.stage]


def _order_key(perm_id: int, client_id: int, order_id: int) -> str:
    return str(perm_id) if perm_id else f"{client_id}/{order_id}"


class ApiSession:
    def __init__(self, config: Config, host: HostFacts, executor: Executor, gate: ApiGate) -> None:
        self.config = config
        self.host = host
        self.executor = executor
        self.gate = gate  # keeps the open orders between sessions

    async def run(self, wanted: set[str]) -> dict[str, ProbeResult]:
        """Results for the wanted API probes (the handshake runs whichever are wanted)."""
        gw = self.config.gateway
        system = None
        if "positions" in wanted:
            system = asyncio.get_running_loop().run_in_executor(
                self.executor, read_system_positions, self.config.positions, self.host
            )
            system.add_done_callback(lambda f: f.cancelled() or f.exception())  # never "exception never retrieved"
        ledger = None
        if "fills" in wanted:
            ledger = asyncio.get_running_loop().run_in_executor(self.executor, read_ledger, self.config.fills, self.host)
            ledger.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._held: Any = None  # the one positions request of this session
        ib = IB()
        watch = SessionWatch(ib)
        clock = Stopwatch()
        self.client_id, self.fell_back = gw.probe_client_id, False
        try:
            shake = await handshake(ib, watch, gw.host, gw.trading_port, gw.probe_client_id, gw.api_timeout_s)
            if shake.stage == "client_id_in_use" and gw.fallback_client_id != gw.probe_client_id:
                # irtui's own id is held (a second irtui, or irtui's own zombie): that is no
                # fault of the trading system, so try the second reserved id, and say so.
                await close(ib)
                ib = IB()
                watch = SessionWatch(ib)
                self.client_id, self.fell_back = gw.fallback_client_id, True
                shake = await handshake(ib, watch, gw.host, gw.trading_port, gw.fallback_client_id, gw.api_timeout_s)
            if shake.stage != "ready":
                results = {"api": self._api_result(shake, watch, None, None, clock)}
                for name in wanted - {"api"}:
                    why = f"{_headline(shake)} — {WHAT[name]} not read"
                    results[name] = unknown(name, why, Stopwatch(), stage=shake.stage)
                return {name: results[name] for name in wanted}
            jobs: dict[str, Any] = {}
            if "positions" in wanted:
                jobs["positions"] = self._positions(ib, system)
            if "orders" in wanted:
                jobs["orders"] = self._orders(ib, tuple(shake.accounts))
            if "market_data" in wanted:
                jobs["market_data"] = self._market_data(ib, watch)
            if "fills" in wanted:
                jobs["fills"] = self._fills(ib, ledger)
            answers = await asyncio.gather(self._current_time(ib), self._observe(watch), *jobs.values(), return_exceptions=True)
            timing = answers[0] if isinstance(answers[0], tuple) else (None, None, None)
            results = {"api": self._api_result(shake, watch, timing[0], timing[1], clock, timing[2])}
            for name, value in zip(jobs, answers[2:]):
                results[name] = value if isinstance(value, ProbeResult) else self._failed(name, value, watch)
            return {name: results[name] for name in wanted}
        finally:
            await close(ib)
            if system is not None and not system.done():
                system.cancel()
            if ledger is not None and not ledger.done():
                ledger.cancel()

    @staticmethod
    def _failed(name: str, error: BaseException, watch: SessionWatch) -> ProbeResult:
        if watch.closed or isinstance(error, ConnectionError):
            return unknown(name, f"The Gateway closed the API connection — {WHAT[name]} not read")
        text = str(error).strip()
        return unknown(name, f"{WHAT[name].capitalize()} not read ({type(error).__name__}{': ' + text if text else ''})")

    # api
    async def _observe(self, watch: SessionWatch) -> None:
        """Keep the session open until `gateway.observe_s` after the handshake (while the
        requests run), so that a Gateway that accepts a client and drops it a moment later
        is seen doing it; ends at once when it does. Bounded by the request deadline."""
        if watch.ready_at is None:
            return
        until = watch.ready_at + min(self.config.gateway.observe_s, self.config.gateway.request_wait_s)
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
        watch = Stopwatch()
        try:
            server = await asyncio.wait_for(ib.reqCurrentTimeAsync(), self.config.gateway.request_wait_s)
        except TimeoutError:
            return None, None, time.monotonic()
        return watch.ms(), server.isoformat() if server else None, time.monotonic()

    def _api_result(
        self,
        shake: Handshake,
        watch: SessionWatch,
        latency: float | None,
        server_time: str | None,
        clock: Stopwatch,
        ended: float | None = None,
    ) -> ProbeResult:
        gw = self.config.gateway
        if shake.stage == "ready" and watch.dropped:
            # Ready, then closed by the peer while irtui was still reading or watching: a
            # Gateway that drops its clients is no "Ready", whatever it answered first.
            shake = Handshake("dropped", watch.drop_detail(shake.server_version), True, shake.server_version, shake.connection_time, list(shake.accounts))
        elif shake.stage == "ready" and latency is None:
            # A handshake proves little: a Gateway hung after login completes it and then
            # answers nothing. A request with no answer within its deadline is a failed API.
            timeout = gw.request_wait_s
            detail = f"handshake done (v{shake.server_version}, {', '.join(shake.accounts)}), then no answer to the current-time request within {timeout:g}s: stale connection"
            shake = Handshake("unanswered", detail, True, shake.server_version, shake.connection_time, list(shake.accounts))
        codes = watch.codes()
        lost = connectivity_lost(codes)
        ready = shake.stage == "ready"
        accounts = list(shake.accounts) or None
        expected = set(gw.expected_accounts)
        facts = {
            "stage": shake.stage,
            "server_version": shake.server_version,
            "accounts": accounts,
            "error_codes": codes,
            "latency_ms": latency,
            # Without a session that got its notices, no notice is no evidence of a good link.
            "connectivity_lost": lost if (lost or shake.stage in ("ready", "unanswered", "dropped")) else None,
            "expected_account": bool(expected & set(accounts)) if (expected and accounts) else None,
            "fallback_client_id": self.fell_back,
        }
        unknown: dict[str, str] = {}
        if facts["connectivity_lost"] is None:
            unknown["connectivity_lost"] = f"{_headline(shake).lower()}: the Gateway's link notices could not be read"
        if facts["expected_account"] is None:
            unknown["expected_account"] = "gateway.expected_accounts is not configured" if not expected else "the Gateway named no accounts"
        detail = {
            "host": gw.host,
            "port": gw.trading_port,
            "client_id": self.client_id,
            "reason": shake.detail,
            "connection_time": shake.connection_time,
            "server_time": server_time,
            "notices": [{"req_id": n.req_id, "code": n.code, "message": n.message} for n in watch.notices],
        }
        where = f"{gw.host}:{gw.trading_port}"
        # The api probe's own time: the handshake and the current-time request, not the others.
        ms = (ended - clock.started) * 1000.0 if ended is not None else clock.ms()

        def result(status: Status, summary: str) -> ProbeResult:
            note = (
                f" (irtui's own client id {gw.probe_client_id} is in use — another irtui or a zombie of irtui's; "
                f"probed with its second reserved id {gw.fallback_client_id})"
                if self.fell_back
                else ""
            )
            return make_result("api", status, summary + note, facts, detail, elapsed_ms=ms, unknown=unknown)

        if not ready:
            summary = f"{_headline(shake)} at {where}: {shake.detail}"
            return result(Status.FAIL, summary)
        accounts = ", ".join(shake.accounts)
        if facts["expected_account"] is False:
            want = ", ".join(gw.expected_accounts)
            return result(Status.FAIL, f"Wrong account: the Gateway at {where} is logged in to {accounts}, not {want} (gateway.expected_accounts)")
        if latency is None:
            summary = f"API handshake ok (v{shake.server_version}, {accounts}) but current time got no answer: stale connection?"
            return result(Status.FAIL, summary)
        if lost:
            summary = f"API up at {where}, but the Gateway lost IBKR (codes {', '.join(map(str, codes))})"
            return result(Status.FAIL, summary)
        # Farms by code (codes.py): only a broken market-data farm (2103, not followed by
        # 2104) touches what the API serves live; a broken historical-data (2105) or sec-def
        # (2157) farm leaves the API connection sound, so it is named, not a warning.
        farms, _ = farm_states(watch.notices)
        broken = [FARM_WORDS[kind] for kind in FARM_KINDS if farms[kind] == "broken"]
        status = Status.WARN if (farms["market_data"] == "broken" or latency > SLOW_MS) else Status.OK
        notes = f"; notices {', '.join(map(str, codes))}" if codes else ""
        notes += f" ({' and '.join(broken)} broken)" if broken else ""
        summary = f"API ready at {where} (v{shake.server_version}, {accounts}, {latency:.0f} ms){notes}"
        return result(status, summary)

    def _broker_positions(self, ib: IB) -> Any:
        """The session's one positions request, shared by the positions and orders probes:
        ib_async keys it by name, so a second request at once would orphan the first."""
        if self._held is None:
            self._held = ib.reqPositionsAsync()
        return asyncio.shield(self._held)

    # positions
    async def _positions(self, ib: IB, system: Any) -> ProbeResult:
        watch = Stopwatch()
        timeout = self.config.gateway.request_wait_s
        try:
            broker = await asyncio.wait_for(self._broker_positions(ib), timeout)
        except TimeoutError:
            return unknown("positions", f"Broker positions did not arrive within {timeout:g}s (startup sync hang?)", watch)
        try:
            held, source = await asyncio.wait_for(asyncio.shield(system), max(0.1, self.config.positions.command_timeout_s))
        except SourceError as exc:
            return system_unreadable(str(exc), watch)
        except TimeoutError:
            return system_unreadable("the source did not answer in time", watch)
        rows = [
            BrokerHolding(
                p.account, p.contract.symbol, p.contract.localSymbol or "", p.contract.secType,
                float(p.position), float(p.avgCost), _multiplier(p.contract.multiplier),
            )
            for p in broker
        ]
        return assess_positions(self.config, rows, held, source, watch)

    # fills
    async def _fills(self, ib: IB, ledger: Any) -> ProbeResult:
        watch = Stopwatch()
        timeout = self.config.gateway.request_wait_s
        try:
            executions = await asyncio.wait_for(ib.reqExecutionsAsync(), timeout)
        except TimeoutError:
            return unknown("fills", f"Broker executions did not arrive within {timeout:g}s", watch)
        try:
            known, where = await asyncio.wait_for(asyncio.shield(ledger), max(0.1, self.config.fills.command_timeout_s))
        except SourceError as exc:
            return unknown("fills", f"The system's fill ledger cannot be read: {exc}", watch)
        except TimeoutError:
            return unknown("fills", "The system's fill ledger did not answer in time", watch)
        rows = [
            FillRow(_aware(f.execution.time), f.contract.symbol.upper(), "BOT" if f.execution.side.upper().startswith("B") else "SLD",
                    abs(float(f.execution.shares)), float(f.execution.price), f.execution.execId or "", f.execution.clientId)
            for f in executions
        ]
        return assess_fills(self.config, rows, known, where, datetime.now(UTC), watch)

    # orders
    async def _orders(self, ib: IB, accounts: tuple[str, ...]) -> ProbeResult:
        watch = Stopwatch()
        settings, timeout = self.config.orders, self.config.gateway.request_wait_s
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout + settings.sample_s

        def left() -> float:
            return max(0.01, deadline - loop.time())

        sampled: frozenset[str] | None = None
        positions = self._broker_positions(ib)  # whether an open order adds exposure
        try:
            trades = await asyncio.wait_for(ib.reqAllOpenOrdersAsync(), left())
            fills = await asyncio.wait_for(ib.reqExecutionsAsync(), left())
            if settings.sample_s > 0:
                sampled = _all_ids(trades)
                await asyncio.sleep(min(settings.sample_s, left()))
                trades = await asyncio.wait_for(ib.reqAllOpenOrdersAsync(), left())
        except TimeoutError:
            return unknown("orders", f"Open orders or executions did not arrive within {timeout:g}s", watch)
        read_at = time.monotonic()
        try:
            held: dict[tuple[str, str], float] | None = _held(await asyncio.wait_for(positions, left()))
        except TimeoutError:
            held = None
        working = [t for t in trades if t.orderStatus.status not in OrderStatus.DoneStates]
        current = [_trade_ids(t) for t in working]
        target = (self.config.gateway.host, self.config.gateway.trading_port)
        if sampled is not None:
            new_orders: NewOrders | None = NewOrders(count_new(current, sampled), settings.sample_s, sampled=True)
        else:
            new_orders = new_since(current, self.gate.last_open_orders(target), accounts, read_at)
        self.gate.keep_open_orders(target, OpenOrdersReading(_all_ids(trades), accounts, read_at))
        open_rows = [
            OpenOrderRow(_trade_key(t), t.contract.symbol, t.order.clientId, t.order.action, float(t.order.totalQuantity), t.orderStatus.status,
                         t.order.account, t.contract.conId, reported_filled(t.orderStatus.filled, t.orderStatus.remaining, t.order.totalQuantity))
            for t in working
        ]
        exec_rows = [
            ExecutionRow(
                _order_key(f.execution.permId, f.execution.clientId, f.execution.orderId), f.contract.symbol, _aware(f.execution.time),
                "BOT" if f.execution.side.upper().startswith("B") else "SLD", abs(float(f.execution.shares)),
            )
            for f in fills
        ]
        # Execution times are the Gateway's, so they are compared with the real clock, not the host's.
        return assess_orders(self.config, open_rows, exec_rows, new_orders, datetime.now(UTC), watch, held)

    # market data
    async def _market_data(self, ib: IB, watch: SessionWatch) -> ProbeResult:
        clock = Stopwatch()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.gateway.request_wait_s
        specs = self.config.market_data.symbols
        snapshots = await asyncio.gather(*(self._snapshot(ib, spec, deadline) for spec in specs))
        return assess_market_data(self.config, list(snapshots), list(watch.notices), datetime.now(UTC), clock)

    async def _snapshot(self, ib: IB, spec: Any, deadline: float) -> SymbolSnapshot:
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


def _held(positions: list[Any]) -> dict[tuple[str, str], float]:
    held: dict[tuple[str, str], float] = {}
    for p in positions:
        key = (p.account, OpenOrderRow.instrument_key(p.contract.conId, p.contract.symbol))
        held[key] = held.get(key, 0.0) + float(p.position)
    return held


def _trade_key(trade: Any) -> str:
    return _order_key(trade.order.permId, trade.order.clientId, trade.order.orderId)


def _trade_ids(trade: Any) -> frozenset[str]:
    return order_ids(trade.order.permId, trade.order.clientId, trade.order.orderId)


def _all_ids(trades: list[Any]) -> frozenset[str]:
    return frozenset().union(*map(_trade_ids, trades))


def _multiplier(value: str) -> float:
    try:
        return float(value) if value else 1.0
    except ValueError:
        return 1.0


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

