"""Every shipped drill validates, together they reach every outcome, and broken drills say where."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from irtui.boundary.display import rich_text
from irtui.drills import coverage, load_drill
from irtui.trees.model import OutcomeNode
from tests.support.shipped_drills import DRILL_IDS, DRILLS, TREES


def test_every_shipped_drill_validates():
    assert not DRILLS.problems, "\n".join(map(str, DRILLS.problems))
    assert len(DRILL_IDS) >= 40


@pytest.mark.parametrize("drill_id", DRILL_IDS)
def test_each_drill_names_a_tree_path_and_outcome(drill_id):
    drill = DRILLS.get(drill_id)
    tree = TREES.get(drill.tree)
    assert drill.expected.path, "every shipped drill gives its expected path, so it can be played"
    assert drill.expected.path[0] == tree.start and drill.expected.path[-1] == drill.expected.outcome
    assert isinstance(tree.node(drill.expected.outcome), OutcomeNode)
    assert drill.briefing.strip()


BRIEFING_COLUMNS = 72  # the briefing dialog at 80×24 holds 76 (80, less its border and padding)


@pytest.mark.parametrize("drill_id", DRILL_IDS)
def test_each_briefing_reads_at_80_columns_as_written(drill_id):
    """Lines too long for the dialog are wrapped again by it, leaving a word or two alone on a line."""
    briefing = DRILLS.get(drill_id).briefing.strip()
    assert max(len(line) for line in briefing.splitlines()) <= BRIEFING_COLUMNS, briefing
    shown = Console(width=76, record=True, file=io.StringIO())
    shown.print(rich_text(briefing))
    assert [line.rstrip() for line in shown.export_text().splitlines()] == briefing.splitlines()


def test_every_tree_has_drills_and_no_outcome_is_left_unreached():
    report = coverage(TREES.trees.values(), DRILLS.drills.values())
    assert {c.tree_id for c in report} == set(TREES.trees) and len(report) == 7
    for tree in report:
        assert tree.drills, f"no drill for {tree.tree_id}"
        assert tree.uncovered_outcomes == [], f"{tree.tree_id}: no drill reaches {tree.uncovered_outcomes}"


def _gateway_name(drill) -> str:
    scenario = drill.world.gateway.scenario
    return scenario if isinstance(scenario, str) else "inline"


def test_the_issue_asks_for_these_drills():
    by_tree: dict[str, list] = {}
    for drill in DRILLS.drills.values():
        by_tree.setdefault(drill.tree, []).append(drill)
    connection = by_tree["connection_loss"]
    gateways = {_gateway_name(d) for d in connection}
    hosts = [d.world.host for d in connection]
    assert any(h.gateway_process == "missing" for h in hosts), "RB-001: Gateway process missing"
    assert any(d.world.host.gateway_process == "running" and _gateway_name(d) == "port_closed" for d in connection), "process up, port closed"
    assert "api_silent" in gateways and "client_id_in_use" in gateways and "accept_then_close" in gateways
    assert any(any("exhausted" in line for line in h.system_log) for h in hosts), "reconnect exhausted"
    assert any("system_log_says" in d.expected.path and "restart_connector" in d.expected.path for d in connection), "stale connection"
    assert any("wait_out_reset" in d.expected.path and d.expected.outcome == "resolved_reconciled" for d in connection), "reset-window false alarm"
    assert any(d.expected.outcome == "reset_window_outlived" for d in connection), "a disconnect that outlives its reset window"
    assert any("gateway_drops_clients" in d.expected.path for d in connection), "a Gateway that drops its clients"
    assert any(
        isinstance(d.world.host.system_fills, list) and d.expected.path[-2:] == ["missed_fills", "drift_found"] for d in connection
    ), "a fill missed in the gap, found in a staged ledger"
    feeds = {_gateway_name(d) for d in by_tree["data_feed_failure"]}
    assert {"farm_broken", "not_subscribed"} <= feeds
    assert any("end_competing_session" in d.expected.path for d in by_tree["data_feed_failure"]), "competing session 10197"
    kinds = {d.expected.path[2] for d in by_tree["position_mismatch"]}
    assert {"check_order_status", "check_execution_history", "use_broker_price", "pause_affected_symbols", "fills_behind_match"} <= kinds
    assert any(d.expected.path[2:4] == ["fills_behind_match", "book_missed_fills"] for d in by_tree["position_mismatch"]), "offsetting missed fills"
    seen_first = {d.expected.path[1] for d in by_tree["unexpected_position"]}
    assert seen_first == {"run_verify_positions", "system_differs"}, "both branches of the unexpected-position tree"


def _problems(tmp_path: Path, name: str, text: str) -> list[str]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    drill, problems = load_drill(path, TREES)
    assert drill is None
    return [str(p) for p in problems]


GOOD = """\
title: Practice
tree: connection_loss
briefing: Something broke.
world:
  gateway: healthy
  host: {now: 2026-01-27T15:00:00+00:00}
expected:
  outcome: resolved_reconciled
  path: [trading_port_open, api_handshake, api_notices, system_link, system_connected,
         reconcile_positions, drift_check, missed_fills, resolved_reconciled]
"""


def test_a_good_drill_loads(tmp_path):
    path = tmp_path / "practice.yaml"
    path.write_text(GOOD)
    drill, problems = load_drill(path, TREES)
    assert problems == [] and drill is not None and drill.id == "practice"


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("tree: connection_loss", "tree: conection_loss"), 2, "did you mean 'connection_loss'"),
        (("outcome: resolved_reconciled", "outcome: drift_check"), 8, "is a question, not an outcome"),
        (("trading_port_open, api_handshake", "api_handshake, trading_port_open"), 9, "does not lead to"),
        (("gateway: healthy", "gateway: heathy"), 5, "no shipped scenario 'heathy'"),
        (("gateway: healthy", "gateway: {scenario: {mode: sideways}}"), 5, "mode"),
        (("  host: {now: 2026-01-27T15:00:00+00:00}", "  host: {}"), 6, "set host `now`"),
        (("briefing: Something broke.", "briefing: Something broke.\nbriefng: typo"), 4, "did you mean `briefing`"),
        (("title: Practice", "title: Practice\ntitle: Again"), 2, "duplicate key 'title'"),
        (("expected:", "after: {drift_check: {host: {heartbeat: null}}}\nexpected:"), 7, "is not an action"),
        (("expected:", "after:\n  reconcile_positions:\n    config: {market_data: {max_age_s: -1}}\nexpected:"), 9, "config: market_data.max_age_s"),
    ],
)
def test_a_broken_drill_is_reported_with_its_line(tmp_path, change, line, words):
    old, new = change
    assert old in GOOD
    problems = _problems(tmp_path, "broken", GOOD.replace(old, new))
    assert any(f"broken.yaml:{line}:" in p and words in p for p in problems), problems


def test_the_orders_probe_needs_the_real_clock(tmp_path):
    text = """\
title: Runaway with a pinned clock
tree: runaway_orders
briefing: Orders everywhere.
world:
  gateway: runaway_orders
  host: {now: 2026-01-27T15:00:00+00:00}
expected:
  outcome: call_ibkr
  path: [emergency_flatten, orders_stopped, kill_python, orders_after_kill, stop_gateway, call_ibkr]
"""
    problems = _problems(tmp_path, "pinned", text)
    assert any("pinned.yaml:6:" in p and "leave `now` unset" in p for p in problems), problems


def test_unreadable_files_are_problems_not_crashes(tmp_path):
    assert "empty" in _problems(tmp_path, "empty", "")[0]
    assert "must be a mapping" in _problems(tmp_path, "listy", "- a\n- b\n")[0]
    assert "YAML syntax error" in _problems(tmp_path, "bad", "title: [unclosed\n")[0]


def test_every_node_of_every_tree_is_reached_by_a_drill():
    report = coverage(TREES.trees.values(), DRILLS.drills.values())
    uncovered = sorted((tree.tree_id, node) for tree in report for node in tree.uncovered_nodes)
    assert not uncovered, "no drill's expected path passes through: " + ", ".join(f"{t}.{n}" for t, n in uncovered)
