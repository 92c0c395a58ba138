"""The `orders` probe's logic: open orders and recent executions against the limits.

The API gives no placement time for an order, so rates come from executions: an
order counts at its first execution. Orders that never fill are caught by comparing
the open orders with the previous API session's reading, which the API gate keeps
(process-wide, per Gateway): open orders that reading did not have, if it is at most
two minutes old and of the same accounts, mean orders are still being placed. With
no such reading (a one-shot `irtui probe`) only a recent execution says so, and the
summary says that too. `orders.sample_s > 0` instead reads the open orders twice,
that far apart, within the session. `orders_today` counts distinct orders with an
execution since midnight (in `app.timezone`) plus open orders without one.
Without an earlier reading and with no recent fill, whether orders are still being
placed is unknown, not "no": `still_placing` is then left unknown, with why. More
open orders than `orders.max_open` is a runaway of its own, filled or not.

Against the broker's positions, an open order either reduces a position (a sell of a
long, a buy of a short, no more than it holds) or adds exposure: after a kill switch
only the first kind should be working. exposure.py judges that by what is left of each
order to fill. Without the positions, or when an order's filled quantity decides it
and no order status reported it, that is unknown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from irtui.probes.common import Stopwatch, format_age, make_result
from irtui.probes.exposure import OpenOrderRow, RiskAdding, judge_exposure
from irtui.probes.result import ProbeResult, Status

if TYPE_CHECKING:  # annotations only
    from irtui.config import Config

READING_MAX_AGE_S = 120.0  # an older reading says little about whether orders are still being placed


@dataclass(frozen=True)
class ExecutionRow:
    order_key: str  # permId, else clientId/orderId
    symbol: str
    time: datetime
    side: str = ""  # BOT or SLD; empty when not known
    quantity: float = 0.0


DUPLICATE_WITHIN = timedelta(seconds=1)


def duplicate_orders(first_fills: list[ExecutionRow]) -> int:
    """Orders that repeat one sent less than a second before: same symbol, side and quantity.

    A resend or retry loop shows this way; a strategy that scales in on purpose rarely does."""
    groups: dict[tuple[str, str, float], list[datetime]] = defaultdict(list)
    for row in first_fills:
        if row.side:
            groups[(row.symbol, row.side, row.quantity)].append(row.time)
    repeats = 0
    for times in groups.values():
        times.sort()
        repeats += sum(1 for earlier, later in pairwise(times) if later - earlier < DUPLICATE_WITHIN)
    return repeats


MAX_LISTED = 10  # risk-adding orders named in the evidence; the count is always whole


@dataclass(frozen=True)
class OpenOrdersReading:
    """The open orders one API session saw: every id each order is known by, and when."""

    ids: frozenset[str]
    accounts: tuple[str, ...]
    at: float  # time.monotonic()


@dataclass(frozen=True)
class NewOrders:
    """How many open orders an earlier reading did not have, and which reading that was."""

    count: int
    since_s: float
    sampled: bool = False  # the opt-in `orders.sample_s` window, not the previous session's reading

    def describe(self) -> str:
        what = f"{self.count} new open order{'s' if self.count != 1 else ''}" if self.count else "no new open orders"
        if self.sampled:
            return f"{what} within the {self.since_s:g}s sample"
        return f"{what} since the reading {format_age(self.since_s)} ago"


def order_ids(perm_id: int, client_id: int, order_id: int) -> frozenset[str]:
    """The ids an order is known by: its permId once the Gateway gave one, and its
    client's order id (0 for some manual TWS orders, so not an id then)."""
    ids = {f"perm {perm_id}"} if perm_id else set()
    if order_id:
        ids.add(f"order {client_id}/{order_id}")
    return frozenset(ids)


def new_since(current: list[frozenset[str]], earlier: OpenOrdersReading | None, accounts: tuple[str, ...], now: float) -> NewOrders | None:
    """The open orders (`current`, each by its ids) that `earlier` did not have, or None when
    there is no earlier reading to compare with: none, too old, or of other accounts."""
    if earlier is None or earlier.accounts != accounts:
        return None
    age = now - earlier.at
    if not 0 <= age <= READING_MAX_AGE_S:
        return None
    return NewOrders(count_new(current, earlier.ids), age)


def count_new(current: list[frozenset[str]], known: frozenset[str]) -> int:
    """Orders (each by its ids) known by none of `known`; an order with no id cannot be told apart."""
    return sum(1 for ids in current if ids and not ids & known)


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
    new_orders: NewOrders | None,
    now: datetime,
    watch: Stopwatch,
    held: Mapping[tuple[str, str], float] | None = None,
) -> ProbeResult:
    """`new_orders` is None when no earlier reading of the open orders was there to compare with;
    `held` (the broker's positions by account and symbol) is None when they were not read."""
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
    arrived = new_orders.count if new_orders else 0
    last_minute = sum(1 for row in first_fill.values() if row.time >= now - timedelta(minutes=1))
    if new_orders and new_orders.since_s <= 60:
        last_minute += arrived
    recent = any(row.time >= now - timedelta(seconds=settings.recent_s) for row in executions)
    facts = {
        "open_orders": len(open_orders),
        "orders_last_minute": last_minute,
        "max_per_symbol_per_s": fastest,
        "orders_today": len(today),
        "over_rate_limit": fastest > settings.max_per_symbol_per_s,
        "over_daily_limit": len(today) > settings.max_per_day,
        "over_open_limit": len(open_orders) > settings.max_open,
        "duplicate_orders": duplicate_orders([row for row in first_fill.values() if row.time >= lookback]),
        # With no open order and no recent fill nothing is being placed; with open orders
        # and nothing to compare them with, nobody can tell.
        "still_placing": True if (arrived > 0 or recent) else (False if (new_orders is not None or not open_orders) else None),
    }
    unknown: dict[str, str] = {}
    if facts["still_placing"] is None:
        unknown["still_placing"] = f"no earlier open-order reading to compare with, and no fill in the last {settings.recent_s:g}s"
    adding, unsure = _risk_adding(open_orders, held, facts, unknown)
    compared = new_orders.describe() if new_orders else "no earlier open-order reading to compare with: executions alone tell"
    open_by_symbol: dict[str, int] = defaultdict(int)
    for order in open_orders:
        open_by_symbol[order.symbol] += 1
    detail = {
        "limits": {"max_per_symbol_per_s": settings.max_per_symbol_per_s, "max_per_day": settings.max_per_day},
        "rate_by_symbol": dict(sorted(rates.items())),
        "open_by_symbol": dict(sorted(open_by_symbol.items())),
        "open_by_client": _count_by_client(open_orders),
        "new_open_orders": new_orders.count if new_orders else None,
        "open_orders_compared": compared,
        "executions_read": len(executions),
        "adding_exposure": [verdict.words() for verdict in adding[:MAX_LISTED]],
    }
    if unsure:
        detail["adding_exposure_unless_filled"] = [verdict.words() for verdict in unsure[:MAX_LISTED]]
    problems = []
    if facts["over_rate_limit"]:
        worst = max(rates, key=lambda s: rates[s])
        problems.append(f"{worst} at {fastest:g} orders/s (limit {settings.max_per_symbol_per_s:g}/s per symbol)")
    if facts["over_daily_limit"]:
        problems.append(f"{len(today)} orders today (limit {settings.max_per_day})")
    if facts["over_open_limit"]:
        problems.append(f"{len(open_orders)} open orders (limit {settings.max_open}), filled or not")
    placing = _placing_words(new_orders, recent, settings.recent_s)
    if adding:
        more = f" and {len(adding) - 1} more" if len(adding) > 1 else ""
        placing += f"; {len(adding)} would add exposure ({adding[0].words()}{more})"
    if unsure:
        placing += f"; {len(unsure)} may add exposure, by a filled quantity no order status reported"
    if problems:
        summary = "Over the limit: " + "; ".join(problems) + f"; {len(open_orders)} open{placing}"
        return make_result("orders", Status.FAIL, summary, facts, detail, watch, unknown=unknown)
    dated = "" if new_orders is not None else " (dated by fills: unfilled orders have no time)"
    summary = f"{len(open_orders)} open, {len(today)} today, {last_minute} in the last minute{dated}{placing}; within limits"
    return make_result("orders", Status.OK, summary, facts, detail, watch, unknown=unknown)


def _placing_words(new_orders: NewOrders | None, recent: bool, recent_s: float) -> str:
    fill = f"a fill in the last {recent_s:g}s"
    if new_orders is None:
        unsure = "no earlier open-order reading to compare with"
        return f", still placing: {fill} ({unsure})" if recent else f", no fill in the last {recent_s:g}s ({unsure})"
    if new_orders.count:
        return f", still placing ({new_orders.describe()})"
    return f", still placing ({fill})" if recent else ""


def _risk_adding(
    open_orders: list[OpenOrderRow], held: Mapping[tuple[str, str], float] | None, facts: dict, unknown: dict[str, str],
) -> tuple[list[RiskAdding], list[RiskAdding]]:
    """Sets `risk_increasing_orders` (or why it is unknown); the orders that add exposure for
    sure, and those that do unless more of them filled than any order status said."""
    if not open_orders:  # nothing works, so nothing adds exposure, positions or not
        facts["risk_increasing_orders"] = 0
        return [], []
    if held is None:
        facts["risk_increasing_orders"] = None
        unknown["risk_increasing_orders"] = "the broker's positions were not read, so whether an order adds exposure cannot be told"
        return [], []
    judged = judge_exposure(open_orders, held)
    facts["risk_increasing_orders"] = len(judged.adding)
    if judged.unsure and not judged.adding:
        facts["risk_increasing_orders"] = None
        first = judged.unsure[0].order
        more = f" and {len(judged.unsure) - 1} more" if len(judged.unsure) > 1 else ""
        unknown["risk_increasing_orders"] = (
            f"no order status said how much of {first.action} {first.quantity:g} {first.symbol}{more} has filled,"
            " and with little filled it would trade beyond the position: TWS → Orders shows the Filled column"
        )
    return judged.adding, judged.unsure


def _count_by_client(open_orders: list[OpenOrderRow]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for order in open_orders:
        counts[str(order.client_id)] += 1
    return dict(sorted(counts.items()))
