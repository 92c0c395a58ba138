"""What an alert says: the JSON document a hook reads, and the one line a terminal shows.

The document is the same for the hook and for `--json`:

    {"kind": "incident", "at": "2026-01-27T15:00:03+00:00", "gateway": "127.0.0.1:4002",
     "incident": "connection_loss", "title": "Connection lost to IBKR", "severity": "P2",
     "reason": "port 4002 open but API silent for 1.0 s",
     "evidence": [{"probe": "api", "status": "fail", "summary": "..."}],
     "first_action": "Check TWS/Gateway status", "run": "irtui run connection_loss",
     "previous": null, "note": ""}

On `resolved`, `incident` names the incident that ended and `run` is null.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from irtui.boundary.display import plain
from irtui.probes.result import ProbeResult, Status
from irtui.trees.model import Tree
from irtui.watch.alerts import Alert

SUMMARY_LIMIT = 300  # one probe's summary in a document: Gateway text can be long


def evidence(results: Mapping[str, ProbeResult]) -> list[dict[str, str]]:
    """The probes that did not come back ok, worst first, each as probe, status, summary."""
    order = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.WARN: 2}
    bad = [r for r in results.values() if r.status != Status.OK]
    bad.sort(key=lambda r: order.get(r.status, 3))
    return [{"probe": r.name, "status": r.status.value, "summary": plain(r.summary, one_line=True, limit=SUMMARY_LIMIT)} for r in bad]


def run_line(tree_id: str, config_source: str) -> str:
    """The command that opens the console on this incident, with the same configuration."""
    words = ["irtui", "run", tree_id]
    if config_source not in ("defaults", "", None):
        words += ["--config", config_source]
    return shlex.join(words)


def alert_document(
    alert: Alert,
    trees: Mapping[str, Tree],
    results: Mapping[str, ProbeResult],
    *,
    gateway: str,
    config_source: str = "defaults",
) -> dict[str, Any]:
    subject = alert.subject
    tree = trees.get(subject.tree_id) if subject else None
    resolved = alert.kind == "resolved"
    previous = alert.previous
    return {
        "kind": alert.kind,
        "at": alert.at.isoformat(),
        "gateway": gateway,
        "incident": subject.tree_id if subject else None,
        "title": subject.title if subject else None,
        "severity": subject.severity.value if subject else None,
        "reason": "no probe points to an incident any more" if resolved else plain(subject.reason if subject else "", one_line=True),
        "evidence": evidence(results),
        "first_action": None if resolved or tree is None else tree.first_action,
        "run": None if resolved or subject is None else run_line(subject.tree_id, config_source),
        "previous": {"incident": previous.tree_id, "severity": previous.severity.value} if previous and not resolved else None,
        "note": alert.note,
    }


_HEADLINES = {"incident": "INCIDENT", "escalation": "ESCALATION", "changed": "CHANGED", "resolved": "RESOLVED"}


def alert_line(document: Mapping[str, Any]) -> str:
    """One line for a terminal, from the document: made plain as a whole, since the reason,
    the note and the configuration's path in the command to run are all outside text."""
    return plain(_line(document), one_line=True)


def _line(document: Mapping[str, Any]) -> str:
    at = str(document["at"])[11:19]
    head = f"{at} {_HEADLINES.get(document['kind'], document['kind'])}"
    if document["kind"] == "resolved":
        return f"{head} {document['severity']} {document['incident']}: {document['reason']}"
    line = f"{head} {document['severity']} {document['incident']}: {document['reason']}"
    if document.get("note"):
        line += f" ({document['note']})"
    if document.get("first_action"):
        line += f" · first: {document['first_action']}"
    if document.get("run"):
        line += f" · {document['run']}"
    return line


__all__ = ["alert_document", "alert_line", "evidence", "run_line"]
