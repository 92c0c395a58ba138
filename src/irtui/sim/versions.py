"""Server versions at which a message the simulator sends gained or lost a field.

A real Gateway answers a client's range `vLOW..HIGH` with min(HIGH, its own version)
and from then on speaks that version's layouts. The names and numbers are the TWS
API's own (ibapi's server_versions.py; ib_async's decoder for 163 and later); the
encoders in replies.py and order_replies.py read them.
"""

from __future__ import annotations

# The oldest client range top a Gateway accepts (100 = length-prefixed messages).
MIN_CLIENT_VERSION = 100

FRACTIONAL_POSITIONS = 101  # sizes as decimals rather than integers
PEGGED_TO_BENCHMARK = 102  # openOrder: conditions and adjusted-order fields
MODELS_SUPPORT = 103  # modelCode in orders and executions
SOFT_DOLLAR_TIER = 106
MD_SIZE_MULTIPLIER = 110  # contractDetails: mdSizeMultiplier (dropped again at 164)
CASH_QTY = 111
AGG_GROUP = 121
UNDERLYING_INFO = 122
SYNT_REALTIME_BARS = 124  # historicalData loses its version field and hasGaps
MARKET_RULES = 126
MARKET_CAP_PRICE = 131  # orderStatus loses its version field, gains mktCapPrice
REAL_EXPIRATION_DATE = 134
LAST_LIQUIDITY = 136  # execDetails loses its version field, gains lastLiquidity
AUTO_PRICE_FOR_HEDGE = 141
WHAT_IF_EXT_FIELDS = 142  # openOrder: margin before/change
ORDER_CONTAINER = 145  # openOrder and placeOrder lose their version field
D_PEG_ORDERS = 148
COMPLETED_ORDERS = 150
PRICE_MGMT_ALGO = 151
STOCK_TYPE = 152
DURATION = 159
POST_TO_ATS = 160
AUTO_CANCEL_PARENT = 162
SIZE_RULES = 164  # contractDetails loses its version field, gains min/increment sizes
ADVANCED_ORDER_REJECT = 166  # error gains advancedOrderRejectJson
MANUAL_ORDER_TIME = 169  # cancelOrder gains manualOrderCancelTime
PEGBEST_PEGMID_OFFSETS = 170
FA_PROFILE_DESUPPORT = 177
PENDING_PRICE_REVISION = 178

# Message versions a Gateway sends where the layout still carries one.
OPEN_ORDER_MESSAGE_VERSION = 34
EXEC_DETAILS_MESSAGE_VERSION = 10
CONTRACT_DETAILS_MESSAGE_VERSION = 8
HISTORICAL_DATA_MESSAGE_VERSION = 3
