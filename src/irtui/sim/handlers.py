"""Answers to the read-only requests a client may send, keyed by incoming message id.

Field positions follow ib_async 2.1.0's Client request methods. Order-changing
requests never reach this table: the client refuses them first.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from irtui.sim import book, order_replies, replies, versions
from irtui.sim.scenario import Instrument, Scenario, derived_con_id

if TYPE_CHECKING:
    from irtui.sim.connection import ClientConnection

Handler = Callable[["ClientConnection", tuple[str, ...]], None]
_FILTER_TIME = re.compile(r"^(\d{8})[ -]+(\d{2}):(\d{2}):(\d{2})")


def _withheld(client: ClientConnection, marker: str) -> bool:
    return marker in client.scenario.withheld


def _account(scenario: Scenario, account: str) -> str:
    return account or scenario.accounts[0]


def current_time(client: ClientConnection, fields: tuple[str, ...]) -> None:
    client.reply(replies.current_time(time.time()))


def managed_accounts(client: ClientConnection, fields: tuple[str, ...]) -> None:
    client.reply(replies.managed_accounts(client.scenario.accounts))


def next_ids(client: ClientConnection, fields: tuple[str, ...]) -> None:
    client.reply(replies.next_valid_id(client.next_order_id()))


def positions(client: ClientConnection, fields: tuple[str, ...]) -> None:
    client.positions_subscribed = True
    for account, item, quantity, avg_cost in client.gateway.account_positions():
        client.reply(replies.position(account, item, quantity, avg_cost))
    if not _withheld(client, "positions"):
        client.reply(replies.position_end())


def positions_multi(client: ClientConnection, fields: tuple[str, ...]) -> None:
    req_id, account = int(fields[2]), fields[3]
    for owner, item, quantity, avg_cost in client.gateway.account_positions():
        if account in ("", "All", owner):
            client.reply(replies.position_multi(req_id, owner, item, quantity, avg_cost))
    client.reply(replies.position_multi_end(req_id))


def cancel_positions(client: ClientConnection, fields: tuple[str, ...]) -> None:
    client.positions_subscribed = False


def open_orders(client: ClientConnection, fields: tuple[str, ...]) -> None:
    live = client.gateway.book
    rows = [row for row in book.open_orders(client.scenario) if row.order_id not in live.cancelled_scenario_orders]
    for row in rows + list(live.orders.values()):
        client.reply(order_replies.open_order(client.server_version, row))
        if row.status_reported:
            remaining = max(0.0, row.quantity - row.filled)
            client.reply(
                replies.order_status(client.server_version, row.order_id, row.status, row.filled, remaining, row.perm_id, row.client_id)
            )
    if not _withheld(client, "open_orders"):
        client.reply(replies.open_order_end())


def completed_orders(client: ClientConnection, fields: tuple[str, ...]) -> None:
    for row in book.completed_orders(client.scenario, time.time()):
        client.reply(order_replies.completed_order(client.server_version, row))
    if not _withheld(client, "completed_orders"):
        client.reply(replies.completed_orders_end())


def account_updates(client: ClientConnection, fields: tuple[str, ...]) -> None:
    subscribe, account = fields[2] == "1", fields[3]
    if not subscribe:
        return
    scenario = client.scenario
    account = account or scenario.accounts[0]
    for key, value in scenario.account_values.items():
        client.reply(replies.account_value(key, value, scenario.base_currency, account))
    for owner, item, quantity, avg_cost in client.gateway.account_positions():
        if owner != account:
            continue
        market_price = getattr(item, "market_price", None)
        price = market_price if market_price is not None else book.market_price(scenario, item, avg_cost)
        client.reply(replies.portfolio_value(item, quantity, price, avg_cost, account))
    client.reply(replies.account_time(time.time()))
    if not _withheld(client, "account_updates"):
        client.reply(replies.account_download_end(account))


def account_updates_multi(client: ClientConnection, fields: tuple[str, ...]) -> None:
    req_id, account = int(fields[2]), fields[3]
    scenario = client.scenario
    account = account or scenario.accounts[0]
    for key, value in scenario.account_values.items():
        client.reply(replies.account_update_multi(req_id, account, key, value, scenario.base_currency))
    if not _withheld(client, "account_updates"):
        client.reply(replies.account_update_multi_end(req_id))


def account_summary(client: ClientConnection, fields: tuple[str, ...]) -> None:
    req_id, tags = int(fields[2]), fields[4]
    scenario = client.scenario
    wanted = {tag.strip() for tag in tags.split(",") if tag.strip()}
    for account in scenario.accounts:
        for key, value in scenario.account_values.items():
            if not wanted or key in wanted:
                client.reply(replies.account_summary(req_id, account, key, value, scenario.base_currency))
    client.reply(replies.account_summary_end(req_id))


def executions(client: ClientConnection, fields: tuple[str, ...]) -> None:
    req_id = int(fields[2])
    client_filter, account, since, symbol, sec_type, _exchange, side = fields[3:10]
    since_epoch = _filter_time(since)
    for row in book.executions(client.scenario, time.time()) + client.gateway.book.executions:
        if client_filter not in ("", "0") and str(row.client_id) != client_filter:
            continue
        if (account and row.account != account) or (symbol and row.instrument.symbol != symbol):
            continue
        if (sec_type and row.instrument.sec_type != sec_type) or (side and row.side != side):
            continue
        if since_epoch is not None and row.at < since_epoch:
            continue
        client.reply(replies.exec_details(client.server_version, req_id, row))
        client.reply(replies.commission_report(row, row.instrument.currency))
    if not _withheld(client, "executions"):
        client.reply(replies.exec_details_end(req_id))


def _filter_time(value: str) -> float | None:
    """ExecutionFilter.time ("yyyymmdd hh:mm:ss", read as UTC); None if absent or unreadable."""
    match = _FILTER_TIME.match(value.strip())
    if not match:
        return None
    day, hours, minutes, seconds = match.groups()
    try:
        parsed = time.strptime(f"{day}{hours}{minutes}{seconds}", "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return float(calendar.timegm(parsed))


def _resolve_symbol(scenario: Scenario, symbol: str, con_id: str) -> str:
    if symbol or not con_id.isdigit():
        return symbol
    wanted = int(con_id)
    for known in book.known_instruments(scenario).values():
        if known.contract_id == wanted:
            return known.symbol
    for name in scenario.market_data:
        if derived_con_id(name) == wanted:
            return name
    return ""


def market_data(client: ClientConnection, fields: tuple[str, ...]) -> None:
    req_id, con_id, symbol, sec_type = int(fields[2]), fields[3], fields[4], fields[5]
    index = 15
    if sec_type == "BAG":
        index += 1 + 4 * int(fields[15])
    if fields[index] == "1":  # delta-neutral contract follows
        index += 3
    snapshot = fields[index + 2] == "1"
    client.feed.subscribe(req_id, _resolve_symbol(client.scenario, symbol, con_id), snapshot)


def cancel_market_data(client: ClientConnection, fields: tuple[str, ...]) -> None:
    client.feed.cancel(int(fields[2]))


def market_data_type(client: ClientConnection, fields: tuple[str, ...]) -> None:
    client.feed.requested_type = int(fields[2])


def contract_details(client: ClientConnection, fields: tuple[str, ...]) -> None:
    req_id, con_id, symbol, sec_type = int(fields[2]), fields[3], fields[4], fields[5]
    exchange, primary, currency = fields[10], fields[11], fields[12]
    scenario = client.scenario
    symbol = _resolve_symbol(scenario, symbol, con_id)
    known = book.known_instruments(scenario).get(symbol)
    if known is None and symbol and scenario.market_spec(symbol) is not None:
        known = Instrument(
            symbol=symbol,
            sec_type=sec_type or "STK",
            exchange=exchange or "SMART",
            primary_exchange=primary,
            currency=currency or "USD",
        )
    if known is None:
        client.reply_error(req_id, 200, "No security definition has been found for the request")
        return
    spec = scenario.market_spec(symbol)
    if spec is not None and spec.behaviour == "lookup_silent":
        return  # the lookup hangs: the client's deadline decides
    client.reply(replies.contract_details(client.server_version, req_id, known))
    client.reply(replies.contract_details_end(req_id))


def historical_data(client: ClientConnection, fields: tuple[str, ...]) -> None:
    if client.server_version < versions.SYNT_REALTIME_BARS:
        fields = fields[:1] + fields[2:]  # older clients send a message version first
    req_id, con_id, symbol = int(fields[1]), fields[2], fields[3]
    bar_size, format_date = fields[16], fields[20]
    client.feed.historical(req_id, _resolve_symbol(client.scenario, symbol, con_id), bar_size, format_date)


HANDLERS: dict[int, Handler] = {
    1: market_data,
    2: cancel_market_data,
    5: open_orders,
    6: account_updates,
    7: executions,
    8: next_ids,
    9: contract_details,
    16: open_orders,
    17: managed_accounts,
    20: historical_data,
    49: current_time,
    59: market_data_type,
    61: positions,
    64: cancel_positions,
    62: account_summary,
    74: positions_multi,
    76: account_updates_multi,
    99: completed_orders,
}
