"""A small connection-loss tree for the session tests, independent of the shipped trees."""

from __future__ import annotations

from irtui.probes.result import ProbeResult, Status
from irtui.trees.model import Tree

TREE_DATA = {
    "id": "test_connection",
    "title": "Connection lost (test tree)",
    "severity": "P2",
    "first_action": "Check TWS/Gateway status",
    "escalation": [{"who": "IBKR API support", "phone": "1-877-442-2757"}],
    "start": "gateway_running",
    "nodes": {
        "gateway_running": {
            "question": "Is IB Gateway or TWS running?",
            "probe": "gateway_process",
            "answers": [
                {"answer": "Yes", "when": {"running": True}, "next": "api_answers"},
                {"answer": "No", "when": {"running": False}, "next": "start_gateway"},
            ],
        },
        "start_gateway": {"action": "Start IB Gateway and log in", "danger": True, "next": "api_answers"},
        "api_answers": {
            "question": "Does the API answer a handshake?",
            "answers": [
                {"answer": "Yes", "next": "resolved"},
                {"answer": "No", "next": "call_support"},
            ],
        },
        "resolved": {"outcome": "resolved", "summary": "Connection restored", "follow_ups": ["Reconcile positions"]},
        "call_support": {
            "outcome": "escalate",
            "summary": "Call IBKR API support",
            "follow_ups": ["Do not resume trading today", "Reconcile positions"],
            "contact": "IBKR API support",
        },
    },
}


def sample_tree() -> Tree:
    return Tree.model_validate(TREE_DATA)


def gateway_down() -> ProbeResult:
    return ProbeResult("gateway_process", Status.FAIL, "no IB Gateway or TWS process", {"running": False})


# The walk the crash tests drive, one operation per line: (operation, argument).
SCRIPT: list[tuple[str, object]] = [
    ("probe", None),
    ("answer", 1),  # No: the gateway is down (the probe agrees)
    ("note", "Gateway window gone; \x1b[31m```\n## restarting"),
    ("action", None),
    ("back", None),
    ("action", None),
    ("answer", 1),  # the API still does not answer: escalate
]
