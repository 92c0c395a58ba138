"""What the trading systems' own orders did at the simulated broker: working orders, fills,
and the positions they moved.

The scenario's orders, executions and positions are fixed; this book holds what was
added on top of them while the simulator ran, so every client's reqOpenOrders,
reqExecutions and reqPositions see the same account. It outlives scenario changes
(a drill's world moving on does not undo a fill). irtui's probes never add to it: their
order messages are refused before they get here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

from irtui.sim.book import ExecRow, OrderRow, derived_exec_id
from irtui.sim.scenario import Instrument

# Perm ids for live orders, far from the scenario's derived ones (10_000_000 + order id).
FIRST_LIVE_PERM_ID = 50_000_000
COMMISSION_PER_SHARE = 0.005
MIN_COMMISSION = 1.0


@dataclass(frozen=True)
class OrderTicket:
    """The fields of a placeOrder the simulator acts on."""

    order_id: int
    instrument: Instrument
    action: str
    quantity: float
    order_type: str
    limit_price: float | None
    aux_price: float | None
    tif: str
    account: str
    order_ref: str


@dataclass
class LiveBook:
    orders: dict[tuple[int, int], OrderRow] = field(default_factory=dict)  # (client id, order id)
    executions: list[ExecRow] = field(default_factory=list)
    # (account, symbol) -> (instrument, quantity bought minus sold, cost of what was bought or sold)
    moves: dict[tuple[str, str], tuple[Instrument, float, float]] = field(default_factory=dict)
    cancelled_scenario_orders: set[int] = field(default_factory=set)  # order ids
    highest_order_id: int = 0
    _perm_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(FIRST_LIVE_PERM_ID))

    def next_order_id(self, floor: int) -> int:
        return max(floor, self.highest_order_id + 1)

    def working(self, client_id: int, order_id: int) -> OrderRow | None:
        return self.orders.get((client_id, order_id))

    def accept(self, client_id: int, ticket: OrderTicket) -> OrderRow:
        """A new working order, or the same order id changed (a modify keeps its perm id)."""
        self.highest_order_id = max(self.highest_order_id, ticket.order_id)
        previous = self.orders.get((client_id, ticket.order_id))
        row = OrderRow(
            instrument=ticket.instrument,
            order_id=ticket.order_id,
            perm_id=previous.perm_id if previous else next(self._perm_ids),
            client_id=client_id,
            account=ticket.account,
            action=ticket.action,
            quantity=ticket.quantity,
            order_type=ticket.order_type,
            limit_price=ticket.limit_price,
            aux_price=ticket.aux_price,
            tif=ticket.tif,
            status="Submitted",
            filled=previous.filled if previous else 0.0,
            order_ref=ticket.order_ref,
        )
        self.orders[(client_id, ticket.order_id)] = row
        return row

    def refuse(self, ticket: OrderTicket) -> None:
        self.highest_order_id = max(self.highest_order_id, ticket.order_id)

    def fill(self, row: OrderRow, price: float, at: float) -> tuple[OrderRow, ExecRow]:
        """Fill what is left of a working order at `price`; it leaves the working orders."""
        shares = max(0.0, row.quantity - row.filled)
        side = "BOT" if row.action == "BUY" else "SLD"
        execution = ExecRow(
            instrument=row.instrument,
            exec_id=derived_exec_id(row.perm_id, len(self.executions)),
            order_id=row.order_id,
            perm_id=row.perm_id,
            client_id=row.client_id,
            account=row.account,
            side=side,
            shares=shares,
            price=price,
            at=at,
            commission=round(max(MIN_COMMISSION, shares * COMMISSION_PER_SHARE), 2),
            order_ref=row.order_ref,
        )
        self.executions.append(execution)
        key = (row.account, row.instrument.symbol)
        _instrument, quantity, cost = self.moves.get(key, (row.instrument, 0.0, 0.0))
        signed = shares if side == "BOT" else -shares
        self.moves[key] = (row.instrument, quantity + signed, cost + signed * price)
        filled = replace(row, status="Filled", filled=row.quantity)
        self.orders.pop((row.client_id, row.order_id), None)
        return filled, execution

    def cancel(self, client_id: int, order_id: int) -> OrderRow | None:
        row = self.orders.pop((client_id, order_id), None)
        return replace(row, status="Cancelled") if row is not None else None

    def cancel_all(self, scenario_order_ids: list[int]) -> list[OrderRow]:
        """reqGlobalCancel: every working order, the scenario's included."""
        self.cancelled_scenario_orders.update(scenario_order_ids)
        cancelled = [replace(row, status="Cancelled") for row in self.orders.values()]
        self.orders.clear()
        return cancelled

    def position_after(self, account: str, symbol: str, quantity: float, avg_cost: float) -> tuple[float, float]:
        """A scenario position moved by the fills since: (quantity, average cost)."""
        move = self.moves.get((account, symbol))
        if move is None:
            return quantity, avg_cost
        _instrument, moved, moved_cost = move
        total = quantity + moved
        if total == 0:
            return 0.0, 0.0
        return total, round((quantity * avg_cost + moved_cost) / total, 4)
