"""irtui never sends an order-modifying message, and only ever sends read-only requests.

The suite-wide check lives in tests/conftest.py (every simulator of the run, checked when
the session ends); these tests prove that check sees what it must, and probe every
shipped scenario with a whitelist of the requests the probes may send.
"""

from __future__ import annotations

import time

import pytest

from irtui.probes.runner import ProbeRunner
from irtui.sim import ORDER_MESSAGE_IDS, ReceivedMessage, running_gateway, scenario_names
from tests import conftest
from tests.support.gateway import full_config, staged_host

pytestmark = pytest.mark.timeout(120)

API_PROBES = ["api", "positions", "orders", "market_data"]
# Everything the probes may ask a Gateway: the handshake and read-only requests.
READ_ONLY_REQUESTS = {
    "startApi", "reqCurrentTime", "reqPositions", "reqAllOpenOrders", "reqOpenOrders", "reqExecutions",
    "reqContractDetails", "reqMktData", "cancelMktData", "reqMarketDataType", "reqIds",
}


def test_a_simulator_started_in_a_test_is_watched() -> None:
    with running_gateway("healthy") as gateway:
        test, messages = conftest.SIMULATOR_ORDER_LOGS[-1]
    assert messages is gateway.order_messages
    assert test.endswith("test_read_only.py::test_a_simulator_started_in_a_test_is_watched")


def test_an_order_message_outside_the_simulator_tests_fails_the_run() -> None:
    order = ReceivedMessage(client_id=917, msg_id=3, fields=("3",), at=time.time())
    planted = [("tests/probes/test_x.py::test_y", [order]), ("tests/sim/test_orders_refused.py::test_z", [order])]
    conftest.SIMULATOR_ORDER_LOGS.extend(planted)
    try:
        violations = conftest.order_violations()
    finally:
        for item in planted:
            conftest.SIMULATOR_ORDER_LOGS.remove(item)
    assert violations == ["tests/probes/test_x.py::test_y: placeOrder (msg 3) from client 917"]


@pytest.mark.parametrize("scenario", scenario_names())
def test_probing_any_scenario_sends_only_read_only_requests(scenario: str) -> None:
    with running_gateway(scenario) as gateway:
        config = full_config(gateway.port, sample_s=0.2, request_timeout_s=1.0)
        ProbeRunner(config, staged_host(gateway.port)).run(API_PROBES)
        sent = {message.name for message in gateway.received}
        ids = {message.msg_id for message in gateway.received}
        clients = {message.client_id for message in gateway.received if message.name == "startApi"}
    assert gateway.order_messages == []
    assert not ids & ORDER_MESSAGE_IDS
    assert sent <= READ_ONLY_REQUESTS, sent - READ_ONLY_REQUESTS
    assert clients <= {917, 918}, "the probe uses its reserved client ids (918 only when 917 is in use), never 0"
