"""Encoders for the two long order messages: openOrder (5) and completedOrder (101).

The layouts follow ib_async 2.1.0's Decoder.openOrder / Decoder.completedOrder for
server versions 164..178 (no version field; faProfile only below 177). Fields the
simulator has no opinion on are sent empty, which the decoder reads as "unset".
"""

from __future__ import annotations

from irtui.sim.book import CompletedRow, OrderRow
from irtui.sim.replies import Fields, contract_fields, ib_time


def _fa_fields(server_version: int) -> list[object]:
    fa = ["", "", ""]  # faGroup, faMethod, faPercentage
    return fa + [""] if server_version < 177 else fa  # faProfile


def _peg_fields(server_version: int) -> list[object]:
    # minTradeQty, minCompeteSize, competeAgainstBestOffset, midOffsetAtWhole, midOffsetAtHalf
    return ["", "", "", "", ""] if server_version >= 170 else []


def open_order(server_version: int, row: OrderRow) -> Fields:
    fields: list[object] = [
        5,
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
        "",  # modelCode
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
        "", "", "",  # init/maint margin, equity with loan: before
        "", "", "",  # ... change
        "", "", "",  # ... after
        "",  # commission
        "",  # minCommission
        "",  # maxCommission
        "",  # commissionCurrency
        "",  # warningText
        0,  # randomizeSize
        0,  # randomizePrice
        0,  # conditions count
        "",  # adjustedOrderType
        "",  # triggerPrice
        "",  # trailStopPrice
        "",  # lmtPriceOffset
        "",  # adjustedStopPrice
        "",  # adjustedStopLimitPrice
        "",  # adjustedTrailingAmount
        0,  # adjustableTrailingUnit
        "",  # softDollarTier name
        "",  # softDollarTier value
        "",  # softDollarTier displayName
        "",  # cashQty
        0,  # dontUseAutoPriceForHedge
        0,  # isOmsContainer
        0,  # discretionaryUpToLimitPrice
        0,  # usePriceMgmtAlgo
        "",  # duration (>= 159)
        "",  # postToAts (>= 160)
        0,  # autoCancelParent (>= 162)
        *_peg_fields(server_version),
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
