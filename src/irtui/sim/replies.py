"""Encoders for the Gateway's outgoing messages (everything except orders).

Each function returns the field tuple of one message, in the layout ib_async 2.1.0's
decoder expects for server versions 164..178. Framing is protocol.encode_fields.
"""

from __future__ import annotations

import time

from irtui.sim.book import ExecRow
from irtui.sim.scenario import Instrument

Fields = tuple[object, ...]


def ib_time(epoch: float) -> str:
    """TWS's "yyyymmdd hh:mm:ss zone" form, which ib_async parses with its zone."""
    return time.strftime("%Y%m%d %H:%M:%S", time.gmtime(epoch)) + " UTC"


def contract_fields(item: Instrument) -> Fields:
    """conId..tradingClass with the routing exchange: positions, executions, orders."""
    return (
        item.contract_id,
        item.symbol,
        item.sec_type,
        item.expiry,
        item.strike,
        item.right,
        item.multiplier,
        item.exchange,
        item.currency,
        item.local_symbol or item.symbol,
        item.trading_class,
    )


def version_answer(server_version: int, now: float) -> Fields:
    return (server_version, ib_time(now))


def next_valid_id(order_id: int) -> Fields:
    return (9, 1, order_id)


def managed_accounts(accounts: tuple[str, ...]) -> Fields:
    return (15, 1, ",".join(accounts))


def error(server_version: int, req_id: int, code: int, message: str) -> Fields:
    fields: Fields = (4, 2, req_id, code, message)
    return fields + ("",) if server_version >= 166 else fields


def current_time(now: float) -> Fields:
    return (49, 1, int(now))


def position(account: str, item: Instrument, quantity: float, avg_cost: float) -> Fields:
    return (61, 3, account, *contract_fields(item), quantity, avg_cost)


def position_end() -> Fields:
    return (62, 1)


def position_multi(req_id: int, account: str, item: Instrument, quantity: float, avg_cost: float) -> Fields:
    return (71, 1, req_id, account, *contract_fields(item), quantity, avg_cost, "")


def position_multi_end(req_id: int) -> Fields:
    return (72, 1, req_id)


def account_value(key: str, value: str, currency: str, account: str) -> Fields:
    return (6, 2, key, value, currency, account)


def portfolio_value(
    item: Instrument, quantity: float, price: float, avg_cost: float, account: str
) -> Fields:
    market_value = quantity * price
    unrealized = market_value - quantity * avg_cost
    return (
        7,
        8,
        item.contract_id,
        item.symbol,
        item.sec_type,
        item.expiry,
        item.strike,
        item.right,
        item.multiplier,
        item.primary_exchange,
        item.currency,
        item.local_symbol or item.symbol,
        item.trading_class,
        quantity,
        price,
        round(market_value, 2),
        avg_cost,
        round(unrealized, 2),
        0.0,
        account,
    )


def account_time(now: float) -> Fields:
    return (8, 1, time.strftime("%H:%M", time.gmtime(now)))


def account_download_end(account: str) -> Fields:
    return (54, 1, account)


def account_update_multi(req_id: int, account: str, key: str, value: str, currency: str) -> Fields:
    return (73, 1, req_id, account, "", key, value, currency)


def account_update_multi_end(req_id: int) -> Fields:
    return (74, 1, req_id)


def account_summary(req_id: int, account: str, tag: str, value: str, currency: str) -> Fields:
    return (63, 1, req_id, account, tag, value, currency)


def account_summary_end(req_id: int) -> Fields:
    return (64, 1, req_id)


def exec_details(server_version: int, req_id: int, row: ExecRow) -> Fields:
    fields: Fields = (
        11,
        req_id,
        row.order_id,
        *contract_fields(row.instrument),
        row.exec_id,
        ib_time(row.at),
        row.account,
        row.instrument.primary_exchange or "ISLAND",
        row.side,
        row.shares,
        row.price,
        row.perm_id,
        row.client_id,
        0,  # liquidation
        row.shares,  # cumQty
        row.price,  # avgPrice
        row.order_ref,
        "",  # evRule
        "",  # evMultiplier
        "",  # modelCode
        1,  # lastLiquidity: added liquidity
    )
    return fields + (0,) if server_version >= 178 else fields


def commission_report(row: ExecRow, currency: str) -> Fields:
    return (59, 1, row.exec_id, row.commission, currency, "", "", "")


def exec_details_end(req_id: int) -> Fields:
    return (55, 1, req_id)


def order_status(
    order_id: int, status: str, filled: float, remaining: float, perm_id: int, client_id: int
) -> Fields:
    return (3, order_id, status, filled, remaining, 0, perm_id, 0, 0, client_id, "", "")


def open_order_end() -> Fields:
    return (53, 1)


def completed_orders_end() -> Fields:
    return (102,)


def market_data_type(req_id: int, data_type: int) -> Fields:
    return (58, 1, req_id, data_type)


def tick_req_params(req_id: int) -> Fields:
    return (81, req_id, 0.01, "9c0001", 3)


def tick_price(req_id: int, tick_type: int, price: float, size: float = 0) -> Fields:
    return (1, 6, req_id, tick_type, round(price, 4), size, 0)


def tick_size(req_id: int, tick_type: int, size: float) -> Fields:
    return (2, 6, req_id, tick_type, size)


def tick_string(req_id: int, tick_type: int, value: str) -> Fields:
    return (46, 6, req_id, tick_type, value)


def tick_snapshot_end(req_id: int) -> Fields:
    return (57, 1, req_id)


def contract_details(req_id: int, item: Instrument) -> Fields:
    return (
        10,
        req_id,
        item.symbol,
        item.sec_type,
        item.expiry,
        item.strike,
        item.right,
        item.exchange,
        item.currency,
        item.local_symbol or item.symbol,
        item.symbol,  # marketName
        item.trading_class or item.symbol,
        item.contract_id,
        0.01,  # minTick
        item.multiplier,
        "ACTIVETIM,LMT,MKT,STP",  # orderTypes
        "SMART,ISLAND,NYSE",  # validExchanges
        1,  # priceMagnifier
        0,  # underConId
        f"{item.symbol} (simulated)",  # longName
        item.primary_exchange or "NASDAQ",
        "",  # contractMonth
        "",  # industry
        "",  # category
        "",  # subcategory
        "UTC",  # timeZoneId
        "",  # tradingHours
        "",  # liquidHours
        "",  # evRule
        "",  # evMultiplier
        0,  # numSecIds
        1,  # aggGroup
        "",  # underSymbol
        "",  # underSecType
        "26",  # marketRuleIds
        "",  # realExpirationDate
        "COMMON" if item.sec_type == "STK" else "",
        1,  # minSize
        1,  # sizeIncrement
        100,  # suggestedSizeIncrement
    )


def contract_details_end(req_id: int) -> Fields:
    return (52, 1, req_id)


def historical_data(req_id: int, bars: list[tuple[str, float, float, float, float, float]]) -> Fields:
    """bars: (date, open, high, low, close, volume)."""
    fields: list[object] = [17, req_id, bars[0][0] if bars else "", bars[-1][0] if bars else "", len(bars)]
    for date, open_, high, low, close, volume in bars:
        fields += [date, open_, high, low, close, volume, round((high + low + close) / 3, 4), 10]
    return tuple(fields)
