"""A simulated IB Gateway on loopback that speaks the TWS API to ib_async, ib_insync and ibapi.

It handshakes as a Gateway does (its own top 176 by default, 100..178 allowed; a client
gets min(its top, the simulator's) and that version's layouts), finishes the clients'
startup sync read-only or not, answers positions, open/completed orders, executions,
account updates and summaries, current time, contract details, small historical
requests and market data (streaming, snapshot, reqMarketDataType), and fails on
command or on a schedule (faults.py), at every connected client.

Orders: irtui's probe ids (`probe_client_ids`, default 917) are read-only; their order
messages are recorded in `SimulatedGateway.order_messages` and answered with error 321.
Any other client is a trading system: its orders rest, fill or are rejected as the
scenario's `orders` policy says (order_flow.py), and the account follows (`book`).

    from irtui.sim import running_gateway
    with running_gateway("healthy") as gw:          # daemon thread, free port
        ib.connect("127.0.0.1", gw.port, clientId=917, readonly=True)
        gw.set_mode("silent")                        # live change
        gw.start_faults([Fault(after_s=2, notice=1100), Fault(after_s=5, notice=1102)])
        assert not gw.order_messages

Scenario YAML (every key optional; unknown keys are rejected with the key's name;
`ago_s` = seconds before each request, `after_s` = seconds after the client's startApi):

    name: runaway_demo
    description: One line shown by `irtui sim --list`.
    mode: healthy            # healthy | refuse | close | silent | not_ready
                             # | client_id_in_use | drop_after
    server_version: 176
    accounts: [DU0000001]
    next_valid_id: 1
    busy_client_ids: []      # client_id_in_use: these ids get 326 (empty = all)
    drop_after_s: 5.0        # drop_after: close each connection this long after its handshake
    startup_hang: false      # true: the positions end marker (62) never arrives
    withhold_end_markers: [] # positions | open_orders | completed_orders | executions
                             # | account_updates: their end markers never arrive
    notices:                 # sent as error messages (4) after startApi
      - {code: 2104, after_s: 0}               # standard TWS text when message is omitted
      - {code: 1100, message: "Connectivity between IB and Trader Workstation has been lost.", after_s: 2}
    positions:
      - {symbol: AAPL, quantity: 100, avg_cost: 180.5}   # sec_type STK, exchange SMART,
                                                         # currency USD, con_id derived
    open_orders:
      - {order_id: 11, symbol: AAPL, action: BUY, quantity: 10, order_type: LMT, limit_price: 150}
      - {order_id: 12, symbol: MSFT, action: SELL, quantity: 150, filled: 60}  # partly filled
                             # status_reported: false sends no order status (fill unknown)
    completed_orders:
      - {perm_id: 7001, symbol: AAPL, action: SELL, quantity: 5, status: Filled, ago_s: 300}
    executions:
      - {symbol: AAPL, side: BOT, shares: 10, price: 181.2, ago_s: 30, order_id: 11}
    order_bursts:            # runaway orders: `count` orders spread over the last `over_s`
      - {symbol: TSLA, count: 40, over_s: 60, side: BOT, quantity: 1, price: 250, working: 5}
    market_data:             # per symbol; others use default_market_data (null = error 200)
      AAPL: {behaviour: live, price: 181.0, tick_interval_s: 0.25}
      MSFT: {behaviour: stale, price: 410.0, stale_age_s: 900}
      # behaviours: live | delayed | stale | absent | not_subscribed | competing | farm_broken
    default_market_data: {behaviour: live, price: 100.0}
    account_values: {NetLiquidation: "100000.00"}
    orders: {answer: auto}   # auto | fill | rest | reject; reject_code: 201 (margin), 321, 203...
                             # warning_code: 399 sent with each accepted order

`load_scenario("healthy")` loads a shipped scenario, `load_scenario("path.yaml")` a file;
`scenario_names()` lists the shipped ones. What each mode does to a client is described
in irtui.sim.server, each market-data behaviour in irtui.sim.market. Requests the
simulator does not model (PnL, real-time bars, tick-by-tick, news, scanners...) are
recorded and never answered, so a client waiting on them needs its own deadline.
"""

from irtui.sim.faults import Fault
from irtui.sim.protocol import ORDER_MESSAGE_IDS, REQUEST_NAMES, request_name
from irtui.sim.runner import running_gateway
from irtui.sim.scenario import (
    MODES,
    MarketDataSpec,
    Notice,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    scenario_names,
)
from irtui.sim.server import ConnectionEvent, ReceivedMessage, SimulatedGateway, check_loopback

__all__ = [
    "MODES",
    "ORDER_MESSAGE_IDS",
    "REQUEST_NAMES",
    "ConnectionEvent",
    "Fault",
    "MarketDataSpec",
    "Notice",
    "ReceivedMessage",
    "Scenario",
    "ScenarioError",
    "SimulatedGateway",
    "check_loopback",
    "load_scenario",
    "parse_scenario",
    "request_name",
    "running_gateway",
    "scenario_names",
]
