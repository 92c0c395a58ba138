"""Judgement: what one API session read (`ApiReadings`), made into probe results.

The api result (how far the handshake got, the link notices, the current-time round
trip), and the positions, orders, fills and market-data results, each with the
configuration and what the host holds (the trading system's positions and fill
ledger, read beside the session). The open orders a session read are kept in the API
gate, so the next session can tell new orders. No ib_async here: the readings may
come from a child process.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from irtui.boundary.display import some
from irtui.config import Config
from irtui.probes.api_gate import ApiGate
from irtui.probes.codes import FARM_KINDS, farm_states
from irtui.probes.common import Stopwatch, make_result, unknown
from irtui.probes.exposure import OpenOrderRow, reported_filled
from irtui.probes.fills import FillRow, assess_fills
from irtui.probes.market_data import assess_market_data
from irtui.probes.orders import ExecutionRow, NewOrders, OpenOrdersReading, assess_orders, count_new, new_since, order_ids
from irtui.probes.positions import BrokerHolding, SourceError, assess_positions, system_unreadable
from irtui.probes.readings import ApiReadings, Failure, FillsReading, Handshake, MarketDataReading, OrdersReading, PositionsReading
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


def headline(shake: Handshake) -> str:
    return NOT_TWS_WORDS if shake.not_tws else STAGE_WORDS[shake.stage]


def since(started: float) -> Stopwatch:
    """A stopwatch started at `started` (time.monotonic(), the same clock in every process)."""
    watch = Stopwatch()
    watch.started = started
    return watch


class Judgement:
    """The results of one session's readings; `system` and `ledger` are the host reads
    started beside the session (futures of `read_system_positions` and `read_ledger`)."""

    def __init__(self, config: Config, gate: ApiGate, system: Any = None, ledger: Any = None) -> None:
        self.config = config
        self.gate = gate
        self.system = system
        self.ledger = ledger

    async def results(self, wanted: set[str], readings: ApiReadings) -> dict[str, ProbeResult]:
        shake = readings.shake
        results = {"api": self.api_result(readings)}
        if shake.stage != "ready":
            for name in wanted - {"api"}:
                results[name] = unknown(name, f"{headline(shake)} — {WHAT[name]} not read", Stopwatch(), stage=shake.stage)
            return {name: results[name] for name in wanted}
        judges = {"positions": self._positions, "orders": self._orders, "market_data": self._market_data, "fills": self._fills}
        for name in sorted(wanted - {"api"}):
            reading = getattr(readings, name)
            try:
                if isinstance(reading, Failure):
                    raise _Failed(reading)
                results[name] = await judges[name](reading, tuple(shake.accounts))
            except Exception as error:  # what the session's own job would have raised
                results[name] = self._failed(name, error, readings.closed)
        return {name: results[name] for name in wanted}

    @staticmethod
    def _failed(name: str, error: BaseException, closed: bool) -> ProbeResult:
        failure = error.failure if isinstance(error, _Failed) else Failure(type(error).__name__, str(error).strip(), isinstance(error, ConnectionError))
        if closed or failure.connection:
            return unknown(name, f"The Gateway closed the API connection — {WHAT[name]} not read")
        return unknown(name, f"{WHAT[name].capitalize()} not read ({failure.type_name}{': ' + failure.text if failure.text else ''})")

    def api_result(self, readings: ApiReadings) -> ProbeResult:
        gw = self.config.gateway
        shake, latency = readings.shake, readings.latency_ms
        if shake.stage == "ready" and readings.drop_detail is not None:
            # Ready, then closed by the peer while irtui was still reading or watching: a
            # Gateway that drops its clients is no "Ready", whatever it answered first.
            shake = Handshake("dropped", readings.drop_detail, True, shake.server_version, shake.connection_time, list(shake.accounts))
        elif shake.stage == "ready" and latency is None:
            # A handshake proves little: a Gateway hung after login completes it and then
            # answers nothing. A request with no answer within its deadline is a failed API.
            timeout = gw.request_wait_s
            detail = f"handshake done (v{shake.server_version}, {some(shake.accounts)}), then no answer to the current-time request within {timeout:g}s: stale connection"
            shake = Handshake("unanswered", detail, True, shake.server_version, shake.connection_time, list(shake.accounts))
        codes = list(readings.codes)
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
            "fallback_client_id": readings.fell_back,
        }
        unknown: dict[str, str] = {}
        if facts["connectivity_lost"] is None:
            unknown["connectivity_lost"] = f"{headline(shake).lower()}: the Gateway's link notices could not be read"
        if facts["expected_account"] is None:
            unknown["expected_account"] = "gateway.expected_accounts is not configured" if not expected else "the Gateway named no accounts"
        detail = {
            "host": gw.host,
            "port": gw.trading_port,
            "client_id": readings.client_id,
            "reason": shake.detail,
            "connection_time": shake.connection_time,
            "server_time": readings.server_time,
            "notices": [{"req_id": n.req_id, "code": n.code, "message": n.message} for n in readings.notices],
        }
        where = f"{gw.host}:{gw.trading_port}"

        def result(status: Status, summary: str) -> ProbeResult:
            note = (
                f" (irtui's own client id {gw.probe_client_id} is in use — another irtui or a zombie of irtui's; "
                f"probed with its second reserved id {gw.fallback_client_id})"
                if readings.fell_back
                else ""
            )
            return make_result("api", status, summary + note, facts, detail, elapsed_ms=readings.api_ms, unknown=unknown)

        if not ready:
            return result(Status.FAIL, f"{headline(shake)} at {where}: {shake.detail}")
        accounts_text = some(shake.accounts)
        if facts["expected_account"] is False:
            want = ", ".join(gw.expected_accounts)
            return result(Status.FAIL, f"Wrong account: the Gateway at {where} is logged in to {accounts_text}, not {want} (gateway.expected_accounts)")
        if latency is None:
            summary = f"API handshake ok (v{shake.server_version}, {accounts_text}) but current time got no answer: stale connection?"
            return result(Status.FAIL, summary)
        if lost:
            return result(Status.FAIL, f"API up at {where}, but the Gateway lost IBKR (codes {', '.join(map(str, codes))})")
        # Farms by code (codes.py): only a broken market-data farm (2103, not followed by
        # 2104) touches what the API serves live; a broken historical-data (2105) or sec-def
        # (2157) farm leaves the API connection sound, so it is named, not a warning.
        farms, _ = farm_states(readings.notices)
        broken = [FARM_WORDS[kind] for kind in FARM_KINDS if farms[kind] == "broken"]
        status = Status.WARN if (farms["market_data"] == "broken" or latency > SLOW_MS) else Status.OK
        notes = f"; notices {', '.join(map(str, codes))}" if codes else ""
        notes += f" ({' and '.join(broken)} broken)" if broken else ""
        return result(status, f"API ready at {where} (v{shake.server_version}, {accounts_text}, {latency:.0f} ms){notes}")

    async def _positions(self, reading: PositionsReading, accounts: tuple[str, ...]) -> ProbeResult:
        watch = since(reading.started)
        if reading.holdings is None:
            timeout = self.config.gateway.request_wait_s
            return unknown("positions", f"Broker positions did not arrive within {timeout:g}s (startup sync hang?)", watch)
        try:
            held, source = await asyncio.wait_for(asyncio.shield(self.system), max(0.1, self.config.positions.command_timeout_s))
        except SourceError as exc:
            return system_unreadable(str(exc), watch)
        except TimeoutError:
            return system_unreadable("the source did not answer in time", watch)
        return assess_positions(self.config, [BrokerHolding(*row) for row in reading.holdings], held, source, watch)

    async def _fills(self, reading: FillsReading, accounts: tuple[str, ...]) -> ProbeResult:
        watch = since(reading.started)
        if reading.rows is None:
            return unknown("fills", f"Broker executions did not arrive within {self.config.gateway.request_wait_s:g}s", watch)
        try:
            known, where = await asyncio.wait_for(asyncio.shield(self.ledger), max(0.1, self.config.fills.command_timeout_s))
        except SourceError as exc:
            return unknown("fills", f"The system's fill ledger cannot be read: {exc}", watch)
        except TimeoutError:
            return unknown("fills", "The system's fill ledger did not answer in time", watch)
        return assess_fills(self.config, [FillRow(*row) for row in reading.rows], known, where, datetime.now(UTC), watch)

    async def _orders(self, reading: OrdersReading, accounts: tuple[str, ...]) -> ProbeResult:
        watch = since(reading.started)
        if reading.timed_out:
            return unknown("orders", f"Open orders or executions did not arrive within {self.config.gateway.request_wait_s:g}s", watch)
        gw, settings = self.config.gateway, self.config.orders
        target = (gw.host, gw.trading_port)
        working = [OpenOrderRow(*row[:8], reported_filled(*row[8:11])) for row in reading.working]
        current = [order_ids(*row[11:14]) for row in reading.working]
        if reading.sampled is not None:
            new_orders: NewOrders | None = NewOrders(count_new(current, _every_id(reading.sampled)), settings.sample_s, sampled=True)
        else:
            new_orders = new_since(current, self.gate.last_open_orders(target), accounts, reading.read_at)
        self.gate.keep_open_orders(target, OpenOrdersReading(_every_id(reading.every_open), accounts, reading.read_at))
        executions = [ExecutionRow(*row) for row in reading.executions]
        assert reading.at is not None
        return assess_orders(self.config, working, executions, new_orders, reading.at, watch, _held(reading.held))

    async def _market_data(self, reading: MarketDataReading, accounts: tuple[str, ...]) -> ProbeResult:
        return assess_market_data(self.config, list(reading.snapshots), list(reading.notices), reading.at, since(reading.started))


def _every_id(orders: tuple[tuple[int, int, int], ...]) -> frozenset[str]:
    return frozenset().union(*(order_ids(*ids) for ids in orders))


def _held(positions: tuple[tuple[str, int, str, float], ...] | None) -> dict[tuple[str, str], float] | None:
    """The broker's positions by (account, instrument), as an open order is weighed against them."""
    if positions is None:
        return None
    held: dict[tuple[str, str], float] = {}
    for account, con_id, symbol, quantity in positions:
        key = (account, OpenOrderRow.instrument_key(con_id, symbol))
        held[key] = held.get(key, 0.0) + quantity
    return held


class _Failed(Exception):
    """A request of the session that raised (in whichever process collected)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.text)
        self.failure = failure
