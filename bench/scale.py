"""Scale: a generated 1,000-node tree validated and rendered, and `irtui log stats` on a
10,000-entry log.

The tree has the shape of the shipped ones, only longer: a chain of diagnostic
questions, each answered by a probe rule, where one answer leads to a fix (an action,
then an outcome) and the other to the next question; some questions also offer a
shared escalation. The log is written as IncidentLog.append writes it (the header, then
each entry's Markdown), in one go rather than with 10,000 fsyncs.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import IRTUI, Contender, Progress, Row, ms, spread, time_side_by_side
from irtui.incidents import (
    LOG_HEADER,
    FollowUp,
    IncidentEntry,
    Note,
    Outcome,
    PathStep,
    new_entry_id,
    post_incident_follow_ups,
    render_entry,
)
from irtui.trees.loader import load_tree
from irtui.trees.render import render_tree

TREE_NODES = 1000
LOG_ENTRIES = 10_000
REPEATS = 7
TREE_TARGET_S = 0.5
STATS_TARGET_S = 1.0
T0 = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
RULES = [
    ("ports", {"trading_port_state": "open"}, {"trading_port_state": ["refused", "timeout", "error"]}),
    ("api", {"stage": "ready"}, {"stage": {"not": "ready"}}),
    ("heartbeat", {"stale": False}, {"stale": True}),
    ("orders", {"still_placing": False, "over_rate_limit": False}, {"still_placing": True}),
    ("market_data", {"receiving": True, "stale": False}, {"receiving": False}),
]


def tree_yaml(nodes: int = TREE_NODES) -> str:
    """A valid tree of exactly `nodes` nodes: a question, an action and an outcome per
    step, then `all_clear` and as many shared escalation outcomes as make up the count."""
    steps = (nodes - 2) // 3
    escalations = nodes - 3 * steps - 1
    lines = [
        "id: generated",
        "title: Generated tree for the scale benchmark",
        "severity: P2",
        "first_action: Check the Gateway",
        "summary: A long chain of checks, each with its fix.",
        "symptoms: [Something is wrong]",
        "escalation:",
        "  - {who: IBKR API support, phone: '1-877-442-2757', when: Local checks are clean}",
        "start: check_0",
        "nodes:",
    ]
    for i in range(steps):
        probe, good, bad = RULES[i % len(RULES)]
        after = f"check_{i + 1}" if i + 1 < steps else "all_clear"
        lines += [
            f"  check_{i}:",
            f"    question: Check {i} — is {probe} healthy?",
            f"    probe: {probe}",
            f"    guidance: Look at the {probe} probe's evidence, or check by hand (step {i}).",
            "    answers:",
            "      - answer: Healthy — go on to the next check",
            f"        when: {json.dumps(good)}",
            f"        next: {after}",
            "      - answer: Broken — fix it",
            f"        when: {json.dumps(bad)}",
            f"        next: fix_{i}",
        ]
        if i % 10 == 9:
            lines += ["      - answer: Cannot tell — escalate", f"        next: escalate_{(i // 10) % escalations}"]
        lines += [
            f"  fix_{i}:",
            f"    action: Apply fix {i} for {probe}",
            "    commands:",
            f"      - 'echo fix {i}'",
            f"    danger: {'true' if i % 7 == 0 else 'false'}",
            "    wait: 30s",
            f"    next: fixed_{i}",
            f"  fixed_{i}:",
            "    outcome: resolved",
            f"    summary: Fixed by step {i}.",
            f"    follow_ups: [Note what broke at step {i}]",
        ]
    lines += ["  all_clear:", "    outcome: monitor", "    summary: Every check passed; keep watching."]
    for j in range(escalations):
        lines += [f"  escalate_{j}:", "    outcome: escalate", f"    summary: Call IBKR API support (route {j}).", "    contact: IBKR API support"]
    return "\n".join(lines) + "\n"


def log_entry(number: int) -> IncidentEntry:
    started = T0 + timedelta(minutes=37 * number)
    trees = [("connection_loss", "Connection lost to IBKR", "P2", 300.0), ("kill_switch", "Kill switch activated", "P1", 60.0),
             ("position_mismatch", "Position mismatch", "P3", 3600.0), ("runaway_orders", "Runaway orders", "P1", 60.0)]
    tree_id, title, severity, target = trees[number % len(trees)]
    mode = "DRILL" if number % 3 == 0 else "LIVE"
    return IncidentEntry(
        id=new_entry_id(mode, started),
        mode=mode,
        tree_id=tree_id,
        tree_title=title,
        severity=severity,
        target_s=target,
        operator=f"operator{number % 5}",
        started_at=started,
        ended_at=started + timedelta(seconds=40 + number % 900),
        path=[
            PathStep(node="gateway_running", kind="question", text="Is IB Gateway running?", answer="Yes", answer_index=0,
                     next="api_answers", source="probe", at=started + timedelta(seconds=3), probe="gateway_process",
                     evidence="IB Gateway running (pid 4242)"),
            PathStep(node="restart_gateway", kind="action", text="Restart IB Gateway", answer="done", next="resolved",
                     source="operator", at=started + timedelta(seconds=30)),
        ],
        action="Restart IB Gateway",
        outcome=Outcome(node="resolved", kind="resolved" if number % 4 else "escalate", summary="Connection restored"),
        follow_ups=[FollowUp(text="Reconcile positions", done=number % 2 == 0, kind="outcome"), *post_incident_follow_ups()],
        root_cause=f"Cause number {number % 17}",
        notes=[Note(at=started + timedelta(seconds=10), text=f"Note for run {number}.")],
    )


def write_log(path: Path, entries: int = LOG_ENTRIES) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(LOG_HEADER)
        for number in range(entries):
            handle.write(render_entry(log_entry(number)))


def time_tree(path: Path, repeats: int) -> list[float]:
    times = []
    for attempt in range(repeats + 1):
        began = time.perf_counter()
        tree, problems = load_tree(path)
        if tree is None:
            raise RuntimeError(f"the generated tree is invalid: {problems[:3]}")
        page = render_tree(tree, "md")
        took = time.perf_counter() - began
        if len(tree.nodes) != TREE_NODES or "flowchart" not in page:
            raise RuntimeError("the generated tree did not load or render in full")
        if attempt:
            times.append(took)
    return times


def run(progress: Progress, repeats: int = REPEATS) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="irtui-bench-") as tmp:
        folder = Path(tmp)
        tree_path = folder / "generated.yaml"
        tree_path.write_text(tree_yaml(), encoding="utf-8")
        progress(f"scale: validate + render a {TREE_NODES}-node tree × {repeats}")
        tree_times = time_tree(tree_path, repeats)
        progress(f"scale: writing a {LOG_ENTRIES:,}-entry log")
        log_path = folder / "INCIDENT_LOG.md"
        write_log(log_path)
        size_mb = log_path.stat().st_size / 2**20
        progress(f"scale: `irtui log stats` (table and --json) on it × {repeats}")
        contenders = {
            "table": Contender([IRTUI, "log", "stats", "--log", str(log_path)], cwd=folder),
            "json": Contender([IRTUI, "log", "stats", "--json", "--log", str(log_path)], cwd=folder),
        }
        timings = time_side_by_side(contenders, repeats)
    stats, as_json = timings["table"], timings["json"]
    for timing in timings.values():
        if timing.failures:
            raise RuntimeError(f"irtui log stats failed: {timing.failures[:2]}")
    report = json.loads(as_json.runs[0].out)
    if report["total"] != LOG_ENTRIES or report["damaged"]:
        raise RuntimeError(f"log stats read {report['total']} entries, {report['damaged']} damaged; expected {LOG_ENTRIES}, 0")
    tree_median = statistics.median(tree_times)
    return [
        Row(
            f"Scale: validate + render (Markdown + Mermaid) a generated {TREE_NODES}-node tree",
            ms(tree_median),
            target=f"< {TREE_TARGET_S * 1000:.0f} ms",
            met=tree_median < TREE_TARGET_S,
            note=f"load_tree (YAML, schema, references, reachability, rules) then render_tree(fmt='md'), in process; {spread(tree_times)}.",
        ),
        Row(
            f"Scale: `irtui log stats` on a {LOG_ENTRIES:,}-entry log ({size_mb:.0f} MB), whole process",
            ms(stats.median),
            target=f"< {STATS_TARGET_S * 1000:.0f} ms",
            met=stats.median < STATS_TARGET_S,
            note=f"The table output; {spread(stats.samples)}; peak RSS {stats.peak_mib:.0f} MiB; every entry parsed and checksummed, "
            f"none damaged. With --json (every open follow-up listed, {len(as_json.runs[0].out) / 2**20:.0f} MB of JSON): "
            f"median {ms(as_json.median)}.",
        ),
    ]
