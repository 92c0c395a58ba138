"""Encoders for the Gateway's outgoing messages (everything except orders).

Each function returns the field tuple of one message in the layout of the negotiated
server version (100..178): ibapi 9.81's decoder is the reference up to 157, ib_async
2.1.0's above it; versions.py names the thresholds. Framing is protocol.encode_fields.
"""

from __future__ import annotations

import time

from irtui.sim import versions as v
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
    return fields + ("",) if server_version >= v.ADVANCED_ORDER_REJECT else fields


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
    head: Fields = (11,) if server_version >= v.LAST_LIQUIDITY else (11, v.EXEC_DETAILS_MESSAGE_VERSION)
    fields: Fields = head + (
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
    )
    if server_version >= v.MODELS_SUPPORT:
        fields += ("",)  # modelCode
    if server_version >= v.LAST_LIQUIDITY:
        fields += (1,)  # lastLiquidity: added liquidity
    return fields + (0,) if server_version >= v.PENDING_PRICE_REVISION else fields


def commission_report(row: ExecRow, currency: str) -> Fields:
    return (59, 1, row.exec_id, row.commission, currency, "", "", "")


def exec_details_end(req_id: int) -> Fields:
    return (55, 1, req_id)


def order_status(
    server_version: int,
    order_id: int,
    status: str,
    filled: float,
    remaining: float,
    perm_id: int,
    client_id: int,
    avg_price: float = 0.0,
) -> Fields:
    body: Fields = (order_id, status, filled, remaining, avg_price, perm_id, 0, avg_price, client_id, "")
    if server_version >= v.MARKET_CAP_PRICE:
        return (3, *body, "")  # mktCapPrice
    return (3, 6, *body)


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


def contract_details(server_version: int, req_id: int, item: Instrument) -> Fields:
    head: Fields = (10,) if server_version >= v.SIZE_RULES else (10, v.CONTRACT_DETAILS_MESSAGE_VERSION)
    return head + _contract_details_body(server_version, req_id, item)


def _contract_details_body(sv: int, req_id: int, item: Instrument) -> Fields:
    size_multiplier: Fields = (1,) if v.MD_SIZE_MULTIPLIER <= sv < v.SIZE_RULES else ()
    start: Fields = (
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
        *size_multiplier,
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
    )
    later: list[tuple[int, Fields]] = [
        (v.AGG_GROUP, (1,)),  # aggGroup
        (v.UNDERLYING_INFO, ("", "")),  # underSymbol, underSecType
        (v.MARKET_RULES, ("26",)),  # marketRuleIds
        (v.REAL_EXPIRATION_DATE, ("",)),  # realExpirationDate
        (v.STOCK_TYPE, ("COMMON" if item.sec_type == "STK" else "",)),
    ]
    fields = start + tuple(value for since, values in later if sv >= since for value in values)
    if sv == v.SIZE_RULES - 1:
        return fields + (100,)  # 163 sent suggestedSizeIncrement alone
    if sv >= v.SIZE_RULES:
        return fields + (1, 1, 100)  # minSize, sizeIncrement, suggestedSizeIncrement
    return fields


def contract_details_end(req_id: int) -> Fields:
    return (52, 1, req_id)


def historical_data(
    server_version: int, req_id: int, bars: list[tuple[str, float, float, float, float, float]]
) -> Fields:
    """bars: (date, open, high, low, close, volume)."""
    old = server_version < v.SYNT_REALTIME_BARS  # a version field, and hasGaps in each bar
    fields: list[object] = [17, *([v.HISTORICAL_DATA_MESSAGE_VERSION] if old else [])]
    fields += [req_id, bars[0][0] if bars else "", bars[-1][0] if bars else "", len(bars)]
    for date, open_, high, low, close, volume in bars:
        fields += [date, open_, high, low, close, volume, round((high + low + close) / 3, 4)]
        fields += ["false", 10] if old else [10]
    return tuple(fields)
