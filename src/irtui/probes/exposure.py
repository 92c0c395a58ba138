"""Which working orders add exposure, judged against the broker's positions as they are now.

After a kill switch only orders that reduce a position should be working. What an order
can still do is what is left of it to fill (its total quantity less what the order
status says has filled); the fills so far are already in the broker's position. So a
SELL 150 of which 100 filled, against what is now a flat position, still has 50 to sell
into a short: it adds exposure, though its total once matched a long of 100.

An order in the position's direction (a buy when long or flat, a sell or short sale when
short or flat) adds exposure. Orders against the position share what it holds: taken
in the order they were placed, each uses up part of it, and the one that needs more
than is left adds the excess (two SELL 60 against a long of 100: the second would sell
20 into a short). With no order status for an order its filled quantity is unknown:
when the judgement hangs on it, the order is listed as unsure, never as reducing.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

TOLERANCE = 1e-9  # quantities are floats from the wire; a position exactly used up is used up


@dataclass(frozen=True)
class OpenOrderRow:
    order_key: str
    symbol: str
    client_id: int
    action: str
    quantity: float  # the order's total quantity
    status: str
    account: str = ""
    con_id: int = 0  # tells an option or future from the stock of the same symbol
    filled: float | None = 0.0  # from the order status; None when no usable status came

    @property
    def instrument(self) -> str:
        return self.instrument_key(self.con_id, self.symbol)

    @staticmethod
    def instrument_key(con_id: int, symbol: str) -> str:
        """What an order and a position are matched by: the contract id, else the symbol."""
        return f"con {con_id}" if con_id else symbol

    @property
    def direction(self) -> float:
        return 1.0 if self.action.upper() == "BUY" else -1.0

    @property
    def left(self) -> float | None:
        """What is left to fill, or None when the filled quantity is not known."""
        return None if self.filled is None else max(0.0, self.quantity - self.filled)


def reported_filled(filled: float | Decimal, remaining: float | Decimal, total: float | Decimal) -> float | None:
    """The filled quantity an order status reported, or None when it cannot be trusted.

    ib_async leaves filled and remaining at 0 until an order status arrives, so 0 and 0
    on an order of some size means none came. A value that is not a finite, non-negative
    number no larger than the order (TWS's "unset" is the largest double) is not a fill.
    """
    try:
        done, rest, size = float(filled), float(remaining), float(total)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not all(math.isfinite(v) and v >= 0 for v in (done, rest, size)):
        return None
    if done == 0 and rest == 0 and size > 0:
        return None
    if done > size + TOLERANCE:
        return None
    return done


@dataclass(frozen=True)
class RiskAdding:
    """A working order that adds exposure, and by how much."""

    order: OpenOrderRow
    position: float  # the broker's position it meets (fills so far already in it)
    beyond: float  # how much of it adds exposure; with an unknown fill, at most this much
    before: float = 0.0  # left to trade by earlier orders against the same position

    def words(self) -> str:
        order = self.order
        left = order.left
        if left is None:
            size = f"{order.quantity:g} {order.symbol} (filled part not reported)"
        elif order.filled:
            size = f"{order.quantity:g} {order.symbol} ({left:g} left, {order.filled:g} filled)"
        else:
            size = f"{order.quantity:g} {order.symbol}"
        text = f"{order.action} {size} against a position of {self.position:g}"
        if self.position * order.direction < 0:  # against the position: only its excess adds
            verb = "buy" if order.direction > 0 else "sell"
            up_to = "up to " if left is None else ""
            text += f": {up_to}{self.beyond:g} beyond it"
            if self.before > TOLERANCE:
                text += f" after {self.before:g} to {verb} in earlier working orders"
        return text


@dataclass(frozen=True)
class Exposure:
    adding: list[RiskAdding]  # add exposure whatever their unreported fills were
    unsure: list[RiskAdding]  # add exposure unless enough of them already filled (not reported)


def judge_exposure(open_orders: Iterable[OpenOrderRow], held: Mapping[tuple[str, str], float]) -> Exposure:
    """Working orders that add exposure against `held`: (account, instrument) → the broker's position.

    An order with no account meets the instrument's position summed over accounts.
    """
    summed: dict[str, float] = defaultdict(float)
    for (_account, instrument), quantity in held.items():
        summed[instrument] += quantity
    groups: dict[tuple[str, str], list[OpenOrderRow]] = defaultdict(list)
    for order in open_orders:
        groups[(order.account, order.instrument)].append(order)
    adding: list[RiskAdding] = []
    unsure: list[RiskAdding] = []
    for (account, instrument), orders in groups.items():
        position = held.get((account, instrument), 0.0) if account else summed.get(instrument, 0.0)
        for verdict, certain in _judge_contract(sorted(orders, key=_placed), position):
            (adding if certain else unsure).append(verdict)
    adding.sort(key=lambda v: _placed(v.order))
    unsure.sort(key=lambda v: _placed(v.order))
    return Exposure(adding, unsure)


def _judge_contract(orders: list[OpenOrderRow], position: float) -> list[tuple[RiskAdding, bool]]:
    """Each adding order of one contract, and whether it adds whatever its unreported fill was.

    Orders against the position are judged twice: with an unreported order taken as all
    filled but a sliver (it is still working) and as not filled at all. Adding in the
    first means adding for sure; adding only in the second means it hangs on the fill.
    """
    verdicts: list[tuple[RiskAdding, bool]] = []
    held = abs(position)
    used_least = used_most = 0.0  # what the earlier orders against the position take from it
    for order in orders:
        left = order.left
        if left is not None and left <= TOLERANCE:
            continue  # all filled, its status not yet Filled: nothing left to add
        if position * order.direction >= 0:  # flat, or in the position's direction
            verdicts.append((RiskAdding(order, position, order.quantity if left is None else left), True))
            continue
        least = left if left is not None else 0.0
        most = left if left is not None else order.quantity
        room_least, room_most = held - used_most, held - used_least
        beyond_most = most - max(0.0, room_least)
        if left is None:
            sure = room_most <= TOLERANCE  # nothing left to reduce: any of it adds
        else:
            sure = least - max(0.0, room_most) > TOLERANCE
        if beyond_most > TOLERANCE:
            verdicts.append((RiskAdding(order, position, min(most, beyond_most), used_most), sure))
        used_least += least
        used_most += most
    return verdicts


def _placed(order: OpenOrderRow) -> tuple[object, ...]:
    """Placement order: perm ids grow over time; compared as numbers, not as text ("9" < "10")."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", order.order_key))
