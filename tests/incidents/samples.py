"""Realistic incident entries for the log tests, built without any tree file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from irtui.incidents import FollowUp, IncidentEntry, Note, Outcome, PathStep, new_entry_id, post_incident_follow_ups
from irtui.trees.model import Contact

T0 = datetime(2026, 11, 21, 7, 52, 3, tzinfo=UTC)

TREES = [
    ("connection_loss", "Connection lost to IBKR", "P2", 300.0),
    ("kill_switch", "Kill switch activated", "P1", 60.0),
    ("position_mismatch", "Position mismatch", "P3", 3600.0),
]


def make_entry(number: int = 0, **overrides: Any) -> IncidentEntry:
    tree_id, title, severity, target = TREES[number % len(TREES)]
    started = T0 + timedelta(hours=number)
    took = timedelta(seconds=30 + (number * 37) % 600)
    mode = overrides.pop("mode", "DRILL" if number % 4 == 3 else "LIVE")
    path = [
        PathStep(
            node="gateway_running", kind="question", text="Is IB Gateway or TWS running?", answer="Yes", answer_index=0,
            next="api_answers", source="probe", at=started + timedelta(seconds=4), probe="gateway_process",
            evidence="IB Gateway running (pid 4242), listening on 4002",
        ),
        PathStep(
            node="api_answers", kind="question", text="Does the API answer a handshake?", answer="Port open, API silent",
            answer_index=1, next="restart_gateway", source="override", at=started + timedelta(seconds=20), probe="api",
            evidence="handshake timed out after 5 s",
        ),
        PathStep(
            node="restart_gateway", kind="action", text="Restart IB Gateway and log in", answer="done",
            next="call_support", source="operator", at=started + timedelta(seconds=25),
        ),
    ]
    escalated = number % 2 == 1
    data: dict[str, Any] = {
        "id": new_entry_id(mode, started),
        "mode": mode,
        "tree_id": tree_id,
        "tree_title": title,
        "severity": severity,
        "target_s": target,
        "operator": "alice" if number % 3 else "bob",
        "started_at": started,
        "ended_at": started + took,
        "path": path,
        "action": "Restart IB Gateway and log in",
        "outcome": Outcome(node="call_support", kind="escalate", summary="Call IBKR API support")
        if escalated
        else Outcome(node="resolved", kind="resolved", summary="Connection restored after restart"),
        "follow_ups": [FollowUp(text="Do not resume trading today", done=number % 5 == 0, kind="outcome"), *post_incident_follow_ups()],
        "root_cause": "Gateway's nightly restart hung the API thread.",
        "notes": [Note(at=started + timedelta(seconds=10), text=f"Noticed at open, run {number}.")],
        "contact": Contact(who="IBKR API support", phone="1-877-442-2757") if escalated else None,
        "drill": {"name": "hung_handshake", "score": 80} if mode == "DRILL" else None,
    }
    data.update(overrides)
    return IncidentEntry(**data)
