"""The account as a client sees it at one moment: rows derived from a scenario and the clock.

Scenario times are relative ("60 s ago"), so every request resolves them against the
moment it is answered; ids (perm ids, exec ids) are derived deterministically so that
repeated requests describe the same orders and fills.
"""

from __future__ import annotations

from dataclasses import dataclass

from irtui.sim.scenario import Instrument, Scenario


@dataclass(frozen=True)
class OrderRow:
    instrument: Instrument
    order_id: int
    perm_id: int
    client_id: int
    account: str
    action: str
    quantity: float
    order_type: str
    limit_price: float | None
    aux_price: float | None
    tif: str
    status: str
    filled: float
    order_ref: str
    status_reported: bool = True  # an order status follows the open order


@dataclass(frozen=True)
class CompletedRow:
    instrument: Instrument
    perm_id: int
    account: str
    action: str
    quantity: float
    filled: float
    order_type: str
    limit_price: float | None
    status: str
    completed_at: float
    order_ref: str


@dataclass(frozen=True)
class ExecRow:
    instrument: Instrument
    exec_id: str
    order_id: int
    perm_id: int
    client_id: int
    account: str
    side: str
    shares: float
    price: float
    at: float
    commission: float
    order_ref: str


def derived_perm_id(order_id: int) -> int:
    return 10_000_000 + order_id


def derived_exec_id(perm_id: int, index: int) -> str:
    return f"0001{index:04x}.{perm_id:08x}.01.01"


def _account(scenario: Scenario, account: str) -> str:
    return account or scenario.accounts[0]


def open_orders(scenario: Scenario) -> list[OrderRow]:
    rows = [
        OrderRow(
            instrument=spec,
            order_id=spec.order_id,
            perm_id=spec.perm_id or derived_perm_id(spec.order_id),
            client_id=spec.client_id,
            account=_account(scenario, spec.account),
            action=spec.action,
            quantity=spec.quantity,
            order_type=spec.order_type,
            limit_price=spec.limit_price,
            aux_price=spec.aux_price,
            tif=spec.tif,
            status=spec.status,
            filled=spec.filled,
            order_ref=spec.order_ref,
            status_reported=spec.status_reported,
        )
        for spec in scenario.open_orders
    ]
    for burst in scenario.order_bursts:
        for index in range(burst.count - burst.working, burst.count):
            order_id = burst.first_order_id + index
            rows.append(
                OrderRow(
                    instrument=burst,
                    order_id=order_id,
                    perm_id=derived_perm_id(order_id),
                    client_id=burst.client_id,
                    account=_account(scenario, burst.account),
                    action="BUY" if burst.side == "BOT" else "SELL",
                    quantity=burst.quantity,
                    order_type="LMT",
                    limit_price=burst.price,
                    aux_price=None,
                    tif="DAY",
                    status="Submitted",
                    filled=0.0,
                    order_ref="burst",
                )
            )
    return rows


def _burst_times(count: int, over_s: float, now: float) -> list[float]:
    # Evenly spread, the latest at `now`, all inside the last `over_s` seconds.
    return [now - over_s * (count - 1 - index) / count for index in range(count)]


def completed_orders(scenario: Scenario, now: float) -> list[CompletedRow]:
    rows = [
        CompletedRow(
            instrument=spec,
            perm_id=spec.perm_id,
            account=_account(scenario, spec.account),
            action=spec.action,
            quantity=spec.quantity,
            filled=spec.filled if spec.filled is not None else (
                spec.quantity if spec.status == "Filled" else 0.0
            ),
            order_type=spec.order_type,
            limit_price=spec.limit_price,
            status=spec.status,
            completed_at=now - spec.ago_s,
            order_ref=spec.order_ref,
        )
        for spec in scenario.completed_orders
    ]
    for burst in scenario.order_bursts:
        times = _burst_times(burst.count, burst.over_s, now)
        for index in range(burst.count - burst.working):
            rows.append(
                CompletedRow(
                    instrument=burst,
                    perm_id=derived_perm_id(burst.first_order_id + index),
                    account=_account(scenario, burst.account),
                    action="BUY" if burst.side == "BOT" else "SELL",
                    quantity=burst.quantity,
                    filled=burst.quantity if burst.filled else 0.0,
                    order_type="LMT",
                    limit_price=burst.price,
                    status="Filled" if burst.filled else "Cancelled",
                    completed_at=times[index],
                    order_ref="burst",
                )
            )
    return rows


def executions(scenario: Scenario, now: float) -> list[ExecRow]:
    rows = []
    for index, spec in enumerate(scenario.executions):
        perm_id = spec.perm_id or derived_perm_id(spec.order_id or 900_000 + index)
        rows.append(
            ExecRow(
                instrument=spec,
                exec_id=spec.exec_id or derived_exec_id(perm_id, index),
                order_id=spec.order_id,
                perm_id=perm_id,
                client_id=spec.client_id,
                account=_account(scenario, spec.account),
                side=spec.side,
                shares=spec.shares,
                price=spec.price,
                at=now - spec.ago_s,
                commission=spec.commission,
                order_ref=spec.order_ref,
            )
        )
    for burst in scenario.order_bursts:
        if not burst.filled:
            continue
        times = _burst_times(burst.count, burst.over_s, now)
        for index in range(burst.count - burst.working):
            order_id = burst.first_order_id + index
            perm_id = derived_perm_id(order_id)
            rows.append(
                ExecRow(
                    instrument=burst,
                    exec_id=derived_exec_id(perm_id, 0),
                    order_id=order_id,
                    perm_id=perm_id,
                    client_id=burst.client_id,
                    account=_account(scenario, burst.account),
                    side=burst.side,
                    shares=burst.quantity,
                    price=burst.price,
                    at=times[index],
                    commission=1.0,
                    order_ref="burst",
                )
            )
    rows.sort(key=lambda row: row.at)
    return rows


def market_price(scenario: Scenario, instrument: Instrument, fallback: float) -> float:
    spec = scenario.market_data.get(instrument.symbol)
    return spec.price if spec is not None else fallback


def known_instruments(scenario: Scenario) -> dict[str, Instrument]:
    """Every instrument the scenario names, by symbol (the first definition wins)."""
    found: dict[str, Instrument] = {}
    groups = (
        scenario.positions,
        scenario.open_orders,
        scenario.completed_orders,
        scenario.executions,
        scenario.order_bursts,
    )
    for group in groups:
        for item in group:
            found.setdefault(item.symbol, item)
    return found
