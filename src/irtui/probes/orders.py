"""The `orders` probe's logic: open orders and recent executions against the limits.

The API gives no placement time for an order, so rates come from executions: an
order counts at its first execution. Orders that never fill are caught by sampling
the open orders twice, `orders.sample_s` apart: new ones mean orders are still
being placed. `orders_today` counts distinct orders with an execution since
midnight (in `app.timezone`) plus open orders without one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from irtui.config import Config
from irtui.probes.common import Stopwatch, make_result
from irtui.probes.result import ProbeResult, Status


@dataclass(frozen=True)
class ExecutionRow:
    order_key: str  # permId, else clientId/orderId
    symbol: str
    time: datetime


@dataclass(frozen=True)
class OpenOrderRow:
    order_key: str
    symbol: str
    client_id: int
    action: str
    quantity: float
    status: str


def max_rate_per_second(times: list[datetime]) -> float:
    """The most orders whose times fall within any one second."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= timedelta(seconds=1):
            start += 1
        best = max(best, end - start + 1)
    return float(best)


def assess_orders(
    config: Config,
    open_orders: list[OpenOrderRow],
    executions: list[ExecutionRow],
    new_orders: int,
    now: datetime,
    watch: Stopwatch,
) -> ProbeResult:
    settings = config.orders
    first_fill: dict[str, ExecutionRow] = {}
    for row in executions:
        seen = first_fill.get(row.order_key)
        if seen is None or row.time < seen.time:
            first_fill[row.order_key] = row
    lookback = now - timedelta(minutes=settings.lookback_minutes)
    per_symbol: dict[str, list[datetime]] = defaultdict(list)
    for row in first_fill.values():
        if row.time >= lookback:
            per_symbol[row.symbol].append(row.time)
    rates = {symbol: max_rate_per_second(times) for symbol, times in per_symbol.items()}
    fastest = max(rates.values(), default=0.0)
    local_midnight = now.astimezone(ZoneInfo(config.app.timezone)).replace(hour=0, minute=0, second=0, microsecond=0)
    filled_today = {key for key, row in first_fill.items() if row.time >= local_midnight}
    today = filled_today | {o.order_key for o in open_orders}
    last_minute = sum(1 for row in first_fill.values() if row.time >= now - timedelta(minutes=1)) + new_orders
    recent = any(row.time >= now - timedelta(seconds=settings.recent_s) for row in executions)
    facts = {
        "open_orders": len(open_orders),
        "orders_last_minute": last_minute,
        "max_per_symbol_per_s": fastest,
        "orders_today": len(today),
        "over_rate_limit": fastest > settings.max_per_symbol_per_s,
        "over_daily_limit": len(today) > settings.max_per_day,
        "still_placing": new_orders > 0 or recent,
    }
    open_by_symbol: dict[str, int] = defaultdict(int)
    for order in open_orders:
        open_by_symbol[order.symbol] += 1
    detail = {
        "limits": {"max_per_symbol_per_s": settings.max_per_symbol_per_s, "max_per_day": settings.max_per_day},
        "rate_by_symbol": dict(sorted(rates.items())),
        "open_by_symbol": dict(sorted(open_by_symbol.items())),
        "open_by_client": _count_by_client(open_orders),
        "new_orders_in_sample": new_orders,
        "executions_read": len(executions),
    }
    problems = []
    if facts["over_rate_limit"]:
        worst = max(rates, key=lambda s: rates[s])
        problems.append(f"{worst} at {fastest:g} orders/s (limit {settings.max_per_symbol_per_s:g}/s per symbol)")
    if facts["over_daily_limit"]:
        problems.append(f"{len(today)} orders today (limit {settings.max_per_day})")
    placing = ", still placing" if facts["still_placing"] else ""
    if problems:
        summary = "Over the limit: " + "; ".join(problems) + f"; {len(open_orders)} open{placing}"
        return make_result("orders", Status.FAIL, summary, facts, detail, watch)
    summary = f"{len(open_orders)} open, {len(today)} today, {last_minute} in the last minute{placing}; within limits"
    return make_result("orders", Status.OK, summary, facts, detail, watch)


def _count_by_client(open_orders: list[OpenOrderRow]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for order in open_orders:
        counts[str(order.client_id)] += 1
    return dict(sorted(counts.items()))
