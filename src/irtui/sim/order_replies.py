"""Encoders for the two long order messages: openOrder (5) and completedOrder (101).

The layouts follow ibapi 9.81's OrderDecoder up to server version 157 and ib_async
2.1.0's Decoder.openOrder / completedOrder above it: a message version below 145,
faProfile only below 177, and the fields each version added (versions.py). Fields
the simulator has no opinion on are sent empty, which the decoders read as "unset".
"""

from __future__ import annotations

from irtui.sim import versions as v
from irtui.sim.book import CompletedRow, OrderRow
from irtui.sim.replies import Fields, contract_fields, ib_time


def _fa_fields(server_version: int) -> list[object]:
    fa = ["", "", ""]  # faGroup, faMethod, faPercentage
    return fa + [""] if server_version < v.FA_PROFILE_DESUPPORT else fa  # faProfile


def _since(server_version: int, since: int, *values: object) -> list[object]:
    return list(values) if server_version >= since else []


def _peg_fields(server_version: int) -> list[object]:
    # minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsetAtWhole, midOffsetAtHalf
    return _since(server_version, v.PEGBEST_PEGMID_OFFSETS, "", "", "", "", "")


def _what_if_fields(server_version: int) -> list[object]:
    """Margin before/change/after, then commission and warning text."""
    before_and_change = _since(server_version, v.WHAT_IF_EXT_FIELDS, "", "", "", "", "", "")
    return before_and_change + ["", "", "", "", "", "", "", ""]


def _conditions_and_adjusted(server_version: int) -> list[object]:
    # conditions count; adjustedOrderType, triggerPrice, trailStopPrice, lmtPriceOffset,
    # adjustedStopPrice, adjustedStopLimitPrice, adjustedTrailingAmount, adjustableTrailingUnit
    return _since(server_version, v.PEGGED_TO_BENCHMARK, 0, "", "", "", "", "", "", "", 0)


def _open_order_tail(sv: int) -> list[object]:
    """Everything after randomizePrice, field by field as each version added it."""
    return [
        *_conditions_and_adjusted(sv),
        *_since(sv, v.SOFT_DOLLAR_TIER, "", "", ""),  # softDollarTier name, value, displayName
        *_since(sv, v.CASH_QTY, ""),  # cashQty
        *_since(sv, v.AUTO_PRICE_FOR_HEDGE, 0),  # dontUseAutoPriceForHedge
        *_since(sv, v.ORDER_CONTAINER, 0),  # isOmsContainer
        *_since(sv, v.D_PEG_ORDERS, 0),  # discretionaryUpToLimitPrice
        *_since(sv, v.PRICE_MGMT_ALGO, 0),  # usePriceMgmtAlgo
        *_since(sv, v.DURATION, ""),  # duration
        *_since(sv, v.POST_TO_ATS, ""),  # postToAts
        *_since(sv, v.AUTO_CANCEL_PARENT, 0),  # autoCancelParent
        *_peg_fields(sv),
    ]


def open_order(server_version: int, row: OrderRow) -> Fields:
    version = [] if server_version >= v.ORDER_CONTAINER else [v.OPEN_ORDER_MESSAGE_VERSION]
    fields: list[object] = [
        5,
        *version,
        row.order_id,
        *contract_fields(row.instrument),
        row.action,
        row.quantity,
        row.order_type,
        row.limit_price,
        row.aux_price,
        row.tif,
        "",  # ocaGroup
        row.account,
        "O",  # openClose
        0,  # origin: customer
        row.order_ref,
        row.client_id,
        row.perm_id,
        0,  # outsideRth
        0,  # hidden
        0,  # discretionaryAmt
        "",  # goodAfterTime
        "",  # sharesAllocation (deprecated)
        *_fa_fields(server_version),
        *_since(server_version, v.MODELS_SUPPORT, ""),  # modelCode
        "",  # goodTillDate
        "",  # rule80A
        "",  # percentOffset
        "",  # settlingFirm
        0,  # shortSaleSlot
        "",  # designatedLocation
        -1,  # exemptCode
        0,  # auctionStrategy
        "",  # startingPrice
        "",  # stockRefPrice
        "",  # delta
        "",  # stockRangeLower
        "",  # stockRangeUpper
        "",  # displaySize
        0,  # blockOrder
        0,  # sweepToFill
        0,  # allOrNone
        "",  # minQty
        3,  # ocaType
        0,  # eTradeOnly
        0,  # firmQuoteOnly
        "",  # nbboPriceCap
        0,  # parentId
        0,  # triggerMethod
        "",  # volatility
        0,  # volatilityType
        "",  # deltaNeutralOrderType: empty, so no delta-neutral block follows
        "",  # deltaNeutralAuxPrice
        0,  # continuousUpdate
        0,  # referencePriceType
        "",  # trailStopPrice
        "",  # trailingPercent
        "",  # basisPoints
        "",  # basisPointsType
        "",  # comboLegsDescrip
        0,  # comboLegs count
        0,  # orderComboLegs count
        0,  # smartComboRoutingParams count
        "",  # scaleInitLevelSize
        "",  # scaleSubsLevelSize
        "",  # scalePriceIncrement: unset, so no scale block follows
        "",  # hedgeType: empty, so no hedgeParam
        0,  # optOutSmartRouting
        "",  # clearingAccount
        "",  # clearingIntent
        0,  # notHeld
        0,  # deltaNeutralContract present
        "",  # algoStrategy: empty, so no algo params
        0,  # solicited
        0,  # whatIf
        row.status,
        *_what_if_fields(server_version),
        0,  # randomizeSize
        0,  # randomizePrice
        *_open_order_tail(server_version),
    ]
    return tuple(fields)


def completed_order(server_version: int, row: CompletedRow) -> Fields:
    fields: list[object] = [
        101,
        *contract_fields(row.instrument),
        row.action,
        row.quantity,
        row.order_type,
        row.limit_price,
        "",  # auxPrice
        "DAY",  # tif
        "",  # ocaGroup
        row.account,
        "O",  # openClose
        0,  # origin
        row.order_ref,
        row.perm_id,
        0,  # outsideRth
        0,  # hidden
        0,  # discretionaryAmt
        "",  # goodAfterTime
        *_fa_fields(server_version),
        "",  # modelCode
        "",  # goodTillDate
        "",  # rule80A
        "",  # percentOffset
        "",  # settlingFirm
        0,  # shortSaleSlot
        "",  # designatedLocation
        -1,  # exemptCode
        "",  # startingPrice
        "",  # stockRefPrice
        "",  # delta
        "",  # stockRangeLower
        "",  # stockRangeUpper
        "",  # displaySize
        0,  # sweepToFill
        0,  # allOrNone
        "",  # minQty
        3,  # ocaType
        0,  # triggerMethod
        "",  # volatility
        0,  # volatilityType
        "",  # deltaNeutralOrderType: empty, so no delta-neutral block follows
        "",  # deltaNeutralAuxPrice
        0,  # continuousUpdate
        0,  # referencePriceType
        "",  # trailStopPrice
        "",  # trailingPercent
        "",  # comboLegsDescrip
        0,  # comboLegs count
        0,  # orderComboLegs count
        0,  # smartComboRoutingParams count
        "",  # scaleInitLevelSize
        "",  # scaleSubsLevelSize
        "",  # scalePriceIncrement
        "",  # hedgeType
        "",  # clearingAccount
        "",  # clearingIntent
        0,  # notHeld
        0,  # deltaNeutralContract present
        "",  # algoStrategy
        0,  # solicited
        row.status,
        0,  # randomizeSize
        0,  # randomizePrice
        0,  # conditions count
        "",  # trailStopPrice
        "",  # lmtPriceOffset
        "",  # cashQty
        0,  # dontUseAutoPriceForHedge
        0,  # isOmsContainer
        "",  # autoCancelDate
        row.filled,
        0,  # refFuturesConId
        0,  # autoCancelParent
        "",  # shareholder
        0,  # imbalanceOnly
        0,  # routeMarketableToBbo
        0,  # parentPermId
        ib_time(row.completed_at),
        row.status,  # completedStatus
        *_peg_fields(server_version),
    ]
    return tuple(fields)
