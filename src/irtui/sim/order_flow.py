"""A trading system's orders at the simulated broker: placeOrder, cancelOrder, reqGlobalCancel.

Only clients that are not irtui's probes get here (the connection refuses the probes'
order messages first, as a safety failure). The scenario's `orders` policy decides each
answer, in the order TWS sends them:

  accepted   openOrder + orderStatus Submitted (and the policy's warning, e.g. 399)
  filled     ... then execDetails + commissionReport, openOrder + orderStatus Filled,
             and a position update to every client subscribed with reqPositions
  rejected   orderStatus Inactive, then error <code> for the order id
  cancelled  orderStatus Cancelled, then error 202 for the order id

Field positions follow ibapi's and ib_async's placeOrder: a message version after the
id below server version 145, none from 145 on.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from irtui.sim import order_replies, replies, versions
from irtui.sim.book import OrderRow, known_instruments, open_orders
from irtui.sim.scenario import ORDER_TEXTS, Instrument, Scenario, derived_con_id
from irtui.sim.trading import OrderTicket

if TYPE_CHECKING:
    from irtui.sim.connection import ClientConnection

log = logging.getLogger("irtui.sim")

MSG_NO_DEFINITION = "No security definition has been found for the request"


def _number(value: str) -> float | None:
    """An order price: empty or TWS's "unset" (Double.MAX_VALUE) is None."""
    try:
        number = float(value)
    except ValueError:
        return None
    return None if number > 1e300 else number


def parse_ticket(server_version: int, fields: tuple[str, ...], scenario: Scenario) -> OrderTicket:
    if server_version < versions.ORDER_CONTAINER:
        fields = fields[:1] + fields[2:]
    con_id, symbol, sec_type = fields[2], fields[3], fields[4]
    if not symbol and con_id.isdigit():
        symbol = next(
            (item.symbol for item in known_instruments(scenario).values() if item.contract_id == int(con_id)),
            next((name for name in scenario.market_data if derived_con_id(name) == int(con_id)), ""),
        )
    instrument = known_instruments(scenario).get(symbol) or Instrument(
        symbol=symbol or "?",
        sec_type=sec_type or "STK",
        exchange=fields[9] or "SMART",
        primary_exchange=fields[10],
        currency=fields[11] or "USD",
    )
    return OrderTicket(
        order_id=int(fields[1]),
        instrument=instrument,
        action=fields[16].upper(),
        quantity=float(fields[17] or 0),
        order_type=fields[18].upper(),
        limit_price=_number(fields[19]),
        aux_price=_number(fields[20]),
        tif=fields[21] or "DAY",
        account=fields[23] or scenario.accounts[0],
        order_ref=fields[26],
    )


def _fills_now(answer: str, ticket: OrderTicket, price: float) -> bool:
    if answer == "fill":
        return True
    if answer == "rest":
        return False
    if ticket.order_type == "MKT":
        return True
    if ticket.order_type == "LMT" and ticket.limit_price is not None:
        return ticket.limit_price >= price if ticket.action == "BUY" else ticket.limit_price <= price
    return False


def place_order(client: ClientConnection, fields: tuple[str, ...]) -> None:
    scenario, book = client.scenario, client.gateway.book
    ticket = parse_ticket(client.server_version, fields, scenario)
    policy = scenario.orders
    spec = scenario.market_spec(ticket.instrument.symbol)
    if spec is None:
        book.refuse(ticket)
        client.reply_error(ticket.order_id, 200, MSG_NO_DEFINITION)
        return
    if policy.answer == "reject":
        book.refuse(ticket)
        if policy.reject_code != 321:  # a read-only API refuses before the order exists
            client.reply(replies.order_status(client.server_version, ticket.order_id, "Inactive", 0, ticket.quantity, 0, client.client_id or 0))
        client.reply_error(ticket.order_id, policy.reject_code, policy.reject_text)
        return
    row = book.accept(client.client_id or 0, ticket)
    _send_order(client, row)
    if policy.warning_code is not None:
        client.reply_error(ticket.order_id, policy.warning_code, ORDER_TEXTS.get(policy.warning_code, "Order warning"))
    if _fills_now(policy.answer, ticket, spec.price):
        fill(client, row, spec.price)


def fill(client: ClientConnection, row: OrderRow, price: float) -> None:
    gateway = client.gateway
    filled, execution = gateway.book.fill(row, price, time.time())
    client.reply(replies.exec_details(client.server_version, -1, execution))
    client.reply(replies.commission_report(execution, execution.instrument.currency))
    _send_order(client, filled, avg_price=price)
    quantity, avg_cost = gateway.position_of(filled.account, filled.instrument)
    for other in gateway.clients():
        if other.positions_subscribed:
            other.reply(replies.position(filled.account, filled.instrument, quantity, avg_cost))


def _send_order(client: ClientConnection, row: OrderRow, avg_price: float = 0.0) -> None:
    client.reply(order_replies.open_order(client.server_version, row))
    remaining = max(0.0, row.quantity - row.filled)
    client.reply(
        replies.order_status(
            client.server_version, row.order_id, row.status, row.filled, remaining, row.perm_id, row.client_id, avg_price
        )
    )


def _send_cancelled(client: ClientConnection, row: OrderRow) -> None:
    client.reply(
        replies.order_status(
            client.server_version, row.order_id, "Cancelled", row.filled, row.quantity - row.filled, row.perm_id, row.client_id
        )
    )
    client.reply_error(row.order_id, 202, ORDER_TEXTS[202])


def cancel_order(client: ClientConnection, fields: tuple[str, ...]) -> None:
    order_id = int(fields[2])
    cancelled = client.gateway.book.cancel(client.client_id or 0, order_id)
    if cancelled is None:
        # TWS's answer to a cancel for an order it does not know (or that already filled).
        client.reply_error(order_id, 10147, f"OrderId {order_id} that needs to be cancelled is not found.")
        return
    _send_cancelled(client, cancelled)


def global_cancel(client: ClientConnection, fields: tuple[str, ...]) -> None:
    gateway = client.gateway
    scenario_rows = [row for row in open_orders(gateway.scenario) if row.order_id not in gateway.book.cancelled_scenario_orders]
    for row in gateway.book.cancel_all([row.order_id for row in scenario_rows]):
        owners = [other for other in gateway.clients() if other.client_id == row.client_id] or [client]
        for owner in owners:
            _send_cancelled(owner, row)
    log.info("sim: client %s cancelled every working order (reqGlobalCancel)", client.client_id)
